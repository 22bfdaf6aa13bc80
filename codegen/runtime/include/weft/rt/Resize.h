// Resize.h - ONNX Resize (opsets 11-18): nearest, n-linear and n-cubic over every axis.
#pragma once

#include <algorithm>
#include <cmath>
#include <optional>
#include <string>
#include <vector>

#include "weft/rt/Misc.h"
#include "weft/rt/Slice.h"

namespace weft_rt {

// Note on the resize kernel (the interpreter's, ir/ops/MiscResize.cpp): each axis maps
// output coordinate o to a source coordinate x(o) by the coordinate transformation. Nearest
// rounds x and copies elements. Linear and cubic are separable: each axis becomes a list of
// (source index, weight) taps per output coordinate, applied one axis after another on a
// double copy; taps past the edge are clamped, so exclude_outside only matters for cubic.
// Output coordinates outside the roi of tf_crop_and_resize get the extrapolation value.

enum class ResizeMode { Nearest, Linear, Cubic };
enum class ResizeCoord { HalfPixel, PytorchHalfPixel, AlignCorners, Asymmetric, TfHalfPixelForNn, TfCropAndResize };
enum class ResizeRound { PreferFloor, PreferCeil, Floor, Ceil };

// The attributes, fixed at compile time.
struct ResizeAttrs {
  ResizeMode mode;
  ResizeCoord coord;
  ResizeRound round;
  double cubic_a;
  bool exclude_outside;
  double extrapolation;
};

inline double resize_source(int64_t o, int64_t in, int64_t out, double scale, ResizeCoord c, double roi_s, double roi_e) {
  const double x = double(o);
  switch (c) {
    case ResizeCoord::HalfPixel: return (x + 0.5) / scale - 0.5;
    case ResizeCoord::PytorchHalfPixel: return out > 1 ? (x + 0.5) / scale - 0.5 : 0.0;
    case ResizeCoord::AlignCorners: return out == 1 ? 0.0 : x * double(in - 1) / double(out - 1);
    case ResizeCoord::Asymmetric: return x / scale;
    case ResizeCoord::TfHalfPixelForNn: return (x + 0.5) / scale;
    case ResizeCoord::TfCropAndResize: break;
  }
  if (out == 1) return 0.5 * (roi_s + roi_e) * double(in - 1);
  return roi_s * double(in - 1) + x * (roi_e - roi_s) * double(in - 1) / double(out - 1);
}

inline int64_t resize_round(double x, ResizeRound mode) {
  const double f = std::floor(x);
  if (mode == ResizeRound::Floor) return int64_t(f);
  if (mode == ResizeRound::Ceil) return int64_t(std::ceil(x));
  if (x - f == 0.5) return int64_t(mode == ResizeRound::PreferCeil ? f + 1 : f);
  return int64_t(std::round(x));
}

inline void resize_cubic_coeffs(double r, double A, double c[4]) {
  const double s = 1 - r;
  c[0] = ((A * (r + 1) - 5 * A) * (r + 1) + 8 * A) * (r + 1) - 4 * A;
  c[1] = ((A + 2) * r - (A + 3)) * r * r + 1;
  c[2] = ((A + 2) * s - (A + 3)) * s * s + 1;
  c[3] = ((A * (s + 1) - 5 * A) * (s + 1) + 8 * A) * (s + 1) - 4 * A;
}

struct ResizeTap {
  int64_t index;
  double weight;
};

// Interpolates axis a of `cur` with taps[o] per output coordinate o; rows where outside[o]
// get `extra`. The innermost loop is an axpy over the dims after a.
inline std::vector<double> resize_axis(const std::vector<double>& cur, Shape& shape, size_t a,
                                       const std::vector<std::vector<ResizeTap>>& taps, const std::vector<bool>& outside,
                                       double extra) {
  const int64_t d = shape[a], n = int64_t(taps.size());
  shape[a] = n;
  const int64_t outer = product(shape, 0, a), inner = product(shape, a + 1, shape.size());
  std::vector<double> out(size_t(outer * n * inner), 0.0);
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t j = 0; j < n; ++j) {
      double* row = out.data() + (o * n + j) * inner;
      if (outside[size_t(j)]) {
        std::fill(row, row + inner, extra);
        continue;
      }
      for (const ResizeTap& t : taps[size_t(j)]) {
        const double* srow = cur.data() + (o * d + t.index) * inner;
        for (int64_t i = 0; i < inner; ++i) row[i] += t.weight * srow[i];
      }
    }
  return out;
}

