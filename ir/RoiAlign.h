// RoiAlign.h - ONNX RoiAlign and torchvision's roi_align (fixed sampling_ratio) as standard ops, shared by the importers.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "ir/Attrs.h"
#include "ir/DType.h"
#include "ir/Tensor.h"

namespace weft::roi_align {

// Note on the method: it follows ONNX Runtime's RoiAlign, itself torchvision's roi_align.
// Each output bin averages (or maxes) sampling_ratio^2 samples on a regular grid inside the
// bin; a sample's value is the bilinear interpolation of its four neighbours, with the edge
// rules both share (a sample farther than one pixel outside reads 0, coordinates clamp at
// the borders). Sample rows and columns are independent, so rows are gathered first
// ([R, C, Ph, W]), then columns ([R, C, Ph, Pw]), and bins pool over [R, C, oh, s, ow, s].
// An adaptive sampling_ratio (per-ROI sample counts) would give ROIs different grids and is
// not supported. Max mode takes, as ORT does, the largest weighted corner of each sample.

struct Options {
  int64_t out_h = 1, out_w = 1, sampling_ratio = 1;
  double spatial_scale = 1.0;
  bool max = false;         // ONNX mode="max"; torchvision's is always the average
  bool half_pixel = false;  // ONNX half_pixel / torchvision aligned=True: shift by -0.5, no minimum size 1
};

// The emitter provides E op(name, args, attrs), E i64_vector(ints), E i64_scalar(int),
// E scalar(dtype, double) and E constant(Tensor).
template <class E, class Emitter>
struct Sampler {
  Emitter& em;
  DType dt;
  E c(double v) { return em.scalar(dt, v); }
  E op(const std::string& name, std::vector<E> args, Attrs a = {}) { return em.op(name, std::move(args), a); }

  struct Axis {  // per ROI and sample: [R, P]
    E low, high;       // i64 neighbour indices
    E w_low, w_high;   // their weights, 0 for samples outside
  };

