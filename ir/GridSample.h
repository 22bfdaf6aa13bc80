// GridSample.h - torch's grid_sampler_2d (ONNX GridSample) as standard ops (coordinate math and gathers), shared by the importers.
#pragma once

#include <cstdint>
#include <string>
#include <tuple>
#include <vector>

#include "ir/Attrs.h"
#include "ir/DType.h"

namespace weft::grid_sample {

// Note on the method: it follows torch's grid_sampler_2d (which ONNX GridSample-16
// specifies). Grid coordinates in [-1, 1] are unnormalized to pixels, mapped by the
// padding mode (border clamps, reflection folds), and each tap (nearest, 2x2 bilinear or
// 4x4 bicubic) is read with one gather_elements over x flattened to [N, C, H*W]; a tap
// outside the image reads 0. Sizes come from shapes at run time, so dims may be unknown.
// ONNX's GridSample and TorchScript's aten::grid_sampler both lower through emit().

struct Options {
  std::string mode = "bilinear";  // bilinear | nearest | bicubic
  std::string padding = "zeros";  // zeros | border | reflection
  bool align_corners = false;
};

// Why `o` is not supported, or empty.
inline std::string check(const Options& o) {
  if (o.mode != "bilinear" && o.mode != "nearest" && o.mode != "bicubic") return "mode='" + o.mode + "' is not supported";
  if (o.padding != "zeros" && o.padding != "border" && o.padding != "reflection")
    return "padding_mode='" + o.padding + "' is not supported";
  return "";
}

// The sampler over an importer's emitter, which provides E op(name, args, attrs),
// E i64_vector(ints), E i64_scalar(int) and E scalar(dtype, double).
template <class E, class Emitter>
struct Sampler {
  Emitter& em;
  DType dt;
  Options o;
  E x_flat;                // [N, C, H*W]
  E w_i, h_i, w_f, h_f;    // image width and height, i64 and float scalars
  E gather_shape;          // [N, C, Ho*Wo]
  E out_shape;             // [N, C, Ho, Wo]

  E c(double v) { return em.scalar(dt, v); }
  E op(const std::string& name, std::vector<E> args, Attrs a = {}) { return em.op(name, std::move(args), a); }
  E add(const E& a, const E& b) { return op("add", {a, b}); }
  E sub(const E& a, const E& b) { return op("sub", {a, b}); }
  E mul(const E& a, const E& b) { return op("mul", {a, b}); }
  E div(const E& a, const E& b) { return op("div", {a, b}); }

  E unnormalize(const E& g, const E& size) {
    E g1 = add(g, c(1));
    if (o.align_corners) return mul(div(g1, c(2)), sub(size, c(1)));
    return div(sub(mul(g1, size), c(1)), c(2));
  }
  // torch's reflect_coordinates: fold x into [low, high] (given doubled) by reflection.
  E reflect(const E& x, const E& twice_low, const E& twice_high) {
    E lo = div(twice_low, c(2)), span = div(sub(twice_high, twice_low), c(2));
    E a = op("abs", {sub(x, lo)});
    E extra = op("mod", {a, span}, {{"fmod", int64_t(1)}});
    E flips = op("floor", {div(a, span)});
    E even = op("equal", {op("mod", {flips, c(2)}, {{"fmod", int64_t(1)}}), c(0)});
    E folded = op("where", {even, add(extra, lo), add(sub(span, extra), lo)});
    return op("where", {op("equal", {span, c(0)}), c(0), folded});
  }
  E clamp(const E& x, const E& size) { return op("clip", {x, c(0), sub(size, c(1))}); }
  E pad_coordinate(const E& x, const E& size) {
    if (o.padding == "border") return clamp(x, size);
    if (o.padding != "reflection") return x;
    E folded = o.align_corners ? reflect(x, c(0), mul(c(2), sub(size, c(1)))) : reflect(x, c(-1), sub(mul(c(2), size), c(1)));
    return clamp(folded, size);
  }
  // x[n, :, yi, xi] for integral float coordinates [N, Ho, Wo], 0 outside the image.
  E tap(const E& xi, const E& yi) {
    auto within = [&](const E& v, const E& size) {
      return op("logical_and", {op("greater_equal", {v, c(0)}), op("less_equal", {v, sub(size, c(1))})});
    };
    E inside = op("logical_and", {within(xi, w_f), within(yi, h_f)});
    auto index = [&](const E& v, const E& size) { return op("cast", {clamp(v, size)}, {{"to", DType::I64}}); };
    E flat = add(mul(index(yi, h_f), w_i), index(xi, w_f));
    flat = op("expand", {op("reshape", {flat, em.i64_vector({0, 1, -1})}), gather_shape});
    E v = op("reshape", {op("gather_elements", {x_flat, flat}, {{"axis", int64_t(2)}}), out_shape});
    return mul(v, weight(op("cast", {inside}, {{"to", dt}})));
  }
  E weight(const E& w) { return op("unsqueeze", {w}, {{"axes", std::vector<int64_t>{1}}}); }  // [N, Ho, Wo] -> [N, 1, Ho, Wo]

