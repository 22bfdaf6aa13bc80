// Fusion.cpp - the fusion groups of a body: primitive calls as fused kernels, every other operator call on its own.
#include "codegen/lower/Fusion.h"

#include "ir/ExprFunctor.h"
#include "ir/ExprSnippet.h"

namespace weft::lower {

namespace {

const TensorTypeNode* ranked(const Type& t) {
  auto* tt = as_tensor(t);
  return tt && tt->has_rank() ? tt : nullptr;
}

FusedRead read_of(const TensorTypeNode& in, const TensorTypeNode& out) {
  bool one = true;
  for (const Dim& d : in.shape) one = one && d.is_static() && d.value() == 1;
  if (one) return FusedRead::Scalar;
  bool same = in.rank() == out.rank();
  for (int i = 0; same && i < in.rank(); ++i) same = !in.shape[size_t(i)].is_unknown() && in.shape[size_t(i)] == out.shape[size_t(i)];
  return same ? FusedRead::Same : FusedRead::Broadcast;
}

// The element program of one primitive call; CompileError saying why a body is not one.
class KernelBuilder {
 public:
  KernelBuilder(const CallNode& call, const FunctionNode& fn, const std::function<Type(const Expr&)>& type_of)
      : call_(call), type_of_(type_of) {
    k_.call = &call;
    k_.fn = &fn;
    auto* out = ranked(type_of(Expr(&call)));
    if (!out) fail(Expr(&call), "its result is not a tensor of known rank");
    k_.dtype = out->dtype;
    k_.rank = out->rank();
    for (size_t i = 0; i < fn.params.size(); ++i) {
      auto* t = ranked(type_of(fn.params[i]));
      if (!t) fail(fn.params[i], "parameter " + std::to_string(i) + " is not a tensor of known rank");
      k_.input_dtypes.push_back(t->dtype);
      k_.reads.push_back(read_of(*t, *out));
      env_[fn.params[i].get()] = -int(i) - 1;
    }
    const int result = node(fn.body);
    if (result < 0) fail(fn.body, "its result is a parameter, not an operator call");
    if (result != int(k_.ops.size()) - 1) fail(fn.body, "it computes values its result does not use");
    if (k_.anchor) finish_anchor(fn);
  }

  FusedKernel take() { return std::move(k_); }

 private:
  [[noreturn]] void fail(const Expr& where, const std::string& why) {
    throw CompileError(span_of_use(where, call_.span),
                       "a primitive function that cannot be fused into one loop (" + why + "): " + expr_snippet(where));
  }

  // The anchor's result becomes the element program's last input; parameters only the anchor
  // takes are not read by it.
  void finish_anchor(const FunctionNode& fn) {
    const FusedAnchor& a = *k_.anchor;
    if (a.dtype != k_.dtype) fail(Expr(a.call), "the out-fusable call's result type differs from the group's");
    std::vector<bool> read(fn.params.size(), false);
    for (const FusedOp& op : k_.ops)
      for (int x : op.args)
        if (x < 0 && size_t(-x - 1) < read.size()) read[size_t(-x - 1)] = true;
    for (size_t i = 0; i < read.size(); ++i)
      if (!read[i]) k_.reads[i] = FusedRead::Unread;
    k_.input_dtypes.push_back(a.dtype);
    k_.reads.push_back(FusedRead::Same);
  }

  // An out-fusable call over parameters: the group's anchor (one at most).
  int anchor(const CallNode* c, const OpDef* def) {
    if (k_.anchor) fail(Expr(c), "it holds two out-fusable calls ('" + k_.anchor->def->name + "' and '" + def->name + "')");
    FusedAnchor a;
    a.call = c;
    a.def = def;
    for (const Expr& arg : c->args) {
      auto* v = as<VarNode>(arg);
      auto it = v ? env_.find(v) : env_.end();
      if (it == env_.end() || it->second >= 0) fail(arg, "an argument of the out-fusable call is not a parameter");
      auto* t = ranked(type_of_(arg));
      if (!t) fail(arg, "an operand is not a tensor of known rank");
      a.params.push_back(-it->second - 1);
      a.arg_dtypes.push_back(t->dtype);
      a.arg_ranks.push_back(t->rank());
    }
    // The tree is applied to the call's result in place: it must not broadcast it to more.
    auto* r = ranked(type_of_(Expr(c)));
    auto* out = ranked(type_of_(Expr(&call_)));
    bool same = r && out && r->rank() == out->rank();
    for (int d = 0; same && d < r->rank(); ++d) {
      const Dim &x = r->shape[size_t(d)], &y = out->shape[size_t(d)];
      same = x.is_unknown() || y.is_unknown() || x == y;
    }
    if (!same) fail(Expr(c), "the out-fusable call's result does not have the group's shape");
    a.dtype = r->dtype;
    k_.anchor = std::move(a);
    return memo_[c] = -int(k_.input_dtypes.size()) - 1;
  }

