// FuseOps.cpp - `fuse-ops`: trees of elementwise and broadcast calls become calls of primitive functions.
//
// Note on the grouping. Relay's FuseOps finds groups on a dataflow graph with post-dominators;
// weft's bodies are let-chains and trees, and this first version forms single-output groups
// only, so a simpler rule does: a fusion edge joins a consumer call to one of its arguments'
// producers when that producer's value reaches nothing else (see FuseOps.h for the exact
// conditions). With one reader per producer, the edges form trees, each rooted at a fusable
// call no edge leaves: the group. The pass runs in two steps per function body:
//  1. UseScan walks the body once (each node once, no recursion) and records, for every
//     let-bound variable, its value, its scope and its uses; a scope is a function body, an if
//     branch or a match clause (a let body is not: a let-chain is one scope). The edges follow
//     from that alone, so which lets disappear is known before the rewrite meets them.
//  2. Fuser, a memoizing mutator, drops the lets whose variable an edge consumes and, at each
//     fusable call with at least one edge, rebuilds the call's tree as the body of a
//     `primitive=1` function literal called with the tree's leaves (rewritten by the mutator).
// Types are inferred again at the end, which fills the new nodes' types.
//
// Epilogues: an out-fusable call with an epilogue kernel (conv, matmul, gemm) may be a producer
// too, as a leaf of the tree (its arguments are group inputs). A group must hold at most one,
// which a local rule cannot see (two subtrees may each hold one), so UseScan first finds the
// candidate edges, then walks each tree from its root and keeps its first anchor in argument
// order; the others' edges are dropped before the rewrite reads any edge.
#include "opt/FuseOps.h"

#include <unordered_map>
#include <unordered_set>

#include "ir/DeepStack.h"
#include "ir/ExprFunctor.h"
#include "ir/OpRegistry.h"
#include "ir/Sharing.h"
#include "ir/TypeInference.h"
#include "opt/Pass.h"
#include "opt/ToANormalForm.h"

namespace weft {

namespace {

bool is_primitive(const FunctionNode& fn) { return fn.attrs.has(kFunctionAttrPrimitive); }

bool ranked_tensor(const Type& t) {
  auto* tt = as_tensor(t);
  return tt && tt->has_rank();
}

// One element of every operand maps to one element of the result through the op's scalar_expr.
bool fusable(const CallNode* c) {
  auto* op = as<OpNode>(c->callee);
  if (!op) return false;
  const OpDef* d = op->def;
  if ((d->pattern != OpPattern::Elementwise && d->pattern != OpPattern::Broadcast) || !d->scalar_expr) return false;
  if (!ranked_tensor(c->checked_type)) return false;
  for (const Expr& a : c->args)
    if (!ranked_tensor(a->checked_type)) return false;
  return true;
}

// An out-fusable call whose kernel applies an epilogue to its output tiles (conv, matmul, gemm:
// OpDef::out_epilogue), in a float type the tile holds exactly as the op's result (f16 and
// bf16 results are rounded from a wider tile, which an epilogue on the tile would not see).
bool anchor(const CallNode* c) {
  auto* op = as<OpNode>(c->callee);
  if (!op || !op->def->out_epilogue) return false;
  auto* t = as_tensor(c->checked_type);
  if (!t || !t->has_rank() || (t->dtype != DType::F32 && t->dtype != DType::F64)) return false;
  for (const Expr& a : c->args)
    if (!ranked_tensor(a->checked_type)) return false;
  return true;
}

DType dtype_of(const CallNode* c) { return as_tensor(c->checked_type)->dtype; }

// Equal shapes, dim by dim, where equality is known at compile time (no `?`).
bool same_shape(const Type& a, const Type& b) {
  auto *x = as_tensor(a), *y = as_tensor(b);
  if (!x || !y || !x->has_rank() || !y->has_rank() || x->rank() != y->rank()) return false;
  for (int i = 0; i < x->rank(); ++i)
    if (x->shape[size_t(i)].is_unknown() || x->shape[size_t(i)] != y->shape[size_t(i)]) return false;
  return true;
}

// The result of a unary elementwise op has its operand's shape, whatever the type knows of it.
bool keeps_shape(const CallNode* c) { return c->args.size() == 1 && as<OpNode>(c->callee)->def->pattern == OpPattern::Elementwise; }

// Whether evaluating `e` later than written means the same: only variables, constants, tuples
// and operator calls (pure but for run-time errors), no reference reads or function calls.
bool movable(const Expr& e) {
  switch (e->kind) {
    case ExprKind::Var:
    case ExprKind::Constant: return true;
    case ExprKind::TupleGet: return movable(as<TupleGetNode>(e)->tuple);
    case ExprKind::Tuple:
      for (const Expr& f : as<TupleNode>(e)->fields)
        if (!movable(f)) return false;
      return true;
    case ExprKind::Call: {
      auto* c = as<CallNode>(e);
      if (!as<OpNode>(c->callee)) return false;
      for (const Expr& a : c->args)
        if (!movable(a)) return false;
      return true;
    }
    default: return false;
  }
}

// Step 1: lets, uses and scopes of one function body.
class UseScan {
 public:
  explicit UseScan(const Expr& body) : edges_(count_parent_edges(body)) {
    std::vector<std::pair<Expr, int>> work{{body, 0}};
    std::unordered_set<const ExprNode*> seen;
    std::vector<const CallNode*> calls;  // the fusable ones
    int scopes = 1;
    while (!work.empty()) {
      const Expr e = work.back().first;
      const int scope = work.back().second;
      work.pop_back();
      if (!seen.insert(e.get()).second) continue;
      if (auto* let = as<LetNode>(e)) lets_[let->var.get()] = {let->value, scope};
      auto* call = as<CallNode>(e);
      if (call && fusable(call)) calls.push_back(call);
      for_each_child(e, [&](const Expr& child, int pos, bool opens) {
        if (auto* v = as<VarNode>(child)) {
          Use& u = uses_[v];
          ++u.count;
          u.call = call && pos > 0 ? call : nullptr;
          u.arg = pos - 1;
          u.scope = scope;
          return;
        }
        if (is_atomic(child)) return;
        work.push_back({child, opens && e->kind != ExprKind::Let ? scopes++ : scope});
      });
    }
    choose_anchors(calls);
    // The lets whose variable a fusion edge consumes: the rewrite drops them.
    for (auto& [var, u] : uses_)
      if (u.call && fusable(u.call) && producer(u.call, size_t(u.arg))) absorbed_.insert(var);
  }

