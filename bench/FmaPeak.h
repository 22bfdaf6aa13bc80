// FmaPeak.h - one core's measured f32 FMA peak at the build's vector width, for the GEMM and conv benchmarks.
#pragma once

#include <time.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>

#include "weft/rt/SimdF32.h"

namespace weft_bench {

// Seconds of CPU time this thread has used: timing by it leaves out the time other processes
// on a shared machine take from us (the FMA peak and the 1-thread figures use it).
inline double thread_cpu_s() {
  timespec t;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return double(t.tv_sec) + 1e-9 * double(t.tv_nsec);
}

// One core's FMA peak at this build's vector width: 12 independent accumulator chains (more
// than FMA latency x ports, so the loop is throughput-bound), held in named locals so that
// they stay in registers.
inline double fma_peak_gflops() {
  using namespace weft_rt::simd;
  const float one = 1.0f, tiny = 1e-7f;
  VF x = vbroadcast(&one), y = vbroadcast(&tiny);
  VF a0 = x, a1 = x, a2 = x, a3 = x, a4 = x, a5 = x, a6 = x, a7 = x, a8 = x, a9 = x, a10 = x, a11 = x;
  const int64_t iters = 10'000'000;
  double best = 0;
  for (int rep = 0; rep < 5; ++rep) {
    // Opaque values: the compiler cannot fold the chains or merge equal ones.
    asm volatile("" : "+v"(x), "+v"(y), "+v"(a0), "+v"(a1), "+v"(a2), "+v"(a3), "+v"(a4), "+v"(a5));
    asm volatile("" : "+v"(a6), "+v"(a7), "+v"(a8), "+v"(a9), "+v"(a10), "+v"(a11));
    const double t0 = thread_cpu_s();
    for (int64_t i = 0; i < iters; ++i) {
      a0 = vfma(a0, x, y), a1 = vfma(a1, x, y), a2 = vfma(a2, x, y), a3 = vfma(a3, x, y);
      a4 = vfma(a4, x, y), a5 = vfma(a5, x, y), a6 = vfma(a6, x, y), a7 = vfma(a7, x, y);
      a8 = vfma(a8, x, y), a9 = vfma(a9, x, y), a10 = vfma(a10, x, y), a11 = vfma(a11, x, y);
    }
    const double s = thread_cpu_s() - t0;
    best = std::max(best, 2.0 * 12 * kLanes * double(iters) / s / 1e9);
  }
  const float sink = vsum(vadd(vadd(vadd(a0, a1), vadd(a2, a3)), vadd(vadd(vadd(a4, a5), vadd(a6, a7)), vadd(vadd(a8, a9), vadd(a10, a11)))));
  if (sink == 42.0f) std::printf(" ");  // the sums are used
  return best;
}

}  // namespace weft_bench
