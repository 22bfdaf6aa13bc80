// Expr.cpp - factories of expression nodes with their invariant checks.
#include "ir/Expr.h"

#include <mutex>
#include <unordered_map>

#include "ir/OpRegistry.h"

namespace weft {

const char* expr_kind_name(ExprKind k) {
  switch (k) {
#define X(n) case ExprKind::n: return #n;
    WEFT_FOR_EACH_EXPR(X)
#undef X
  }
  return "?";
}

const std::string& OpNode::name() const { return def->name; }

Var make_var(std::string name_hint, Type annotation, Span span) {
  return make_ref<VarNode>(std::move(name_hint), std::move(annotation), std::move(span));
}
GlobalVar make_global_var(std::string name, Span span) {
  WEFT_ASSERT(!name.empty(), "global var without a name");
  return make_ref<GlobalVarNode>(std::move(name), std::move(span));
}
Constant make_constant(Tensor value, Span span) {
  WEFT_ASSERT(value.defined(), "constant without data");
  return make_ref<ConstantNode>(std::move(value), std::move(span));
}
Tuple make_tuple(std::vector<Expr> fields, Span span) {
  for (auto& f : fields) WEFT_ASSERT(f, "null tuple field");
  return make_ref<TupleNode>(std::move(fields), std::move(span));
}
TupleGet make_tuple_get(Expr tuple, int index, Span span) {
  WEFT_ASSERT(tuple && index >= 0, "bad tuple projection");
  return make_ref<TupleGetNode>(std::move(tuple), index, std::move(span));
}
Let make_let(Var var, Expr value, Expr body, Span span) {
  WEFT_ASSERT(var && value && body, "let with a null part");
  return make_ref<LetNode>(std::move(var), std::move(value), std::move(body), std::move(span));
}
If make_if(Expr cond, Expr then_branch, Expr else_branch, Span span) {
  WEFT_ASSERT(cond && then_branch && else_branch, "if with a null part");
  return make_ref<IfNode>(std::move(cond), std::move(then_branch), std::move(else_branch), std::move(span));
}
Function make_function(std::vector<Var> params, Type ret_type, Expr body, std::vector<TypeVar> type_params, Span span, Attrs attrs) {
  for (auto& p : params) WEFT_ASSERT(p, "null parameter");
  WEFT_ASSERT(body, "function without a body");
  return make_ref<FunctionNode>(std::move(params), std::move(ret_type), std::move(body), std::move(type_params), std::move(span),
                                std::move(attrs));
}
Call make_call(Expr callee, std::vector<Expr> args, Span span) {
  WEFT_ASSERT(callee, "call without a callee");
  WEFT_ASSERT(!as<OpNode>(callee), "use make_op_call for operator calls");
  for (auto& a : args) WEFT_ASSERT(a, "null argument");
  return make_ref<CallNode>(std::move(callee), std::move(args), Attrs{}, std::move(span));
}

Op op_ref(const std::string& name) {
  // One shared Op node per operator, so passes may compare callees by identity.
  static std::mutex mu;
  static std::unordered_map<std::string, Op>* cache = new std::unordered_map<std::string, Op>();
  std::lock_guard<std::mutex> lock(mu);
  auto it = cache->find(name);
  if (it != cache->end()) return it->second;
  const OpDef* def = OpRegistry::global().find(name);
  if (!def) throw CompileError(Span{}, "unknown operator '" + name + "'");
  Op op = make_ref<OpNode>(def);
  (*cache)[name] = op;
  return op;
}

Call make_op_call(const std::string& name, std::vector<Expr> args, Attrs attrs, Span span) {
  const OpDef* def = OpRegistry::global().find(name);
  if (!def) throw CompileError(span, "unknown operator '" + name + "'");
  int n = int(args.size());
  if (n < def->min_inputs || (def->max_inputs >= 0 && n > def->max_inputs)) {
    std::string expected = def->min_inputs == def->max_inputs ? std::to_string(def->min_inputs)
                           : def->max_inputs < 0 ? "at least " + std::to_string(def->min_inputs)
                                                 : std::to_string(def->min_inputs) + " to " + std::to_string(def->max_inputs);
    throw CompileError(span, Msg() << "operator '" << name << "' expects " << expected << " argument(s), found " << n);
  }
  for (auto& a : args) WEFT_ASSERT(a, "null argument");
  Attrs normalized = normalize_attrs(*def, attrs, span);
  return make_ref<CallNode>(op_ref(name), std::move(args), std::move(normalized), std::move(span));
}

Match make_match(Expr scrutinee, std::vector<Clause> clauses, Span span) {
  WEFT_ASSERT(scrutinee, "match without a scrutinee");
  for (auto& c : clauses) WEFT_ASSERT(c.pattern && c.body, "match clause with a null part");
  return make_ref<MatchNode>(std::move(scrutinee), std::move(clauses), std::move(span));
}
RefNew make_ref_new(Expr value, Span span) {
  WEFT_ASSERT(value, "ref_new of null");
  return make_ref<RefNewNode>(std::move(value), std::move(span));
}
RefRead make_ref_read(Expr ref, Span span) {
  WEFT_ASSERT(ref, "ref_read of null");
  return make_ref<RefReadNode>(std::move(ref), std::move(span));
}
RefWrite make_ref_write(Expr ref, Expr value, Span span) {
  WEFT_ASSERT(ref && value, "ref_write with a null part");
  return make_ref<RefWriteNode>(std::move(ref), std::move(value), std::move(span));
}

Pattern pattern_wildcard() { return make_ref<PatternNode>(PatternKind::Wildcard, Var(), Constructor(), std::vector<Pattern>{}); }
Pattern pattern_var(Var v) {
  WEFT_ASSERT(v, "null pattern variable");
  return make_ref<PatternNode>(PatternKind::Var, std::move(v), Constructor(), std::vector<Pattern>{});
}
Pattern pattern_constructor(Constructor c, std::vector<Pattern> sub) {
  WEFT_ASSERT(c && c->fields.size() == sub.size(), "constructor pattern arity");
  return make_ref<PatternNode>(PatternKind::Constructor, Var(), std::move(c), std::move(sub));
}
Pattern pattern_tuple(std::vector<Pattern> sub) {
  return make_ref<PatternNode>(PatternKind::Tuple, Var(), Constructor(), std::move(sub));
}

const std::string& called_op_name(const Expr& e) {
  static const std::string empty;
  auto call = as<CallNode>(e);
  if (!call) return empty;
  auto op = as<OpNode>(call->callee);
  return op ? op->name() : empty;
}

}  // namespace weft
