// runtime_conv_test.cpp - the runtime's conv, pool and broadcast kernels (every fast path) against naive loops written here.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "weft/runtime.h"

namespace {

using weft_rt::Shape;
using weft_rt::Tensor;
using weft_rt::Window;

// Float results may differ from the naive double-accumulated loop by rounding order only:
// |got - want| <= kAtol + kRtol * (sum of |terms|), the sum bounding any reordering's error.
constexpr double kRtol = 1e-5, kAtol = 1e-6;

template <typename T>
Tensor random_tensor(const Shape& shape, std::mt19937& rng) {
  Tensor t = Tensor::empty<T>(shape);
  std::uniform_real_distribution<double> d(-1, 1);
  std::uniform_int_distribution<int> di(-5, 5);
  for (int64_t i = 0; i < t.size(); ++i) t.data<T>()[i] = std::is_floating_point_v<T> ? T(d(rng)) : T(di(rng));
  return t;
}

struct Ref {
  std::vector<double> value, magnitude;  // the result and the sum of |terms| behind each element
};

// Visits every multi-index of `shape` in row-major order.
template <typename F>
void for_each_index(const Shape& shape, F f) {
  const int64_t n = weft_rt::numel(shape);
  Shape idx(shape.size(), 0);
  for (int64_t flat = 0; flat < n; ++flat) {
    f(idx);
    for (int64_t d = int64_t(shape.size()) - 1; d >= 0; --d) {
      if (++idx[size_t(d)] < shape[size_t(d)]) break;
      idx[size_t(d)] = 0;
    }
  }
}

// The textbook ONNX Conv, in double.
template <typename T>
Ref naive_conv(const Tensor& x, const Tensor& wt, const T* bias, const Window& w, int64_t g, const Shape& oshape) {
  const size_t nsp = w.strides.size();
  const int64_t cin_g = wt.dim(1), cout = wt.dim(0), cout_g = cout / g;
  const Shape ksp(wt.shape().begin() + 2, wt.shape().end());
  Ref r;
  for_each_index(oshape, [&](const Shape& o) {
    const int64_t b = o[0], m = o[1], gi = m / cout_g;
    double acc = bias ? double(bias[m]) : 0, mag = std::fabs(acc);
    for (int64_t c = 0; c < cin_g; ++c)
      for_each_index(ksp, [&](const Shape& k) {
        int64_t xoff = b * x.dim(1) + gi * cin_g + c, woff = m * cin_g + c;
        for (size_t d = 0; d < nsp; ++d) {
          const int64_t pos = o[d + 2] * w.strides[d] - w.pads_begin[d] + k[d] * w.dilations[d];
          if (pos < 0 || pos >= x.dim(int(d) + 2)) return;
          xoff = xoff * x.dim(int(d) + 2) + pos;
          woff = woff * ksp[d] + k[d];
        }
        const double t = double(x.data<T>()[xoff]) * double(wt.data<T>()[woff]);
        acc += t;
        mag += std::fabs(t);
      });
    r.value.push_back(acc);
    r.magnitude.push_back(mag);
  });
  return r;
}

template <typename T>
void expect_close(const Tensor& got, const Ref& want, const std::string& what) {
  ASSERT_EQ(got.size(), int64_t(want.value.size())) << what;
  int bad = 0;
  for (int64_t i = 0; i < got.size() && bad < 5; ++i) {
    const double g = double(got.data<T>()[i]), v = want.value[size_t(i)];
    const bool ok = std::is_floating_point_v<T> ? std::fabs(g - v) <= kAtol + kRtol * want.magnitude[size_t(i)] : g == v;
    if (!ok) ++bad;
    EXPECT_TRUE(ok) << what << " element " << i << ": got " << g << ", want " << v;
  }
}

struct ConvCase {
  Shape x, k;  // x [N, C, spatial...], kernel spatial dims
  int64_t cout, groups;
  Shape strides, pads_begin, pads_end, dilations;
  bool bias;
};

std::string describe(const ConvCase& c) {
  return "conv x" + weft_rt::shape_str(c.x) + " k" + weft_rt::shape_str(c.k) + " cout " + std::to_string(c.cout) + " groups " +
         std::to_string(c.groups) + " strides " + weft_rt::shape_str(c.strides) + " pads " + weft_rt::shape_str(c.pads_begin) +
         weft_rt::shape_str(c.pads_end) + " dilations " + weft_rt::shape_str(c.dilations) + (c.bias ? " bias" : "");
}

std::vector<ConvCase> conv_cases() {
  return {
      // depthwise 2-D: 3x3 and 5x5, stride 1/2/3, padding, dilation, multiplier 2, odd widths past a vector
      {{1, 8, 13, 37}, {3, 3}, 8, 8, {1, 1}, {1, 1}, {1, 1}, {1, 1}, true},
      {{2, 6, 20, 41}, {3, 3}, 6, 6, {2, 2}, {1, 1}, {1, 1}, {1, 1}, true},
      {{1, 5, 17, 35}, {5, 5}, 5, 5, {1, 1}, {2, 2}, {2, 2}, {1, 1}, false},
      {{1, 5, 17, 36}, {5, 5}, 5, 5, {2, 2}, {2, 2}, {2, 2}, {1, 1}, true},
      {{1, 4, 19, 40}, {3, 3}, 8, 4, {1, 2}, {0, 1}, {2, 0}, {1, 1}, true},
      {{1, 3, 16, 33}, {3, 3}, 3, 3, {3, 3}, {1, 2}, {1, 2}, {2, 2}, true},
      {{1, 4, 7, 7}, {3, 3}, 4, 4, {1, 1}, {1, 1}, {1, 1}, {1, 1}, true},
      {{1, 4, 9, 70}, {3, 5}, 4, 4, {2, 2}, {0, 0}, {0, 0}, {1, 1}, true},
      {{1, 2, 3, 3}, {5, 5}, 2, 2, {1, 1}, {2, 2}, {2, 2}, {1, 1}, true},  // a window wider than the input
      // depthwise 1-D (audio front ends)
      {{2, 6, 101}, {5}, 6, 6, {1}, {2}, {2}, {1}, true},
      {{1, 4, 100}, {3}, 8, 4, {2}, {1}, {0}, {1}, true},
      {{1, 4, 64}, {7}, 4, 4, {1}, {6}, {0}, {2}, false},
      // pointwise: the image as B, with the bias added by the GEMM's tiles
      {{1, 16, 9, 11}, {1, 1}, 24, 1, {1, 1}, {0, 0}, {0, 0}, {1, 1}, true},
      {{2, 12, 5, 7}, {1, 1}, 9, 3, {1, 1}, {0, 0}, {0, 0}, {1, 1}, true},
      {{1, 300, 3, 200}, {1, 1}, 7, 1, {1, 1}, {0, 0}, {0, 0}, {1, 1}, true},  // k past one slice, n past one block
      {{1, 8, 50}, {1}, 5, 1, {1}, {0}, {0}, {1}, true},
      {{2, 576, 1, 1}, {1, 1}, 144, 1, {1, 1}, {0, 0}, {0, 0}, {1, 1}, true},  // squeeze-excite: one position
      {{1, 37, 1, 1}, {1, 1}, 6, 1, {1, 1}, {0, 0}, {0, 0}, {1, 1}, false},
      {{1, 12, 1}, {1}, 8, 4, {1}, {0}, {0}, {1}, true},
      {{1, 4, 3, 4, 5}, {1, 1, 1}, 6, 2, {1, 1, 1}, {0, 0, 0}, {0, 0, 0}, {1, 1, 1}, true},
      // up to 16 output channels: f32 reads the image's full panels in place (no packing), the
      // bias starting the tile's accumulators; 13 rows leave an edge panel of rows
      {{1, 64, 20, 21}, {1, 1}, 16, 1, {1, 1}, {0, 0}, {0, 0}, {1, 1}, true},
      {{1, 24, 9, 40}, {1, 1}, 13, 1, {1, 1}, {0, 0}, {0, 0}, {1, 1}, true},
      // im2col: strided 1x1, 3x3 / 7x7 with padding, grouped, 1-D and 3-D
      {{1, 8, 10, 12}, {1, 1}, 4, 1, {2, 2}, {0, 0}, {0, 0}, {1, 1}, true},
      {{1, 6, 23, 29}, {3, 3}, 10, 1, {1, 1}, {1, 1}, {1, 1}, {1, 1}, true},
      {{1, 3, 30, 31}, {7, 7}, 5, 1, {2, 2}, {3, 3}, {3, 3}, {1, 1}, true},
      {{2, 8, 11, 13}, {3, 3}, 12, 4, {2, 1}, {1, 0}, {0, 2}, {2, 1}, true},
      {{1, 8, 10, 10}, {3, 3}, 8, 2, {1, 1}, {1, 1}, {1, 1}, {1, 1}, false},
      {{1, 40, 12, 50}, {3, 3}, 6, 1, {1, 1}, {1, 1}, {1, 1}, {1, 1}, true},  // k = 360 > one slice
      // stride 1 on wide rows: B read in place from the padded image (ConvPadded.h); dilated with
      // uneven pads, grouped, and with no padding at all
      {{1, 5, 20, 60}, {3, 5}, 14, 1, {1, 1}, {2, 0}, {0, 3}, {2, 2}, true},
      {{2, 8, 12, 40}, {3, 3}, 12, 2, {1, 1}, {1, 1}, {1, 1}, {1, 1}, true},
      {{1, 7, 15, 48}, {3, 3}, 9, 1, {1, 1}, {0, 0}, {0, 0}, {1, 1}, false},
      // a 7x7 output (49 columns, at most 4 panels: a constant filter is prefetched as it streams),
      // k = 2700 over several slices, 20 rows: the bias on an edge panel of rows
      {{1, 300, 7, 7}, {3, 3}, 20, 1, {1, 1}, {1, 1}, {1, 1}, {1, 1}, true},
      {{1, 3, 70, 71}, {3, 3}, 9, 1, {1, 1}, {1, 1}, {1, 1}, {1, 1}, true},   // 4970 positions: column blocks start mid-row
      {{1, 5, 23, 40}, {4, 5}, 7, 1, {3, 3}, {2, 1}, {0, 3}, {1, 2}, true},   // stride 3, a kernel wider than tall
      {{1, 3, 90}, {9}, 4, 1, {3}, {4}, {4}, {1}, true},
      {{1, 1, 1000}, {80}, 16, 1, {4}, {40}, {40}, {1}, true},  // one input channel, many filters: GEMM, not depthwise
      {{2, 1, 301}, {5}, 9, 1, {2}, {2}, {1}, {2}, false},
      {{1, 5, 130}, {3}, 70, 1, {1}, {1}, {1}, {1}, true},
      {{1, 4, 5, 6, 7}, {3, 3, 3}, 3, 1, {1, 2, 1}, {1, 1, 1}, {1, 0, 1}, {1, 1, 2}, true},
      {{1, 4, 5, 6, 7}, {3, 3, 3}, 4, 4, {1, 1, 1}, {1, 1, 1}, {1, 1, 1}, {1, 1, 1}, true},  // 3-D depthwise: GEMM path
  };
}

template <typename T>
void check_conv_cases() {
  std::mt19937 rng(17);
  for (const ConvCase& c : conv_cases()) {
    Shape wshape = {c.cout, c.x[1] / c.groups};
    wshape.insert(wshape.end(), c.k.begin(), c.k.end());
    const Tensor x = random_tensor<T>(c.x, rng), wt = random_tensor<T>(wshape, rng);
    const Tensor bias = c.bias ? random_tensor<T>({c.cout}, rng) : weft_rt::absent();
    const Window w{c.strides, c.pads_begin, c.pads_end, c.dilations};
    const Tensor got = weft_rt::conv<T>(x, wt, bias, w, c.groups);
    const Ref want = naive_conv<T>(x, wt, c.bias ? bias.data<T>() : nullptr, w, c.groups, got.shape());
    expect_close<T>(got, want, describe(c));
  }
}

TEST(RuntimeConv, FloatFastPathsMatchNaive) { check_conv_cases<float>(); }

// A constant filter (Tensor::constant, as generated code declares its weights) is packed into
// GEMM panels on first use and read from that copy afterwards: the first and the second run
// must both match, at 1 and 2 threads (a 2-thread product may split the filter's rows).
TEST(RuntimeConv, ConstantFiltersPackedOnceMatchNaive) {
  std::mt19937 rng(23);
  weft_rt::ThreadPool pool(2);
  std::vector<Tensor> filters;  // a constant's bytes outlive the library's cache: none is freed before the test ends
  for (int threads : {1, 2})
    for (const ConvCase& c : conv_cases()) {
      Shape wshape = {c.cout, c.x[1] / c.groups};
      wshape.insert(wshape.end(), c.k.begin(), c.k.end());
      const Tensor x = random_tensor<float>(c.x, rng), wt = random_tensor<float>(wshape, rng);
      const Tensor wc = Tensor::constant(wt.data<float>(), wt.dtype(), wt.shape());
      filters.push_back(wt);
      const Tensor bias = c.bias ? random_tensor<float>({c.cout}, rng) : weft_rt::absent();
      const Window w{c.strides, c.pads_begin, c.pads_end, c.dilations};
      weft_rt::PoolScope scope(threads > 1 ? &pool : nullptr);
      for (int run = 0; run < 2; ++run) {
        const Tensor got = weft_rt::conv<float>(x, wc, bias, w, c.groups);
        const Ref want = naive_conv<float>(x, wt, c.bias ? bias.data<float>() : nullptr, w, c.groups, got.shape());
        expect_close<float>(got, want, describe(c) + " constant filter, run " + std::to_string(run) + ", threads " + std::to_string(threads));
      }
    }
  // Bigger than one register/cache block in every direction, so 2 threads split rows and columns.
  const Tensor x = random_tensor<float>({1, 300, 20, 30}, rng), wt = random_tensor<float>({200, 300, 3, 3}, rng);
  const Tensor wc = Tensor::constant(wt.data<float>(), wt.dtype(), wt.shape());
  const Window w{{1, 1}, {1, 1}, {1, 1}, {1, 1}};
  weft_rt::PoolScope scope(&pool);
  for (int run = 0; run < 2; ++run) {
    const Tensor got = weft_rt::conv<float>(x, wc, weft_rt::absent(), w, 1);
    expect_close<float>(got, naive_conv<float>(x, wt, nullptr, w, 1, got.shape()), "3x3 conv 300 -> 200 channels, constant filter, 2 threads");
  }
}
TEST(RuntimeConv, DoubleFastPathsMatchNaive) { check_conv_cases<double>(); }
TEST(RuntimeConv, IntegerPathsMatchNaiveExactly) { check_conv_cases<int32_t>(); }

// Depthwise planes split over 2 threads (each with its own phase-plane scratch), stride 1 and 2
// (the vectorized stride-2 split), a multiplier of 2.
TEST(RuntimeConv, DepthwiseOnTwoThreadsMatchesNaive) {
  std::mt19937 rng(29);
  weft_rt::ThreadPool pool(2);
  weft_rt::PoolScope scope(&pool);
  for (const ConvCase& c : {ConvCase{{2, 64, 30, 31}, {5, 5}, 64, 64, {2, 2}, {2, 2}, {2, 2}, {1, 1}, true},
                            ConvCase{{1, 48, 28, 28}, {3, 3}, 96, 48, {1, 1}, {1, 1}, {1, 1}, {1, 1}, true},
                            ConvCase{{1, 40, 27, 33}, {3, 3}, 40, 40, {2, 2}, {0, 1}, {1, 0}, {1, 1}, false}}) {
    Shape wshape = {c.cout, 1};
    wshape.insert(wshape.end(), c.k.begin(), c.k.end());
    const Tensor x = random_tensor<float>(c.x, rng), wt = random_tensor<float>(wshape, rng);
    const Tensor bias = c.bias ? random_tensor<float>({c.cout}, rng) : weft_rt::absent();
    const Window w{c.strides, c.pads_begin, c.pads_end, c.dilations};
    const Tensor got = weft_rt::conv<float>(x, wt, bias, w, c.groups);
    expect_close<float>(got, naive_conv<float>(x, wt, c.bias ? bias.data<float>() : nullptr, w, c.groups, got.shape()), describe(c) + " on 2 threads");
  }
}

// ---- pools -----------------------------------------------------------------------------------

// The textbook ONNX MaxPool / AveragePool over taps, in double; NaN wins a max.
Ref naive_pool(const Tensor& x, const Shape& k, const Window& w, bool is_max, bool include_pad, const Shape& oshape) {
  const size_t nsp = k.size();
  Ref r;
  for_each_index(oshape, [&](const Shape& o) {
    double acc = is_max ? -std::numeric_limits<double>::infinity() : 0, mag = 0;
    int64_t n = 0, np = 0;
    for_each_index(k, [&](const Shape& t) {
      int64_t off = o[0] * x.dim(1) + o[1];
      bool inside = true, in_padded = true;
      for (size_t d = 0; d < nsp; ++d) {
        const int64_t pos = o[d + 2] * w.strides[d] - w.pads_begin[d] + t[d] * w.dilations[d];
        inside = inside && pos >= 0 && pos < x.dim(int(d) + 2);
        in_padded = in_padded && pos < x.dim(int(d) + 2) + w.pads_end[d];
        off = off * x.dim(int(d) + 2) + pos;
      }
      np += in_padded;
      if (!inside) return;
      ++n;
      const double v = x.data<float>()[off];
      if (is_max) acc = (v > acc || std::isnan(v) || std::isnan(acc)) && !std::isnan(acc) ? v : acc;
      else acc += v;
      mag += std::fabs(v);
    });
    r.value.push_back(is_max ? acc : acc / double(include_pad ? np : n));
    r.magnitude.push_back(mag);
  });
  return r;
}

void expect_close_nan(const Tensor& got, const Ref& want, const std::string& what) {
  ASSERT_EQ(got.size(), int64_t(want.value.size())) << what;
  int bad = 0;
  for (int64_t i = 0; i < got.size() && bad < 5; ++i) {
    const double g = got.data<float>()[i], v = want.value[size_t(i)];
    const bool ok = std::isnan(v) ? std::isnan(g) : std::fabs(g - v) <= kAtol + kRtol * want.magnitude[size_t(i)];
    if (!ok) ++bad;
    EXPECT_TRUE(ok) << what << " element " << i << ": got " << g << ", want " << v;
  }
}

struct PoolCase {
  Shape x, k, strides, pads_begin, pads_end, dilations;
  bool ceil_mode;
};

TEST(RuntimePool, MaxAndAverageMatchNaive) {
  const std::vector<PoolCase> cases = {
      {{1, 3, 111, 111}, {3, 3}, {2, 2}, {0, 0}, {0, 0}, {1, 1}, true},  // squeezenet's
      {{2, 4, 112, 112}, {3, 3}, {2, 2}, {1, 1}, {1, 1}, {1, 1}, false},  // resnet's
      {{1, 2, 13, 37}, {3, 3}, {1, 1}, {1, 1}, {1, 1}, {1, 1}, false},
      {{1, 2, 15, 40}, {2, 3}, {3, 1}, {1, 0}, {0, 2}, {2, 2}, true},
      {{1, 2, 9, 9}, {5, 5}, {2, 2}, {2, 2}, {2, 2}, {1, 1}, true},
      {{1, 3, 40, 41}, {20, 3}, {3, 2}, {5, 1}, {5, 1}, {1, 1}, true},  // a window of 20 rows: folded in two passes
      {{2, 3, 27, 27}, {3, 3}, {2, 2}, {0, 0}, {0, 0}, {1, 1}, true},  // rows shorter than two vectors
      {{2, 3, 101}, {4}, {2}, {1}, {2}, {1}, false},
      {{1, 3, 64}, {3}, {1}, {1}, {1}, {3}, true},
      {{2, 5, 4001}, {4}, {4}, {0}, {0}, {1}, false},  // windows that tile the row (MaxPool1d(4)): read in place
      {{1, 3, 103}, {3}, {3}, {0}, {2}, {1}, true},    // ceil mode: the last window runs past the end (phase path)
      {{1, 2, 50}, {5}, {5}, {0}, {0}, {1}, false},    // tiled, but a window of 5: phase path
      {{1, 2, 5, 6, 7}, {2, 3, 2}, {2, 1, 2}, {0, 1, 1}, {1, 1, 0}, {1, 1, 1}, true},  // 3-D: the window tables
  };
  std::mt19937 rng(5);
  for (const PoolCase& c : cases) {
    Tensor x = random_tensor<float>(c.x, rng);
    x.data<float>()[7] = std::numeric_limits<float>::quiet_NaN();  // a NaN wins its windows' max
    x.data<float>()[x.size() - 2] = std::numeric_limits<float>::quiet_NaN();  // and in the last row of x
    const Window w{c.strides, c.pads_begin, c.pads_end, c.dilations};
    const std::string what = "pool x" + weft_rt::shape_str(c.x) + " k" + weft_rt::shape_str(c.k) + " s" +
                             weft_rt::shape_str(c.strides) + " d" + weft_rt::shape_str(c.dilations) + (c.ceil_mode ? " ceil" : "");
    const Tensor mx = weft_rt::max_pool<float>(x, c.k, w, c.ceil_mode);
    expect_close_nan(mx, naive_pool(x, c.k, w, true, false, mx.shape()), "max " + what);
    for (bool include_pad : {false, true}) {
      const Tensor av = weft_rt::avg_pool<float>(x, c.k, w, c.ceil_mode, include_pad);
      expect_close_nan(av, naive_pool(x, c.k, w, false, include_pad, av.shape()), "avg " + what + (include_pad ? " include_pad" : ""));
    }
  }
}

TEST(RuntimePool, GlobalPoolsMatchNaive) {
  std::mt19937 rng(3);
  for (const Shape& s : {Shape{2, 5, 7, 7}, Shape{1, 3, 56, 56}, Shape{1, 4, 3}, Shape{1, 2, 33, 1, 5}}) {
    Tensor x = random_tensor<float>(s, rng);
    x.data<float>()[x.size() - 1] = std::numeric_limits<float>::quiet_NaN();  // in the last plane's tail
    const int64_t planes = s[0] * s[1], is = x.size() / planes;
    Ref mean, mx;
    for (int64_t p = 0; p < planes; ++p) {
      double sum = 0, mag = 0, m = -std::numeric_limits<double>::infinity();
      for (int64_t i = 0; i < is; ++i) {
        const double v = x.data<float>()[p * is + i];
        sum += v;
        mag += std::fabs(v);
        if (v > m || std::isnan(v)) m = std::isnan(m) ? m : v;
      }
      mean.value.push_back(sum / double(is));
      mean.magnitude.push_back(mag / double(is));
      mx.value.push_back(m);
      mx.magnitude.push_back(0);
    }
    expect_close_nan(weft_rt::global_avg_pool<float>(x), mean, "global_avg_pool " + weft_rt::shape_str(s));
    expect_close_nan(weft_rt::global_max_pool<float>(x), mx, "global_max_pool " + weft_rt::shape_str(s));
  }
}

// ---- broadcasting binary maps ------------------------------------------------------------------

TEST(RuntimeBroadcast, MergedRowsMatchIndexArithmetic) {
  const std::vector<std::pair<Shape, Shape>> cases = {
      {{1, 16, 7, 9}, {1, 16, 1, 1}}, {{1, 16, 1, 1}, {2, 16, 7, 9}}, {{2, 3, 4, 5}, {3, 1, 5}},
      {{2, 3, 4, 5}, {2, 1, 4, 1}},   {{4, 1, 6}, {1, 5, 1}},         {{3, 1}, {3, 8}},
      {{5}, {2, 3, 5}},               {{1, 1, 1}, {1, 1, 1}},         {{2, 3, 1, 5}, {2, 3, 4, 5}},
      {{0, 3}, {1, 3}},               {{3, 0}, {3, 1}},  // empty outputs (the second: an empty inner dim)
      {{3, 300, 1000}, {300, 1}},     {{3, 1, 1000}, {3, 300, 1}},  // large: split by runs over two threads
  };
  std::mt19937 rng(9);
  weft_rt::ThreadPool pool(2);
  for (const auto& [sa, sb] : cases)
    for (bool two_threads : {false, true}) {
      weft_rt::PoolScope scope(two_threads ? &pool : nullptr);
      const Tensor a = random_tensor<float>(sa, rng), b = random_tensor<float>(sb, rng);
      const Tensor got = weft_rt::binary<float, float, float>(a, b, [](float u, float v) { return u - v; }, "test");
      const Shape out = got.shape(), st_a = weft_rt::broadcast_strides(sa, out), st_b = weft_rt::broadcast_strides(sb, out);
      int64_t flat = 0, bad = 0;
      for_each_index(out, [&](const Shape& idx) {
        int64_t ia = 0, ib = 0;
        for (size_t d = 0; d < idx.size(); ++d) {
          ia += idx[d] * st_a[d];
          ib += idx[d] * st_b[d];
        }
        if (got.data<float>()[flat] != a.data<float>()[ia] - b.data<float>()[ib] && ++bad <= 3)
          ADD_FAILURE() << weft_rt::shape_str(sa) << " with " << weft_rt::shape_str(sb) << " at " << flat
                        << (two_threads ? " (2 threads)" : "");
        ++flat;
      });
      EXPECT_EQ(flat, weft_rt::numel(out));
      EXPECT_EQ(bad, 0) << weft_rt::shape_str(sa) << " with " << weft_rt::shape_str(sb);
    }
}

}  // namespace
