// Timing.h - times a callable: warm-up runs first, then enough runs for a stable median; and a child's peak RSS.
#pragma once

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

namespace weft::bench {

struct RunTimes {
  double median_ms = 0, min_ms = 0;
  int runs = 0;
};

// 3 warm-up runs (first-touch of weights, the pool filling), then at least `min_runs` and
// until about `budget_s` seconds have passed, at most 2000 runs.
template <typename F>
RunTimes time_runs(F&& f, int min_runs = 10, double budget_s = 0.5) {
  using clock = std::chrono::steady_clock;
  for (int i = 0; i < 3; ++i) f();
  std::vector<double> ms;
  const auto start = clock::now();
  while (ms.size() < 2000 &&
         (int(ms.size()) < min_runs || std::chrono::duration<double>(clock::now() - start).count() < budget_s)) {
    const auto t0 = clock::now();
    f();
    ms.push_back(std::chrono::duration<double, std::milli>(clock::now() - t0).count());
  }
  std::sort(ms.begin(), ms.end());
  return {ms[ms.size() / 2], ms.front(), int(ms.size())};
}

// This process's peak resident memory in KiB: VmHWM of /proc/self/status. Not getrusage's
// ru_maxrss, which the kernel carries across exec from the spawning process's address space
// (posix_spawn's vfork shares the parent's), so a child would report at least its parent's peak.
long peak_rss_kib();

// Runs `argv` as a child process (posix_spawn, so it shares nothing of this address space)
// that prints its peak RSS in KiB as its last stdout line; returns it in MiB, or -1 if it failed.
double child_peak_rss_mib(const std::vector<std::string>& argv);

}  // namespace weft::bench
