// Sharing.cpp - counting the parent edges of expressions, and the no-sharing check codegen relies on.
#include "ir/Sharing.h"

#include <vector>

#include "ir/Error.h"

namespace weft {

bool is_atomic(const Expr& e) {
  switch (e->kind) {
    case ExprKind::Var:
    case ExprKind::GlobalVar:
    case ExprKind::Constant:
    case ExprKind::Op:
    case ExprKind::Constructor: return true;
    default: return false;
  }
}

std::unordered_map<const ExprNode*, int> count_parent_edges(const Expr& root) {
  std::unordered_map<const ExprNode*, int> count;
  if (!root || is_atomic(root)) return count;
  std::vector<Expr> stack{root};
  count[root.get()] = 1;
  while (!stack.empty()) {
    Expr e = std::move(stack.back());
    stack.pop_back();
    for_each_child(e, [&](const Expr& child, int, bool) {
      if (is_atomic(child)) return;
      if (++count[child.get()] == 1) stack.push_back(child);  // first edge: walk it once
    });
  }
  return count;
}

namespace {

std::string describe(const ExprNode* e) {
  const std::string& op = called_op_name(Expr(const_cast<ExprNode*>(e)));
  std::string what = op.empty() ? std::string("a ") + expr_kind_name(e->kind) : "a call of " + op;
  return e->span.known() ? what + " at " + e->span.str() : what;
}

}  // namespace

void check_unshared(const Module& m) {
  for (const std::string& name : m.function_names()) {
    Function fn = m.function(name);
    for (auto& [node, edges] : count_parent_edges(fn->body))
      if (edges > 1)
        internal_error(__FILE__, __LINE__,
                       "@" + name + " shares one expression among " + std::to_string(edges) + " uses (" + describe(node) +
                           "); the pipeline must run to-a-normal-form before code generation");
  }
}

}  // namespace weft
