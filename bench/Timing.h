// Timing.h - times a callable (or two, alternately): warm-up runs first, then enough runs for a stable median; and a child's peak RSS.
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

// Two engines timed in turns, so that a change of machine load while they run falls on both.
struct PairTimes {
  RunTimes a, b;
  int rounds = 0, runs_per_round = 0;
};

// `warmup` runs of each, then `rounds` rounds of `runs_per_round` runs of one and then the other
// (a first in even rounds, b first in odd ones), where `runs_per_round` is as many as fit in
// about `round_budget_s` for the slower engine (at least 1, at most 50). Medians over every timed run.
template <typename A, typename B>
PairTimes time_alternately(A&& a, B&& b, int rounds = 15, double round_budget_s = 0.1, int warmup = 3) {
  using clock = std::chrono::steady_clock;
  auto once = [](auto& f) {
    const auto t0 = clock::now();
    f();
    return std::chrono::duration<double, std::milli>(clock::now() - t0).count();
  };
  double last_a = 0, last_b = 0;
  for (int i = 0; i < warmup; ++i) last_a = once(a);
  for (int i = 0; i < warmup; ++i) last_b = once(b);
  PairTimes out;
  out.rounds = rounds;
  out.runs_per_round = std::clamp(int(round_budget_s * 1e3 / std::max({last_a, last_b, 1e-3})), 1, 50);
  std::vector<double> ms_a, ms_b;
  for (int r = 0; r < rounds; ++r) {
    for (int turn = 0; turn < 2; ++turn) {
      const bool run_a = (turn == 0) == (r % 2 == 0);
      for (int k = 0; k < out.runs_per_round; ++k) (run_a ? ms_a : ms_b).push_back(run_a ? once(a) : once(b));
    }
  }
  auto summary = [](std::vector<double>& ms) {
    std::sort(ms.begin(), ms.end());
    return RunTimes{ms[ms.size() / 2], ms.front(), int(ms.size())};
  };
  out.a = summary(ms_a);
  out.b = summary(ms_b);
  return out;
}

// This process's peak resident memory in KiB: VmHWM of /proc/self/status. Not getrusage's
// ru_maxrss, which the kernel carries across exec from the spawning process's address space
// (posix_spawn's vfork shares the parent's), so a child would report at least its parent's peak.
long peak_rss_kib();

// Runs `argv` as a child process (posix_spawn, so it shares nothing of this address space)
// that prints its peak RSS in KiB as its last stdout line; returns it in MiB, or -1 if it failed.
double child_peak_rss_mib(const std::vector<std::string>& argv);

}  // namespace weft::bench