  int node(const Expr& e) {
    if (auto it = memo_.find(e.get()); it != memo_.end()) return it->second;
    if (auto* v = as<VarNode>(e)) {
      auto it = env_.find(v);
      if (it == env_.end()) fail(e, "it reads %" + v->name_hint + ", a value from outside it");
      return it->second;
    }
    if (as<LetNode>(e)) {
      Expr cur = e;
      while (auto* let = as<LetNode>(cur)) {
        env_[let->var.get()] = node(let->value);
        cur = let->body;
      }
      return node(cur);
    }
    auto* c = as<CallNode>(e);
    auto* op = c ? as<OpNode>(c->callee) : nullptr;
    if (!op) fail(e, std::string("it computes a ") + expr_kind_name(e->kind) + ", not an operator call");
    const OpDef* def = op->def;
    if (def->out_epilogue) return anchor(c, def);
    if ((def->pattern != OpPattern::Elementwise && def->pattern != OpPattern::Broadcast) || !def->scalar_expr)
      fail(e, "operator '" + def->name + "' is not elementwise with a scalar expression" +
                  (def->no_scalar_expr.empty() ? "" : ": " + def->no_scalar_expr));
    FusedOp f;
    f.call = c;
    f.def = def;
    for (const Expr& a : c->args) {
      auto* t = ranked(type_of_(a));
      if (!t) fail(a, "an operand is not a tensor of known rank");
      f.args.push_back(node(a));
      f.arg_dtypes.push_back(t->dtype);
    }
    auto* r = ranked(type_of_(e));
    if (!r) fail(e, "a result is not a tensor of known rank");
    f.dtype = r->dtype;
    k_.ops.push_back(std::move(f));
    return memo_[e.get()] = int(k_.ops.size()) - 1;
  }

  const CallNode& call_;
  const std::function<Type(const Expr&)>& type_of_;
  FusedKernel k_;
  std::map<const VarNode*, int> env_;
  std::map<const ExprNode*, int> memo_;
};

class OperatorCalls : public ExprVisitor {
 public:
  OperatorCalls(FusionGroups& out, const std::function<Type(const Expr&)>& type_of) : out_(out), type_of_(type_of) {}

 protected:
  using ExprVisitor::visit_;
  void visit_(const CallNode* call) override {
    if (const FunctionNode* fn = primitive_callee(*call)) {
      for (const Expr& a : call->args) visit(a);  // not the body: its ops are the group's
      FusedKernel k = KernelBuilder(*call, *fn, type_of_).take();
      const int g = int(out_.groups.size());
      out_.groups.emplace_back();
      if (k.anchor) {
        out_.groups.back().push_back(k.anchor->call);
        out_.group_of[k.anchor->call] = g;
      }
      for (const FusedOp& op : k.ops) {
        out_.groups.back().push_back(op.call);
        out_.group_of[op.call] = g;
      }
      out_.group_of[call] = g;
      out_.fused.emplace(call, std::move(k));
      return;
    }
    ExprVisitor::visit_(call);  // arguments first: a group comes after those it reads
    if (!as<OpNode>(call->callee)) return;
    out_.group_of[call] = int(out_.groups.size());
    out_.groups.push_back({call});
  }

 private:
  FusionGroups& out_;
  const std::function<Type(const Expr&)>& type_of_;
};

}  // namespace

std::string FusedKernel::name() const {
  std::string s = anchor ? anchor->def->name : "";
  for (const FusedOp& op : ops) s += (s.empty() ? "" : "_") + op.def->name;
  return s;
}

const FunctionNode* primitive_callee(const CallNode& c) {
  auto* fn = as<FunctionNode>(c.callee);
  return fn && fn->attrs.has(kFunctionAttrPrimitive) ? fn : nullptr;
}

FusionGroups group_operator_calls(const Expr& body, const std::function<Type(const Expr&)>& type_of) {
  FusionGroups out;
  OperatorCalls(out, type_of).visit(body);
  return out;
}

}  // namespace weft::lower
