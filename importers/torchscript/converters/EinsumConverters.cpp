// EinsumConverters.cpp - aten::einsum, lowered through ir/Einsum.h's plan as ONNX's Einsum is.
#include "importers/torchscript/NodeContext.h"
#include "importers/torchscript/converters/LoweringEmitter.h"
#include "ir/Einsum.h"

namespace weft::ts {

namespace {

// einsum(str equation, Tensor[] tensors, *, int[]? path=None): `path` only orders the
// contractions, which the plan does its own way.
std::vector<TsVal> einsum_op(NodeContext& c) {
  std::vector<TsVal> items = c.list_items(1);
  if (items.empty()) c.fail("einsum needs at least one operand");
  std::vector<TExpr> inputs;
  std::vector<int> ranks;
  for (size_t i = 0; i < items.size(); ++i) {
    if (!items[i].is_tensor_like()) c.fail(Msg() << "einsum operand " << i << " must be a tensor, found " << kind_name(items[i].kind));
    inputs.push_back(items[i].v);
    ranks.push_back(inputs.back().rank());
  }
  // torch contracts operands of one dtype; a differing one is cast as a float would be promoted.
  DType dt = inputs[0].dtype();
  for (auto& x : inputs)
    if (x.dtype() != dt && is_float(x.dtype())) dt = x.dtype();
  for (auto& x : inputs) x = c.cast(x, dt);
  einsum::Plan plan;
  if (std::string why = einsum::make_plan(c.str_arg(0), ranks, plan); !why.empty()) c.fail(why);
  LoweringEmitter em{c};
  return {c.out(einsum::emit(plan, inputs, dt, em))};
}

}  // namespace

void register_einsum_converters(ConverterTable& t) { t.add("aten::einsum", einsum_op); }

}  // namespace weft::ts
