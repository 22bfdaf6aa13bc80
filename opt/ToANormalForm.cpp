// ToANormalForm.cpp - binds every shared subexpression with one let, in the innermost scope enclosing its uses.
//
// Note on placement. Scopes are where code runs on its own terms: a function body, an if
// branch, a match clause body, and a let body (so that variables bound earlier in a chain
// are in scope below it). A node's scope is the lowest common ancestor of the scopes its
// parent edges sit in: an edge into a let body, branch, clause or function body opens a
// new scope under its parent's scope; any other edge stays in the parent's scope. Scopes
// are computed parents first (Kahn's order over parent-edge counts), so a shared node's
// children see its hoisted scope.
//
// The rebuild walks in evaluation order. When it first meets a shared node it rebuilds
// it, appends `let %v = <node>` to the pending bindings of the node's scope and answers
// %v here and at every later use. When the expression that opened a scope is complete,
// its pending bindings wrap it: they run at the start of that scope, and since let
// bodies are scopes, that is right after the binding before it, i.e. before the part of
// the scope holding the first use. Everything the node's free variables name is bound
// above that point: a use of a variable lies inside the variable's let body (or branch,
// clause, function), so the common scope does too.
//
// Limits: a shared node used inside a closure and outside it is bound outside (computed
// once, not per call); a shared node used in both branches of an if is bound before the
// if. Both are sound for the effect-free nodes sharing comes from. Let-chains are walked
// in loops; other nesting recurses (deep programs run under with_deep_stack).
#include "opt/ToANormalForm.h"

#include <unordered_map>
#include <vector>

#include "ir/Sharing.h"
#include "ir/TypeInference.h"
#include "opt/Pass.h"

namespace weft {

namespace {

// The scope tree of one function body and the scope of every shared node.
class ScopeAnalysis {
 public:
  explicit ScopeAnalysis(const Expr& root) {
    scopes_.push_back({-1, 0});  // 0: the function body
    if (is_atomic(root)) return;  // `{ %x }`: nothing to bind
    const std::unordered_map<const ExprNode*, int> edges = count_parent_edges(root);
    std::unordered_map<const ExprNode*, int> scope_of{{root.get(), 0}};
    std::unordered_map<const ExprNode*, int> left = edges;  // parent edges not yet processed
    std::vector<Expr> ready{root};
    while (!ready.empty()) {
      Expr e = std::move(ready.back());
      ready.pop_back();
      const int here = scope_of.at(e.get());
      if (edges.at(e.get()) > 1) shared_scope_[e.get()] = here;
      for_each_child(e, [&](const Expr& child, int pos, bool opens) {
        if (is_atomic(child)) return;
        int s = here;
        if (opens) {
          s = int(scopes_.size());
          scopes_.push_back({here, scopes_[size_t(here)].depth + 1});
          opened_[{e.get(), pos}] = s;
        }
        auto [it, first] = scope_of.emplace(child.get(), s);
        if (!first) it->second = common_ancestor(it->second, s);
        if (--left.at(child.get()) == 0) ready.push_back(child);
      });
    }
  }

  bool shared(const Expr& e) const { return shared_scope_.count(e.get()) != 0; }
  int scope_of_shared(const Expr& e) const { return shared_scope_.at(e.get()); }
  // The scope the edge (parent, pos) opens; -1 when the child there is atomic (it needs none).
  int opened(const ExprNode* parent, int pos) const {
    auto it = opened_.find({parent, pos});
    return it == opened_.end() ? -1 : it->second;
  }

 private:
  struct Scope {
    int parent, depth;
  };
  struct EdgeHash {
    size_t operator()(const std::pair<const ExprNode*, int>& k) const { return std::hash<const void*>()(k.first) * 31 + size_t(k.second); }
  };

  int common_ancestor(int a, int b) const {
    while (scopes_[size_t(a)].depth > scopes_[size_t(b)].depth) a = scopes_[size_t(a)].parent;
    while (scopes_[size_t(b)].depth > scopes_[size_t(a)].depth) b = scopes_[size_t(b)].parent;
    while (a != b) a = scopes_[size_t(a)].parent, b = scopes_[size_t(b)].parent;
    return a;
  }

  std::vector<Scope> scopes_;
  std::unordered_map<const ExprNode*, int> shared_scope_;
  std::unordered_map<std::pair<const ExprNode*, int>, int, EdgeHash> opened_;
};

// Rebuilds one function body, binding each shared node once (see the Note above).
class Binder {
 public:
  explicit Binder(const ScopeAnalysis& scopes) : scopes_(scopes) {}

  Expr body(const Expr& root) { return in_scope(root, 0); }

 private:
  struct Binding {
    Var var;
    Expr value;
  };

  // `e` at an edge that opens `scope`: built, then wrapped in the bindings the scope collected.
  Expr in_scope(const Expr& e, int scope) { return wrap_pending(build(e), scope); }

  // `built` inside the lets `scope` collected (first collected outermost); none left pending.
  Expr wrap_pending(Expr built, int scope) {
    auto it = pending_.find(scope);
    if (it == pending_.end()) return built;
    std::vector<Binding> bindings = std::move(it->second);
    pending_.erase(it);
    for (size_t i = bindings.size(); i-- > 0;) built = make_let(bindings[i].var, bindings[i].value, built, bindings[i].value->span);
    return built;
  }

  Expr build(const Expr& e) {
    if (is_atomic(e)) return e;
    if (!scopes_.shared(e)) return rebuild(e);
    if (auto it = bound_.find(e.get()); it != bound_.end()) return it->second;
    Expr value = rebuild(e);
    const std::string& op = called_op_name(e);
    Var v = make_var(op.empty() ? "shared" : op, nullptr, e->span);
    pending_[scopes_.scope_of_shared(e)].push_back({v, value});
    bound_[e.get()] = v;
    return v;
  }

