// FunctionEmitter.cpp - one lowered function instance as one host C++ function; operator calls go to the target.
#include "codegen/FunctionEmitter.h"

#include <cctype>
#include <set>

#include "codegen/HostTypes.h"
#include "codegen/IrComment.h"
#include "codegen/SplitBody.h"
#include "ir/ExprSnippet.h"
#include "ir/Lexer.h"
#include "ir/OpRegistry.h"

namespace weft::codegen {

namespace {

// Statements per chunk of a split body (SplitBody.h): large enough that the call per chunk
// costs nothing at run time, small enough that g++'s superlinear passes stay cheap.
constexpr size_t kStatementsPerChunk = 40;

std::string sanitize(const std::string& hint) {
  static const std::set<std::string> reserved = {
      "alignas", "alignof", "and", "and_eq", "asm", "auto", "bitand", "bitor", "bool", "break", "case", "catch", "char",
      "class", "compl", "concept", "const", "consteval", "constexpr", "constinit", "const_cast", "continue", "co_await",
      "co_return", "co_yield", "decltype", "default", "delete", "do", "double", "dynamic_cast", "else", "enum", "explicit",
      "export", "extern", "false", "float", "for", "friend", "goto", "if", "inline", "int", "long", "mutable", "namespace",
      "new", "noexcept", "not", "not_eq", "nullptr", "operator", "or", "or_eq", "private", "protected", "public",
      "register", "reinterpret_cast", "requires", "return", "short", "signed", "sizeof", "static", "static_assert",
      "static_cast", "struct", "switch", "template", "this", "thread_local", "throw", "true", "try", "typedef", "typeid",
      "typename", "union", "unsigned", "using", "virtual", "void", "volatile", "wchar_t", "while", "xor", "xor_eq", "std",
      "size_t"};
  std::string s;
  for (char c : hint) s += (std::isalnum(static_cast<unsigned char>(c)) || c == '_') ? c : '_';
  if (s.empty() || std::isdigit(static_cast<unsigned char>(s[0]))) s = "v" + s;
  // Keep clear of keywords, element types (*_t) and the names the generated file defines
  // (const_N, fn_*, weft_*).
  if (reserved.count(s) || s.rfind("const_", 0) == 0 || s.rfind("fn_", 0) == 0 || s.rfind("weft", 0) == 0 || s[0] == '_' ||
      (s.size() > 2 && s.compare(s.size() - 2, 2, "_t") == 0))  // int64_t and friends name element types
    s += "_v";
  return s;
}

}  // namespace

std::string cpp_function_name(const std::string& name) { return "fn_" + sanitize(name); }

std::string cpp_instance_name(const FunctionInstance& inst) {
  return cpp_function_name(inst.name) + (inst.ordinal >= 0 ? "__" + std::to_string(inst.ordinal) : "");
}

std::string unique_name(const std::string& hint, std::map<std::string, int>& used) {
  const std::string base = sanitize(hint.empty() ? "v" : hint);
  for (;;) {  // `x_1` may also have been taken by a variable the IR named so
    int n = used[base]++;
    std::string name = n == 0 ? base : base + "_" + std::to_string(n);
    if (n == 0 || !used.count(name)) {
      used[name] += n == 0 ? 0 : 1;
      return name;
    }
  }
}

namespace {

std::vector<std::string> cpp_param_names(const Function& fn) {
  std::map<std::string, int> used;
  std::vector<std::string> names;
  for (const Var& p : fn->params) names.push_back(unique_name(p->name_hint, used));
  return names;
}

bool is_identifier(const std::string& s) {
  if (s.empty() || std::isdigit(static_cast<unsigned char>(s[0]))) return false;
  for (char c : s)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  return true;
}

}  // namespace

std::string cpp_signature(const FunctionInstance& inst, const Function& fn, const Target& target) {
  const std::vector<std::string> names = cpp_param_names(fn);
  auto* ft = as_func(fn->checked_type);
  WEFT_ASSERT(ft, "codegen needs a type-checked module");
  std::string s = cpp_type(substitute(ft->ret, inst.subst), fn->span, target) + " " + cpp_instance_name(inst) + "(";
  for (size_t i = 0; i < fn->params.size(); ++i) {
    const Var& p = fn->params[i];
    s += (i ? ", " : "") + cpp_type(substitute(ft->params[i], inst.subst), p->span, target) + " " + names[i];
  }
  return s + ")";
}

EmittedFunction FunctionEmitter::emit(const lower::LoweredFunction& f) {
  const FunctionInstance& inst = *f.instance;
  lowered_ = &f;
  inst_ = &inst;
  subst_ = inst.subst;
  poly_closures_.clear();
  poly_key_.clear();
  fn_ = module_.function(inst.name);
  out_.clear();
  vars_.clear();
  used_.clear();
  indent_ = 1;
  std::string sig = cpp_signature(inst, fn_, target_);
  for (const Var& p : fn_->params) vars_[p.get()] = fresh(p->name_hint);  // the names cpp_param_names gives
  scope_ = Scope{};
  scope_.inst = &inst;
  scope_.params = fn_->params;
  scope_.ret = substitute(as_func(fn_->checked_type)->ret, inst.subst);
  produced_.clear();
  tail(fn_->body);
  // Long straight-line bodies (a model's @main) are cut into chunks g++ optimizes one at a time.
  const std::string frame = target_.frame(lowered_->plan);
  EmittedFunction result;
  if (scope_.loops) {
    result.split.body = frame + loop_wrapped(out_);
  } else {
    std::vector<std::string> params;
    auto* ft = as_func(fn_->checked_type);
    for (size_t i = 0; i < fn_->params.size(); ++i)
      params.push_back(cpp_type(substitute(ft->params[i], inst.subst), fn_->params[i]->span, target_) + " " + vars_[fn_->params[i].get()]);
    result.split = split_body(frame, out_, params, cpp_instance_name(inst), kStatementsPerChunk);
  }
  std::string head = "// @" + inst.name;
  if (!inst.subst.empty()) {
    head += "[";
    for (size_t i = 0; i < inst.subst.size(); ++i) head += (i ? ", " : "") + inst.subst[i].first->name + "=" + type_str(inst.subst[i].second);
    head += "]";
  }
  head += "(";
  for (size_t i = 0; i < fn_->params.size(); ++i)
    head += (i ? ", " : "") + local_name_text(fn_->params[i]->name_hint) + ": " + type_str(type_of(fn_->params[i]));
  head += ") -> " + type_str(scope_.ret);
  if (fn_->span.known()) head += "  [" + fn_->span.str() + "]";
  result.definition = comment_safe(head) + "\n" + sig + " {\n" + result.split.body + "}\n";
  return result;
}

bool FunctionEmitter::may_recurse() const {
  if (calls_closures_) return true;
  // A cycle: some instance reaches itself through the calls emitted.
  for (auto& [start, _] : calls_) {
    std::vector<const FunctionInstance*> work = {start};
    std::set<const FunctionInstance*> seen;
    while (!work.empty()) {
      const FunctionInstance* f = work.back();
      work.pop_back();
      auto it = calls_.find(f);
      if (it == calls_.end()) continue;
      for (const FunctionInstance* g : it->second) {
        if (g == start) return true;
        if (seen.insert(g).second) work.push_back(g);
      }
    }
  }
  return false;
}

// Self tail calls `continue` this loop (a loop is a tail-recursive function).
std::string FunctionEmitter::loop_wrapped(const std::string& body) const {
  const std::string pad(size_t(indent_) * 2, ' ');
  std::string wrapped = pad + "for (;;) {\n";
  size_t pos = 0;
  while (pos < body.size()) {
    size_t nl = body.find('\n', pos);
    wrapped += "  " + body.substr(pos, nl - pos + 1);
    pos = nl + 1;
  }
  return wrapped + pad + "}\n";
}

void FunctionEmitter::release_dead(const ExprNode* after) {
  auto it = lowered_->plan.release_after.find(after);
  if (it == lowered_->plan.release_after.end()) return;
  for (const ExprNode* p : it->second)
    if (auto v = produced_.find(p); v != produced_.end()) line(target_.release(v->second) + "  // last use");
}

void FunctionEmitter::line(const std::string& s) { out_ += std::string(size_t(indent_) * 2, ' ') + s + "\n"; }

std::string FunctionEmitter::fresh(const std::string& hint) { return unique_name(hint, used_); }

void FunctionEmitter::unsupported(const Expr& e, const std::string& what) {
  throw CompileError(span_of_use(e, fn_->span),
                     Msg() << target_.name() << " code generation does not support " << what << " yet, in @" << inst_->name << ": " << expr_snippet(e));
}

Type FunctionEmitter::type_of(const Expr& e) const {
  WEFT_ASSERT(e->checked_type, "codegen needs a type-checked module");
  return subst_.empty() ? e->checked_type : substitute(e->checked_type, subst_);
}

Type FunctionEmitter::type_at(const Expr& e, const Type& expected) {
  if (!as<ConstructorNode>(e)) return type_of(e);
  if (!expected) unsupported(e, "a constructor value whose type the context does not give");
  return expected;
}

std::string FunctionEmitter::cpp(const Type& t, const Expr& where) const { return cpp_type(t, span_of_use(where, fn_->span), target_); }

std::string FunctionEmitter::bind(const Type& t, const Span& where, const std::string& hint, const std::string& expr,
                                     const std::string& comment) {
  std::string v = fresh(hint);
  auto* tup = as_tuple(t);
  const bool unit = tup && tup->fields.empty();  // `let %_ = ref_write(...)`: bound for its effect
  line((unit ? "[[maybe_unused]] " : "") + cpp_type(t, where, target_) + " " + v + " = " + expr + ";" + (comment.empty() ? "" : "  // " + comment_safe(comment)));
  return v;
}

std::string FunctionEmitter::bind(const Expr& e, const std::string& hint, const std::string& expr, const std::string& comment) {
  return bind(type_of(e), span_of_use(e, fn_->span), hint, expr, comment);
}

std::string FunctionEmitter::value(const Expr& e, const std::string& hint, const Type& expected) {
  switch (e->kind) {
    case ExprKind::Var: {
      auto it = vars_.find(static_cast<const VarNode*>(e.get()));
      if (it == vars_.end() && poly_closures_.count(static_cast<const VarNode*>(e.get())))
        unsupported(e, "a polymorphic closure literal used as a value (only calls of it are)");
      WEFT_ASSERT(it != vars_.end(), "variable %" + as<VarNode>(e)->name_hint + " used out of scope");
      return it->second;
    }
    case ExprKind::Constant: return weights_.add(as<ConstantNode>(e)->value, ir_comment(e));
    case ExprKind::Tuple: {
      const Type t = type_of(e);
      auto* tt = as_tuple(t);
      std::string fields;
      const auto& fs = as<TupleNode>(e)->fields;
      for (size_t i = 0; i < fs.size(); ++i) fields += (fields.empty() ? "" : ", ") + value(fs[i], "", tt ? tt->fields[i] : Type());
      return bind(e, hint.empty() ? "tup" : hint, cpp(t, e) + "{" + fields + "}", "");
    }
    case ExprKind::TupleGet: {
      auto* g = as<TupleGetNode>(e);
      return "std::get<" + std::to_string(g->index) + ">(" + value(g->tuple) + ")";
    }
    case ExprKind::Let: return value(bind_lets(e), hint, expected);
    case ExprKind::If: {
      auto* i = as<IfNode>(e);
      const Type t = type_of(e);
      std::string c = value(i->cond);
      std::string r = fresh(hint.empty() ? "if_result" : hint);
      line(cpp(t, e) + " " + r + ";");
      line("if (" + target_.condition(c) + ") {");
      ++indent_;
      line(r + " = " + value(i->then_branch, "", t) + ";");
      --indent_;
      line("} else {");
      ++indent_;
      line(r + " = " + value(i->else_branch, "", t) + ";");
      --indent_;
      line("}");
      release_dead(e.get());
      return r;
    }
    case ExprKind::Call: {
      auto* call = as<CallNode>(e);
      if (as<OpNode>(call->callee)) return op_call(*call, hint);
      if (auto* g = as<GlobalVarNode>(call->callee)) return global_call(*call, g->name, hint);
      if (as<ConstructorNode>(call->callee)) return ctor_call(*call, hint);
      if (lower::primitive_callee(*call)) return fused_call(*call, hint);
      return closure_call(*call, hint);
    }
    case ExprKind::GlobalVar: return global_value(e, hint);
    case ExprKind::Function: return closure(e, hint, Var());
    case ExprKind::Match: {
      std::string r = fresh(hint.empty() ? "match_result" : hint);
      line(cpp(type_of(e), e) + " " + r + ";");
      match(e, r, false);
      release_dead(e.get());
      return r;
    }
    case ExprKind::Constructor: return ctor_value(*as<ConstructorNode>(e), type_at(e, expected), span_of_use(e, fn_->span), hint);
    case ExprKind::RefNew:
    case ExprKind::RefRead:
    case ExprKind::RefWrite: return ref_expr(e, hint);
    case ExprKind::Op: unsupported(e, "operators used as values");
  }
  unsupported(e, "this expression");
}

// An operator call, a fusion group of its own (codegen/lower/Fusion.h): its arguments become
// host variables, the target prints the call, and a planned result goes to its frame slot.
std::string FunctionEmitter::op_call(const CallNode& call, const std::string& hint) {
  const Expr self(&call);
  OperatorCall c;
  c.call = &call;
  c.def = as<OpNode>(call.callee)->def;
  const std::string& op = c.def->name;
  try {
    target_.check_operator(*c.def);
  } catch (const Unsupported& u) {
    unsupported(self, u.what);
  }
  const Type rt = type_of(self);
  if (auto* t = as_tensor(rt)) c.result_types.push_back(t);
  else if (auto* tup = as_tuple(rt))
    for (const Type& f : tup->fields) c.result_types.push_back(as_tensor(f));
  for (auto* r : c.result_types)
    if (!r) unsupported(self, "operator '" + op + "' with a non-tensor output");
  if (c.result_types.empty()) unsupported(self, "operator '" + op + "' with no outputs");
  for (const Expr& arg : call.args) {
    const Type at = type_of(arg);
    auto* t = as_tensor(at);
    if (!t) unsupported(arg, "a non-tensor argument of '" + op + "'");
    c.args.push_back(value(arg));
    c.arg_types.push_back(t);
  }
  std::string expr;
  try {
    expr = target_.group_call({std::move(c)});
  } catch (const Unsupported& u) {
    unsupported(self, u.what);
  } catch (const CompileError& err) {
    if (err.diagnostic().span.known()) throw;
    throw CompileError(span_of_use(self, fn_->span), err.diagnostic().message);
  }
  if (auto slot = lowered_->plan.slot_of.find(&call); slot != lowered_->plan.slot_of.end()) expr = target_.in_slot(slot->second, expr);
  std::string where = call.span.known() ? call.span.str() : "";
  std::string v = bind(rt, span_of_use(self, fn_->span), hint.empty() ? op : hint, expr, where);
  produced_[&call] = v;
  release_dead(&call);
  return v;
}

// A call of a primitive function, one fused group (codegen/lower/Fusion.h, built when the
// function was lowered): its inputs become host variables, the target prints the one loop
// nest, and a planned result goes to its frame slot, as an operator call's does.
std::string FunctionEmitter::fused_call(const CallNode& call, const std::string& hint) {
  const Expr self(&call);
  auto k = lowered_->fusion.fused.find(&call);
  WEFT_ASSERT(k != lowered_->fusion.fused.end(), "a primitive call that lowering did not group");
  FusedCall c;
  c.kernel = &k->second;
  for (const Expr& arg : call.args) c.args.push_back(value(arg));
  std::string expr;
  try {
    expr = target_.fused_call(c);
  } catch (const Unsupported& u) {
    unsupported(self, u.what);
  }
  if (auto slot = lowered_->plan.slot_of.find(&call); slot != lowered_->plan.slot_of.end()) expr = target_.in_slot(slot->second, expr);
  std::string where = call.span.known() ? call.span.str() : "";
  std::string v = bind(type_of(self), span_of_use(self, fn_->span), hint.empty() ? k->second.name() : hint, expr,
                       "fused " + k->second.name() + (where.empty() ? "" : " " + where));
  produced_[&call] = v;
  release_dead(&call);
  return v;
}

// The arguments of a call, each evaluated with the type its parameter expects.
std::string FunctionEmitter::args_of(const CallNode& call, const std::vector<Type>& param_types) {
  std::string args;
  for (size_t i = 0; i < call.args.size(); ++i)
    args += (args.empty() ? "" : ", ") + value(call.args[i], "", i < param_types.size() ? param_types[i] : Type());
  return args;
}

std::string FunctionEmitter::global_call(const CallNode& call, const std::string& callee, const std::string& hint) {
  const Expr self(&call);
  const Type ft = type_of(call.callee);
  const FunctionInstance& inst = instances_.at_use(callee, ft, span_of_use(self, fn_->span));
  calls_[inst_].push_back(&inst);
  std::string args = args_of(call, as_func(ft)->params);
  return bind(self, hint.empty() ? callee : hint, cpp_instance_name(inst) + "(" + args + ")", "@" + callee);
}

std::string FunctionEmitter::closure_call(const CallNode& call, const std::string& hint) {
  const Expr self(&call);
  if (auto* v = as<VarNode>(call.callee); v && poly_closures_.count(v)) return poly_closure_call(call, v, hint);
  const Type ft = type_of(call.callee);
  auto* f = as_func(ft);
  if (!f) unsupported(self, "a call of a value that is not a function");
  if (!f->type_params.empty()) unsupported(self, "calls of polymorphic closures");
  calls_closures_ = true;
  std::string c = value(call.callee, "callee");
  std::string args = args_of(call, f->params);
  return bind(self, hint.empty() ? "call" : hint, c + "(" + args + ")", ir_comment(self));
}

Expr FunctionEmitter::bind_lets(Expr e) {
  // A loop, not a recursion: imported models have let-chains thousands long.
  while (auto* let = as<LetNode>(e)) {
    line("// " + comment_safe(local_name_text(let->var->name_hint)) + " = " + ir_comment(let->value));
    // Values are immutable, so a let names the C++ expression of its value (no copy). A
    // closure bound by a let may call itself through the let's variable.
    const Type t = type_of(let->var);
    auto* fn = as<FunctionNode>(let->value);
    if (fn && !fn->type_params.empty()) poly_closures_[let->var.get()] = let->value;  // emitted at each call
    else vars_[let->var.get()] = fn ? closure(let->value, let->var->name_hint, let->var) : value(let->value, let->var->name_hint, t);
    e = let->body;
  }
  return e;
}

// A self tail call (lowering found it: codegen/lower/TailCalls.h): new parameter values (all
// read before any is written), then `continue`.
bool FunctionEmitter::self_tail_call(const Expr& e) {
  if (!lowered_->tail_calls.calls.count(e.get())) return false;
  auto* call = as<CallNode>(e);
  if (auto* v = as<VarNode>(call->callee); v && poly_closures_.count(v)) {
    // A polymorphic literal loops only at the instance being emitted.
    TypeSubst inst;
    auto active = poly_key_.find(v);
    if (active == poly_key_.end() || active->second != poly_instance(*call, v, inst)) return false;
  }
  const std::vector<Var>& params = scope_.params;
  std::vector<std::string> next;  // "" where the argument is the parameter itself
  for (size_t i = 0; i < call->args.size(); ++i) {
    const std::string& param = vars_[params[i].get()];
    std::string v = value(call->args[i], "next_" + params[i]->name_hint, type_of(params[i]));
    if (v == param) {
      next.push_back("");
      continue;
    }
    // A variable of this iteration can be assigned from directly; anything that may read a
    // parameter (one of them, or a projection of one) is copied before any is assigned.
    bool reads_param = !is_identifier(v);
    for (const Var& p : params) reads_param = reads_param || vars_[p.get()] == v;
    if (!reads_param) {
      next.push_back(v);
      continue;
    }
    std::string t = fresh("next_" + params[i]->name_hint);
    line("auto " + t + " = " + v + ";");
    next.push_back(t);
  }
  for (size_t i = 0; i < next.size(); ++i)
    if (!next[i].empty()) line(vars_[params[i].get()] + " = " + next[i] + ";");  // copies share buffers
  line("continue;  // tail call " + ir_comment(call->callee));
  scope_.loops = true;
  return true;
}

void FunctionEmitter::tail(const Expr& body) {
  const Expr e = bind_lets(body);
  if (auto* i = as<IfNode>(e)) {
    line("if (" + target_.condition(value(i->cond)) + ") {");
    ++indent_;
    tail(i->then_branch);
    --indent_;
    line("} else {");
    ++indent_;
    tail(i->else_branch);
    --indent_;
    line("}");
    return;
  }
  if (as<MatchNode>(e)) {
    match(e, "", true);
    return;
  }
  if (self_tail_call(e)) return;
  line("return " + value(e, "", scope_.ret) + ";");
}

}  // namespace weft::codegen