// resize's shape function: floor(dim * scale) per axis, or `sizes`; exactly one of scales
// and sizes is present. The kernel gets the scales it uses back through `scales_out`.
inline Shape resize_shape(const Tensor& x, const std::optional<Tensor>& roi_t, const std::optional<Tensor>& scales_t,
                          const std::optional<Tensor>& sizes_t, std::vector<double>* scales_out = nullptr) {
  const size_t r = size_t(x.rank());
  const bool has_scales = present(scales_t), has_sizes = present(sizes_t);
  if (has_scales == has_sizes) throw Error("resize: give exactly one of scales and sizes (the other zero-size)");
  if (present(roi_t) && size_t(roi_t->size()) != 2 * r)
    throw Error("resize: roi must hold 2*rank = " + std::to_string(2 * r) + " values");
  std::vector<double> scales;
  Shape out_shape;
  if (has_scales) {
    if (size_t(scales_t->size()) != r) throw Error("resize: scales must hold rank = " + std::to_string(r) + " values");
    for (size_t i = 0; i < r; ++i) {
      const double s = number_at(*scales_t, int64_t(i));
      if (!(s > 0)) throw Error("resize: scales must be > 0, found " + std::to_string(s));
      scales.push_back(s);
      out_shape.push_back(int64_t(std::floor(double(x.shape()[i]) * s)));
    }
  } else {
    out_shape = int_values(*sizes_t, "resize", "sizes");
    if (out_shape.size() != r) throw Error("resize: sizes must hold rank = " + std::to_string(r) + " values");
    for (size_t i = 0; i < r; ++i) {
      if (out_shape[i] < 0) throw Error("resize: sizes must be >= 0, found " + std::to_string(out_shape[i]));
      scales.push_back(x.shape()[i] ? double(out_shape[i]) / double(x.shape()[i]) : 1.0);
    }
  }
  for (size_t i = 0; i < r; ++i)
    if (x.shape()[i] == 0 && out_shape[i] > 0) throw Error("resize: cannot resize the empty dim " + std::to_string(i));
  if (scales_out) *scales_out = std::move(scales);
  return out_shape;
}

// resize(x, roi?, scales?, sizes?).
template <typename T>
Tensor resize(const Tensor& x, const std::optional<Tensor>& roi_t, const std::optional<Tensor>& scales_t,
              const std::optional<Tensor>& sizes_t, const ResizeAttrs& at) {
  const size_t r = size_t(x.rank());
  std::vector<double> roi, scales;
  const Shape out_shape = resize_shape(x, roi_t, scales_t, sizes_t, &scales);
  if (present(roi_t))
    for (int64_t i = 0; i < roi_t->size(); ++i) roi.push_back(number_at(*roi_t, i));
  const bool crop = at.coord == ResizeCoord::TfCropAndResize;
  if (crop && roi.empty()) throw Error("resize: tf_crop_and_resize needs roi");
  auto coord = [&](size_t a, int64_t o) {
    return resize_source(o, x.shape()[a], out_shape[a], scales[a], at.coord, crop ? roi[a] : 0.0, crop ? roi[a + r] : 1.0);
  };
  auto is_outside = [&](size_t a, double c) { return crop && (c < 0 || c > double(x.shape()[a] - 1)); };
  if (at.mode == ResizeMode::Nearest) {
    std::vector<Shape> maps(r);
    for (size_t a = 0; a < r; ++a)
      for (int64_t o = 0; o < out_shape[a]; ++o) {
        const double c = coord(a, o);
        const int64_t i = std::clamp<int64_t>(resize_round(c, at.round), 0, x.shape()[a] - 1);
        maps[a].push_back(is_outside(a, c) ? -1 : i);
      }
    return axis_map_copy<T>(x, out_shape, maps, T(at.extrapolation));
  }
  if constexpr (std::is_floating_point_v<T>) {
    const bool cubic = at.mode == ResizeMode::Cubic;
    Shape shape = x.shape();
    std::vector<double> cur(size_t(x.size()));
    for (size_t i = 0; i < cur.size(); ++i) cur[i] = double(x.data<T>()[i]);
    for (size_t a = 0; a < r; ++a) {
      const int64_t d = x.shape()[a];
      std::vector<std::vector<ResizeTap>> taps(size_t(out_shape[a]));
      std::vector<bool> outside(taps.size());
      for (int64_t o = 0; o < out_shape[a]; ++o) {
        const double c = coord(a, o), f = std::floor(c), ratio = c - f;
        outside[size_t(o)] = is_outside(a, c);
        auto& t = taps[size_t(o)];
        if (!cubic) {
          t = {{int64_t(f), 1 - ratio}, {int64_t(f) + 1, ratio}};
        } else {
          double w[4];
          resize_cubic_coeffs(ratio, at.cubic_a, w);
          for (int k = 0; k < 4; ++k) t.push_back({int64_t(f) - 1 + k, w[k]});
        }
        double total = 0;
        for (ResizeTap& tap : t) {
          if (at.exclude_outside && (tap.index < 0 || tap.index >= d)) tap.weight = 0;
          tap.index = std::clamp<int64_t>(tap.index, 0, d - 1);
          total += tap.weight;
        }
        if (at.exclude_outside && total != 0)
          for (ResizeTap& tap : t) tap.weight /= total;
      }
      cur = resize_axis(cur, shape, a, taps, outside, at.extrapolation);
    }
    Tensor out = Tensor::empty<T>(shape);
    for (size_t i = 0; i < cur.size(); ++i) out.data<T>()[i] = T(cur[i]);
    return out;
  } else {
    throw Error("resize: linear and cubic modes need a floating-point input");
  }
}

}  // namespace weft_rt
