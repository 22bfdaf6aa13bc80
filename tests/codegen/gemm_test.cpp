// gemm_test.cpp - the runtime's GEMM and thread pool against a double-precision loop, at 1 and 2 threads.
//
// Built once per ISA level (tests/codegen/CMakeLists.txt: the machine's own -march=native,
// AVX2+FMA, AVX-512, portable); WEFT_GEMM_EXPECT_ISA names the microkernel the build must
// have picked, so a build that silently fell back to another level fails.
#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "weft/rt/Gemm.h"

namespace {

using weft_rt::PoolScope;
using weft_rt::ThreadPool;

// Whether this CPU runs the instructions this build was compiled for.
bool cpu_runs_this_build() {
  const std::string isa = WEFT_GEMM_EXPECT_ISA;
  if (isa == "avx512") return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq");
  if (isa == "avx2") return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  return true;
}

#define REQUIRE_CPU()                                                                              \
  if (!cpu_runs_this_build()) GTEST_SKIP() << "this CPU lacks " WEFT_GEMM_EXPECT_ISA ": not run"

TEST(Gemm, BuildPicksTheExpectedMicrokernel) {
  EXPECT_STREQ(weft_rt::simd::kIsa, WEFT_GEMM_EXPECT_ISA);
}

struct Case {
  int64_t m, n, k;
  bool ta, tb, accumulate;
};

std::string name(const Case& c, int threads) {
  return std::to_string(c.m) + "x" + std::to_string(c.n) + "x" + std::to_string(c.k) + (c.ta ? " A^T" : "") +
         (c.tb ? " B^T" : "") + (c.accumulate ? " +=" : "") + " threads=" + std::to_string(threads);
}

// C (+)= op(A) op(B) by gemm_blocked (or, with `implicit_b`, by gemm_blocked_with and a packer
// that reads B through a callback, as conv's im2col does) against a double loop. Tolerance:
// |got - want| <= 1e-5 * k * (sum over p of |a_ip * b_pj| + |c_ij|): f32 rounding grows at
// most linearly in k, relative to the magnitudes summed, whatever order the kernel adds in.
// With `prepacked_a`, A is handed over already packed whole (gemm_pack_a_all, as conv does
// with a constant filter) and the kernel must read it instead of packing its own; with
// `prepacked_b`, likewise B (gemm_pack_b_all, as matmul does with a constant weight).
template <typename T>
void check(const Case& c, int threads, bool implicit_b = false, bool prepacked_a = false, bool prepacked_b = false) {
  std::mt19937 rng(uint32_t(c.m * 7919 + c.n * 104729 + c.k * 31 + threads));
  std::uniform_int_distribution<int> small(-4, 4);
  std::uniform_real_distribution<float> u(-1, 1);
  auto draw = [&] { return std::is_floating_point_v<T> ? T(u(rng)) : T(small(rng)); };
  std::vector<T> a(size_t(c.m * c.k)), b(size_t(c.k * c.n)), out(size_t(c.m * c.n));
  for (auto& v : a) v = draw();
  for (auto& v : b) v = draw();
  for (auto& v : out) v = draw();
  const std::vector<T> before = out;
  // A is [m, k] row-major, or [k, m] when ta; B is [k, n], or [n, k] when tb.
  const int64_t a_rs = c.ta ? 1 : c.k, a_cs = c.ta ? c.m : 1, b_rs = c.tb ? 1 : c.n, b_cs = c.tb ? c.k : 1;
  using Acc = weft_rt::gemm_acc_t<T>;
  std::vector<Acc> a_panels;
  weft_rt::GemmPackedA<Acc> packed;
  if (prepacked_a) {
    a_panels.assign(size_t(weft_rt::gemm_packed_a_size<Acc>(c.m, c.k)), Acc(12345));  // garbage where nothing is packed
    weft_rt::gemm_pack_a_all(a.data(), a_rs, a_cs, c.m, c.k, a_panels.data());
    packed = {a_panels.data(), (c.m + weft_rt::GemmTile<Acc>::MR - 1) / weft_rt::GemmTile<Acc>::MR * weft_rt::GemmTile<Acc>::MR, 0};
  }
  std::vector<Acc> b_panels;
  weft_rt::GemmPackedB<Acc> packed_b;
  if (prepacked_b) {
    b_panels.assign(size_t(weft_rt::gemm_packed_b_size<Acc>(c.k, c.n)), Acc(12345));
    weft_rt::gemm_pack_b_all(b.data(), b_rs, b_cs, c.k, c.n, b_panels.data());
    packed_b = {b_panels.data(), (c.n + weft_rt::GemmTile<Acc>::NR - 1) / weft_rt::GemmTile<Acc>::NR * weft_rt::GemmTile<Acc>::NR};
  }
  ThreadPool pool(threads);
  {
    PoolScope scope(threads > 1 ? &pool : nullptr);
    if (implicit_b)
      weft_rt::gemm_blocked_with<T>(c.m, c.n, c.k, a.data(), a_rs, a_cs, [&](int64_t k0, int64_t j0, int64_t kc, int64_t nc, Acc* o) {
        weft_rt::gemm_pack_b(b.data() + k0 * b_rs + j0 * b_cs, b_rs, b_cs, kc, nc, o);
      }, out.data(), c.n, c.accumulate, packed);
    else
      weft_rt::gemm_blocked<T>(c.m, c.n, c.k, a.data(), a_rs, a_cs, b.data(), b_rs, b_cs, out.data(), c.n, c.accumulate, packed,
                               packed_b);
  }
  int bad = 0;
  for (int64_t i = 0; i < c.m; ++i)
    for (int64_t j = 0; j < c.n; ++j) {
      double want = c.accumulate ? double(before[size_t(i * c.n + j)]) : 0.0, mag = std::abs(want);
      for (int64_t p = 0; p < c.k; ++p) {
        const double x = double(a[size_t(i * a_rs + p * a_cs)]) * double(b[size_t(p * b_rs + j * b_cs)]);
        want += x;
        mag += std::abs(x);
      }
      if constexpr (!std::is_floating_point_v<T>) {  // integers wrap: exact, modulo 2^bits, as the interpreter's
        uint64_t w = c.accumulate ? uint64_t(before[size_t(i * c.n + j)]) : 0;
        for (int64_t p = 0; p < c.k; ++p) w += uint64_t(a[size_t(i * a_rs + p * a_cs)]) * uint64_t(b[size_t(p * b_rs + j * b_cs)]);
        want = double(T(w));
      }
      const double got = double(out[size_t(i * c.n + j)]);
      const double tol = std::is_floating_point_v<T> ? 1e-5 * double(std::max<int64_t>(c.k, 1)) * mag + 1e-30 : 0.0;
      if (!(std::abs(got - want) <= tol) && ++bad <= 3)
        ADD_FAILURE() << name(c, threads) << ": C[" << i << ", " << j << "] = " << got << ", want " << want << " (tol " << tol << ")";
    }
  EXPECT_EQ(bad, 0) << name(c, threads);
}

// Every combination of edge sizes (around and across the tile sizes of every ISA: MR 4/6/8,
// NR 8/16/48, KC 256) with transposes and accumulation, at 1 and 2 threads.
std::vector<Case> edge_cases() {
  std::vector<Case> cases;
  const int64_t sizes[] = {1, 5, 17, 63, 100, 513};
  for (int64_t m : sizes)
    for (int64_t n : sizes)
      for (int64_t k : sizes) {
        if (m * n * k > 40'000'000) continue;  // 513^3: covered below by a few layouts only
        const int v = int(m + 3 * n + 7 * k);
        cases.push_back({m, n, k, bool(v & 1), bool(v & 2), bool(v & 4)});
      }
  const bool tf[] = {false, true};
  for (bool ta : tf)
    for (bool tb : tf)
      for (bool acc : tf) cases.push_back({100, 63, 513, ta, tb, acc});
  cases.push_back({513, 513, 513, false, false, false});
  cases.push_back({513, 513, 513, true, true, true});
  // The small-m paths: m = 1..8 against both layouts of B, k not a multiple of the vector.
  for (int64_t m : {1, 2, 3, 7, 8, 9, 12, 13})
    for (bool tb : tf)
      for (bool acc : tf) cases.push_back({m, 1031, 517, false, tb, acc});
  return cases;
}

TEST(Gemm, F32MatchesADoubleLoopAtOneAndTwoThreads) {
  REQUIRE_CPU();
  for (const Case& c : edge_cases())
    for (int threads : {1, 2}) check<float>(c, threads);
}

TEST(Gemm, F32ThroughAPackerCallbackMatches) {
  REQUIRE_CPU();
  for (const Case& c : {Case{63, 1000, 27, false, false, false}, Case{100, 513, 300, true, false, true}, Case{5, 17, 513, false, true, false}})
    for (int threads : {1, 2}) check<float>(c, threads, true);
}

// A packed once, whole, and read by the kernel: sizes across MR, MC, KC and NC blocks (so
// several k blocks and, at 2 threads, row-split blocks that start past row 0), both layouts
// of A, explicit and implicit B.
TEST(Gemm, F32WithAPrepackedAMatches) {
  REQUIRE_CPU();
  for (const Case& c : {Case{64, 3136, 64, false, false, false}, Case{100, 513, 300, true, false, true}, Case{17, 63, 513, false, true, false},
                        Case{513, 100, 1100, false, false, false}, Case{9, 3100, 27, false, false, true}, Case{600, 7, 1200, false, false, false}})
    for (int threads : {1, 2})
      for (bool implicit_b : {false, true}) check<float>(c, threads, implicit_b, true);
}

// B packed once, whole (a constant MatMul weight): sizes across NR, KC and NC blocks, both
// layouts of B, with A packed per call or prepacked too, and at 2 threads column blocks that
// start past column 0 or row blocks that each read all of B.
TEST(Gemm, F32WithAPrepackedBMatches) {
  REQUIRE_CPU();
  for (const Case& c : {Case{64, 768, 256, false, false, false}, Case{100, 513, 300, false, true, true}, Case{17, 63, 513, true, true, false},
                        Case{513, 100, 1100, false, false, false}, Case{9, 3100, 27, false, true, true}, Case{600, 7, 1200, false, false, false},
                        Case{3, 1031, 517, false, false, false}})
    for (int threads : {1, 2})
      for (bool prepacked_a : {false, true}) check<float>(c, threads, false, prepacked_a, true);
}

TEST(Gemm, ZeroDepthStoresZerosOrLeavesCAlone) {
  REQUIRE_CPU();
  for (bool acc : {false, true}) check<float>({7, 9, 0, false, false, acc}, 1);
}

TEST(Gemm, OtherTypesUseThePortableKernel) {
  REQUIRE_CPU();
  for (const Case& c : {Case{17, 63, 100, false, true, false}, Case{100, 17, 300, true, false, true}, Case{1, 40, 9, false, false, false}})
    for (int threads : {1, 2}) {
      check<double>(c, threads);
      check<int32_t>(c, threads);
      check<uint8_t>(c, threads);
    }
}

TEST(ThreadPool, ParallelForCoversTheRangeOnce) {
  REQUIRE_CPU();
  ThreadPool pool(3);
  PoolScope scope(&pool);
  std::vector<std::atomic<int>> hits(1000);
  weft_rt::parallel_for(1000, 10, [&](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; ++i) hits[size_t(i)]++;
  });
  for (auto& h : hits) EXPECT_EQ(h.load(), 1);
}

