// GridSampleConverter.cpp - ONNX GridSample (4-D, as torch's grid_sample) composed from coordinate math and gathers.
#include "importers/onnx/converters/ConverterHelpers.h"
#include "importers/onnx/converters/Converters.h"

namespace weft::onnx_import {
namespace {

// Note on the method: it follows torch's grid_sampler_2d (which ONNX GridSample-16
// specifies). Grid coordinates in [-1, 1] are unnormalized to pixels, mapped by the
// padding mode (border clamps, reflection folds), and each tap (nearest, 2x2 bilinear or
// 4x4 bicubic) is read with one gather_elements over x flattened to [N, C, H*W]; a tap
// outside the image reads 0. Sizes come from shapes at run time, so dims may be unknown.
struct Sampler {
  NodeContext& ctx;
  DType dt;
  std::string padding;
  bool align;
  Expr x_flat;             // [N, C, H*W]
  Expr w_i, h_i, w_f, h_f; // image width and height, i64 and float scalars
  Expr gather_shape;       // [N, C, Ho*Wo]
  Expr out_shape;          // [N, C, Ho, Wo]

  Expr c(double v) { return scalar_const(ctx, dt, v); }
  Expr op(const std::string& name, std::vector<Expr> args, Attrs a = {}) { return ctx.op(name, std::move(args), a); }
  Expr add(const Expr& a, const Expr& b) { return op("add", {a, b}); }
  Expr sub(const Expr& a, const Expr& b) { return op("sub", {a, b}); }
  Expr mul(const Expr& a, const Expr& b) { return op("mul", {a, b}); }
  Expr div(const Expr& a, const Expr& b) { return op("div", {a, b}); }

