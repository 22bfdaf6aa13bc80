// InferExprs.cpp - type inference of expressions other than calls: lets, ifs, tuples, matches, refs.
#include "ir/ExprSnippet.h"
#include "ir/Inferencer.h"

namespace weft::infer_detail {

namespace {

// Patterns have no spans, but their variables do (a variable's span is its binding
// site, inside the pattern), and the clause body usually starts on the pattern's line.
const Span* pattern_span(const Pattern& p) {
  if (p->kind == PatternKind::Var && p->var->span.known()) return &p->var->span;
  for (auto& s : p->sub)
    if (auto where = pattern_span(s)) return where;
  return nullptr;
}
const Span& clause_span(const Clause& clause, const Span& match_span, bool pattern_first) {
  const Span* in_pattern = pattern_span(clause.pattern);
  if (pattern_first && in_pattern) return *in_pattern;
  const Span& body = span_of_use(clause.body, match_span);
  return &body == &match_span && in_pattern ? *in_pattern : body;
}

}  // namespace

Type Inferencer::infer(const Expr& e) {
  Type t;
  switch (e->kind) {
    case ExprKind::Var: t = infer_var(as<VarNode>(e)); break;
    case ExprKind::GlobalVar: {
      auto gv = as<GlobalVarNode>(e);
      infer_global(gv->name, e->span);
      t = u_.instantiate(global(gv->name, e->span).sig);
      break;
    }
    case ExprKind::Constant: {
      const Tensor& v = as<ConstantNode>(e)->value;
      Shape shape(v.shape().begin(), v.shape().end());
      t = tensor_type(v.dtype(), std::move(shape));
      break;
    }
    case ExprKind::Tuple: {
      std::vector<Type> fields;
      for (auto& f : as<TupleNode>(e)->fields) fields.push_back(infer(f));
      t = tuple_type(std::move(fields));
      break;
    }
    case ExprKind::TupleGet: t = infer_tuple_get(e); break;
    case ExprKind::Let: return infer_let_chain(e);
    case ExprKind::If: t = infer_if(e); break;
    case ExprKind::Function: {
      Function fn(as<FunctionNode>(e));
      t = signature(fn, "fn", /*require_param_types=*/false);
      check_body(fn, t, "fn");
      break;
    }
    case ExprKind::Call: t = infer_call(as<CallNode>(e)); break;
    case ExprKind::Op: fail(e->span, Msg() << "operator '" << as<OpNode>(e)->name() << "' is used as a value; call it");
    case ExprKind::Constructor: return infer_constructor_value(as<ConstructorNode>(e));  // records itself
    case ExprKind::Match: t = infer_match(e); break;
    case ExprKind::RefNew: t = ref_type(infer(as<RefNewNode>(e)->value)); break;
    case ExprKind::RefRead: t = infer_ref_read(e); break;
    case ExprKind::RefWrite: t = infer_ref_write(e); break;
  }
  record(e.get(), t);
  return t;
}

Type Inferencer::infer_var(const VarNode* v) {
  auto it = locals_.find(v);
  if (it != locals_.end()) return it->second;
  if (allow_free_vars_ && v->annotation) {
    locals_[v] = v->annotation;
    return v->annotation;
  }
  fail(v->span, Msg() << "variable %" << v->name_hint << " is not in scope"
                      << (allow_free_vars_ ? " (a free variable needs a type annotation)" : ""));
}

Type Inferencer::infer_let_chain(const Expr& e) {
  std::vector<const LetNode*> chain;
  Expr cur = e;
  while (auto let = as<LetNode>(cur)) {
    chain.push_back(let);
    bind_let(let);
    cur = let->body;
  }
  Type t = infer(cur);
  for (auto* let : chain) record(let, t);
  return t;
}

void Inferencer::bind_let(const LetNode* let) {
  const Var& v = let->var;
  Unifier::Conflict c;
  const Span& where = span_of_use(let->value, let->span);
  std::string what = "let %" + v->name_hint;
  if (auto fn = as<FunctionNode>(let->value)) {
    // Bound before its body is checked, so the closure may call itself.
    Type sig = signature(Function(fn), "%" + v->name_hint, /*require_param_types=*/false);
    if (v->annotation && !u_.unify(v->annotation, sig, &c)) mismatch(where, what, v->annotation, sig, let->value, c);
    bind(v, v->annotation ? v->annotation : sig);
    check_body(Function(fn), sig, "%" + v->name_hint);
    record(fn, sig);
    return;
  }
  Type vt = infer(let->value);
  if (v->annotation) {
    if (!u_.unify(v->annotation, vt, &c)) mismatch(where, what, v->annotation, vt, let->value, c);
    vt = v->annotation;
  }
  bind(v, vt);
  if (auto k = as<ConstantNode>(let->value)) const_vars_[v.get()] = &k->value;
}

Type Inferencer::infer_tuple_get(const Expr& e) {
  auto get = as<TupleGetNode>(e);
  Type tt = structure(infer(get->tuple));
  if (as_incomplete(tt))
    fail(e->span, Msg() << "cannot infer the type of `" << expr_snippet(get->tuple) << "` before taking field "
                        << get->index << "; add a type annotation");
  auto tup = as_tuple(tt);
  if (!tup) fail(e->span, Msg() << "field " << get->index << " of a non-tuple: expected a tuple, found " << show(tt)
                                << " in `" << expr_snippet(e) << "`");
  if (size_t(get->index) >= tup->fields.size())
    fail(e->span, Msg() << "tuple index " << get->index << " is out of range: expected an index below "
                        << tup->fields.size() << " for " << show(tt) << " in `" << expr_snippet(e) << "`");
  return tup->fields[size_t(get->index)];
}

Type Inferencer::infer_if(const Expr& e) {
  auto node = as<IfNode>(e);
  Unifier::Conflict c;
  Type ct = infer(node->cond);
  Type boolean = scalar_type(DType::Bool);
  if (!u_.unify(boolean, ct, &c))
    mismatch(span_of_use(node->cond, e->span), "if condition must be a bool scalar", boolean, ct, node->cond, c);
  Type tt = infer(node->then_branch), et = infer(node->else_branch);
  if (!u_.unify_branches(tt, et, &c)) {
    Diagnostic d{e->span, Severity::Error,
                 Msg() << "if branches have different types: then is " << show(tt) << ", else is " << show(et)
                       << " in `" << expr_snippet(e) << "`",
                 {}};
    add_conflict_note(d, tt, et, c);
    throw CompileError(std::move(d));
  }
  return u_.join(tt, et);
}

Type Inferencer::infer_match(const Expr& e) {
  auto node = as<MatchNode>(e);
  Type st = infer(node->scrutinee);
  Type result;
  for (size_t i = 0; i < node->clauses.size(); ++i) {
    const Clause& clause = node->clauses[i];
    bind_pattern(clause.pattern, st, clause_span(clause, e->span, /*pattern_first=*/true), node->scrutinee);
    Type bt = infer(clause.body);
    Unifier::Conflict c;
    if (!result) {
      result = bt;
    } else if (!u_.unify_branches(result, bt, &c)) {
      Diagnostic d{clause_span(clause, e->span, /*pattern_first=*/false), Severity::Error,
                   Msg() << "match clauses have different types: clause 0 is " << show(result) << ", clause " << i
                         << " is " << show(bt) << " in `" << expr_snippet(clause.body) << "`",
                   {}};
      add_conflict_note(d, result, bt, c);
      throw CompileError(std::move(d));
    } else {
      result = u_.join(result, bt);
    }
  }
  return result ? result : u_.fresh();  // no clauses: never returns
}

// Gives the variables of `p` their types, checking `p` can match a value of type `t`.
void Inferencer::bind_pattern(const Pattern& p, const Type& t, const Span& where, const Expr& scrutinee) {
  Unifier::Conflict c;
  switch (p->kind) {
    case PatternKind::Wildcard: return;
    case PatternKind::Var:
      if (p->var->annotation) {
        if (!u_.unify(p->var->annotation, t, &c))
          mismatch(where, "pattern %" + p->var->name_hint, p->var->annotation, t, scrutinee, c);
        bind(p->var, p->var->annotation);
      } else {
        bind(p->var, t);
      }
      return;
    case PatternKind::Constructor: {
      const ConstructorNode* ctor = p->ctor.get();
      std::vector<std::pair<TypeVar, Type>> subst;
      std::vector<Type> args;
      for (auto& tp : ctor->adt_params) {
        args.push_back(u_.fresh());
        subst.push_back({tp, args.back()});
      }
      Type adt = adt_type(ctor->adt, args);
      if (!u_.unify(adt, t, &c)) mismatch(where, "pattern " + ctor->name + " cannot match this value", adt, t, scrutinee, c);
      for (size_t i = 0; i < p->sub.size() && i < ctor->fields.size(); ++i)
        bind_pattern(p->sub[i], substitute(ctor->fields[i], subst), where, scrutinee);
      return;
    }
    case PatternKind::Tuple: {
      Type s = structure(t);
      if (as_incomplete(s)) {
        std::vector<Type> fields;
        for (size_t i = 0; i < p->sub.size(); ++i) fields.push_back(u_.fresh());
        u_.unify(tuple_type(fields), s);
        s = u_.shallow(s);
      }
      auto tup = as_tuple(s);
      if (!tup || tup->fields.size() != p->sub.size()) {
        std::vector<Type> holes;
        for (size_t i = 0; i < p->sub.size(); ++i) holes.push_back(u_.fresh());
        mismatch(where, Msg() << "tuple pattern with " << p->sub.size() << " fields cannot match this value",
                 tuple_type(holes), s, scrutinee, c);
      }
      for (size_t i = 0; i < p->sub.size(); ++i) bind_pattern(p->sub[i], tup->fields[i], where, scrutinee);
      return;
    }
  }
}

Type Inferencer::infer_ref_read(const Expr& e) {
  auto node = as<RefReadNode>(e);
  Type rt = structure(infer(node->ref));
  if (as_incomplete(rt)) {
    Type inner = u_.fresh();
    u_.unify(rt, ref_type(inner));
    return inner;
  }
  auto r = as_ref(rt);
  if (!r) fail(e->span, Msg() << "ref_read expects a reference: expected Ref[_], found " << show(rt) << " in `"
                              << expr_snippet(e) << "`");
  return r->inner;
}

Type Inferencer::infer_ref_write(const Expr& e) {
  auto node = as<RefWriteNode>(e);
  Type rt = structure(infer(node->ref));
  Type vt = infer(node->value);
  Unifier::Conflict c;
  if (as_incomplete(rt)) {
    u_.unify(rt, ref_type(vt));
  } else if (auto r = as_ref(rt)) {
    if (!u_.unify(r->inner, vt, &c))
      mismatch(e->span, "ref_write into " + show(rt), r->inner, vt, e, c);
  } else {
    fail(e->span, Msg() << "ref_write expects a reference: expected Ref[" << show(vt) << "], found " << show(rt)
                        << " in `" << expr_snippet(e) << "`");
  }
  return unit_type();
}

}  // namespace weft::infer_detail
