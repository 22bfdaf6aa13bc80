// InlineCall.cpp - copies a function body for one call site with fresh variables.
#include "opt/InlineCall.h"

#include <unordered_map>

#include "ir/ExprFunctor.h"
#include "ir/Sharing.h"
#include "ir/Type.h"

namespace weft {

namespace {

// A copy of a function body for one call site: parameters replaced as given, every other
// variable fresh, and every non-atomic node new, even one without variables (a `ref_new(0)`
// or `Nil` shared by two inlined copies would be one reference or be bound once for both).
// Sharing inside the body is kept: a shared node is copied once.
class FreshCopy : public ExprMutator {
 public:
  explicit FreshCopy(std::unordered_map<const VarNode*, Expr> params) : params_(std::move(params)) {}

  Expr visit(const Expr& e) override {
    if (is_atomic(e) && !as<VarNode>(e)) return e;
    if (auto it = copies_.find(e.get()); it != copies_.end()) return it->second;
    Expr r = ExprMutator::visit(e);
    if (r.same_as(e) && !as<VarNode>(e)) r = shallow_copy(e);
    copies_.emplace(e.get(), r);
    return r;
  }

 protected:
  using ExprMutator::visit_;
  Expr visit_(const VarNode* v) override {
    if (auto it = params_.find(v); it != params_.end()) return it->second;
    return make_var(v->name_hint, v->annotation, v->span);
  }

 private:
  static Expr shallow_copy(const Expr& e) {
    switch (e->kind) {
      case ExprKind::Tuple: return make_tuple(as<TupleNode>(e)->fields, e->span);
      case ExprKind::TupleGet: return make_tuple_get(as<TupleGetNode>(e)->tuple, as<TupleGetNode>(e)->index, e->span);
      case ExprKind::Let: {
        auto* n = as<LetNode>(e);
        return make_let(n->var, n->value, n->body, n->span);
      }
      case ExprKind::If: {
        auto* n = as<IfNode>(e);
        return make_if(n->cond, n->then_branch, n->else_branch, n->span);
      }
      case ExprKind::Function: {
        auto* n = as<FunctionNode>(e);
        return make_function(n->params, n->ret_type, n->body, n->type_params, n->span, n->attrs);
      }
      case ExprKind::Call: {
        auto* n = as<CallNode>(e);
        return make_ref<CallNode>(n->callee, n->args, n->attrs, n->span);  // attributes already normalized
      }
      case ExprKind::Match: return make_match(as<MatchNode>(e)->scrutinee, as<MatchNode>(e)->clauses, e->span);
      case ExprKind::RefNew: return make_ref_new(as<RefNewNode>(e)->value, e->span);
      case ExprKind::RefRead: return make_ref_read(as<RefReadNode>(e)->ref, e->span);
      case ExprKind::RefWrite: return make_ref_write(as<RefWriteNode>(e)->ref, as<RefWriteNode>(e)->value, e->span);
      default: return e;
    }
  }

  std::unordered_map<const VarNode*, Expr> params_;
  std::unordered_map<const ExprNode*, Expr> copies_;
};

bool same_type(const Type& a, const Type& b) { return a && b && type_str(a) == type_str(b); }

// The type of an argument: its inferred type, or a constant's own (a constant made by folding
// after inference has none yet).
Type type_of(const Expr& a) {
  if (a->checked_type) return a->checked_type;
  if (auto* c = as<ConstantNode>(a)) return tensor_type(c->value.dtype(), Shape(c->value.shape().begin(), c->value.shape().end()));
  return nullptr;
}

}  // namespace


Expr inline_call(const FunctionNode* f, const Expr& body, const std::vector<Expr>& args, const Span& span) {
  std::unordered_map<const VarNode*, Expr> param_to;
  std::vector<std::pair<Var, Expr>> lets;
  for (size_t i = 0; i < f->params.size(); ++i) {
    const Var& p = f->params[i];
    const Expr& a = args.at(i);
    if ((as<VarNode>(a) || as<ConstantNode>(a)) && same_type(p->annotation, type_of(a))) {
      param_to[p.get()] = a;
      continue;
    }
    Var v = make_var(p->name_hint, p->annotation, p->span);
    param_to[p.get()] = v;
    lets.push_back({v, a});
  }
  Expr out = FreshCopy(std::move(param_to)).mutate(body);
  // The declared result type may be wider than the body's (f32[*]); keep the caller's view.
  if (f->ret_type && !same_type(f->ret_type, f->body->checked_type)) {
    Var r = make_var("result", f->ret_type, span);
    out = make_let(r, out, r, span);
  }
  for (size_t i = lets.size(); i-- > 0;) out = make_let(lets[i].first, lets[i].second, out, span);
  return out;
}

std::map<std::string, int> global_references(const Expr& e) {
  struct Refs : ExprVisitor {
    std::map<std::string, int> count;
    using ExprVisitor::visit_;
    void visit_(const GlobalVarNode* node) override { ++count[node->name]; }
  } refs;
  refs.visit(e);
  return refs.count;
}

Module without_functions(const Module& m, const std::set<std::string>& drop) {
  Module kept;  // a module holds its functions for good: the kept ones go into a new one
  for (const std::string& name : m.type_names())
    if (!m.type(name)->prelude) kept.add_type(*m.type(name));
  for (const std::string& name : m.function_names())
    if (!drop.count(name)) kept.add_function(name, m.function(name));
  return kept;
}

}  // namespace weft
