// Sharing.h - which expressions a program shares (one node under several parents), and the check that none is.
#pragma once

#include <unordered_map>

#include "ir/Module.h"

namespace weft {

// Atomic expressions are names and literals (Var, GlobalVar, Constant, Op, Constructor):
// using one twice costs nothing, so they may be shared freely. Any other node reached
// through more than one parent edge is a shared subexpression (as CSE produces, or a
// builder that reuses an Expr): the text format cannot write one, and the code generator
// would compute it once per use. Passes that need each computation once run
// to-a-normal-form (opt/ToANormalForm.h), which binds every shared node with one let.
bool is_atomic(const Expr& e);

// Calls f(child, position, opens_scope) for each child expression of `e` in evaluation
// order (binders and patterns are not children). `position` numbers the child within its
// parent: callee 0 then arguments 1..; let value 1 and body 2; if cond 0, then 1, else 2;
// function body 0; match scrutinee 0, clause i's body 1 + i; tuple field i; tuple_get,
// ref_new, ref_read 0; ref_write ref 0, value 1. `opens_scope` is true where the child
// runs in a scope of its own: a let body, an if branch, a function body, a clause body.
template <typename F>
void for_each_child(const Expr& e, F&& f);

// For every non-atomic node reachable from `root` (root included), how many parent edges
// reach it (root counts its caller's edge: 1). Each node is walked once; no recursion.
std::unordered_map<const ExprNode*, int> count_parent_edges(const Expr& root);

// Checks that no function of `m` shares a non-atomic subexpression (within one function;
// a node used by two different functions is computed once in each). The code generator
// calls this first; InternalError naming the function and the shared expression when the
// invariant is broken (a pipeline left out to-a-normal-form).
void check_unshared(const Module& m);

// ---- implementation of for_each_child

template <typename F>
void for_each_child(const Expr& e, F&& f) {
  switch (e->kind) {
    case ExprKind::Tuple: {
      auto* n = as<TupleNode>(e);
      for (size_t i = 0; i < n->fields.size(); ++i) f(n->fields[i], int(i), false);
      return;
    }
    case ExprKind::TupleGet: f(as<TupleGetNode>(e)->tuple, 0, false); return;
    case ExprKind::Let:
      f(as<LetNode>(e)->value, 1, false);
      f(as<LetNode>(e)->body, 2, true);
      return;
    case ExprKind::If: {
      auto* n = as<IfNode>(e);
      f(n->cond, 0, false);
      f(n->then_branch, 1, true);
      f(n->else_branch, 2, true);
      return;
    }
    case ExprKind::Function: f(as<FunctionNode>(e)->body, 0, true); return;
    case ExprKind::Call: {
      auto* n = as<CallNode>(e);
      f(n->callee, 0, false);
      for (size_t i = 0; i < n->args.size(); ++i) f(n->args[i], int(i) + 1, false);
      return;
    }
    case ExprKind::Match: {
      auto* n = as<MatchNode>(e);
      f(n->scrutinee, 0, false);
      for (size_t i = 0; i < n->clauses.size(); ++i) f(n->clauses[i].body, int(i) + 1, true);
      return;
    }
    case ExprKind::RefNew: f(as<RefNewNode>(e)->value, 0, false); return;
    case ExprKind::RefRead: f(as<RefReadNode>(e)->ref, 0, false); return;
    case ExprKind::RefWrite:
      f(as<RefWriteNode>(e)->ref, 0, false);
      f(as<RefWriteNode>(e)->value, 1, false);
      return;
    case ExprKind::Var:
    case ExprKind::GlobalVar:
    case ExprKind::Constant:
    case ExprKind::Op:
    case ExprKind::Constructor: return;
  }
}

}  // namespace weft
