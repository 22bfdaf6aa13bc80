// TypeInference.cpp - type inference entry points, functions, and the final resolution of types.
#include "ir/TypeInference.h"

#include "ir/DeepStack.h"
#include "ir/ExprSnippet.h"
#include "ir/Inferencer.h"
#include "ir/WellFormed.h"

namespace weft {

// Note on type inference
//
// Idea: one walk over each function, in evaluation order, giving every expression a
// type that may contain unification variables (see the Note in Unifier.h), then one
// final pass that resolves the variables and writes each node's checked_type.
//   - def parameters carry annotations; a missing return type, an unannotated let or a
//     closure parameter without annotation starts as a fresh variable. A recursive call
//     returns the callee's (still unbound) return variable, so
//     `if (base) { concrete } else { @self(...) }` binds it through the if's unification.
//   - Globals are checked in definition order, but a call to one not checked yet checks
//     it first (on demand), so a caller sees its callee's return type. Within a cycle of
//     mutually recursive globals the shared return variables do the work instead.
//   - Polymorphism: a def or closure with type parameters is instantiated with fresh
//     variables at each use (GlobalVar, call of a polymorphic closure, constructor).
//     Type parameters are rigid inside their own body. A let-bound closure without type
//     parameters is monomorphic (no let-generalization).
//   - Op calls run the op's type relation on resolved argument types (ArgInfo.value set
//     when the argument is a Constant, or a variable let-bound to one). When an argument is still a variable (a closure
//     parameter, a recursive result), the call is deferred: it gets a fresh result
//     variable and is retried whenever a function finishes or a type's structure is
//     needed; at the end, a call still waiting is the error "cannot infer the type of
//     argument i of op 'x'".
//   - `let %f = fn ...` binds %f in its own value, so local closures may recurse.
// Invariants: every visited node is recorded with its raw type; after `finish` no
// checked_type holds a unification variable. Recursion follows expression nesting
// except along let-chains, which are iterated; the public entries run on a deep stack.
// Limits: no let-generalization; a polymorphic def whose return type is omitted and
// that is called by another member of its recursion cycle may leak a rigid type
// parameter into that caller (annotate the return type); a node shared at two places of
// a program keeps the type of its last visit.

namespace infer_detail {

void Inferencer::check_module() {
  for (auto& name : m_.function_names()) infer_global(name, Span{});
  finish();
}

Type Inferencer::check_expr(const Expr& e) {
  Type t = infer(e);
  finish();
  return u_.resolve(t);
}

// ---- bookkeeping and messages ----

void Inferencer::record(const ExprNode* node, const Type& t) {
  node->checked_type = t;
  visited_.push_back(node);
}

void Inferencer::bind(const Var& v, const Type& t) {
  locals_[v.get()] = t;
  record(v.get(), t);
}

std::string Inferencer::show(const Type& t) const { return type_str_for_user(u_.resolve(t)); }

void Inferencer::mismatch(const Span& where, const std::string& what, const Type& expected, const Type& found,
                          const Expr& offender, const Unifier::Conflict& c) const {
  Diagnostic d{where, Severity::Error,
               Msg() << what << ": expected " << show(expected) << ", found " << show(found) << " in `"
                     << expr_snippet(offender) << "`",
               {}};
  add_conflict_note(d, expected, found, c);
  throw CompileError(std::move(d));
}

// When the types differ deep inside (a dim, a tuple field), the note says where.
void Inferencer::add_conflict_note(Diagnostic& d, const Type& expected, const Type& found,
                                   const Unifier::Conflict& c) const {
  std::string inner = c.expected ? type_str_for_user(c.expected) : "";
  std::string inner_found = c.found ? type_str_for_user(c.found) : "";
  bool same_pair = inner == show(expected) && inner_found == show(found);
  if (c.why == "infinite type")
    d.notes.push_back(Msg() << "that would make " << inner << " contain itself (" << inner_found << ")");
  else if (!same_pair && !inner.empty())
    d.notes.push_back(Msg() << "they differ in " << inner << " vs " << inner_found << (c.why.empty() ? "" : " (" + c.why + ")"));
  else if (!c.why.empty())
    d.notes.push_back(c.why);
}

void Inferencer::fail(const Span& where, const std::string& msg) { throw CompileError(where, msg); }

// The structure of `t`, retrying deferred op calls once if it is still a variable.
Type Inferencer::structure(const Type& t) {
  Type s = u_.shallow(t);
  if (as_incomplete(s) && !pending_.empty()) {
    solve_pending(false);
    s = u_.shallow(t);
  }
  return s;
}

// ---- functions ----

Inferencer::Global& Inferencer::global(const std::string& name, const Span& where) {
  auto it = globals_.find(name);
  if (it != globals_.end()) return it->second;
  Function fn = m_.function(name);
  if (!fn) fail(where, "unknown function @" + name);
  Global g{fn, signature(fn, "@" + name, /*require_param_types=*/true), Global::Todo};
  return globals_.emplace(name, std::move(g)).first->second;
}

Type Inferencer::signature(const Function& fn, const std::string& owner, bool require_param_types) {
  std::vector<Type> params;
  for (auto& p : fn->params) {
    if (p->annotation) params.push_back(p->annotation);
    else if (require_param_types)
      fail(p->span.known() ? p->span : fn->span,
           Msg() << "parameter %" << p->name_hint << " of " << owner << " needs a type annotation");
    else params.push_back(u_.fresh());
  }
  return func_type(std::move(params), fn->ret_type ? fn->ret_type : u_.fresh(), fn->type_params);
}

void Inferencer::check_body(const Function& fn, const Type& sig, const std::string& owner) {
  auto f = as_func(sig);
  for (size_t i = 0; i < fn->params.size(); ++i) bind(fn->params[i], f->params[i]);
  Type body = infer(fn->body);
  Unifier::Conflict c;
  if (!u_.unify(f->ret, body, &c)) {
    // Reported where the result is computed: the end of the body's let-chain.
    Expr tail = fn->body;
    while (auto let = as<LetNode>(tail)) tail = let->body;
    mismatch(span_of_use(tail, fn->span), "result of " + owner, f->ret, body, tail, c);
  }
}

void Inferencer::infer_global(const std::string& name, const Span& where) {
  Global& g = global(name, where);
  if (g.state != Global::Todo) return;
  g.state = Global::Active;
  check_body(g.fn, g.sig, "@" + name);
  record(g.fn.get(), g.sig);
  g.state = Global::Done;
  solve_pending(false);
}

// Resolves every recorded type; one still holding a variable has nothing to determine it.
void Inferencer::finish() {
  solve_pending(true);
  for (auto& name : m_.function_names()) {
    auto it = globals_.find(name);
    if (it == globals_.end() || u_.is_resolved(it->second.sig)) continue;
    fail(it->second.fn->span, Msg() << "cannot infer the result type of @" << name << ": it is only known to be "
                                    << show(as_func(it->second.sig)->ret) << "; annotate it (`-> T`)");
  }
  for (const ExprNode* node : visited_) {
    Type t = u_.resolve(node->checked_type);
    if (!u_.is_resolved(t))
      fail(node->span, Msg() << "cannot infer the type of `" << expr_snippet(Expr(node)) << "`: it is only known to be "
                             << type_str_for_user(t) << "; add a type annotation");
    node->checked_type = t;
  }
}

}  // namespace infer_detail

void infer_types(const Module& m) {
  with_deep_stack([&] {
    check_well_formed(m);
    infer_detail::Inferencer(m, /*allow_free_vars=*/false).check_module();
  });
}

Type infer_expr(const Expr& e, const Module& m) {
  return with_deep_stack([&] { return infer_detail::Inferencer(m, /*allow_free_vars=*/true).check_expr(e); });
}

}  // namespace weft
