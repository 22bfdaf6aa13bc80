// ConverterHelpers.h - pieces shared by the ONNX op converters: constants, axes, operands that moved from attributes to inputs.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "importers/onnx/NodeContext.h"

namespace weft::onnx_import {

using Ints = std::vector<int64_t>;

// A rank-0 tensor of dtype `d` holding `v`, converted as NumPy would; and it as a constant.
Tensor scalar_tensor(DType d, double v);
Expr scalar_const(NodeContext& ctx, DType d, double v);
// The constant i64 values 0..n-1, shaped [n] or as `shape` (e.g. [n, 1] to broadcast along rows).
Expr iota(NodeContext& ctx, int64_t n, std::vector<int64_t> shape = {});

// Input i's dims when every one is static; nullopt when the type or a dim is unknown.
std::optional<Ints> static_dims(const NodeContext& ctx, size_t i);
// Input i's integer values when known at import time (absent input: nullopt).
std::optional<Ints> const_ints(const NodeContext& ctx, size_t i);
// Input i's single integer value when known at import time.
std::optional<int64_t> const_int(const NodeContext& ctx, size_t i);
// Input i's floating value (first element) when known at import time.
std::optional<double> const_float(const NodeContext& ctx, size_t i);

// `axis` in [-rank, rank) normalized to [0, rank); fail() names `what` otherwise.
int positive_axis(const NodeContext& ctx, int64_t axis, int rank, const std::string& what = "axis");
// Field i of an op's tuple result, bound to a fresh variable.
Expr tuple_field(NodeContext& ctx, const Expr& tuple, int i);
// Bool attribute stored by ONNX as an int.
bool attr_bool(const NodeContext& ctx, const std::string& name, bool def);

// An int-list operand that ONNX moved from an attribute to an input at opset `since`
// (Squeeze axes, Split sizes, Slice bounds, Pad pads...). `values` is set when known at
// import time; `runtime` holds the input (as i64) when it is only known at run time.
struct IntsOperand {
  bool present = false;
  std::optional<Ints> values;
  Expr runtime;
};
IntsOperand ints_operand(NodeContext& ctx, const std::string& attr, size_t input, int since);

// The operand as an i64 tensor expression (a constant, or the run-time input).
Expr ints_expr(NodeContext& ctx, const IntsOperand& op);
// Input i cast to i64 when it is another integer type.
Expr as_i64(NodeContext& ctx, size_t i);

// The same expression with its dims forgotten (`let %v: T[?, ...] = e; %v`): if branches
// whose shapes differ then join.
Expr with_unknown_dims(const Expr& e, DType dtype, int rank);

}  // namespace weft::onnx_import
