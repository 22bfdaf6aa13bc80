// Fusion.h - fusion groups: which operator calls a target may run as one kernel, and the fused kernels' element programs.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "ir/Expr.h"
#include "ir/OpRegistry.h"

namespace weft::lower {

// How a fused kernel reads one input, decided from the types: its shape is the kernel's
// result shape (read at the output's own index), it has one element (read once per call),
// or it broadcasts in some other way (read through broadcast strides).
// Unread: a parameter only the anchor (below) takes, which the element program never reads.
enum class FusedRead { Same, Scalar, Broadcast, Unread };

// One operator call of a fused kernel's body, in evaluation order.
struct FusedOp {
  const CallNode* call = nullptr;
  const OpDef* def = nullptr;
  std::vector<int> args;  // >= 0: the FusedOp at that index; < 0: input -(a + 1)
  std::vector<DType> arg_dtypes;
  DType dtype = DType::F32;  // of its result
};

// The out-fusable call a group may start from (conv, matmul, gemm: OpDef::out_epilogue): its
// kernel computes the group's result tile by tile and applies the element program to each tile
// as its epilogue. Its arguments are parameters of the group; its result is the element
// program's last input (index input_dtypes.size() - 1), read at the output's own index.
struct FusedAnchor {
  const CallNode* call = nullptr;
  const OpDef* def = nullptr;
  std::vector<int> params;  // the group parameter each argument is
  std::vector<DType> arg_dtypes;
  std::vector<int> arg_ranks;
  DType dtype = DType::F32;  // of its result: the group's
};

// A call of a primitive function (opt/FuseOps.h) whose body is only operator calls with a
// scalar_expr over the parameters (and lets naming them), and at most one out-fusable call
// with an epilogue (FusedAnchor) over parameters: every element of the result is
// computed from one element of each input, with no intermediate tensor. Each op's result is
// stored in its own dtype before the next op reads it, so f16 chains round as the
// interpreter's one-op-at-a-time kernels do.
struct FusedKernel {
  const CallNode* call = nullptr;  // the call of the primitive function
  const FunctionNode* fn = nullptr;
  std::vector<DType> input_dtypes;
  std::vector<FusedRead> reads;
  DType dtype = DType::F32;  // of the result
  int rank = 0;              // of the result
  std::vector<FusedOp> ops;  // the last one is the result
  // Set when the body starts from an out-fusable call; input_dtypes and reads then hold one
  // more entry than the function has parameters: the anchor's result.
  std::optional<FusedAnchor> anchor;
  // "mul_tanh_add": the ops in evaluation order, for names and comments.
  std::string name() const;
};

// The operator calls of a function body in groups, each group printed (CPU) or launched
// (a GPU target) as one unit: a call of a primitive function is one group holding the op
// calls of its body (its FusedKernel in `fused`), any other operator call a group of its own.
struct FusionGroups {
  std::vector<std::vector<const ExprNode*>> groups;  // in evaluation order
  std::map<const ExprNode*, int> group_of;           // operator call or primitive call -> index into groups
  std::map<const ExprNode*, FusedKernel> fused;      // primitive call -> its kernel
};

// Whether `c` calls a function literal marked primitive=1.
const FunctionNode* primitive_callee(const CallNode& c);

// The groups of `body`'s operator calls, closure bodies included, in evaluation order;
// `type_of` gives an expression's type at the instance being lowered. CompileError naming the
// reason for a primitive function that is not a fusable body (a call of something other than
// an operator with a scalar_expr, a constant, a non-tensor or unranked value, ...).
FusionGroups group_operator_calls(const Expr& body, const std::function<Type(const Expr&)>& type_of);

}  // namespace weft::lower
