// vec_math_test.cpp - VecMath.h's f32 exp/sigmoid/tanh, the f32 softmax row and the batch-folded matmul against double loops.
//
// Built at -O3 -march=native like generated libraries (tests/codegen/CMakeLists.txt), so the
// vectorized forms of these loops are the ones tested.
#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

#include "weft/rt/Matmul.h"
#include "weft/rt/Reduce.h"
#include "weft/rt/VecMath.h"

namespace {

using weft_rt::Tensor;
namespace vm = weft_rt::vecmath;

constexpr double kEps = std::numeric_limits<float>::epsilon();

// Every 4099th f32 in [lo, hi] by bit pattern (about 5 10^5 values over the ranges below, dense
// near 0 as floats are), for the in-place array forms so that the vectorized loop is tested.
std::vector<float> sample(float lo, float hi) {
  std::vector<float> xs;
  const float top = std::max(std::fabs(lo), std::fabs(hi));
  for (uint32_t bits = 0; std::bit_cast<float>(bits) <= top; bits += 4099)
    for (float x : {std::bit_cast<float>(bits), -std::bit_cast<float>(bits)})
      if (x >= lo && x <= hi) xs.push_back(x);
  return xs;
}

// Relative error bound: 4 f32 ulp of the double-precision libm value (Cephes' polynomials are
// within about 1 ulp; the rest is the f32 arithmetic around them).
TEST(VecMath, ExpMatchesLibmWithinFourUlp) {
  for (float x : sample(-87.0f, 88.0f)) {
    const double want = std::exp(double(x));
    ASSERT_LE(std::fabs(vm::exp_f32(x) - want), 4 * kEps * want) << "exp(" << x << ")";
  }
}

TEST(VecMath, SigmoidAndTanhMatchLibmWithinFourUlp) {
  std::vector<float> xs = sample(-60.0f, 60.0f), sig = xs, th = xs;
  for (float t : {0.0f, 1e-30f, -1e-30f, 0.625f, -0.625f, 1e-4f}) xs.push_back(t), sig.push_back(t), th.push_back(t);
  vm::sigmoid_inplace(sig.data(), int64_t(sig.size()));
  vm::tanh_inplace(th.data(), int64_t(th.size()));
  for (size_t i = 0; i < xs.size(); ++i) {
    const double x = xs[i], s = 1.0 / (1.0 + std::exp(-x)), t = std::tanh(x);
    ASSERT_LE(std::fabs(sig[i] - s), 4 * kEps * s + 1e-37) << "sigmoid(" << x << ")";
    ASSERT_LE(std::fabs(th[i] - t), 4 * kEps * std::fabs(t)) << "tanh(" << x << ")";
  }
}

TEST(VecMath, LimitsAndNaN) {
  EXPECT_EQ(vm::tanh_f32(std::numeric_limits<float>::infinity()), 1.0f);
  EXPECT_EQ(vm::tanh_f32(-std::numeric_limits<float>::infinity()), -1.0f);
  EXPECT_LE(vm::sigmoid_f32(-1000.0f), 1e-38f);  // exp's clamp: 6e-39, not 0
  EXPECT_EQ(vm::sigmoid_f32(1000.0f), 1.0f);
  EXPECT_LE(vm::exp_f32(-1000.0f), 2e-38f);
  EXPECT_TRUE(std::isnan(vm::exp_f32(NAN)));
  EXPECT_TRUE(std::isnan(vm::sigmoid_f32(NAN)));
  EXPECT_TRUE(std::isnan(vm::tanh_f32(NAN)));
}

// softmax and log_softmax along the last axis (the f32 row path) and a middle one (the
// double path) against a double loop; rows long and short, around the 16-lane blocks.
// Tolerance: 8 f32 ulp of the result, widened by the f32 rounding of x - max (below).
TEST(SoftmaxF32, RowsMatchDoubleLoop) {
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> u(-30, 30);
  for (int64_t n : {1, 5, 16, 17, 64, 1000}) {
    for (bool log : {false, true}) {
      for (int axis : {1, 0}) {
        const int64_t rows = 3;
        Tensor x = axis == 1 ? Tensor::empty<float>({rows, n}) : Tensor::empty<float>({n, rows});
        for (int64_t i = 0; i < x.size(); ++i) x.data<float>()[i] = u(rng);
        const Tensor got = log ? weft_rt::log_softmax<float>(x, axis) : weft_rt::softmax<float>(x, axis);
        for (int64_t r = 0; r < rows; ++r) {
          auto at = [&](int64_t j) { return axis == 1 ? r * n + j : j * rows + r; };
          double m = -1e300, s = 0;
          for (int64_t j = 0; j < n; ++j) m = std::max(m, double(x.data<float>()[at(j)]));
          for (int64_t j = 0; j < n; ++j) s += std::exp(double(x.data<float>()[at(j)]) - m);
          for (int64_t j = 0; j < n; ++j) {
            const double d = double(x.data<float>()[at(j)]) - m;
            const double want = log ? d - std::log(s) : std::exp(d) / s;
            // x - max rounds in f32 first: relative error |d| eps in e^d, absolute |d| eps in log;
            // the log of the f32 sum (>= 1) is off by about eps absolute.
            const double tol = log ? 8 * kEps * (1 + std::fabs(want) + std::fabs(d)) : 8 * kEps * (1 + std::fabs(d)) * want;
            ASSERT_LE(std::fabs(got.data<float>()[at(j)] - want), tol + 1e-37)
                << "n=" << n << " log=" << log << " axis=" << axis << " row " << r << " j=" << j;
          }
        }
      }
    }
  }
}

TEST(SoftmaxF32, NaNPoisonsItsRowOnly) {
  Tensor x = Tensor::empty<float>({2, 20});
  for (int64_t i = 0; i < 40; ++i) x.data<float>()[i] = float(i % 7);
  x.data<float>()[3] = NAN;
  const Tensor y = weft_rt::softmax<float>(x, 1);
  for (int64_t j = 0; j < 20; ++j) EXPECT_TRUE(std::isnan(y.data<float>()[j]));
  for (int64_t j = 20; j < 40; ++j) EXPECT_FALSE(std::isnan(y.data<float>()[j]));
}

// matmul of a batched a [B1, B2, m, k] by an unbatched or all-ones-batched b (one GEMM over the
// folded batch) and by a batched b (one GEMM per entry) against a double loop. Tolerance as
// gemm_test's: 1e-5 * k * sum |a b| per element.
TEST(MatmulBatchFold, MatchesDoubleLoop) {
  std::mt19937 rng(11);
  std::uniform_real_distribution<float> u(-1, 1);
  struct Case {
    weft_rt::Shape a, b;
  };
  for (const Case& c : {Case{{64, 1, 256}, {256, 96}}, Case{{2, 3, 5, 7}, {1, 1, 7, 9}}, Case{{4, 3, 8}, {1, 8, 5}},
                        Case{{3, 2, 4}, {3, 4, 6}}, Case{{5, 1, 6}, {6}}}) {
    Tensor a = Tensor::empty<float>(c.a), b = Tensor::empty<float>(c.b);
    for (int64_t i = 0; i < a.size(); ++i) a.data<float>()[i] = u(rng);
    for (int64_t i = 0; i < b.size(); ++i) b.data<float>()[i] = u(rng);
    const Tensor got = weft_rt::matmul<float>(a, b);
    const bool bvec = c.b.size() == 1;
    const int64_t k = c.a.back(), m = c.a[c.a.size() - 2], n = bvec ? 1 : c.b.back();
    const int64_t batch = a.size() / (m * k), bmats = b.size() / (k * n);
    ASSERT_EQ(got.size(), batch * m * n);
    for (int64_t t = 0; t < batch; ++t)
      for (int64_t i = 0; i < m; ++i)
        for (int64_t j = 0; j < n; ++j) {
          double want = 0, mag = 0;
          for (int64_t p = 0; p < k; ++p) {
            const double prod = double(a.data<float>()[(t * m + i) * k + p]) *
                                double(b.data<float>()[((bmats == 1 ? 0 : t) * k + p) * n + j]);
            want += prod, mag += std::fabs(prod);
          }
          ASSERT_NEAR(got.data<float>()[(t * m + i) * n + j], want, 1e-5 * double(k) * mag + 1e-30)
              << "a " << weft_rt::shape_str(c.a) << " b " << weft_rt::shape_str(c.b) << " at " << t << "," << i << "," << j;
        }
  }
}

}  // namespace
