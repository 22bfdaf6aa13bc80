// CallRewriter.cpp - the bottom-up op-call rewrite behind the simplification passes, and the removal of the lets it orphans.
#include "opt/CallRewriter.h"

#include <vector>

#include "ir/Sharing.h"
#include "ir/TypeInference.h"

namespace weft {

namespace {

// Calls f(node) for every non-atomic node reachable from `root`, each once.
template <typename F>
void for_each_node(const Expr& root, F&& f) {
  for (const auto& [node, edges] : count_parent_edges(root)) f(node);
}

// How many parent edges reach each variable: its uses (binders are not children).
std::unordered_map<const VarNode*, int> count_uses(const Expr& root) {
  std::unordered_map<const VarNode*, int> uses;
  if (auto v = as<VarNode>(root)) ++uses[v];
  for_each_node(root, [&](const ExprNode* node) {
    for_each_child(Expr(node), [&](const Expr& child, int, bool) {
      if (auto v = as<VarNode>(child)) ++uses[v];
    });
  });
  return uses;
}

// Removes the lets binding `dead`, keeping their bodies, and the lets binding a variable
// in `alias` (one whose value a rule rewrote to another variable or a constant), whose
// uses then read that atom. Let-chains are walked in a loop.
class DropLets : public ExprMutator {
 public:
  DropLets(const std::unordered_set<const VarNode*>& dead, const std::unordered_map<const VarNode*, Expr>& alias)
      : dead_(dead), alias_(alias) {}

 protected:
  using ExprMutator::visit_;
  Expr visit_(const VarNode* node) override {
    auto it = alias_.find(node);
    return it == alias_.end() ? ExprMutator::visit_(node) : mutate(it->second);
  }
  Expr visit_(const LetNode* node) override {
    std::vector<const LetNode*> chain;
    Expr cur(node);
    while (auto let = as<LetNode>(cur)) {
      chain.push_back(let);
      cur = let->body;
    }
    Expr body = mutate(cur);
    for (size_t i = chain.size(); i-- > 0;) {
      const LetNode* let = chain[i];
      if (dead_.count(let->var.get()) || alias_.count(let->var.get())) continue;
      Expr value = mutate(let->value);
      body = value.same_as(let->value) && body.same_as(let->body) ? Expr(let) : Expr(make_let(let->var, value, body, let->span));
    }
    return body;
  }

 private:
  const std::unordered_set<const VarNode*>& dead_;
  const std::unordered_map<const VarNode*, Expr>& alias_;
};

}  // namespace

const CallNode* as_op_call(const Expr& e) {
  auto call = as<CallNode>(e);
  return call && as<OpNode>(call->callee) ? call : nullptr;
}

const OpDef* called_op(const CallNode* call) { return as<OpNode>(call->callee)->def; }

Type type_of(const Expr& e) {
  if (e->checked_type) return e->checked_type;
  if (auto c = as<ConstantNode>(e)) {
    Shape s(c->value.shape().begin(), c->value.shape().end());
    return tensor_type(c->value.dtype(), s);
  }
  return nullptr;
}

Expr CallRewriter::value_of(const Expr& e) {
  Expr cur = e;
  for (int hops = 0; hops < 1000; ++hops) {
    auto v = as<VarNode>(cur);
    if (!v) break;
    auto it = bound_.find(v);
    if (it == bound_.end()) break;
    followed_.insert(v);
    cur = mutate(it->second);  // memoized: the binding was rewritten before its uses
  }
  return cur;
}

const Tensor* CallRewriter::constant_of(const Expr& e) {
  Expr v = value_of(e);
  auto c = as<ConstantNode>(v);
  return c ? &c->value : nullptr;
}

int CallRewriter::uses_before(const Expr& e) const {
  auto v = as<VarNode>(e);
  if (!v) return 0;
  auto it = uses_.find(v);
  return it == uses_.end() ? 0 : it->second;
}

Expr CallRewriter::visit(const Expr& e) {
  Expr r = ExprMutator::visit(e);
  if (!r->checked_type) r->checked_type = e->checked_type;
  return r;
}

Expr CallRewriter::visit_(const CallNode* node) {
  Expr e = ExprMutator::visit_(node);
  if (!e->checked_type) e->checked_type = node->checked_type;
  // Bounded: every rule shrinks the expression, this only guards against a rule that does not.
  for (int round = 0; round < 16; ++round) {
    auto call = as_op_call(e);
    if (!call) break;
    Expr r = rewrite_call(call);
    if (!r) break;
    if (!r->checked_type) r->checked_type = node->checked_type;
    e = r;
  }
  return e;
}

Expr CallRewriter::rewrite_function_body(const Expr& body) {
  std::vector<const LetNode*> lets;
  for_each_node(body, [&](const ExprNode* node) {
    if (auto let = as<LetNode>(Expr(node))) {
      bound_[let->var.get()] = let->value;
      lets.push_back(let);
    }
  });
  for (const auto& [v, n] : count_uses(body)) uses_[v] = n;
  Expr out = mutate(body);
  // A let whose value a rule turned into another variable (`let %a = %x` from mul(%x, 1))
  // or a constant is an alias: its uses read that atom. Not where the annotation says
  // another type, nor where the program wrote the atom itself (that is not ours to move).
  std::unordered_map<const VarNode*, Expr> alias;
  for (const LetNode* let : lets) {
    if (as<VarNode>(let->value) || as<ConstantNode>(let->value)) continue;
    Expr now = mutate(let->value);  // memoized: the rewritten value
    if (!as<VarNode>(now) && !as<ConstantNode>(now)) continue;
    if (!let->var->annotation || type_equal(let->var->annotation, type_of(now))) alias[let->var.get()] = now;
  }
  // Lets this rewrite orphaned; removing one may orphan what it used, so repeat.
  for (bool first = true;; first = false) {
    std::unordered_map<const VarNode*, int> now = count_uses(out);
    std::unordered_set<const VarNode*> dead;
    for (const VarNode* v : followed_)
      if (uses_before(Expr(v)) > 0 && now.count(v) == 0) dead.insert(v);
    for (const VarNode* v : dead) followed_.erase(v);
    if (dead.empty() && (!first || alias.empty())) return out;
    out = DropLets(dead, alias).mutate(out);
  }
}

Module CallRewriter::rewrite_module(const Module& m) {
  Module out = m;
  bool changed = false;
  for (const std::string& name : m.function_names()) {
    Function fn = m.function(name);
    Expr body = rewrite_function_body(fn->body);
    if (body.same_as(fn->body)) continue;
    out.add_function(name, make_function(fn->params, fn->ret_type, body, fn->type_params, fn->span, fn->attrs));
    changed = true;
  }
  if (changed) infer_types(out);
  return out;
}

}  // namespace weft