  // The call computing argument i of `c` inside c's group, or null when the argument is a leaf.
  const CallNode* producer(const CallNode* c, size_t i) const {
    const CallNode* p = candidate(c, i);
    return p && !dropped_anchors_.count(p) ? p : nullptr;
  }

  bool absorbed(const VarNode* v) const { return absorbed_.count(v) != 0; }

 private:
  struct Let {
    Expr value;
    int scope;
  };
  struct Use {
    int count = 0;
    const CallNode* call = nullptr;  // the last use, when it is a call's argument
    int arg = -1;
    int scope = -1;
  };

  // A group holds one anchor at most, with the group's result type: in each tree (rooted at
  // a fusable call no edge leaves), the first anchor in argument order that has the root's
  // dtype stays, every other one ends the tree (its result is a group input).
  void choose_anchors(const std::vector<const CallNode*>& calls) {
    std::unordered_set<const CallNode*> inner;  // calls some edge joins to a consumer
    for (const CallNode* c : calls)
      for (size_t i = 0; i < c->args.size(); ++i)
        if (const CallNode* p = candidate(c, i)) inner.insert(p);
    for (const CallNode* root : calls) {
      if (inner.count(root)) continue;
      bool kept = false;
      std::vector<const CallNode*> todo{root};  // depth first, in argument order
      while (!todo.empty()) {
        const CallNode* c = todo.back();
        todo.pop_back();
        if (anchor(c)) {
          if (kept || dtype_of(c) != dtype_of(root)) dropped_anchors_.insert(c);
          kept = true;
          continue;
        }
        for (size_t i = c->args.size(); i-- > 0;)
          if (const CallNode* p = candidate(c, i)) todo.push_back(p);
      }
    }
  }

