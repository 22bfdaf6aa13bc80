// ProgressLine.cpp - the ticking stderr line of a long step, on terminals only.
#include "cli/ProgressLine.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>

namespace weft::cli {

ProgressLine::ProgressLine(std::string what, bool enabled) : what_(std::move(what)) {
  if (!enabled || !isatty(STDERR_FILENO)) return;
  ticker_ = std::thread([this] {
    const auto start = std::chrono::steady_clock::now();
    std::unique_lock<std::mutex> lock(mutex_);
    bool shown = false;
    // The first line after a second: quick steps never show one (nor erase anything).
    while (!wake_.wait_for(lock, std::chrono::seconds(1), [this] { return done_; })) {
      shown = true;
      const long seconds = long(std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - start).count());
      std::fprintf(stderr, "\r  %s... %ld s\033[K", what_.c_str(), seconds);
      std::fflush(stderr);
    }
    if (shown) {
      std::fprintf(stderr, "\r\033[K");
      std::fflush(stderr);
    }
  });
}

ProgressLine::~ProgressLine() {
  if (!ticker_.joinable()) return;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    done_ = true;
  }
  wake_.notify_one();
  ticker_.join();
}

}  // namespace weft::cli
