// EliminateCommonSubexpr.cpp - computes identical operator calls once, keeping the first on every path.
//
// Note on the algorithm. One walk in evaluation order with a stack of tables, one per open
// scope (function body, if branch, match clause), mapping a call's key (op, attributes,
// argument identities) to the first node computing it. A call found in an open table is
// dominated by that node: it was evaluated on every path to here. Arguments are rebuilt
// first, so calls over shared arguments become identical bottom-up (a chain of identical
// calls collapses in one walk). A let binding a registered call lends its variable to later
// identical calls while its body is open; after that the node itself is shared. Each node is
// rebuilt once (ExprMutator's memo; let-chains remember their suffixes); a key is built from
// the call's own attributes and argument pointers, so the pass is linear in the DAG.
#include "opt/EliminateCommonSubexpr.h"

#include <cstring>
#include <unordered_map>
#include <vector>

#include "ir/DeepStack.h"
#include "ir/ExprFunctor.h"
#include "ir/OpRegistry.h"
#include "ir/TypeInference.h"
#include "opt/Pass.h"

namespace weft {

namespace {

// Constants up to this many elements are compared by value (two `1f32` written apart are
// one argument); larger ones by identity, so a weight is never hashed.
constexpr int64_t kConstantKeyElements = 64;

class Cse : public ExprMutator {
 public:
  Cse() { tables_.emplace_back(); }

 protected:
  using ExprMutator::visit_;

  Expr visit_(const VarNode* node) override {
    if (auto it = replaced_.find(node); it != replaced_.end()) return it->second;
    return ExprMutator::visit_(node);
  }

  Expr visit_(const CallNode* node) override {
    Expr e = ExprMutator::visit_(node);
    auto* call = as<CallNode>(e);
    // Every operator is a deterministic function of its arguments that touches no reference, so
    // a call identical to one evaluated before it on every path gives the same value, or was never
    // reached because the first one raised: calls that may raise (a symbolic dim, a zero divisor)
    // are shared too, unlike in dead-code elimination, where dropping one would drop its error.
    if (!call || !as<OpNode>(call->callee)) return e;
    std::string k = key(call);
    for (size_t i = tables_.size(); i-- > 0;) {
      auto it = tables_[i].find(k);
      if (it == tables_[i].end()) continue;
      if (auto v = var_of_.find(it->second.get()); v != var_of_.end()) return v->second;
      return it->second;
    }
    tables_.back().emplace(std::move(k), e);
    return e;
  }

  Expr visit_(const IfNode* node) override {
    Expr c = mutate(node->cond);
    Expr t = in_scope(node->then_branch), f = in_scope(node->else_branch);
    if (c.same_as(node->cond) && t.same_as(node->then_branch) && f.same_as(node->else_branch)) return Expr(node);
    return make_if(c, t, f, node->span);
  }

  Expr visit_(const MatchNode* node) override {
    Expr s = mutate(node->scrutinee);
    bool changed = !s.same_as(node->scrutinee);
    std::vector<Clause> clauses;
    for (const Clause& c : node->clauses) {
      clauses.push_back({c.pattern, in_scope(c.body)});
      changed = changed || !clauses.back().body.same_as(c.body);
    }
    return changed ? Expr(make_match(s, std::move(clauses), node->span)) : Expr(node);
  }

  Expr visit_(const FunctionNode* node) override {
    Expr b = in_scope(node->body);
    if (b.same_as(node->body)) return Expr(node);
    return make_function(node->params, node->ret_type, b, node->type_params, node->span, node->attrs);
  }

  Expr visit_(const LetNode* node) override {
    std::vector<std::pair<const LetNode*, Expr>> chain;  // a dropped copy keeps a null value
    std::vector<const ExprNode*> lent;                     // calls whose variable this chain lends
    Expr cur(node);
    for (; as<LetNode>(cur) && (chain.empty() || !done_.count(as<LetNode>(cur))); cur = as<LetNode>(cur)->body) {
      const LetNode* let = as<LetNode>(cur);
      Expr value = mutate(let->value);
      if (auto* v = as<VarNode>(value); v && same_type(let->var->checked_type, v->checked_type)) {
        replaced_[let->var.get()] = value;
        value = Expr();
      } else if (registered(value) && !var_of_.count(value.get()) && same_type(let->var->checked_type, let->value->checked_type)) {
        var_of_[value.get()] = let->var;
        lent.push_back(value.get());
      }
      chain.push_back({let, value});
    }
    Expr body = as<LetNode>(cur) ? done_.at(as<LetNode>(cur)) : mutate(cur);
    for (const ExprNode* n : lent) var_of_.erase(n);  // the variables' scope ends here
    for (size_t i = chain.size(); i-- > 0;) {
      auto& [let, value] = chain[i];
      if (value) body = value.same_as(let->value) && body.same_as(let->body) ? Expr(let) : Expr(make_let(let->var, value, body, let->span));
      done_.emplace(let, body);
    }
    return body;
  }

 private:
  Expr in_scope(const Expr& e) {
    tables_.emplace_back();
    Expr out = mutate(e);
    tables_.pop_back();
    return out;
  }

  static bool same_type(const Type& a, const Type& b) { return a && b && type_str(a) == type_str(b); }

  // Whether `e` is a call in an open table (the first of its kind).
  bool registered(const Expr& e) const {
    auto* call = as<CallNode>(e);
    if (!call || !as<OpNode>(call->callee)) return false;
    std::string k = key(call);
    for (const auto& t : tables_)
      if (auto it = t.find(k); it != t.end() && it->second.same_as(e)) return true;
    return false;
  }

  static std::string key(const CallNode* call) {
    std::string k = as<OpNode>(call->callee)->name();
    for (const auto& [name, value] : call->attrs.values()) k += "|" + name + "=" + attr_value_str(value);
    for (const Expr& a : call->args) {
      auto* c = as<ConstantNode>(a);
      if (c && c->value.numel() <= kConstantKeyElements) {
        k += "|c" + std::string(dtype_name(c->value.dtype())) + shape_str(c->value.shape()) + ":";
        k.append(static_cast<const char*>(c->value.raw()), c->value.nbytes());
      } else {
        char buf[24];
        std::snprintf(buf, sizeof buf, "|%p", static_cast<const void*>(a.get()));
        k += buf;
      }
    }
    return k;
  }

  std::vector<std::unordered_map<std::string, Expr>> tables_;
  std::unordered_map<const ExprNode*, Var> var_of_;       // registered call -> the let variable lent to it
  std::unordered_map<const VarNode*, Expr> replaced_;     // `let %b = %a` dropped: %b -> %a
  std::unordered_map<const LetNode*, Expr> done_;         // rebuilt chains, for shared tails
};

class EliminateCommonSubexprPass : public Pass {
 public:
  const char* name() const override { return "eliminate-common-subexpr"; }
  const char* summary() const override { return "compute identical pure op calls once (the first on every path), sharing its node or variable"; }
  Module run(Module m, const PassContext&) const override { return eliminate_common_subexpr(m); }
};

}  // namespace

Module eliminate_common_subexpr(const Module& m) {
  return rewrite_function_bodies(m, [](const Function& fn) { return Cse().mutate(fn->body); });
}

const Pass& eliminate_common_subexpr_pass() {
  static const EliminateCommonSubexprPass pass;
  return pass;
}

}  // namespace weft
