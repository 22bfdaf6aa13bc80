// ExprFunctor.cpp - default traversals of ExprVisitor and ExprMutator.
#include "ir/ExprFunctor.h"

namespace weft {

// ---- ExprVisitor ----

void ExprVisitor::visit(const Expr& e) {
  if (visited_.insert(e).second) ExprFunctor::visit(e);
}

void ExprVisitor::visit_pattern(const Pattern& p) {
  if (p->kind == PatternKind::Var) visit(p->var);
  if (p->kind == PatternKind::Constructor) visit(p->ctor);
  for (auto& sub : p->sub) visit_pattern(sub);
}

void ExprVisitor::visit_let_binding(const LetNode* let) {
  visit(let->var);
  visit(let->value);
}

void ExprVisitor::visit_(const VarNode* node) { visit_type(node->annotation); }
void ExprVisitor::visit_(const GlobalVarNode*) {}
void ExprVisitor::visit_(const ConstantNode*) {}
void ExprVisitor::visit_(const OpNode*) {}
void ExprVisitor::visit_(const ConstructorNode*) {}

void ExprVisitor::visit_(const TupleNode* node) {
  for (auto& f : node->fields) visit(f);
}
void ExprVisitor::visit_(const TupleGetNode* node) { visit(node->tuple); }

void ExprVisitor::visit_(const LetNode* node) {
  const LetNode* let = node;
  for (;;) {
    visit_let_binding(let);
    const LetNode* inner = as<LetNode>(let->body);
    if (!inner || !visited_.insert(let->body).second) break;
    let = inner;
  }
  visit(let->body);
}

void ExprVisitor::visit_(const IfNode* node) {
  visit(node->cond);
  visit(node->then_branch);
  visit(node->else_branch);
}

void ExprVisitor::visit_(const FunctionNode* node) {
  for (auto& p : node->params) visit(p);
  visit_type(node->ret_type);
  visit(node->body);
}

void ExprVisitor::visit_(const CallNode* node) {
  visit(node->callee);
  for (auto& a : node->args) visit(a);
}

void ExprVisitor::visit_(const MatchNode* node) {
  visit(node->scrutinee);
  for (auto& c : node->clauses) {
    visit_pattern(c.pattern);
    visit(c.body);
  }
}

void ExprVisitor::visit_(const RefNewNode* node) { visit(node->value); }
void ExprVisitor::visit_(const RefReadNode* node) { visit(node->ref); }
void ExprVisitor::visit_(const RefWriteNode* node) {
  visit(node->ref);
  visit(node->value);
}

// ---- ExprMutator ----

namespace {

bool all_same(const std::vector<Expr>& a, const std::vector<Expr>& b) {
  for (size_t i = 0; i < a.size(); ++i)
    if (!a[i].same_as(b[i])) return false;
  return true;
}

}  // namespace

Expr ExprMutator::visit(const Expr& e) {
  auto it = memo_.find(e);
  if (it != memo_.end()) return it->second;
  Expr result = ExprFunctor::visit(e);
  memo_.emplace(e, result);
  return result;
}

Var ExprMutator::mutate_var(const Var& v) {
  Expr e = mutate(v);
  WEFT_ASSERT(as<VarNode>(e), "a bound variable was rewritten to a " << expr_kind_name(e->kind));
  return Var(as<VarNode>(e));
}

Pattern ExprMutator::mutate_pattern(const Pattern& p) {
  switch (p->kind) {
    case PatternKind::Wildcard: return p;
    case PatternKind::Var: {
      Var v = mutate_var(p->var);
      return v.same_as(p->var) ? p : pattern_var(v);
    }
    case PatternKind::Constructor:
    case PatternKind::Tuple: {
      std::vector<Pattern> subs;
      bool changed = false;
      for (auto& s : p->sub) {
        subs.push_back(mutate_pattern(s));
        changed = changed || !subs.back().same_as(s);
      }
      if (!changed) return p;
      return p->kind == PatternKind::Tuple ? pattern_tuple(std::move(subs)) : pattern_constructor(p->ctor, std::move(subs));
    }
  }
  return p;
}

Expr ExprMutator::visit_(const VarNode* node) {
  Type t = mutate_type(node->annotation);
  if (t.same_as(node->annotation)) return Expr(node);
  return make_var(node->name_hint, t, node->span);
}
Expr ExprMutator::visit_(const GlobalVarNode* node) { return Expr(node); }
Expr ExprMutator::visit_(const ConstantNode* node) { return Expr(node); }
Expr ExprMutator::visit_(const OpNode* node) { return Expr(node); }
Expr ExprMutator::visit_(const ConstructorNode* node) { return Expr(node); }

Expr ExprMutator::visit_(const TupleNode* node) {
  std::vector<Expr> fields;
  for (auto& f : node->fields) fields.push_back(mutate(f));
  if (all_same(fields, node->fields)) return Expr(node);
  return make_tuple(std::move(fields), node->span);
}

Expr ExprMutator::visit_(const TupleGetNode* node) {
  Expr t = mutate(node->tuple);
  if (t.same_as(node->tuple)) return Expr(node);
  return make_tuple_get(t, node->index, node->span);
}

Expr ExprMutator::mutate_one_let(const LetNode* let) {
  Var v = mutate_var(let->var);
  Expr value = mutate(let->value);
  Expr body = mutate(let->body);
  if (v.same_as(let->var) && value.same_as(let->value) && body.same_as(let->body)) return Expr(let);
  return make_let(v, value, body, let->span);
}

Expr ExprMutator::visit_(const LetNode* node) {
  struct Binding {
    const LetNode* let;
    Var var;
    Expr value;
  };
  std::vector<Binding> chain;
  Expr cur(node);
  // Stop at an inner let already rewritten (a shared tail): its memo entry is the answer.
  while (as<LetNode>(cur) && (chain.empty() || !memo_.count(cur))) {
    const LetNode* let = as<LetNode>(cur);
    chain.push_back({let, mutate_var(let->var), mutate(let->value)});
    cur = let->body;
  }
  Expr body = mutate(cur);
  for (size_t i = chain.size(); i-- > 0;) {
    const Binding& b = chain[i];
    Expr rebuilt = b.var.same_as(b.let->var) && b.value.same_as(b.let->value) && body.same_as(b.let->body)
                       ? Expr(b.let)
                       : Expr(make_let(b.var, b.value, body, b.let->span));
    if (i > 0) memo_.emplace(Expr(b.let), rebuilt);  // the outermost is memoized by visit()
    body = rebuilt;
  }
  return body;
}

Expr ExprMutator::visit_(const IfNode* node) {
  Expr c = mutate(node->cond), t = mutate(node->then_branch), e = mutate(node->else_branch);
  if (c.same_as(node->cond) && t.same_as(node->then_branch) && e.same_as(node->else_branch)) return Expr(node);
  return make_if(c, t, e, node->span);
}

Expr ExprMutator::visit_(const FunctionNode* node) {
  std::vector<Var> params;
  bool changed = false;
  for (auto& p : node->params) {
    params.push_back(mutate_var(p));
    changed = changed || !params.back().same_as(p);
  }
  Type ret = mutate_type(node->ret_type);
  Expr body = mutate(node->body);
  if (!changed && ret.same_as(node->ret_type) && body.same_as(node->body)) return Expr(node);
  return make_function(std::move(params), ret, body, node->type_params, node->span, node->attrs);
}

Expr ExprMutator::visit_(const CallNode* node) {
  Expr callee = mutate(node->callee);
  std::vector<Expr> args;
  for (auto& a : node->args) args.push_back(mutate(a));
  if (callee.same_as(node->callee) && all_same(args, node->args)) return Expr(node);
  if (auto op = as<OpNode>(callee)) return make_op_call(op->name(), std::move(args), node->attrs, node->span);
  return make_call(callee, std::move(args), node->span);
}

Expr ExprMutator::visit_(const MatchNode* node) {
  Expr scrutinee = mutate(node->scrutinee);
  bool changed = !scrutinee.same_as(node->scrutinee);
  std::vector<Clause> clauses;
  for (auto& c : node->clauses) {
    clauses.push_back({mutate_pattern(c.pattern), mutate(c.body)});
    changed = changed || !clauses.back().pattern.same_as(c.pattern) || !clauses.back().body.same_as(c.body);
  }
  if (!changed) return Expr(node);
  return make_match(scrutinee, std::move(clauses), node->span);
}

Expr ExprMutator::visit_(const RefNewNode* node) {
  Expr v = mutate(node->value);
  return v.same_as(node->value) ? Expr(node) : Expr(make_ref_new(v, node->span));
}
Expr ExprMutator::visit_(const RefReadNode* node) {
  Expr r = mutate(node->ref);
  return r.same_as(node->ref) ? Expr(node) : Expr(make_ref_read(r, node->span));
}
Expr ExprMutator::visit_(const RefWriteNode* node) {
  Expr r = mutate(node->ref), v = mutate(node->value);
  if (r.same_as(node->ref) && v.same_as(node->value)) return Expr(node);
  return make_ref_write(r, v, node->span);
}

}  // namespace weft