  // producer() before choose_anchors: any anchor qualifies.
  const CallNode* candidate(const CallNode* c, size_t i) const {
    const Expr& a = c->args[i];
    Expr value;
    if (as<CallNode>(a)) {
      value = a;
    } else if (auto* v = as<VarNode>(a)) {
      auto l = lets_.find(v);
      auto u = uses_.find(v);
      if (l == lets_.end() || u == uses_.end()) return nullptr;
      const Use& use = u->second;
      if (use.count != 1 || use.call != c || use.arg != int(i) || use.scope != l->second.scope) return nullptr;
      if (!movable(l->second.value)) return nullptr;  // it moves to its use, past the lets between
      value = l->second.value;
    }
    auto* p = as<CallNode>(value);
    if (!p || !(fusable(p) || anchor(p)) || edges(value) != 1) return nullptr;
    return keeps_shape(c) || same_shape(p->checked_type, c->checked_type) ? p : nullptr;
  }

  int edges(const Expr& e) const {
    auto it = edges_.find(e.get());
    return it == edges_.end() ? 0 : it->second;
  }

  std::unordered_map<const ExprNode*, int> edges_;
  std::unordered_map<const VarNode*, Let> lets_;
  std::unordered_map<const VarNode*, Use> uses_;
  std::unordered_set<const VarNode*> absorbed_;
  std::unordered_set<const CallNode*> dropped_anchors_;
};

// Step 2: the rewrite.
class Fuser : public ExprMutator {
 public:
  explicit Fuser(const UseScan& scan) : scan_(scan) {}

 protected:
  using ExprMutator::visit_;

  Expr visit_(const FunctionNode* fn) override {
    if (is_primitive(*fn)) return Expr(fn);  // a group already: fused as it is
    return ExprMutator::visit_(fn);
  }

  Expr visit_(const LetNode* let) override {
    std::vector<const LetNode*> chain;  // a loop: imported let-chains are thousands long
    Expr cur(let);
    while (auto* l = as<LetNode>(cur)) {
      chain.push_back(l);
      cur = l->body;
    }
    struct Kept {
      const LetNode* let;
      Var var;
      Expr value;
    };
    std::vector<Kept> kept;
    bool changed = false;
    for (const LetNode* l : chain) {
      if (scan_.absorbed(l->var.get())) {  // its value moves into the group reading it
        changed = true;
        continue;
      }
      Var v = mutate_var(l->var);
      Expr value = mutate(l->value);
      changed = changed || v.get() != l->var.get() || value.get() != l->value.get();
      kept.push_back({l, std::move(v), std::move(value)});
    }
    Expr body = mutate(cur);
    if (!changed && body.get() == cur.get()) return Expr(let);
    for (auto it = kept.rbegin(); it != kept.rend(); ++it) body = make_let(it->var, it->value, body, it->let->span);
    return body;
  }

  Expr visit_(const CallNode* call) override {
    bool has_edge = false;
    if (fusable(call))
      for (size_t i = 0; i < call->args.size() && !has_edge; ++i) has_edge = scan_.producer(call, i) != nullptr;
    if (!has_edge) return ExprMutator::visit_(call);
    Group g;
    Expr body = build(call, g);
    Attrs attrs;
    attrs.set(kFunctionAttrPrimitive, int64_t(1));
    Function fn = make_function(g.params, call->checked_type, body, {}, call->span, attrs);
    return make_call(fn, g.args, call->span);
  }

 private:
  struct Group {
    std::vector<Var> params;
    std::vector<Expr> args;
    std::unordered_map<const ExprNode*, size_t> index;  // rewritten argument -> its parameter
  };

  Expr build(const CallNode* c, Group& g) {
    std::vector<Expr> args;
    const bool leaves_only = anchor(c) && !fusable(c);  // an anchor's arguments are the group's inputs
    for (size_t i = 0; i < c->args.size(); ++i) {
      if (const CallNode* p = leaves_only ? nullptr : scan_.producer(c, i)) args.push_back(build(p, g));
      else args.push_back(leaf(c->args[i], g));
    }
    return make_op_call(as<OpNode>(c->callee)->name(), std::move(args), c->attrs, c->span);
  }

  // A group input: the rewritten argument, one parameter per distinct value.
  Expr leaf(const Expr& a, Group& g) {
    Expr m = mutate(a);
    if (auto it = g.index.find(m.get()); it != g.index.end()) return g.params[it->second];
    auto* v = as<VarNode>(a);
    g.index[m.get()] = g.params.size();
    g.params.push_back(make_var(v ? v->name_hint : "p", a->checked_type, a->span));
    g.args.push_back(m);
    return g.params.back();
  }

