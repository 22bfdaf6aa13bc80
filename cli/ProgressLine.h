// ProgressLine.h - a live "what ... N s" line on a terminal while a long step runs (a big model's C++ compile), gone when it ends.
#pragma once

#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

namespace weft::cli {

// While it lives, rewrites one stderr line each second with `what` and the seconds so far, then
// erases it. Does nothing unless `enabled` and stderr is a terminal: CI logs and pipes get only
// the finished stage lines.
class ProgressLine {
 public:
  ProgressLine(std::string what, bool enabled);
  ~ProgressLine();
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;

 private:
  std::string what_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool done_ = false;
  std::thread ticker_;
};

}  // namespace weft::cli