  // Sample coordinates [R, out * s] along one axis: start + (bin + (i + 0.5) / s) * bin_size.
  // `size` is the image's extent along the axis as a scalar of dtype dt.
  Axis sample(const E& start, const E& end, int64_t out, int64_t s, const E& size, bool half_pixel) {
    E len = op("sub", {end, start});
    if (!half_pixel) len = op("maximum", {len, c(1)});
    std::vector<double> offsets;
    for (int64_t b = 0; b < out; ++b)
      for (int64_t i = 0; i < s; ++i) offsets.push_back((double(b) + (double(i) + 0.5) / double(s)) / double(out));
    E steps = em.constant(Tensor::from_vector<double>(offsets, {1, int64_t(offsets.size())}).cast(dt));
    E x = op("add", {op("unsqueeze", {start}, {{"axes", std::vector<int64_t>{1}}}),
                     op("mul", {op("unsqueeze", {len}, {{"axes", std::vector<int64_t>{1}}}), steps})});
    E inside = op("logical_and", {op("greater_equal", {x, c(-1)}), op("less_equal", {x, size})});
    E last = op("sub", {size, c(1)});
    x = op("maximum", {x, c(0)});
    E low = op("floor", {x});
    E at_edge = op("greater_equal", {low, last});
    low = op("where", {at_edge, last, low});
    x = op("where", {at_edge, low, x});
    E high = op("where", {at_edge, low, op("add", {low, c(1)})});
    E frac = op("sub", {x, low});
    E mask = op("cast", {inside}, {{"to", dt}});
    auto index = [&](const E& v) { return op("cast", {v}, {{"to", DType::I64}}); };
    return {index(low), index(high), op("mul", {op("sub", {c(1), frac}), mask}), op("mul", {frac, mask})};
  }
};

// x [N, C, H, W] of float type `dt`, boxes [R, 4] as x1 y1 x2 y2 (in x's scale times
// 1/spatial_scale), batch [R] i64: the pooled [R, C, out_h, out_w].
template <class E, class Emitter>
E emit(const E& x, const E& boxes, const E& batch, DType dt, const Options& o, Emitter& em) {
  Sampler<E, Emitter> sp{em, dt};
  const int64_t oh = o.out_h, ow = o.out_w, s = o.sampling_ratio;
  // H and W as scalars of dtype dt (folded where x's dims are static) and as i64[1].
  auto extent = [&](int64_t axis) { return sp.op("shape", {x}, {{"start", axis}, {"end", axis + 1}}); };
  auto extent_f = [&](int64_t axis) { return sp.op("cast", {sp.op("reshape", {extent(axis), em.i64_vector({})})}, {{"to", dt}}); };

  // ROI corners scaled, shifted by half a pixel in half_pixel mode.
  E rois = sp.op("sub", {sp.op("mul", {boxes, sp.c(o.spatial_scale)}), sp.c(o.half_pixel ? 0.5 : 0)});
  auto corner = [&](int64_t i) { return sp.op("gather", {rois, em.i64_scalar(i)}, {{"axis", int64_t(1)}}); };
  auto ys = sp.sample(corner(1), corner(3), oh, s, extent_f(2), o.half_pixel);
  auto xs = sp.sample(corner(0), corner(2), ow, s, extent_f(3), o.half_pixel);

  E img = sp.op("gather", {x, batch}, {{"axis", int64_t(0)}});  // [R, C, H, W]
  E rc = sp.op("shape", {img}, {{"end", int64_t(2)}});
  // Sample counts are spelled out, not -1: with no ROIs (R = 0) a -1 could not be inferred.
  auto rows = [&](const E& idx) {  // [R, C, Ph, W]
    E shape = sp.op("concat", {rc, em.i64_vector({oh * s}), extent(3)}, {{"axis", int64_t(0)}});
    E at = sp.op("expand", {sp.op("reshape", {idx, em.i64_vector({0, 1, oh * s, 1})}), shape});
    return sp.op("gather_elements", {img, at}, {{"axis", int64_t(2)}});
  };
  auto cols = [&](const E& v, const E& idx) {  // [R, C, Ph, Pw]
    E shape = sp.op("concat", {rc, em.i64_vector({oh * s, ow * s})}, {{"axis", int64_t(0)}});
    E at = sp.op("expand", {sp.op("reshape", {idx, em.i64_vector({0, 1, 1, ow * s})}), shape});
    return sp.op("gather_elements", {v, at}, {{"axis", int64_t(3)}});
  };
  auto wy = [&](const E& e) { return sp.op("reshape", {e, em.i64_vector({0, 1, oh * s, 1})}); };
  auto wx = [&](const E& e) { return sp.op("reshape", {e, em.i64_vector({0, 1, 1, ow * s})}); };
  E low_rows = rows(ys.low), high_rows = rows(ys.high);
  E samples;
  bool first = true;
  if (!o.max) {
    E blended = sp.op("add", {sp.op("mul", {low_rows, wy(ys.w_low)}), sp.op("mul", {high_rows, wy(ys.w_high)})});
    samples = sp.op("add", {sp.op("mul", {cols(blended, xs.low), wx(xs.w_low)}), sp.op("mul", {cols(blended, xs.high), wx(xs.w_high)})});
  } else {
    for (auto [r, ry] : {std::pair{low_rows, ys.w_low}, std::pair{high_rows, ys.w_high}})
      for (auto [xi, rx] : {std::pair{xs.low, xs.w_low}, std::pair{xs.high, xs.w_high}}) {
        E term = sp.op("mul", {sp.op("mul", {cols(r, xi), wy(ry)}), wx(rx)});
        samples = first ? term : sp.op("maximum", {samples, term});
        first = false;
      }
  }
  E bins = sp.op("reshape", {samples, em.i64_vector({0, 0, oh, s, ow, s})});
  return sp.op(o.max ? "reduce_max" : "reduce_mean", {bins}, {{"axes", std::vector<int64_t>{3, 5}}, {"keepdims", false}});
}

}  // namespace weft::roi_align