  // torch's cubic convolution weights for the 4 taps at offsets -1..2 from floor(x).
  std::vector<E> cubic_weights(const E& t) {
    const double a = -0.75;
    auto near = [&](const E& x) {  // |x| <= 1: ((a + 2) x - (a + 3)) x^2 + 1
      return add(mul(sub(mul(c(a + 2), x), c(a + 3)), mul(x, x)), c(1));
    };
    auto far = [&](const E& x) {  // 1 < |x| < 2: ((a x - 5a) x + 8a) x - 4a
      return sub(mul(add(mul(sub(mul(c(a), x), c(5 * a)), x), c(8 * a)), x), c(4 * a));
    };
    return {far(add(t, c(1))), near(t), near(sub(c(1), t)), far(sub(c(2), t))};
  }
};

// x [N, C, H, W] of float type `dt` sampled at grid [N, Ho, Wo, 2] (x, y in [-1, 1]): [N, C, Ho, Wo].
// `o` must pass check().
template <class E, class Emitter>
E emit(const E& x, const E& grid, DType dt, const Options& o, Emitter& em) {
  Sampler<E, Emitter> s{em, dt, o, {}, {}, {}, {}, {}, {}, {}};
  auto shape = [&](const E& v, int64_t start, int64_t end) { return s.op("shape", {v}, {{"start", start}, {"end", end}}); };
  E nc = shape(x, 0, 2), out_hw = shape(grid, 1, 3);
  auto dim = [&](int64_t d) { return s.op("reshape", {shape(x, d, d + 1), em.i64_vector({})}); };
  s.h_i = dim(2);
  s.w_i = dim(3);
  s.h_f = s.op("cast", {s.h_i}, {{"to", dt}});
  s.w_f = s.op("cast", {s.w_i}, {{"to", dt}});
  s.x_flat = s.op("reshape", {x, em.i64_vector({0, 0, -1})});
  s.gather_shape = s.op("concat", {nc, s.op("reshape", {s.op("reduce_prod", {out_hw}, {{"keepdims", true}}), em.i64_vector({1})})},
                        {{"axis", int64_t(0)}});
  s.out_shape = s.op("concat", {nc, out_hw}, {{"axis", int64_t(0)}});
  E ix = s.unnormalize(s.op("gather", {grid, em.i64_scalar(0)}, {{"axis", int64_t(3)}}), s.w_f);
  E iy = s.unnormalize(s.op("gather", {grid, em.i64_scalar(1)}, {{"axis", int64_t(3)}}), s.h_f);

  if (o.mode == "nearest") return s.tap(s.op("round", {s.pad_coordinate(ix, s.w_f)}), s.op("round", {s.pad_coordinate(iy, s.h_f)}));
  if (o.mode == "bilinear") {
    ix = s.pad_coordinate(ix, s.w_f);
    iy = s.pad_coordinate(iy, s.h_f);
    E x0 = s.op("floor", {ix}), y0 = s.op("floor", {iy});
    E x1 = s.add(x0, s.c(1)), y1 = s.add(y0, s.c(1));
    E wx1 = s.sub(ix, x0), wy1 = s.sub(iy, y0);
    E wx0 = s.sub(s.c(1), wx1), wy0 = s.sub(s.c(1), wy1);
    E out;
    bool first = true;
    for (auto [xt, yt, w] : {std::tuple{x0, y0, s.mul(wx0, wy0)}, std::tuple{x1, y0, s.mul(wx1, wy0)},
                             std::tuple{x0, y1, s.mul(wx0, wy1)}, std::tuple{x1, y1, s.mul(wx1, wy1)}}) {
      E term = s.mul(s.tap(xt, yt), s.weight(w));
      out = first ? term : s.add(out, term);
      first = false;
    }
    return out;
  }
  // Bicubic: taps at floor - 1 .. floor + 2 in each direction, each coordinate padded.
  E x0 = s.op("floor", {ix}), y0 = s.op("floor", {iy});
  std::vector<E> cx = s.cubic_weights(s.sub(ix, x0)), cy = s.cubic_weights(s.sub(iy, y0));
  E out;
  bool first = true;
  for (int j = 0; j < 4; ++j) {
    E yt = s.pad_coordinate(s.add(y0, s.c(j - 1)), s.h_f);
    for (int i = 0; i < 4; ++i) {
      E xt = s.pad_coordinate(s.add(x0, s.c(i - 1)), s.w_f);
      E term = s.mul(s.tap(xt, yt), s.weight(s.mul(cx[size_t(i)], cy[size_t(j)])));
      out = first ? term : s.add(out, term);
      first = false;
    }
  }
  return out;
}

}  // namespace weft::grid_sample