  Expr unnormalize(const Expr& g, const Expr& size) {
    Expr g1 = add(g, c(1));
    if (align) return mul(div(g1, c(2)), sub(size, c(1)));
    return div(sub(mul(g1, size), c(1)), c(2));
  }
  // torch's reflect_coordinates: fold x into [low, high] (given doubled) by reflection.
  Expr reflect(const Expr& x, const Expr& twice_low, const Expr& twice_high) {
    Expr lo = div(twice_low, c(2)), span = div(sub(twice_high, twice_low), c(2));
    Expr a = op("abs", {sub(x, lo)});
    Expr extra = op("mod", {a, span}, {{"fmod", int64_t(1)}});
    Expr flips = op("floor", {div(a, span)});
    Expr even = op("equal", {op("mod", {flips, c(2)}, {{"fmod", int64_t(1)}}), c(0)});
    Expr folded = op("where", {even, add(extra, lo), add(sub(span, extra), lo)});
    return op("where", {op("equal", {span, c(0)}), c(0), folded});
  }
  Expr clamp(const Expr& x, const Expr& size) { return op("clip", {x, c(0), sub(size, c(1))}); }
  Expr pad_coordinate(const Expr& x, const Expr& size) {
    if (padding == "border") return clamp(x, size);
    if (padding != "reflection") return x;
    Expr folded = align ? reflect(x, c(0), mul(c(2), sub(size, c(1)))) : reflect(x, c(-1), sub(mul(c(2), size), c(1)));
    return clamp(folded, size);
  }
  // x[n, :, yi, xi] for integral float coordinates [N, Ho, Wo], 0 outside the image.
  Expr tap(const Expr& xi, const Expr& yi) {
    auto within = [&](const Expr& v, const Expr& size) {
      return op("logical_and", {op("greater_equal", {v, c(0)}), op("less_equal", {v, sub(size, c(1))})});
    };
    Expr inside = op("logical_and", {within(xi, w_f), within(yi, h_f)});
    auto index = [&](const Expr& v, const Expr& size) { return op("cast", {clamp(v, size)}, {{"to", DType::I64}}); };
    Expr flat = add(mul(index(yi, h_f), w_i), index(xi, w_f));
    flat = op("expand", {op("reshape", {flat, ctx.i64_vector({0, 1, -1})}), gather_shape});
    Expr v = op("reshape", {op("gather_elements", {x_flat, flat}, {{"axis", int64_t(2)}}), out_shape});
    return mul(v, weight(op("cast", {inside}, {{"to", dt}})));
  }
  Expr weight(const Expr& w) { return op("unsqueeze", {w}, {{"axes", Ints{1}}}); }  // [N, Ho, Wo] -> [N, 1, Ho, Wo]
};

// torch's cubic convolution weights for the 4 taps at offsets -1..2 from floor(x).
std::vector<Expr> cubic_weights(Sampler& s, const Expr& t) {
  const double a = -0.75;
  auto near = [&](const Expr& x) {  // |x| <= 1: ((a + 2) x - (a + 3)) x^2 + 1
    return s.add(s.mul(s.sub(s.mul(s.c(a + 2), x), s.c(a + 3)), s.mul(x, x)), s.c(1));
  };
  auto far = [&](const Expr& x) {  // 1 < |x| < 2: ((a x - 5a) x + 8a) x - 4a
    return s.sub(s.mul(s.add(s.mul(s.sub(s.mul(s.c(a), x), s.c(5 * a)), x), s.c(8 * a)), x), s.c(4 * a));
  };
  return {far(s.add(t, s.c(1))), near(t), near(s.sub(s.c(1), t)), far(s.sub(s.c(2), t))};
}

std::vector<Expr> convert_grid_sample(NodeContext& ctx) {
  if (ctx.input_rank(0) != 4 || ctx.input_rank(1) != 4) ctx.fail("only 4-D input [N, C, H, W] and grid [N, Ho, Wo, 2] are supported");
  std::string mode = ctx.attr_string("mode", "bilinear"), padding = ctx.attr_string("padding_mode", "zeros");
  if (mode != "bilinear" && mode != "nearest" && mode != "bicubic") ctx.fail("attribute mode='" + mode + "' is not supported");
  if (padding != "zeros" && padding != "border" && padding != "reflection")
    ctx.fail("attribute padding_mode='" + padding + "' is not supported");
  const DType dt = ctx.input_dtype(0);
  Expr x = ctx.input(0), grid = ctx.input(1);
  Sampler s{ctx, dt, padding, attr_bool(ctx, "align_corners", false), {}, {}, {}, {}, {}, {}, {}};
  Expr nc = ctx.op("shape", {x}, {{"start", int64_t(0)}, {"end", int64_t(2)}});
  Expr out_hw = ctx.op("shape", {grid}, {{"start", int64_t(1)}, {"end", int64_t(3)}});
  auto dim = [&](int64_t d) { return ctx.op("reshape", {ctx.op("shape", {x}, {{"start", d}, {"end", d + 1}}), ctx.i64_vector({})}); };
  s.h_i = dim(2);
  s.w_i = dim(3);
  s.h_f = ctx.op("cast", {s.h_i}, {{"to", dt}});
  s.w_f = ctx.op("cast", {s.w_i}, {{"to", dt}});
  s.x_flat = ctx.op("reshape", {x, ctx.i64_vector({0, 0, -1})});
  s.gather_shape = ctx.op("concat", {nc, ctx.op("reshape", {ctx.op("reduce_prod", {out_hw}, {{"keepdims", true}}), ctx.i64_vector({1})})},
                          {{"axis", int64_t(0)}});
  s.out_shape = ctx.op("concat", {nc, out_hw}, {{"axis", int64_t(0)}});
  Expr ix = s.unnormalize(ctx.op("gather", {grid, ctx.i64_scalar(0)}, {{"axis", int64_t(3)}}), s.w_f);
  Expr iy = s.unnormalize(ctx.op("gather", {grid, ctx.i64_scalar(1)}, {{"axis", int64_t(3)}}), s.h_f);

  if (mode == "nearest") return {s.tap(ctx.op("round", {s.pad_coordinate(ix, s.w_f)}), ctx.op("round", {s.pad_coordinate(iy, s.h_f)}))};
  if (mode == "bilinear") {
    ix = s.pad_coordinate(ix, s.w_f);
    iy = s.pad_coordinate(iy, s.h_f);
    Expr x0 = ctx.op("floor", {ix}), y0 = ctx.op("floor", {iy});
    Expr x1 = s.add(x0, s.c(1)), y1 = s.add(y0, s.c(1));
    Expr wx1 = s.sub(ix, x0), wy1 = s.sub(iy, y0);
    Expr wx0 = s.sub(s.c(1), wx1), wy0 = s.sub(s.c(1), wy1);
    Expr out;
    for (auto [xt, yt, w] : {std::tuple{x0, y0, s.mul(wx0, wy0)}, std::tuple{x1, y0, s.mul(wx1, wy0)},
                             std::tuple{x0, y1, s.mul(wx0, wy1)}, std::tuple{x1, y1, s.mul(wx1, wy1)}}) {
      Expr term = s.mul(s.tap(xt, yt), s.weight(w));
      out = out ? s.add(out, term) : term;
    }
    return {out};
  }
  // Bicubic: taps at floor - 1 .. floor + 2 in each direction, each coordinate padded.
  Expr x0 = ctx.op("floor", {ix}), y0 = ctx.op("floor", {iy});
  std::vector<Expr> cx = cubic_weights(s, s.sub(ix, x0)), cy = cubic_weights(s, s.sub(iy, y0));
  Expr out;
  for (int j = 0; j < 4; ++j) {
    Expr yt = s.pad_coordinate(s.add(y0, s.c(j - 1)), s.h_f);
    for (int i = 0; i < 4; ++i) {
      Expr xt = s.pad_coordinate(s.add(x0, s.c(i - 1)), s.w_f);
      Expr term = s.mul(s.tap(xt, yt), s.weight(s.mul(cx[size_t(i)], cy[size_t(j)])));
      out = out ? s.add(out, term) : term;
    }
  }
  return {out};
}

}  // namespace

void register_grid_sample_converters(ConverterTable& table) { table.add("GridSample", convert_grid_sample); }

}  // namespace weft::onnx_import
