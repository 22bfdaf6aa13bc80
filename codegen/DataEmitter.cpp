// DataEmitter.cpp - the host emitter's data constructs: ADT values and match, closures (lambdas), references.
#include "codegen/FunctionEmitter.h"
#include "codegen/HostTypes.h"
#include "codegen/IrComment.h"
#include "ir/ExprSnippet.h"
#include "ir/Lexer.h"

namespace weft::codegen {

// ---- ADT values ---------------------------------------------------------------------------------

std::string FunctionEmitter::ctor_call(const CallNode& call, const std::string& hint) {
  const Expr self(&call);
  auto* c = as<ConstructorNode>(call.callee);
  const Type t = type_of(self);
  std::vector<Type> fields = ctor_field_types(*c, t);
  std::string args = args_of(call, fields);
  std::string tparams = ctor_field_cpp_types(*c, t, span_of_use(self, fn_->span), target_);
  std::string expr = "weft_rt::Adt::make" + (tparams.empty() ? "" : "<" + tparams + ">") + "(" + std::to_string(c->tag) +
                     (args.empty() ? "" : ", " + args) + ")";
  return bind(self, hint.empty() ? c->name : hint, expr, c->name);
}

// A constructor as a value: a field-less one is the ADT value itself, one with fields a function.
std::string FunctionEmitter::ctor_value(const ConstructorNode& c, const Type& t, const Span& where, const std::string& hint) {
  if (c.fields.empty()) return bind(t, where, hint.empty() ? c.name : hint, "weft_rt::Adt::make(" + std::to_string(c.tag) + ")", c.name);
  auto* f = as_func(t);
  WEFT_ASSERT(f, "a constructor with fields used at a non-function type");
  const std::string T = cpp_type(t, where, target_);
  std::string params = "const " + T + "&", args;
  for (size_t i = 0; i < f->params.size(); ++i) {
    params += ", " + cpp_type(f->params[i], where, target_) + " a" + std::to_string(i);
    args += ", std::move(a" + std::to_string(i) + ")";
  }
  std::string make = "weft_rt::Adt::make<" + ctor_field_cpp_types(c, f->ret, where, target_) + ">(" + std::to_string(c.tag) + args + ")";
  std::string v = fresh(hint.empty() ? c.name : hint);
  line("static const " + T + " " + v + " = " + T + "::make([](" + params + ") { return " + make + "; });  // " + c.name);
  return v;
}

std::string FunctionEmitter::scrutinee(const MatchNode& m, Type& t) {
  t = type_at(m.scrutinee, Type());
  std::string s = value(m.scrutinee, "scrutinee", t);
  if (s.find_first_of("(<{") == std::string::npos) return s;
  return bind(t, span_of_use(m.scrutinee, fn_->span), "scrutinee", s, "");
}

// if (tests of clause 0) { bindings; result = body } else if (...) ... else no match. The
// tests of one clause are one && chain, so a field is only read after its tag was checked.
void FunctionEmitter::match(const Expr& e, const std::string& result, bool in_tail) {
  auto* m = as<MatchNode>(e);
  const Type rt = type_of(e);
  Type st;
  const std::string s = scrutinee(*m, st);
  for (size_t i = 0; i < m->clauses.size(); ++i) {
    const Clause& c = m->clauses[i];
    std::vector<std::string> conds;
    pattern_test(c.pattern, s, st, conds);
    std::string test;
    for (auto& cond : conds) test += (test.empty() ? "" : " && ") + cond;
    line((i ? "} else if (" : "if (") + (test.empty() ? "true" : test) + ") {");
    ++indent_;
    pattern_bind(c.pattern, s, st);
    if (in_tail) tail(c.body);
    else line(result + " = " + value(c.body, "", rt) + ";");
    --indent_;
  }
  const Span where = span_of_use(e, fn_->span);
  line(m->clauses.empty() ? "{" : "} else {");
  line("  weft_rt::no_match(" + c_string(where.known() ? where.str() : "@" + inst_->name) + ");");
  line("}");
}

namespace {
std::string field_path(const ConstructorNode& c, const Type& adt, const std::string& path, size_t i, const Span& where, const Target& target) {
  return "std::get<" + std::to_string(i) + ">(" + path + ".fields<" + ctor_field_cpp_types(c, adt, where, target) + ">())";
}
}  // namespace

void FunctionEmitter::pattern_test(const Pattern& p, const std::string& path, const Type& t, std::vector<std::string>& conds) {
  if (p->kind == PatternKind::Constructor) {
    conds.push_back(path + ".tag() == " + std::to_string(p->ctor->tag));
    std::vector<Type> fields = ctor_field_types(*p->ctor, t);
    for (size_t i = 0; i < p->sub.size(); ++i)
      pattern_test(p->sub[i], field_path(*p->ctor, t, path, i, fn_->span, target_), fields[i], conds);
  } else if (p->kind == PatternKind::Tuple) {
    auto* tt = as_tuple(t);
    for (size_t i = 0; i < p->sub.size(); ++i) pattern_test(p->sub[i], "std::get<" + std::to_string(i) + ">(" + path + ")", tt->fields[i], conds);
  }
}

// Pattern variables are copies (a pointer and a count), not references into the scrutinee:
// a tail loop may reassign the scrutinee's variable while they are still read.
void FunctionEmitter::pattern_bind(const Pattern& p, const std::string& path, const Type& t) {
  switch (p->kind) {
    case PatternKind::Wildcard: return;
    case PatternKind::Var: {
      std::string v = fresh(p->var->name_hint);
      line(cpp_type(t, fn_->span, target_) + " " + v + " = " + path + ";  // " + comment_safe(local_name_text(p->var->name_hint)));
      vars_[p->var.get()] = v;
      return;
    }
    case PatternKind::Constructor: {
      std::vector<Type> fields = ctor_field_types(*p->ctor, t);
      for (size_t i = 0; i < p->sub.size(); ++i) pattern_bind(p->sub[i], field_path(*p->ctor, t, path, i, fn_->span, target_), fields[i]);
      return;
    }
    case PatternKind::Tuple: {
      auto* tt = as_tuple(t);
      for (size_t i = 0; i < p->sub.size(); ++i) pattern_bind(p->sub[i], "std::get<" + std::to_string(i) + ">(" + path + ")", tt->fields[i]);
      return;
    }
  }
}

// ---- closures -----------------------------------------------------------------------------------

// A global function as a value: a closure without captures calling its instance.
std::string FunctionEmitter::global_value(const Expr& g, const std::string& hint) {
  const Type ft = type_of(g);
  const Span where = span_of_use(g, fn_->span);
  const std::string& name = as<GlobalVarNode>(g)->name;
  const FunctionInstance& inst = instances_.at_use(name, ft, where);
  auto* f = as_func(ft);
  const std::string T = cpp_type(ft, where, target_);
  std::string params = "const " + T + "&", args;
  for (size_t i = 0; i < f->params.size(); ++i) {
    params += ", " + cpp_type(f->params[i], where, target_) + " a" + std::to_string(i);
    args += (i ? ", " : "") + std::string("std::move(a") + std::to_string(i) + ")";
  }
  std::string v = fresh(hint.empty() ? name : hint);
  line("static const " + T + " " + v + " = " + T + "::make([](" + params + ") { return " + cpp_instance_name(inst) + "(" + args + "); });  // @" +
       name);
  return v;
}

// A function literal: a lambda capturing by value what its body uses (values are immutable
// and cheap to copy), taking the closure itself first so that `self` (the let variable a
// local function calls itself by) needs no capture. Its self tail calls loop.
std::string FunctionEmitter::closure(const Expr& e, const std::string& hint, const Var& self) {
  auto* fn = as<FunctionNode>(e);
  Type ft = type_of(e);
  auto* f = as_func(ft);
  if (f && !f->type_params.empty()) {
    // An instance of a polymorphic literal (subst_ binds its type parameters): its own type.
    ft = func_type(f->params, f->ret);
    f = as_func(ft);
  }
  if (!f) unsupported(e, "this function literal");
  const std::string T = cpp(ft, e);
  const std::string self_name = fresh(self ? self->name_hint : "self");
  std::string params = "const " + T + "& " + self_name;
  for (size_t i = 0; i < fn->params.size(); ++i) {
    std::string p = fresh(fn->params[i]->name_hint);
    vars_[fn->params[i].get()] = p;
    params += ", " + cpp(f->params[i], e) + " " + p;
  }
  if (self) vars_[self.get()] = self_name;

  Scope outer_scope = scope_;
  std::string outer_out = std::move(out_);
  out_.clear();
  scope_ = Scope{};
  scope_.self = self.get();
  scope_.params = fn->params;
  scope_.ret = f->ret;
  ++indent_;
  tail(fn->body);
  std::string body = scope_.loops ? loop_wrapped(out_) : out_;
  --indent_;
  scope_ = outer_scope;
  out_ = std::move(outer_out);

  std::string v = fresh(hint.empty() ? "fn" : hint);
  line(T + " " + v + " = " + T + "::make([=](" + params + ") -> " + cpp(f->ret, e) + " {");
  out_ += body;
  line("});");
  return v;
}

// The type arguments of a call of let-bound polymorphic closure `var` (into `inst`) and
// their C++ types as a key: two calls with the same key share one C++ instance.
std::string FunctionEmitter::poly_instance(const CallNode& call, const VarNode* var, TypeSubst& inst) {
  const Expr self(&call);
  const Expr& lit = poly_closures_.at(var);
  auto* fn = as<FunctionNode>(lit);
  auto* poly = as_func(lit->checked_type);
  for (size_t i = 0; i < call.args.size() && i < poly->params.size(); ++i)
    match_type(poly->params[i], type_of(call.args[i]), fn->type_params, inst);
  match_type(poly->ret, type_of(self), fn->type_params, inst);
  for (const TypeVar& p : fn->type_params) {
    bool bound = false;
    for (auto& [q, t] : inst) bound = bound || q.get() == p.get();
    if (!bound) inst.emplace_back(p, unit_type());
  }
  std::string key;
  for (auto& [p, t] : inst) key += cpp(t, self) + "|";
  return key;
}

// A call of a let-bound polymorphic closure: the literal is emitted here, at the instance
// the call's argument types give (its captures are all bound before the let, and values are
// immutable, so creating it late changes nothing). Inside its own body, a call at the same
// instance goes through `self` (and loops in tail position).
std::string FunctionEmitter::poly_closure_call(const CallNode& call, const VarNode* var, const std::string& hint) {
  const Expr self(&call);
  const Expr& lit = poly_closures_.at(var);
  auto* poly = as_func(lit->checked_type);
  TypeSubst inst;
  const std::string key = poly_instance(call, var, inst);
  std::string callee;
  std::vector<Type> params;
  auto active = poly_key_.find(var);
  if (active != poly_key_.end()) {
    if (active->second != key) unsupported(self, "polymorphic recursion of a local closure (a call at other type arguments)");
    callee = vars_.at(var);
  } else {
    const TypeSubst outer = subst_;
    subst_.insert(subst_.end(), inst.begin(), inst.end());
    poly_key_[var] = key;
    Var self_var(var);
    callee = closure(lit, var->name_hint, self_var);
    poly_key_.erase(var);
    vars_.erase(var);
    subst_ = outer;
  }
  for (const Type& p : poly->params) params.push_back(substitute(substitute(p, subst_), inst));
  std::string args = args_of(call, params);
  return bind(self, hint.empty() ? "call" : hint, callee + "(" + args + ")", ir_comment(self));
}

// ---- references ---------------------------------------------------------------------------------

std::string FunctionEmitter::ref_expr(const Expr& e, const std::string& hint) {
  if (auto* n = as<RefNewNode>(e)) {
    const Type t = type_of(e);
    std::string v = value(n->value, "", as_ref(t)->inner);
    return bind(e, hint.empty() ? "ref" : hint, cpp(t, e) + "::make(" + v + ")", "ref_new");
  }
  if (auto* r = as<RefReadNode>(e)) return bind(e, hint.empty() ? "read" : hint, value(r->ref) + ".get()", "ref_read");
  auto* w = as<RefWriteNode>(e);
  std::string r = value(w->ref);
  std::string v = value(w->value, "", as_ref(type_of(w->ref))->inner);
  line(r + ".set(" + v + ");  // ref_write");
  return "std::tuple<>{}";
}

}  // namespace weft::codegen
