// WindowAttrs.cpp - reading kernel/strides/dilations/pads of ONNX window ops and resolving auto_pad from static dims.
#include "importers/onnx/converters/WindowAttrs.h"

#include <algorithm>

namespace weft::onnx_import {

Ints ints_or(const NodeContext& ctx, const std::string& name, size_t n, int64_t fill) {
  Ints v = ctx.attr_ints(name, Ints(n, fill));
  if (v.empty()) v.assign(n, fill);
  if (v.size() != n) ctx.fail(Msg() << "attribute " << name << " has " << v.size() << " values, expected " << n);
  return v;
}

Ints static_spatial(const NodeContext& ctx, size_t nsp, const std::string& why) {
  const TensorTypeNode* t = as_ranked(ctx.input_type(0));
  Ints dims;
  for (size_t i = 0; t && i < nsp && i < t->shape.size(); ++i) {
    const Dim& d = t->shape[t->shape.size() - nsp + i];
    if (d.is_static()) dims.push_back(d.value());
  }
  if (dims.size() != nsp) ctx.fail(why + " needs the input's spatial dims known at import time");
  return dims;
}

Window read_window(const NodeContext& ctx, int weights) {
  Window w;
  const int rank = ctx.input_rank(0);
  if (rank < 3) ctx.fail(Msg() << "input must have rank >= 3 ([N, C, spatial...]), found rank " << rank);
  w.nsp = size_t(rank - 2);
  if (ctx.has_attr("kernel_shape")) {
    w.kernel = ctx.attr_ints("kernel_shape");
  } else if (weights >= 0) {
    auto wd = static_dims(ctx, size_t(weights));
    if (!wd || wd->size() != w.nsp + 2) ctx.fail("kernel_shape is absent and the weights' shape is not known");
    w.kernel.assign(wd->begin() + 2, wd->end());
  } else {
    ctx.fail("attribute kernel_shape is required");
  }
  if (w.kernel.size() != w.nsp) ctx.fail(Msg() << "kernel_shape has " << w.kernel.size() << " values, expected " << w.nsp);
  w.strides = ints_or(ctx, "strides", w.nsp, 1);
  w.dilations = ints_or(ctx, "dilations", w.nsp, 1);
  w.pads = ints_or(ctx, "pads", 2 * w.nsp, 0);
  return w;
}

// SAME_* pads so that out = ceil(in / stride), the odd unit going to the end (UPPER) or
// the begin (LOWER); VALID means no padding.
void resolve_auto_pad(const NodeContext& ctx, Window& w) {
  std::string mode = ctx.attr_string("auto_pad", "NOTSET");
  if (mode == "NOTSET") return;
  if (mode == "VALID") {
    w.pads.assign(2 * w.nsp, 0);
    return;
  }
  if (mode != "SAME_UPPER" && mode != "SAME_LOWER") ctx.fail("attribute auto_pad='" + mode + "' is not supported");
  // With stride 1 the total padding is (k - 1) * dilation whatever the size.
  const bool unit_strides = std::all_of(w.strides.begin(), w.strides.end(), [](int64_t s) { return s == 1; });
  Ints in = unit_strides ? Ints(w.nsp, 0) : static_spatial(ctx, w.nsp, "auto_pad=" + mode + " with strides > 1");
  for (size_t i = 0; i < w.nsp; ++i) {
    int64_t s = w.strides[i], out = (in[i] + s - 1) / s;
    int64_t total = unit_strides ? (w.kernel[i] - 1) * w.dilations[i]
                                 : std::max<int64_t>(0, (out - 1) * s + (w.kernel[i] - 1) * w.dilations[i] + 1 - in[i]);
    int64_t small = total / 2, big = total - small;
    w.pads[i] = mode == "SAME_UPPER" ? small : big;
    w.pads[i + w.nsp] = mode == "SAME_UPPER" ? big : small;
  }
}

Attrs conv_attrs(const NodeContext& ctx, int weights) {
  Window w = read_window(ctx, weights);
  resolve_auto_pad(ctx, w);
  return {{"strides", w.strides}, {"pads", w.pads}, {"dilations", w.dilations}, {"groups", ctx.attr_int("group", 1)}};
}

}  // namespace weft::onnx_import
