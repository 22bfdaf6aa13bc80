// Purity.cpp - which expressions may be dropped or shared: see the Note in Purity.h.
#include "opt/Purity.h"

#include <vector>

#include "ir/OpRegistry.h"
#include "ir/Sharing.h"

namespace weft {

namespace {

// Every aligned dim of `args` is one Dim (or a static 1), none unknown.
bool broadcast_checked(const std::vector<const TensorTypeNode*>& args) {
  size_t rank = 0;
  for (auto* t : args) rank = std::max(rank, t->shape.size());
  for (size_t i = 0; i < rank; ++i) {
    const Dim* seen = nullptr;
    for (auto* t : args) {
      if (i < rank - t->shape.size()) continue;
      const Dim& d = t->shape[i - (rank - t->shape.size())];
      if (d.is_unknown()) return false;
      if (d.is_static() && d.value() == 1) continue;
      if (seen && *seen != d) return false;
      seen = &d;
    }
  }
  return true;
}

bool irrefutable(const Pattern& p) {
  switch (p->kind) {
    case PatternKind::Wildcard:
    case PatternKind::Var: return true;
    case PatternKind::Tuple:
      for (auto& s : p->sub)
        if (!irrefutable(s)) return false;
      return true;
    case PatternKind::Constructor: return false;
  }
  return false;
}

}  // namespace

bool op_call_is_pure(const CallNode* call) {
  auto* op = as<OpNode>(call->callee);
  if (!op || !op->def->raises_on_values.empty()) return false;
  std::vector<const TensorTypeNode*> args;
  for (const Expr& a : call->args) {
    const TensorTypeNode* t = as_tensor(a->checked_type);
    if (!t || !t->has_rank()) return false;
    args.push_back(t);
  }
  if (op->def->pattern == OpPattern::Elementwise || op->def->pattern == OpPattern::Broadcast) return broadcast_checked(args);
  for (auto* t : args)
    for (const Dim& d : t->shape)
      if (!d.is_static()) return false;
  return true;
}

bool PurityAnalysis::pure(const Expr& root) {
  if (is_atomic(root)) return true;
  if (auto it = memo_.find(root.get()); it != memo_.end()) return it->second;
  // Children first, without deep recursion: a post-order walk with an explicit stack, so a
  // 100,000-long let-chain costs no stack.
  std::vector<std::pair<Expr, bool>> stack{{root, false}};
  while (!stack.empty()) {
    auto [e, children_done] = stack.back();
    stack.pop_back();
    if (memo_.count(e.get())) continue;
    if (!children_done) {
      stack.push_back({e, true});
      for_each_child(e, [&](const Expr& c, int, bool) {
        if (!is_atomic(c) && !memo_.count(c.get())) stack.push_back({c, false});
      });
      continue;
    }
    bool p = true;
    for_each_child(e, [&](const Expr& c, int, bool) { p = p && (is_atomic(c) || memo_.at(c.get())); });
    switch (e->kind) {
      case ExprKind::RefNew:
      case ExprKind::RefWrite: p = false; break;
      case ExprKind::Call: {
        auto* call = as<CallNode>(e);
        if (as<OpNode>(call->callee)) p = p && op_call_is_pure(call);
        else if (!as<ConstructorNode>(call->callee)) p = false;
        break;
      }
      case ExprKind::Match: {
        auto* m = as<MatchNode>(e);
        p = p && !m->clauses.empty() && irrefutable(m->clauses.back().pattern);
        break;
      }
      // A closure is a value: creating one runs nothing, whatever its body does.
      case ExprKind::Function: p = true; break;
      default: break;
    }
    memo_[e.get()] = p;
  }
  return memo_.at(root.get());
}

}  // namespace weft