  // `e`'s children built; `e` itself returned when none changed.
  Expr rebuild(const Expr& e) {
    switch (e->kind) {
      case ExprKind::Let: return let_chain(e);
      case ExprKind::If: {
        auto* n = as<IfNode>(e);
        Expr c = build(n->cond), t = in_scope(n->then_branch, scopes_.opened(n, 1)), f = in_scope(n->else_branch, scopes_.opened(n, 2));
        if (c.same_as(n->cond) && t.same_as(n->then_branch) && f.same_as(n->else_branch)) return e;
        return make_if(c, t, f, n->span);
      }
      case ExprKind::Function: {
        auto* n = as<FunctionNode>(e);
        Expr b = in_scope(n->body, scopes_.opened(n, 0));
        if (b.same_as(n->body)) return e;
        return make_function(n->params, n->ret_type, b, n->type_params, n->span, n->attrs);
      }
      case ExprKind::Match: {
        auto* n = as<MatchNode>(e);
        Expr s = build(n->scrutinee);
        bool changed = !s.same_as(n->scrutinee);
        std::vector<Clause> clauses;
        for (size_t i = 0; i < n->clauses.size(); ++i) {
          clauses.push_back({n->clauses[i].pattern, in_scope(n->clauses[i].body, scopes_.opened(n, int(i) + 1))});
          changed = changed || !clauses.back().body.same_as(n->clauses[i].body);
        }
        return changed ? Expr(make_match(s, std::move(clauses), n->span)) : e;
      }
      case ExprKind::Call: {
        auto* n = as<CallNode>(e);
        Expr callee = build(n->callee);
        bool changed = !callee.same_as(n->callee);
        std::vector<Expr> args = build_all(n->args, &changed);
        if (!changed) return e;
        // The attributes were normalized when the call was made; keep them as they are.
        return make_ref<CallNode>(callee, std::move(args), n->attrs, n->span);
      }
      case ExprKind::Tuple: {
        bool changed = false;
        std::vector<Expr> fields = build_all(as<TupleNode>(e)->fields, &changed);
        return changed ? Expr(make_tuple(std::move(fields), e->span)) : e;
      }
      case ExprKind::TupleGet: {
        auto* n = as<TupleGetNode>(e);
        Expr t = build(n->tuple);
        return t.same_as(n->tuple) ? e : Expr(make_tuple_get(t, n->index, n->span));
      }
      case ExprKind::RefNew: {
        Expr v = build(as<RefNewNode>(e)->value);
        return v.same_as(as<RefNewNode>(e)->value) ? e : Expr(make_ref_new(v, e->span));
      }
      case ExprKind::RefRead: {
        Expr r = build(as<RefReadNode>(e)->ref);
        return r.same_as(as<RefReadNode>(e)->ref) ? e : Expr(make_ref_read(r, e->span));
      }
      case ExprKind::RefWrite: {
        auto* n = as<RefWriteNode>(e);
        Expr r = build(n->ref), v = build(n->value);
        return r.same_as(n->ref) && v.same_as(n->value) ? e : Expr(make_ref_write(r, v, n->span));
      }
      default: return e;  // atomic
    }
  }

  std::vector<Expr> build_all(const std::vector<Expr>& es, bool* changed) {
    std::vector<Expr> out;
    for (const Expr& x : es) {
      out.push_back(build(x));
      *changed = *changed || !out.back().same_as(x);
    }
    return out;
  }

  // A let-chain in a loop; a shared let inside the chain ends it (it is bound by build()).
  Expr let_chain(const Expr& head) {
    struct Link {
      const LetNode* let;
      Expr value;
    };
    std::vector<Link> links;
    Expr cur = head;
    while (auto* let = as<LetNode>(cur)) {
      if (!links.empty() && scopes_.shared(cur)) break;
      links.push_back({let, build(let->value)});
      cur = let->body;
    }
    Expr result = build(cur);
    for (size_t i = links.size(); i-- > 0;) {
      const LetNode* let = links[i].let;
      result = wrap_pending(std::move(result), scopes_.opened(let, 2));
      if (links[i].value.same_as(let->value) && result.same_as(let->body)) result = Expr(const_cast<LetNode*>(let));
      else result = make_let(let->var, links[i].value, result, let->span);
    }
    return result;
  }

  const ScopeAnalysis& scopes_;
  std::unordered_map<const ExprNode*, Var> bound_;
  std::unordered_map<int, std::vector<Binding>> pending_;
};

class ToANormalFormPass : public Pass {
 public:
  const char* name() const override { return "to-a-normal-form"; }
  const char* summary() const override { return "bind every shared subexpression with one let (code generation needs this form)"; }
  Module run(Module m, const PassContext&) const override { return to_a_normal_form(m); }
};

}  // namespace

Module to_a_normal_form(const Module& m) {
  Module out = m;
  bool changed = false;
  for (const std::string& name : m.function_names()) {
    Function fn = m.function(name);
    ScopeAnalysis scopes(fn->body);
    Expr body = Binder(scopes).body(fn->body);
    if (body.same_as(fn->body)) continue;
    out.add_function(name, make_function(fn->params, fn->ret_type, body, fn->type_params, fn->span, fn->attrs));
    changed = true;
  }
  if (changed) infer_types(out);
  return out;
}

const Pass& to_a_normal_form_pass() {
  static const ToANormalFormPass pass;
  return pass;
}

}  // namespace weft
