// gemm_bench.cpp - weft's GEMM in GFLOP/s against this machine's FMA peak, measured in the same run.
//
// Built with -O3 and the ISA flags of the build (like generated libraries, which use
// -march=<cpu>); `make bench` builds it once for the machine's best ISA level and once for
// the level below (AVX2 on an AVX-512 machine) and runs both. Usage: gemm_bench [threads...]
// (default: 1 2). Figures are as quiet as the machine is.
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "bench/FmaPeak.h"
#include "weft/rt/Gemm.h"

namespace {

using weft_bench::fma_peak_gflops;

struct Shape {
  const char* what;
  int64_t m, n, k;
  bool b_transposed;  // B given as [n, k] (x W^T, Linear)
};

double process_cpu_s() {
  timespec t;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return double(t.tv_sec) + 1e-9 * double(t.tv_nsec);
}

// Prints the shape's GFLOP/s by wall clock (median and best of the runs) and by CPU time per
// core (best run: work / CPU seconds of all threads), which leaves out time other processes
// took on a loaded machine. Percentages are of `threads` x the measured 1-core peak for the
// wall figures and of the 1-core peak for the per-core figure.
void bench(const Shape& s, int threads, double peak) {
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> u(-1, 1);
  std::vector<float> a(size_t(s.m * s.k)), b(size_t(s.k * s.n)), c(size_t(s.m * s.n));
  for (auto& v : a) v = u(rng);
  for (auto& v : b) v = u(rng);
  weft_rt::ThreadPool pool(threads);
  weft_rt::PoolScope scope(threads > 1 ? &pool : nullptr);
  const int64_t b_rs = s.b_transposed ? 1 : s.n, b_cs = s.b_transposed ? s.k : 1;
  auto once = [&] { weft_rt::gemm_blocked<float>(s.m, s.n, s.k, a.data(), s.k, 1, b.data(), b_rs, b_cs, c.data(), s.n, false); };
  for (int i = 0; i < 3; ++i) once();
  std::vector<double> wall;
  double best_cpu = 1e30;
  const auto start = std::chrono::steady_clock::now();
  while (wall.size() < 10 || (wall.size() < 2000 && std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() < 0.4)) {
    const double c0 = process_cpu_s();
    const auto t0 = std::chrono::steady_clock::now();
    once();
    wall.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    best_cpu = std::min(best_cpu, process_cpu_s() - c0);
  }
  std::sort(wall.begin(), wall.end());
  const double flops = 2.0 * double(s.m) * double(s.n) * double(s.k);
  const double med = flops / wall[wall.size() / 2] / 1e9, best = flops / wall[0] / 1e9, cpu = flops / best_cpu / 1e9;
  std::printf("  %-16s %5lld x %5lld x %5lld %s  wall median %6.1f best %6.1f GFLOP/s (%5.1f%% of %dx peak)  per core %6.1f (%5.1f%%)\n",
              s.what, (long long)s.m, (long long)s.n, (long long)s.k, s.b_transposed ? "B^T" : "B  ", med, best,
              100 * best / (peak * threads), threads, cpu, 100 * cpu / peak);
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<int> threads;
  for (int i = 1; i < argc; ++i) threads.push_back(std::atoi(argv[i]));
  if (threads.empty()) threads = {1, 2};
  const double peak = fma_peak_gflops();
  std::printf("weft gemm (f32, %s microkernel %lldx%lld): measured 1-core FMA peak %.1f GFLOP/s\n",
              weft_rt::simd::kIsa, (long long)weft_rt::GemmTile<float>::MR, (long long)weft_rt::GemmTile<float>::NR, peak);
  const Shape shapes[] = {
      {"square", 64, 64, 64, false},        {"square", 128, 128, 128, false},   {"square", 256, 256, 256, false},
      {"square", 512, 512, 512, false},     {"square", 1024, 1024, 1024, false},
      {"gemv (m=1)", 1, 512, 512, true},    {"gemv (m=1)", 1, 2048, 2048, true}, {"gemv (m=1)", 1, 1024, 1024, false},
      {"m=8 Linear", 8, 512, 512, true},    {"m=8 Linear", 8, 2048, 2048, true}, {"m=8", 8, 1024, 1024, false},
      {"first conv k=27", 64, 12544, 27, false}, {"1x1 conv", 64, 3136, 64, false},
  };
  for (int t : threads) {
    std::printf("%d thread%s:\n", t, t == 1 ? "" : "s");
    for (const Shape& s : shapes) bench(s, t, peak);
  }
  return 0;
}