TEST(ThreadPool, RunsInlineWithoutAPoolOrForASmallRange) {
  REQUIRE_CPU();
  const auto me = std::this_thread::get_id();
  int calls = 0;
  weft_rt::parallel_for(100, 1, [&](int64_t b, int64_t e) {
    ++calls;
    EXPECT_EQ(std::this_thread::get_id(), me);
    EXPECT_EQ(b, 0);
    EXPECT_EQ(e, 100);
  });
  ThreadPool pool(4);
  PoolScope scope(&pool);
  weft_rt::parallel_for(5, 10, [&](int64_t b, int64_t e) {
    ++calls;
    EXPECT_EQ(std::this_thread::get_id(), me);
    EXPECT_EQ(e - b, 5);
  });
  EXPECT_EQ(calls, 2);
}

TEST(ThreadPool, NestedParallelForRunsInline) {
  REQUIRE_CPU();
  ThreadPool pool(2);
  PoolScope scope(&pool);
  std::atomic<int64_t> sum{0};
  weft_rt::parallel_for(4, 1, [&](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; ++i)
      weft_rt::parallel_for(10, 1, [&](int64_t b2, int64_t e2) { sum += (e2 - b2) * (i + 1); });
  });
  EXPECT_EQ(sum.load(), 10 * (1 + 2 + 3 + 4));
}

