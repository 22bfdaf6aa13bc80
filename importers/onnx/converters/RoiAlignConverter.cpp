// RoiAlignConverter.cpp - ONNX RoiAlign (fixed sampling_ratio) as separable bilinear sampling with gathers, then bin pooling.
#include "importers/onnx/converters/ConverterHelpers.h"
#include "importers/onnx/converters/Converters.h"

namespace weft::onnx_import {
namespace {

// Note on the method: it follows ONNX Runtime's RoiAlign. Each output bin averages (or
// maxes) sampling_ratio^2 samples on a regular grid inside the bin; a sample's value is
// the bilinear interpolation of its four neighbours, with ORT's edge rules (a sample
// farther than one pixel outside reads 0, coordinates clamp at the borders). Sample
// rows and columns are independent, so rows are gathered first ([R, C, Ph, W]), then
// columns ([R, C, Ph, Pw]), and bins pool over [R, C, oh, s, ow, s]. An adaptive
// sampling_ratio (0: per-ROI sample counts) would give ROIs different grids and is not
// supported. Max mode takes, as ORT does, the largest weighted corner of each sample.

struct Axis {   // per ROI and sample: [R, P]
  Expr low, high;  // i64 neighbour indices
  Expr w_low, w_high;  // their weights, 0 for samples outside
};

struct Sampler {
  NodeContext& ctx;
  DType dt;
  Expr c(double v) { return scalar_const(ctx, dt, v); }
  Expr op(const std::string& name, std::vector<Expr> args, Attrs a = {}) { return ctx.op(name, std::move(args), a); }

