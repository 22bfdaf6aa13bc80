// NnOps.cpp - the nn family's entry point and the window/attribute helpers its parts share.
#include "ir/ops/AllOps.h"
#include "ir/ops/NnInternal.h"

namespace weft {

void nn_fail(Stage stage, const std::string& msg) {
  if (stage == Stage::Type) throw TypeRelationError(msg);
  throw RuntimeError(msg);
}

std::vector<int64_t> spatial_attr(const Attrs& attrs, const std::string& name, size_t nsp, int64_t fill,
                                  const std::string& op, Stage stage) {
  const auto& v = attrs.get_ints(name);
  if (v.empty()) return std::vector<int64_t>(nsp, fill);
  if (v.size() != nsp)
    nn_fail(stage, Msg() << op << ": attribute " << name << " needs " << nsp << " values (one per spatial dim), found "
                         << attr_value_str(v));
  return v;
}

WindowAttrs window_attrs(const Attrs& attrs, size_t nsp, const std::string& op, Stage stage) {
  WindowAttrs w;
  w.strides = spatial_attr(attrs, "strides", nsp, 1, op, stage);
  w.dilations = attrs.has("dilations") ? spatial_attr(attrs, "dilations", nsp, 1, op, stage) : std::vector<int64_t>(nsp, 1);
  const auto& pads = attrs.get_ints("pads");
  if (!pads.empty() && pads.size() != 2 * nsp)
    nn_fail(stage, Msg() << op << ": attribute pads needs " << 2 * nsp << " values ([begin..., end...]), found "
                         << attr_value_str(pads));
  w.pads_begin.assign(nsp, 0);
  w.pads_end.assign(nsp, 0);
  for (size_t i = 0; i < nsp && !pads.empty(); ++i) {
    w.pads_begin[i] = pads[i];
    w.pads_end[i] = pads[nsp + i];
  }
  for (size_t i = 0; i < nsp; ++i) {
    if (w.strides[i] < 1) nn_fail(stage, Msg() << op << ": strides must be >= 1, found " << attr_value_str(w.strides));
    if (w.dilations[i] < 1) nn_fail(stage, Msg() << op << ": dilations must be >= 1, found " << attr_value_str(w.dilations));
    if (w.pads_begin[i] < 0 || w.pads_end[i] < 0)
      nn_fail(stage, Msg() << op << ": pads must be >= 0, found " << attr_value_str(pads));
  }
  return w;
}

Dim window_out_dim(const Dim& in, const Dim& k, int64_t s, int64_t pb, int64_t pe, int64_t d) {
  return (in + Dim(pb + pe - 1) - Dim(d) * (k - Dim(1))).floordiv(Dim(s)) + Dim(1);
}

int64_t window_out_len(int64_t in, int64_t k, int64_t s, int64_t pb, int64_t pe, int64_t d, bool ceil_mode) {
  int64_t span = in + pb + pe - d * (k - 1) - 1;
  if (span < 0) return 0;
  if (!ceil_mode) return span / s + 1;
  int64_t out = (span + s - 1) / s + 1;
  if ((out - 1) * s >= in + pb) --out;  // the last window must start inside the input or its begin padding
  return out;
}

bool arg_present(const std::vector<ArgInfo>& args, size_t i) {
  if (i >= args.size()) return false;
  const TensorTypeNode* t = as_tensor(args[i].type);
  if (!t) return true;  // let expect_tensor report it
  for (const Dim& d : t->shape)
    if (d.is_static() && d.value() == 0) return false;
  return true;
}

bool input_present(const std::vector<Tensor>& inputs, size_t i) { return i < inputs.size() && inputs[i].numel() > 0; }

void register_nn_ops(OpRegistry& reg) {
  register_matmul_ops(reg);
  register_conv_ops(reg);
  register_pool_ops(reg);
  register_norm_ops(reg);
}

}  // namespace weft