TEST(ThreadPool, AnExceptionInAChunkReachesTheCaller) {
  REQUIRE_CPU();
  ThreadPool pool(2);
  PoolScope scope(&pool);
  EXPECT_THROW(weft_rt::parallel_for(2, 1, [&](int64_t b, int64_t) {
                 if (b == 1) throw std::runtime_error("chunk 1");
               }),
               std::runtime_error);
  int calls = 0;  // the pool still works afterwards
  weft_rt::parallel_for(2, 1, [&](int64_t, int64_t) { ++calls; });
  EXPECT_GE(calls, 1);
}

// Concurrent runs on one handle share its pool: whoever finds it busy runs serially, and all
// get the right answer.
TEST(ThreadPool, ConcurrentCallersOnOnePoolAllGetTheRightProduct) {
  REQUIRE_CPU();
  ThreadPool pool(2);
  const int64_t m = 64, n = 300, k = 200;
  std::vector<float> a(size_t(m * k), 0.5f), b(size_t(k * n), 0.25f);
  std::vector<std::thread> callers;
  std::vector<int> wrong(4, 0);
  for (int t = 0; t < 4; ++t)
    callers.emplace_back([&, t] {
      PoolScope scope(&pool);
      std::vector<float> c(size_t(m * n));
      for (int rep = 0; rep < 20; ++rep) {
        weft_rt::gemm_blocked<float>(m, n, k, a.data(), k, 1, b.data(), n, 1, c.data(), n, false);
        for (float v : c) wrong[size_t(t)] += v != 0.125f * float(k);
      }
    });
  for (auto& c : callers) c.join();
  for (int w : wrong) EXPECT_EQ(w, 0);
}

}  // namespace
