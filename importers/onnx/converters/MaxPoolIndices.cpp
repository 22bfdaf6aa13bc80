// MaxPoolIndices.cpp - MaxPool's argmax indices from an import-time table of window taps.
#include "importers/onnx/converters/MaxPoolIndices.h"

#include <cmath>

namespace weft::onnx_import {
namespace {

// Note on the method: with static spatial dims the taps of every window are known at
// import time: a table [P windows, K taps] of flat spatial positions (row-major), with
// the extra position H*W... standing for padding. Gathering x (flattened, with one
// lowest-value column appended for that padding position) by the table gives
// [N, C, P, K]; argmax over K picks the tap, and a second table gives the index to
// report (row- or column-major). Memory is P*K per (n, c) plane, as an im2col.

int64_t ceil_div(int64_t a, int64_t b) { return a >= 0 ? (a + b - 1) / b : -((-a) / b); }

// Output length of one spatial dim (ONNX's rule; a ceil-mode window may not start in the end padding).
int64_t out_len(int64_t in, int64_t k, int64_t s, int64_t pb, int64_t pe, int64_t d, bool ceil_mode) {
  const int64_t span = in + pb + pe - (d * (k - 1) + 1);
  int64_t n = (ceil_mode ? ceil_div(span, s) : (span >= 0 ? span / s : -ceil_div(-span, s))) + 1;
  if (ceil_mode && (n - 1) * s >= in + pb) --n;
  return n;
}

}  // namespace

Expr max_pool_indices(NodeContext& ctx, const Expr& x, const Window& w, bool ceil_mode, int64_t storage_order) {
  Ints in = static_spatial(ctx, w.nsp, "the Indices output");
  const size_t nsp = w.nsp;
  Ints out(nsp), in_strides(nsp, 1), cm_strides(nsp, 1);
  for (size_t i = 0; i < nsp; ++i)
    out[i] = out_len(in[i], w.kernel[i], w.strides[i], w.pads[i], w.pads[i + nsp], w.dilations[i], ceil_mode);
  for (size_t i = nsp - 1; i-- > 0;) in_strides[i] = in_strides[i + 1] * in[i + 1];
  for (size_t i = 1; i < nsp; ++i) cm_strides[i] = cm_strides[i - 1] * in[i - 1];
  const int64_t plane = shape_numel(in), windows = shape_numel(out), taps = shape_numel(w.kernel);

  // gather_at[p, t]: row-major position of tap t of window p (plane = padding);
  // report[p, t]: the index ONNX reports for it (row- or column-major).
  std::vector<int64_t> gather_at(size_t(windows * taps)), report(size_t(windows * taps), 0);
  Ints o(nsp, 0);
  for (int64_t p = 0; p < windows; ++p) {
    Ints t(nsp, 0);
    for (int64_t j = 0; j < taps; ++j) {
      int64_t rm = 0, cm = 0;
      bool inside = true;
      for (size_t i = 0; i < nsp; ++i) {
        int64_t c = o[i] * w.strides[i] - w.pads[i] + t[i] * w.dilations[i];
        inside = inside && c >= 0 && c < in[i];
        rm += c * in_strides[i];
        cm += c * cm_strides[i];
      }
      gather_at[size_t(p * taps + j)] = inside ? rm : plane;
      report[size_t(p * taps + j)] = inside ? (storage_order == 1 ? cm : rm) : 0;
      for (size_t i = nsp; i-- > 0;)  // next tap, last dim fastest
        if (++t[i] < w.kernel[i]) break;
        else t[i] = 0;
    }
    for (size_t i = nsp; i-- > 0;)  // next window
      if (++o[i] < out[i]) break;
      else o[i] = 0;
  }

  const DType dt = ctx.input_dtype(0);
  Expr nc = ctx.op("shape", {x}, {{"start", int64_t(0)}, {"end", int64_t(2)}});
  Expr flat = ctx.op("reshape", {x, ctx.i64_vector({0, 0, plane})});
  Expr lowest = ctx.constant(Tensor::scalar<double>(-INFINITY).cast(dt));
  if (!is_float(dt)) lowest = ctx.op("reduce_min", {x}, {{"axes", Ints{}}, {"keepdims", false}});
  Expr pad_col = ctx.op("expand", {lowest, ctx.op("concat", {nc, ctx.i64_vector({1})}, {{"axis", int64_t(0)}})});
  Expr padded = ctx.op("concat", {flat, pad_col}, {{"axis", int64_t(2)}});
  Expr table = ctx.constant(Tensor::from_vector<int64_t>(gather_at, {windows * taps}));
  Expr picked = ctx.op("reshape", {ctx.op("gather", {padded, table}, {{"axis", int64_t(2)}}), ctx.i64_vector({0, 0, windows, taps})});
  Expr best = ctx.op("argmax", {picked}, {{"axis", int64_t(3)}, {"keepdims", true}});
  Expr grid = ctx.op("concat", {nc, ctx.i64_vector({windows, taps})}, {{"axis", int64_t(0)}});
  Expr reports = ctx.op("expand", {ctx.constant(Tensor::from_vector<int64_t>(report, {1, 1, windows, taps})), grid});
  Expr spatial = ctx.op("gather_elements", {reports, best}, {{"axis", int64_t(3)}});
  // Offset of each (n, c) plane in the flat index over the whole tensor.
  Expr planes = ctx.op("reduce_prod", {nc}, {{"keepdims", false}});
  Expr base = ctx.op("mul", {ctx.op("range", {ctx.i64_scalar(0), planes, ctx.i64_scalar(1)}), ctx.i64_scalar(plane)});
  base = ctx.op("reshape", {base, ctx.op("concat", {nc, ctx.i64_vector({1, 1})}, {{"axis", int64_t(0)}})});
  Expr index = ctx.op("add", {spatial, base});
  return ctx.op("reshape", {index, ctx.op("concat", {nc, ctx.i64_vector(out)}, {{"axis", int64_t(0)}})});
}

}  // namespace weft::onnx_import
