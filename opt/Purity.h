// Purity.h - which expressions may be dropped when unused or computed once for two uses: the effects DCE and CSE keep.
#pragma once

#include <unordered_map>

#include "ir/Expr.h"

namespace weft {

// Note on effects. An expression is *pure* when evaluating it can neither touch a reference,
// raise a run-time error nor fail to return, so dropping it (when its value is unused) or
// computing it once for two identical uses changes nothing observable. What keeps its effects:
// - ref_new and ref_write (a reference's identity and contents are state); ref_read is pure;
// - calls of functions (global or closures): their bodies may raise, loop or write references,
//   and the analysis does not look inside; constructor applications are pure;
// - a match whose last clause can fail (no match is a run-time error);
// - an operator call that may raise on well-typed arguments (op_call_is_pure below).
// Closure creation, tuples, projections, lets and ifs are pure when their parts are.
//
// op_call_is_pure: the registry says when a kernel raises on argument *values*
// (OpDef::raises_on_values: a zero integer divisor, an index out of range); such a call is
// never pure. Otherwise a kernel raises only on shapes, and a call is pure when the type
// relation has already checked its shapes: for an Elementwise or Broadcast op, every aligned
// dim of its arguments is the same Dim or a static 1 (no `?`: broadcast_shapes leaves a
// symbol against a static dim to a run-time check); for any other op, every argument dim is
// static (a symbolic dim can still be too small for a window or an empty axis at run time).
bool op_call_is_pure(const CallNode* call);

// is_pure over a DAG, memoized: each node is judged once, so a pass that asks for every node
// stays linear. Reads checked_type: the expressions must be type-checked.
class PurityAnalysis {
 public:
  bool pure(const Expr& e);

 private:
  std::unordered_map<const ExprNode*, bool> memo_;
};

}  // namespace weft
