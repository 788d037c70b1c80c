//===- Progress.cpp - Progress of long-running work -----------------------===//
//
// The process-wide reporter and the stream reporter the tools install.
//
//===----------------------------------------------------------------------===//

#include "compress/Support/Progress.h"

#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <atomic>

using namespace compress;

//===----------------------------------------------------------------------===//
// The installed reporter
//===----------------------------------------------------------------------===//

static std::atomic<ProgressReporter *> installedReporter{nullptr};

void compress::setProgressReporter(ProgressReporter *reporter) {
  installedReporter.store(reporter);
}

ProgressReporter *compress::getProgressReporter() {
  return installedReporter.load();
}

bool compress::enableStderrProgress(std::optional<bool> enable) {
  if (!enable.value_or(llvm::errs().is_displayed()))
    return false;
  // Never destroyed: passes on other threads may still report while the
  // program exits. Ten redraws a second look continuous.
  static auto *reporter = new StreamProgressReporter(
      llvm::errs(), /*barWidth=*/30, std::chrono::milliseconds(100));
  setProgressReporter(reporter);
  return true;
}

ProgressReporter::~ProgressReporter() = default;

//===----------------------------------------------------------------------===//
// StreamProgressReporter
//===----------------------------------------------------------------------===//

StreamProgressReporter::StreamProgressReporter(
    llvm::raw_ostream &os, unsigned barWidth,
    std::chrono::milliseconds minInterval)
    : os(os), barWidth(barWidth), minInterval(minInterval) {}

std::string StreamProgressReporter::render(llvm::StringRef label,
                                           int64_t done, int64_t total,
                                           unsigned barWidth) {
  std::string line;
  llvm::raw_string_ostream out(line);
  out << label << ": ";
  // A task of unknown or no length shows its count only.
  if (total <= 0) {
    out << done;
    return line;
  }
  int64_t clamped = std::clamp<int64_t>(done, 0, total);
  int64_t filled = clamped * barWidth / total;
  int64_t percent = clamped * 100 / total;
  out << "[" << std::string(filled, '#')
      << std::string(barWidth - filled, '.') << "] "
      << llvm::format("%3d%%", int(percent)) << " " << done << "/" << total;
  return line;
}

void StreamProgressReporter::update(llvm::StringRef label, int64_t done,
                                    int64_t total) {
  auto now = std::chrono::steady_clock::now();
  std::lock_guard<std::mutex> lock(mutex);
  bool firstOrLast = shown.empty() || done == 0 || done >= total;
  if (!firstOrLast && now - lastDrawn < minInterval)
    return;
  std::string line = render(label, done, total, barWidth);
  if (line == shown)
    return;
  lastDrawn = now;
  // Blanks clear what a longer line left behind.
  size_t padding = shown.size() > line.size() ? shown.size() - line.size() : 0;
  os << "\r" << line << std::string(padding, ' ');
  os.flush();
  shown = std::move(line);
}

void StreamProgressReporter::finish(llvm::StringRef label, int64_t done,
                                    int64_t total) {
  std::lock_guard<std::mutex> lock(mutex);
  if (shown.empty())
    return;
  os << "\n";
  os.flush();
  shown.clear();
}

//===----------------------------------------------------------------------===//
// Progress
//===----------------------------------------------------------------------===//

Progress::Progress(llvm::StringRef label, int64_t total)
    : label(label.str()), steps(total), reporter(getProgressReporter()) {
  if (reporter)
    reporter->update(this->label, 0, steps);
}

Progress::~Progress() { finish(); }

void Progress::advance(int64_t count) { update(completed + count); }

void Progress::update(int64_t done) {
  completed = done;
  if (reporter)
    reporter->update(label, completed, steps);
}

void Progress::finish() {
  if (!reporter)
    return;
  reporter->finish(label, completed, steps);
  reporter = nullptr;
}