  // Sample coordinates [R, out * s] along one axis: start + (bin + (i + 0.5) / s) * bin_size.
  // `size` is the image's extent along the axis as a scalar of dtype dt (constant when static).
  Axis sample(const Expr& start, const Expr& end, int64_t out, int64_t s, const Expr& size, bool half_pixel) {
    Expr len = op("sub", {end, start});
    if (!half_pixel) len = op("maximum", {len, c(1)});
    std::vector<double> offsets;
    for (int64_t b = 0; b < out; ++b)
      for (int64_t i = 0; i < s; ++i) offsets.push_back((double(b) + (double(i) + 0.5) / double(s)) / double(out));
    Expr steps = ctx.constant(Tensor::from_vector<double>(offsets, {1, int64_t(offsets.size())}).cast(dt));
    Expr x = op("add", {op("unsqueeze", {start}, {{"axes", Ints{1}}}), op("mul", {op("unsqueeze", {len}, {{"axes", Ints{1}}}), steps})});
    Expr inside = op("logical_and", {op("greater_equal", {x, c(-1)}), op("less_equal", {x, size})});
    Expr last = op("sub", {size, c(1)});
    x = op("maximum", {x, c(0)});
    Expr low = op("floor", {x});
    Expr at_edge = op("greater_equal", {low, last});
    low = op("where", {at_edge, last, low});
    x = op("where", {at_edge, low, x});
    Expr high = op("where", {at_edge, low, op("add", {low, c(1)})});
    Expr frac = op("sub", {x, low});
    Expr mask = op("cast", {inside}, {{"to", dt}});
    auto index = [&](const Expr& v) { return op("cast", {v}, {{"to", DType::I64}}); };
    return {index(low), index(high), op("mul", {op("sub", {c(1), frac}), mask}), op("mul", {frac, mask})};
  }
};

std::vector<Expr> convert_roi_align(NodeContext& ctx) {
  if (ctx.input_rank(0) != 4) ctx.fail("X must be [N, C, H, W]");
  const int64_t oh = ctx.attr_int("output_height", 1), ow = ctx.attr_int("output_width", 1), s = ctx.attr_int("sampling_ratio", 0);
  if (s <= 0) ctx.fail("sampling_ratio=0 (adaptive per ROI) is not supported");
  std::string mode = ctx.attr_string("mode", "avg"), transform = ctx.attr_string("coordinate_transformation_mode", ctx.opset() >= 16 ? "half_pixel" : "output_half_pixel");
  if (mode != "avg" && mode != "max") ctx.fail("attribute mode='" + mode + "' is not supported");
  if (transform != "half_pixel" && transform != "output_half_pixel")
    ctx.fail("attribute coordinate_transformation_mode='" + transform + "' is not supported");
  // RoiAlign-10 has no such attribute and samples as output_half_pixel does (no half-pixel
  // shift); opset 16 added it with half_pixel as the default.
  const bool half_pixel = transform == "half_pixel";
  const DType dt = ctx.input_dtype(0);
  Sampler sp{ctx, dt};
  // H and W: constants when static, else read off X's shape at run time.
  auto dims = static_dims(ctx, 0);
  auto extent = [&](int64_t axis, DType to) -> Expr {
    if (dims) return to == DType::I64 ? ctx.i64_vector({(*dims)[size_t(axis)]}) : sp.c(double((*dims)[size_t(axis)]));
    Expr d = sp.op("shape", {ctx.input(0)}, {{"start", axis}, {"end", axis + 1}});  // i64[1]
    return to == DType::I64 ? d : sp.op("cast", {sp.op("reshape", {d, ctx.i64_vector({})})}, {{"to", to}});
  };

  // ROI corners [x1, y1, x2, y2] scaled, shifted by half a pixel in half_pixel mode.
  Expr rois = sp.op("sub", {sp.op("mul", {ctx.input(1), sp.c(ctx.attr_float("spatial_scale", 1.0))}), sp.c(half_pixel ? 0.5 : 0)});
  auto corner = [&](int64_t i) { return sp.op("gather", {rois, ctx.i64_scalar(i)}, {{"axis", int64_t(1)}}); };
  Axis ys = sp.sample(corner(1), corner(3), oh, s, extent(2, dt), half_pixel);
  Axis xs = sp.sample(corner(0), corner(2), ow, s, extent(3, dt), half_pixel);

  Expr x = sp.op("gather", {ctx.input(0), as_i64(ctx, 2)}, {{"axis", int64_t(0)}});  // [R, C, H, W]
  Expr rc = sp.op("shape", {x}, {{"end", int64_t(2)}});
  // Sample counts are spelled out, not -1: with no ROIs (R = 0) a -1 could not be inferred.
  auto rows = [&](const Expr& idx) {  // [R, C, Ph, W]
    Expr shape = sp.op("concat", {rc, ctx.i64_vector({oh * s}), extent(3, DType::I64)}, {{"axis", int64_t(0)}});
    Expr at = sp.op("expand", {sp.op("reshape", {idx, ctx.i64_vector({0, 1, oh * s, 1})}), shape});
    return sp.op("gather_elements", {x, at}, {{"axis", int64_t(2)}});
  };
  auto cols = [&](const Expr& v, const Expr& idx) {  // [R, C, Ph, Pw]
    Expr shape = sp.op("concat", {rc, ctx.i64_vector({oh * s, ow * s})}, {{"axis", int64_t(0)}});
    Expr at = sp.op("expand", {sp.op("reshape", {idx, ctx.i64_vector({0, 1, 1, ow * s})}), shape});
    return sp.op("gather_elements", {v, at}, {{"axis", int64_t(3)}});
  };
  auto wy = [&](const Expr& e) { return sp.op("reshape", {e, ctx.i64_vector({0, 1, oh * s, 1})}); };
  auto wx = [&](const Expr& e) { return sp.op("reshape", {e, ctx.i64_vector({0, 1, 1, ow * s})}); };
  Expr low_rows = rows(ys.low), high_rows = rows(ys.high);
  Expr samples;
  if (mode == "avg") {
    Expr blended = sp.op("add", {sp.op("mul", {low_rows, wy(ys.w_low)}), sp.op("mul", {high_rows, wy(ys.w_high)})});
    samples = sp.op("add", {sp.op("mul", {cols(blended, xs.low), wx(xs.w_low)}), sp.op("mul", {cols(blended, xs.high), wx(xs.w_high)})});
  } else {
    for (auto [r, ry] : {std::pair{low_rows, ys.w_low}, std::pair{high_rows, ys.w_high}})
      for (auto [xi, rx] : {std::pair{xs.low, xs.w_low}, std::pair{xs.high, xs.w_high}}) {
        Expr term = sp.op("mul", {sp.op("mul", {cols(r, xi), wy(ry)}), wx(rx)});
        samples = samples ? sp.op("maximum", {samples, term}) : term;
      }
  }
  Expr bins = sp.op("reshape", {samples, ctx.i64_vector({0, 0, oh, s, ow, s})});
  return {sp.op(mode == "avg" ? "reduce_mean" : "reduce_max", {bins}, {{"axes", Ints{3, 5}}, {"keepdims", false}})};
}

}  // namespace

void register_roi_align_converters(ConverterTable& table) { table.add("RoiAlign", convert_roi_align); }

}  // namespace weft::onnx_import