  const UseScan& scan_;
};

class FuseOpsPass : public Pass {
 public:
  const char* name() const override { return "fuse-ops"; }
  const char* summary() const override {
    return "group trees of elementwise/broadcast calls into primitive functions (one loop nest each on CPU)";
  }
  Module run(Module m, const PassContext&) const override { return fuse_ops(m); }
};

bool takes_epilogue(const Expr& e) {
  auto* c = as<CallNode>(e);
  auto* op = c ? as<OpNode>(c->callee) : nullptr;
  return op && op->def->out_epilogue;
}

bool holds_anchor(const Expr& body) {
  for (const auto& [node, parents] : count_parent_edges(body))
    if (takes_epilogue(Expr(node))) return true;
  return false;
}

// Out-fusable calls outside groups (see KernelCount::separate_epilogues) of one function body.
int separate_epilogues(const Expr& body) {
  std::unordered_map<const VarNode*, const ExprNode*> bound;  // let variable -> its value
  std::vector<const CallNode*> readers;                       // fusable op calls and group calls
  std::vector<Expr> work{body};
  std::unordered_set<const ExprNode*> seen;
  while (!work.empty()) {
    const Expr e = work.back();
    work.pop_back();
    if (!seen.insert(e.get()).second) continue;
    if (auto* let = as<LetNode>(e)) bound[let->var.get()] = let->value.get();
    auto* c = as<CallNode>(e);
    auto* fn = c ? as<FunctionNode>(c->callee) : nullptr;
    if (c && ((fn && is_primitive(*fn)) || fusable(c))) readers.push_back(c);
    for_each_child(e, [&](const Expr& child, int pos, bool) {
      if (fn && pos == 0) return;  // a group's body
      if (!is_atomic(child)) work.push_back(child);
    });
  }
  std::unordered_set<const ExprNode*> found;
  for (const CallNode* r : readers)
    for (const Expr& a : r->args) {
      const ExprNode* value = a.get();
      if (auto* v = as<VarNode>(a); v && bound.count(v)) value = bound[v];
      if (takes_epilogue(Expr(value))) found.insert(value);
    }
  return int(found.size());
}

class KernelCounter : public ExprVisitor {
 public:
  KernelCount count;

 protected:
  using ExprVisitor::visit_;
  void visit_(const CallNode* c) override {
    if (as<OpNode>(c->callee)) {
      ++count.op_calls;
      if (!inside_) ++count.kernels;
    } else if (auto* fn = as<FunctionNode>(c->callee); fn && is_primitive(*fn) && !inside_) {
      ++count.groups;
      ++count.kernels;
      if (holds_anchor(fn->body)) ++count.epilogue_groups;
      ++inside_;
      visit(c->callee);
      --inside_;
      for (const Expr& a : c->args) visit(a);
      return;
    }
    ExprVisitor::visit_(c);
  }

 private:
  int inside_ = 0;
};

// Whether some node of a function body has two parents (common-subexpression elimination
// shares nodes; to-a-normal-form binds them).
bool has_shared_nodes(const Module& m) {
  for (const std::string& name : m.function_names())
    for (const auto& [node, parents] : count_parent_edges(m.function(name)->body))  // atomic nodes are not counted
      if (parents > 1) return true;
  return false;
}

}  // namespace

Module fuse_ops(const Module& given) {
  // A shared subexpression would become one group call under two parents, its function literal
  // binding the same parameters twice: bind shared nodes once first, as code generation needs
  // anyway. A module without sharing is fused as it is (its golden text stays readable).
  const Module m = has_shared_nodes(given) ? to_a_normal_form(given) : given;
  return with_deep_stack([&] {
    Module out = m;
    for (const std::string& name : m.function_names()) {
      const Function f = m.function(name);
      if (is_primitive(*f)) continue;
      const UseScan scan(f->body);
      Expr body = Fuser(scan).mutate(f->body);
      if (body.get() == f->body.get()) continue;
      out.add_function(name, make_function(f->params, f->ret_type, body, f->type_params, f->span, f->attrs));
    }
    infer_types(out);
    return out;
  });
}

KernelCount count_kernels(const Module& m) {
  KernelCounter counter;
  for (const std::string& name : m.function_names()) {
    counter.visit(m.function(name));
    if (!is_primitive(*m.function(name))) counter.count.separate_epilogues += separate_epilogues(m.function(name)->body);
  }
  return counter.count;
}

const Pass& fuse_ops_pass() {
  static const FuseOpsPass pass;
  return pass;
}

}  // namespace weft
