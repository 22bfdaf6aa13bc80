// CallRewriter.h - the walk the simplification passes share: op calls rewritten bottom-up, seeing through let-bound variables.
#pragma once

#include <unordered_map>
#include <unordered_set>

#include "ir/ExprFunctor.h"
#include "ir/Module.h"

namespace weft {

// A bottom-up rewrite of op calls for rules that match across lets. Importers bind every
// op call with a let (`let %a = transpose(%x); let %b = transpose(%a)`), so a rule that
// matches transpose∘transpose must see %a's value: value_of() follows let-bound variables
// to their (already rewritten) values, wherever the use sits (if branches, loop bodies,
// closures: the binding is in scope there, so whatever its value names is too).
//
// A rule gets each op call after its arguments were rewritten, with checked types on the
// call and its arguments (a rewritten node takes the type of the node it replaces: every
// rule keeps the result type), and returns a replacement of the same type or null. The
// replacement is offered to the rules again, so chains collapse.
//
// A let whose variable a rule looked through and which had uses before the rewrite but
// has none after (the inner transpose of a composed pair) is removed: the rewrite
// orphaned it. A let whose value a rule turned into a variable or a constant goes too,
// its uses reading that atom. Other dead code is left to dead-code elimination. Types are inferred
// again on the result when anything changed.
class CallRewriter : public ExprMutator {
 public:
  Module rewrite_module(const Module& m);

  // `e`, or the value bound to `e` when it is a let-bound variable (followed through
  // chains of variables), as rewritten. Marks the variables it follows.
  Expr value_of(const Expr& e);
  // The tensor of `e` when value_of(e) is a constant, else null.
  const Tensor* constant_of(const Expr& e);
  // How many places use the let-bound variable `e` in the function as it was before the
  // rewrite (0 for anything else).
  int uses_before(const Expr& e) const;

 protected:
  // The replacement of `call` (an op call whose arguments are rewritten), or null.
  virtual Expr rewrite_call(const CallNode* call) = 0;

  Expr visit(const Expr& e) override;
  Expr visit_(const CallNode* node) override;
  using ExprMutator::visit_;

 private:
  Expr rewrite_function_body(const Expr& body);

  std::unordered_map<const VarNode*, Expr> bound_;  // let variable -> its value before the rewrite
  std::unordered_map<const VarNode*, int> uses_;    // let variable -> uses before the rewrite
  std::unordered_set<const VarNode*> followed_;     // variables value_of looked through
};

// `e` as a call of an operator, or null.
const CallNode* as_op_call(const Expr& e);
// The operator a call calls (as_op_call(e) not null).
const OpDef* called_op(const CallNode* call);

// The type of an expression a rule sees: its checked type, or a constant's own type.
Type type_of(const Expr& e);

}  // namespace weft
