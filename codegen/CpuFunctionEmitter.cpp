// CpuFunctionEmitter.cpp - one IR function as one C++ function over the runtime's kernels.
#include "codegen/CpuFunctionEmitter.h"

#include <cctype>
#include <set>

#include "codegen/CpuTypes.h"
#include "codegen/IrComment.h"
#include "ir/ExprSnippet.h"
#include "ir/OpRegistry.h"

namespace weft::codegen {

namespace {

const Type& type_of(const Expr& e) {
  WEFT_ASSERT(e->checked_type, "codegen needs a type-checked module");
  return e->checked_type;
}

const Type& ret_type(const Function& fn) {
  auto* ft = as_func(fn->checked_type);
  WEFT_ASSERT(ft, "codegen needs a type-checked module");
  return ft->ret;
}

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

std::vector<std::string> cpp_param_names(const Function& fn) {
  std::map<std::string, int> used;
  std::vector<std::string> names;
  for (const Var& p : fn->params) names.push_back(unique_name(p->name_hint, used));
  return names;
}

std::string cpp_signature(const std::string& name, const Function& fn) {
  const std::vector<std::string> names = cpp_param_names(fn);
  if (!fn->type_params.empty())
    throw CompileError(fn->span, "CPU code generation does not support polymorphic functions yet (@" + name + ")");
  std::string s = cpp_type(ret_type(fn), fn->span) + " " + cpp_function_name(name) + "(";
  for (size_t i = 0; i < fn->params.size(); ++i) {
    const Var& p = fn->params[i];
    s += (i ? ", " : "") + cpp_type(type_of(p), p->span) + " " + names[i];
  }
  return s + ")";
}

std::string CpuFunctionEmitter::emit(const std::string& name, const Function& fn) {
  name_ = name;
  fn_ = fn;
  out_.clear();
  vars_.clear();
  used_.clear();
  loops_ = false;
  indent_ = 1;
  std::string sig = cpp_signature(name, fn);
  for (const Var& p : fn->params) vars_[p.get()] = fresh(p->name_hint);  // the names cpp_param_names gives
  tail(fn->body);
  std::string body = out_;
  if (loops_) {  // self tail calls `continue` this loop (a loop is a tail-recursive function)
    std::string wrapped = "  for (;;) {\n";
    size_t pos = 0;
    while (pos < body.size()) {
      size_t nl = body.find('\n', pos);
      wrapped += "  " + body.substr(pos, nl - pos + 1);
      pos = nl + 1;
    }
    body = wrapped + "  }\n";
  }
  std::string head = "// @" + name + "(";
  for (size_t i = 0; i < fn->params.size(); ++i)
    head += (i ? ", %" : "%") + fn->params[i]->name_hint + ": " + type_str(type_of(fn->params[i]));
  head += ") -> " + type_str(ret_type(fn));
  if (fn->span.known()) head += "  [" + fn->span.str() + "]";
  return head + "\n" + sig + " {\n" + body + "}\n";
}

void CpuFunctionEmitter::line(const std::string& s) { out_ += std::string(size_t(indent_) * 2, ' ') + s + "\n"; }

std::string CpuFunctionEmitter::fresh(const std::string& hint) { return unique_name(hint, used_); }

void CpuFunctionEmitter::unsupported(const Expr& e, const std::string& what) {
  throw CompileError(span_of_use(e, fn_->span),
                     Msg() << "CPU code generation does not support " << what << " yet, in @" << name_ << ": " << expr_snippet(e));
}

std::string CpuFunctionEmitter::bind(const Expr& e, const std::string& hint, const std::string& expr, const std::string& comment) {
  std::string v = fresh(hint);
  line(cpp_type(type_of(e), e->span) + " " + v + " = " + expr + ";" + (comment.empty() ? "" : "  // " + comment));
  return v;
}

std::string CpuFunctionEmitter::value(const Expr& e, const std::string& hint) {
  switch (e->kind) {
    case ExprKind::Var: {
      auto it = vars_.find(static_cast<const VarNode*>(e.get()));
      if (it == vars_.end()) unsupported(e, "a variable bound outside its function (a closure capture)");
      return it->second;
    }
    case ExprKind::Constant: return weights_.add(as<ConstantNode>(e)->value, ir_comment(e));
    case ExprKind::Tuple: {
      std::string fields;
      for (const Expr& f : as<TupleNode>(e)->fields) fields += (fields.empty() ? "" : ", ") + value(f);
      return bind(e, hint.empty() ? "tup" : hint, cpp_type(type_of(e), e->span) + "{" + fields + "}", "");
    }
    case ExprKind::TupleGet: {
      auto* g = as<TupleGetNode>(e);
      return "std::get<" + std::to_string(g->index) + ">(" + value(g->tuple) + ")";
    }
    case ExprKind::Let: return value(bind_lets(e), hint);
    case ExprKind::If: {
      auto* i = as<IfNode>(e);
      std::string c = value(i->cond);
      std::string r = fresh(hint.empty() ? "if_result" : hint);
      line(cpp_type(type_of(e), e->span) + " " + r + ";");
      line("if (" + c + ".item<bool>()) {");
      ++indent_;
      line(r + " = " + value(i->then_branch) + ";");
      --indent_;
      line("} else {");
      ++indent_;
      line(r + " = " + value(i->else_branch) + ";");
      --indent_;
      line("}");
      return r;
    }
    case ExprKind::Call: {
      auto* call = as<CallNode>(e);
      if (as<OpNode>(call->callee)) return op_call(*call, hint);
      if (auto* g = as<GlobalVarNode>(call->callee)) return global_call(*call, g->name, hint);
      if (as<ConstructorNode>(call->callee)) unsupported(e, "ADT constructors");
      unsupported(e, "calls of closures");
    }
    case ExprKind::GlobalVar: unsupported(e, "global functions used as values (closures)");
    case ExprKind::Function: unsupported(e, "closures (fn literals)");
    case ExprKind::Match: unsupported(e, "match (ADTs)");
    case ExprKind::Constructor: unsupported(e, "ADT constructors");
    case ExprKind::RefNew:
    case ExprKind::RefRead:
    case ExprKind::RefWrite: unsupported(e, "references (ref_new/ref_read/ref_write)");
    case ExprKind::Op: unsupported(e, "operators used as values");
  }
  unsupported(e, "this expression");
}

std::string CpuFunctionEmitter::op_call(const CallNode& call, const std::string& hint) {
  const Expr self(&call);
  const OpDef* def = as<OpNode>(call.callee)->def;
  if (!def->emit_cpu) unsupported(self, "operator '" + def->name + "' (it has no CPU emitter)");
  CpuEmitArgs a;
  std::vector<const TensorTypeNode*> results;
  if (auto* rt = as_tensor(type_of(self))) results.push_back(rt);
  else if (auto* tup = as_tuple(type_of(self)))
    for (const Type& f : tup->fields) results.push_back(as_tensor(f));
  for (auto* r : results) {
    if (!r) unsupported(self, "operator '" + def->name + "' with a non-tensor output");
    a.result_dtypes.push_back(r->dtype);
    a.result_ranks.push_back(r->rank());
  }
  if (results.empty()) unsupported(self, "operator '" + def->name + "' with no outputs");
  for (const Expr& arg : call.args) {
    auto* t = as_tensor(type_of(arg));
    if (!t) unsupported(arg, "a non-tensor argument of '" + def->name + "'");
    a.args.push_back(value(arg));
    a.arg_dtypes.push_back(t->dtype);
    a.arg_ranks.push_back(t->rank());
  }
  a.result_dtype = a.result_dtypes[0];
  a.result_rank = a.result_ranks[0];
  a.attrs = &call.attrs;
  std::string expr;
  try {
    expr = def->emit_cpu(a);
  } catch (const CompileError& err) {
    if (err.diagnostic().span.known()) throw;
    throw CompileError(span_of_use(self, fn_->span), err.diagnostic().message);
  }
  std::string where = call.span.known() ? call.span.str() : "";
  return bind(self, hint.empty() ? def->name : hint, expr, where);
}

std::string CpuFunctionEmitter::global_call(const CallNode& call, const std::string& callee, const std::string& hint) {
  const Expr self(&call);
  std::string args;
  for (const Expr& arg : call.args) args += (args.empty() ? "" : ", ") + value(arg);
  return bind(self, hint.empty() ? callee : hint, cpp_function_name(callee) + "(" + args + ")", "@" + callee);
}

Expr CpuFunctionEmitter::bind_lets(Expr e) {
  // A loop, not a recursion: imported models have let-chains thousands long.
  while (auto* let = as<LetNode>(e)) {
    line("// %" + let->var->name_hint + " = " + ir_comment(let->value));
    // Values are immutable, so a let names the C++ expression of its value (no copy).
    vars_[let->var.get()] = value(let->value, let->var->name_hint);
    e = let->body;
  }
  return e;
}

void CpuFunctionEmitter::tail(const Expr& body) {
  const Expr e = bind_lets(body);
  if (auto* i = as<IfNode>(e)) {
    line("if (" + value(i->cond) + ".item<bool>()) {");
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
  auto* call = as<CallNode>(e);
  auto* g = call ? as<GlobalVarNode>(call->callee) : nullptr;
  if (g && g->name == name_ && fn_->type_params.empty()) {
    // A self tail call: new parameter values (all read before any is written), then loop.
    std::vector<std::string> next;  // "" where the argument is the parameter itself
    for (size_t i = 0; i < call->args.size(); ++i) {
      const std::string& param = vars_[fn_->params[i].get()];
      std::string v = value(call->args[i], "next_" + fn_->params[i]->name_hint);
      if (v == param) {
        next.push_back("");
        continue;
      }
      // A variable of this iteration can be moved from directly; anything that may read a
      // parameter (one of them, or a projection of one) is copied before any is assigned.
      bool reads_param = v.find('(') != std::string::npos;
      for (const Var& p : fn_->params) reads_param = reads_param || vars_[p.get()] == v;
      if (!reads_param) {
        next.push_back(v);
        continue;
      }
      std::string t = fresh("next_" + fn_->params[i]->name_hint);
      line("auto " + t + " = " + v + ";");
      next.push_back(t);
    }
    for (size_t i = 0; i < next.size(); ++i)
      if (!next[i].empty()) line(vars_[fn_->params[i].get()] + " = " + next[i] + ";");  // copies share buffers
    line("continue;  // tail call @" + name_);
    loops_ = true;
    return;
  }
  line("return " + value(e) + ";");
}

}  // namespace weft::codegen
