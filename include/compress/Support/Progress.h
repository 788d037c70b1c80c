//===- Progress.h - Progress of long-running work -----------------*- C++ -*-===//
//
// Calibration, sensitivity estimation and other passes that run a model on
// many samples take seconds to minutes. They report how far they are
// through a `Progress` object and never write to a stream themselves: where
// the progress goes is the tool's choice. compress-opt and compress-run
// install a reporter that draws a bar on stderr when it is a terminal; by
// default (in tests, in pipes, in programs that embed the passes) no
// reporter is installed and a step costs a null check.
//
//===----------------------------------------------------------------------===//

#ifndef COMPRESS_SUPPORT_PROGRESS_H
#define COMPRESS_SUPPORT_PROGRESS_H

#include "llvm/ADT/StringRef.h"

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>

namespace llvm {
class raw_ostream;
} // namespace llvm

namespace compress {

/// Receives the progress of every task of the process: what the user sees.
class ProgressReporter {
public:
  virtual ~ProgressReporter();
  /// `done` of `total` steps of the task `label` are complete; called when
  /// a task starts (with done = 0) and after each step.
  virtual void update(llvm::StringRef label, int64_t done, int64_t total) = 0;
  /// The task `label` ended, complete or not; nothing more is reported
  /// about it.
  virtual void finish(llvm::StringRef label, int64_t done, int64_t total) = 0;
};

/// Draws one `\r`-updated line per task on a stream,
/// `label: [#######.............]  35% 7/20`, and ends it with a newline
/// when the task ends, so that what is printed next starts on its own
/// line. A line is redrawn when its text changes, but at most once per
/// `minInterval` except for a task's first and last step, so that a loop
/// of quick steps does not spend its time drawing. Thread-safe.
class StreamProgressReporter : public ProgressReporter {
public:
  /// Draws on `os`, which must outlive the reporter, with a bar `barWidth`
  /// characters wide.
  explicit StreamProgressReporter(
      llvm::raw_ostream &os, unsigned barWidth = 30,
      std::chrono::milliseconds minInterval = std::chrono::milliseconds(0));

  void update(llvm::StringRef label, int64_t done, int64_t total) override;
  void finish(llvm::StringRef label, int64_t done, int64_t total) override;

  /// The line drawn for `done` of `total` steps of `label`, without `\r`.
  static std::string render(llvm::StringRef label, int64_t done,
                            int64_t total, unsigned barWidth);

private:
  llvm::raw_ostream &os;
  unsigned barWidth;
  std::chrono::milliseconds minInterval;
  std::mutex mutex;
  /// The line on screen, empty when the cursor is at a line start.
  std::string shown;
  std::chrono::steady_clock::time_point lastDrawn;
};

/// Installs `reporter` for every Progress created afterwards, or removes
/// the reporter for nullptr. The reporter is not owned and must stay alive
/// until it is replaced; Progress objects keep reporting to the one they
/// were created with.
void setProgressReporter(ProgressReporter *reporter);

/// The installed reporter, or nullptr.
ProgressReporter *getProgressReporter();

/// The tools' policy: installs a reporter drawing on stderr when `enable`
/// says so, or, when it is std::nullopt, when stderr is a terminal.
/// Returns whether one was installed.
bool enableStderrProgress(std::optional<bool> enable);

/// A task of `total` steps that reports to the installed reporter, if any.
/// Ends the task when destroyed; `finish()` ends it earlier, e.g. before
/// emitting a diagnostic that must not share the progress line.
class Progress {
public:
  Progress(llvm::StringRef label, int64_t total);
  ~Progress();
  Progress(const Progress &) = delete;
  Progress &operator=(const Progress &) = delete;

  /// Marks `steps` more steps complete.
  void advance(int64_t steps = 1);
  /// Marks the first `done` steps complete.
  void update(int64_t done);
  /// Ends the task; later calls report nothing.
  void finish();

  int64_t done() const { return completed; }
  int64_t total() const { return steps; }

private:
  std::string label;
  int64_t steps;
  int64_t completed = 0;
  /// Null when nobody listens or after finish().
  ProgressReporter *reporter;
};

} // namespace compress

#endif // COMPRESS_SUPPORT_PROGRESS_H
