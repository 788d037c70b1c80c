//===- ProgressTest.cpp - Tests of progress reporting ---------------------===//

#include "compress/Support/Progress.h"

#include "llvm/Support/raw_ostream.h"

#include "gtest/gtest.h"

using namespace compress;

namespace {

/// Installs a reporter for the duration of a test and removes it after.
class ScopedReporter {
public:
  explicit ScopedReporter(ProgressReporter &reporter) {
    setProgressReporter(&reporter);
  }
  ~ScopedReporter() { setProgressReporter(nullptr); }
};

TEST(ProgressTest, RenderBar) {
  EXPECT_EQ(StreamProgressReporter::render("calibrating", 0, 20, 10),
            "calibrating: [..........]   0% 0/20");
  EXPECT_EQ(StreamProgressReporter::render("calibrating", 7, 20, 10),
            "calibrating: [###.......]  35% 7/20");
  EXPECT_EQ(StreamProgressReporter::render("calibrating", 20, 20, 10),
            "calibrating: [##########] 100% 20/20");
  // Counts past the total do not overflow the bar.
  EXPECT_EQ(StreamProgressReporter::render("x", 3, 2, 4),
            "x: [####] 100% 3/2");
  // Without a total there is no bar.
  EXPECT_EQ(StreamProgressReporter::render("x", 5, 0, 4), "x: 5");
}

TEST(ProgressTest, SilentByDefault) {
  ASSERT_EQ(getProgressReporter(), nullptr);
  Progress progress("nobody listens", 3);
  progress.advance();
  progress.update(3);
  EXPECT_EQ(progress.done(), 3);
  EXPECT_EQ(progress.total(), 3);
}

TEST(ProgressTest, DrawsAndEndsTheLine) {
  std::string text;
  llvm::raw_string_ostream os(text);
  StreamProgressReporter reporter(os, /*barWidth=*/4);
  ScopedReporter scope(reporter);
  {
    Progress progress("work", 4);
    for (int i = 0; i < 4; ++i)
      progress.advance();
  }
  EXPECT_EQ(text, "\rwork: [....]   0% 0/4"
                  "\rwork: [#...]  25% 1/4"
                  "\rwork: [##..]  50% 2/4"
                  "\rwork: [###.]  75% 3/4"
                  "\rwork: [####] 100% 4/4\n");
}

TEST(ProgressTest, FinishEndsTheLineOnce) {
  std::string text;
  llvm::raw_string_ostream os(text);
  StreamProgressReporter reporter(os, /*barWidth=*/2);
  ScopedReporter scope(reporter);
  Progress progress("failing", 10);
  progress.advance(5);
  progress.finish();
  // Nothing after finish(), and the destructor adds no second newline.
  progress.advance();
  EXPECT_EQ(text, "\rfailing: [..]   0% 0/10"
                  "\rfailing: [#.]  50% 5/10\n");
}

TEST(ProgressTest, RedrawsOnlyOnChange) {
  std::string text;
  llvm::raw_string_ostream os(text);
  StreamProgressReporter reporter(os, /*barWidth=*/2);
  reporter.update("a", 1, 2);
  reporter.update("a", 1, 2);
  // A shorter line blanks what the longer one left.
  reporter.update("b", 1, 2);
  reporter.finish("b", 1, 2);
  reporter.finish("b", 1, 2);
  EXPECT_EQ(text, "\ra: [#.]  50% 1/2"
                  "\rb: [#.]  50% 1/2\n");
  text.clear();
  reporter.update("long label", 0, 1);
  reporter.update("s", 0, 1);
  EXPECT_EQ(text, "\rlong label: [..]   0% 0/1"
                  "\rs: [..]   0% 0/1         ");
}

TEST(ProgressTest, QuickStepsDrawFirstAndLast) {
  std::string text;
  llvm::raw_string_ostream os(text);
  StreamProgressReporter reporter(os, /*barWidth=*/2, std::chrono::hours(1));
  ScopedReporter scope(reporter);
  {
    Progress progress("quick", 100);
    for (int i = 0; i < 100; ++i)
      progress.advance();
  }
  EXPECT_EQ(text, "\rquick: [..]   0% 0/100"
                  "\rquick: [##] 100% 100/100\n");
}

TEST(ProgressTest, ReporterChosenAtCreation) {
  std::string text;
  llvm::raw_string_ostream os(text);
  StreamProgressReporter reporter(os, /*barWidth=*/2);
  Progress before("before", 1);
  {
    ScopedReporter scope(reporter);
    Progress during("during", 1);
    before.advance();
    during.advance();
  }
  EXPECT_EQ(text, "\rduring: [..]   0% 0/1"
                  "\rduring: [##] 100% 1/1\n");
}

TEST(ProgressTest, EnableStderrProgressWhenAsked) {
  EXPECT_FALSE(enableStderrProgress(false));
  EXPECT_EQ(getProgressReporter(), nullptr);
  EXPECT_TRUE(enableStderrProgress(true));
  EXPECT_NE(getProgressReporter(), nullptr);
  setProgressReporter(nullptr);
}

} // namespace
