// InferCalls.cpp - type inference of calls: functions, closures, constructors, and operators
// through their type relations (deferred while an argument type is unknown).
#include "ir/ExprSnippet.h"
#include "ir/Inferencer.h"
#include "ir/OpRegistry.h"

namespace weft::infer_detail {

namespace {

// A constructor's own type, kept on its (module-shared) node: `fn[T](T, List[T]) -> List[T]`,
// or `List[T]` for one without fields.
Type constructor_type(const ConstructorNode* c) {
  std::vector<Type> args(c->adt_params.begin(), c->adt_params.end());
  Type adt = adt_type(c->adt, std::move(args));
  return c->fields.empty() ? adt : func_type(c->fields, adt, c->adt_params);
}

// The constructor as a polymorphic function, also for one without fields (`fn[T]() -> List[T]`).
Type constructor_fn(const ConstructorNode* c) {
  std::vector<Type> args(c->adt_params.begin(), c->adt_params.end());
  return func_type(c->fields, adt_type(c->adt, std::move(args)), c->adt_params);
}

// How a message names the callee.
std::string callee_name(const Expr& callee) {
  if (auto g = as<GlobalVarNode>(callee)) return "@" + g->name;
  if (auto c = as<ConstructorNode>(callee)) return c->name;
  if (auto v = as<VarNode>(callee)) return "%" + v->name_hint;
  return "the function";
}

}  // namespace

// A constructor used as a value: `Nil` is an instance of its ADT, `Some` a function.
// The node is shared by every use, so it keeps the generic type; the use gets an instance.
Type Inferencer::infer_constructor_value(const ConstructorNode* ctor) {
  record(ctor, constructor_type(ctor));
  Type inst = u_.instantiate(constructor_fn(ctor));
  return ctor->fields.empty() ? as_func(inst)->ret : inst;
}

Type Inferencer::infer_call(const CallNode* call) {
  if (auto op = as<OpNode>(call->callee)) return infer_op_call(call, op);
  Expr self(call);
  Type ft;
  if (auto ctor = as<ConstructorNode>(call->callee)) {
    record(ctor, constructor_type(ctor));
    ft = u_.instantiate(constructor_fn(ctor));
  } else {
    ft = structure(infer(call->callee));
  }
  std::string name = callee_name(call->callee);
  if (as_incomplete(ft)) {
    // A closure parameter being called: its type is a function of these arguments.
    std::vector<Type> params;
    for (size_t i = 0; i < call->args.size(); ++i) params.push_back(u_.fresh());
    Type guess = func_type(std::move(params), u_.fresh());
    u_.unify(ft, guess);
    ft = guess;
  }
  if (!as_func(ft))
    fail(call->span, Msg() << "cannot call " << name << ": expected a function, found " << show(ft) << " in `"
                           << expr_snippet(self) << "`");
  ft = u_.instantiate(ft);
  auto f = as_func(ft);
  if (f->params.size() != call->args.size())
    fail(call->span, Msg() << name << " expects " << f->params.size() << " argument(s), found " << call->args.size()
                           << " in `" << expr_snippet(self) << "`");
  for (size_t i = 0; i < call->args.size(); ++i) {
    Type at = infer(call->args[i]);
    Unifier::Conflict c;
    if (!u_.unify(f->params[i], at, &c))
      mismatch(call->span, Msg() << "argument " << i << " of " << name, f->params[i], at, self, c);
  }
  return f->ret;
}

Type Inferencer::infer_op_call(const CallNode* call, const OpNode* op) {
  std::vector<Type> args;
  for (auto& a : call->args) args.push_back(infer(a));
  if (!op->def->type_relation) fail(call->span, Msg() << "operator '" << op->name() << "' has no type relation");
  if (first_unresolved(args) < 0) return run_relation(call, args);
  Type result = u_.fresh();
  pending_.push_back({call, std::move(args), result});
  return result;
}

int Inferencer::first_unresolved(const std::vector<Type>& args) const {
  for (size_t i = 0; i < args.size(); ++i)
    if (!u_.is_resolved(args[i])) return int(i);
  return -1;
}

Type Inferencer::run_relation(const CallNode* call, const std::vector<Type>& args) {
  auto op = as<OpNode>(call->callee);
  std::vector<ArgInfo> infos;
  for (size_t i = 0; i < args.size(); ++i) {
    // A constant argument, written in place or let-bound (as in A-normal form), shows its value.
    const Tensor* value = nullptr;
    if (auto c = as<ConstantNode>(call->args[i])) value = &c->value;
    if (auto v = as<VarNode>(call->args[i])) {
      auto it = const_vars_.find(v);
      if (it != const_vars_.end()) value = it->second;
    }
    infos.push_back({u_.resolve(args[i]), value});
    // Relations may rely on this (OpRegistry.h): every operator argument is a tensor.
    if (!as_tensor(infos.back().type))
      fail(call->span, Msg() << op->name() << ": argument " << i << " must be a tensor: expected a tensor type, found "
                             << show(infos.back().type) << " in `" << expr_snippet(Expr(call)) << "`");
    // Every relation reads ranks (axes, broadcasting, result shapes), so none sees `f32[*]`.
    if (!as_tensor(infos.back().type)->has_rank())
      fail(call->span, Msg() << op->name() << ": argument " << i << " has unknown rank (" << show(infos.back().type)
                             << "); an operator needs the rank of its arguments known at compile time in `"
                             << expr_snippet(Expr(call)) << "`");
  }
  auto report = [&](const char* what) -> std::string {
    // Relations usually name their op already ("add: shapes ... do not broadcast").
    std::string m = what, prefix = op->name() + ":";
    if (m.compare(0, prefix.size(), prefix) != 0) m = prefix + " " + m;
    return m + " in `" + expr_snippet(Expr(call)) + "`";
  };
  Type r;
  try {
    r = op->def->type_relation(infos, call->attrs);
  } catch (const TypeRelationError& err) {
    fail(call->span, report(err.what()));
  } catch (const RuntimeError& err) {
    fail(call->span, report(err.what()));
  }
  WEFT_ASSERT(r, "type relation of '" << op->name() << "' returned no type");
  return r;
}

// Runs every deferred op call whose arguments are now known. With `final`, one that
// still waits is an error.
void Inferencer::solve_pending(bool final) {
  for (bool progress = true; progress;) {
    progress = false;
    // One sweep in program order: a chain of waiting calls, each feeding the next, resolves at once.
    std::vector<PendingOp> waiting;
    for (PendingOp& p : pending_) {
      if (first_unresolved(p.args) >= 0) {
        waiting.push_back(std::move(p));
        continue;
      }
      Type r = run_relation(p.call, p.args);
      Unifier::Conflict c;
      // The relation's result flows into wherever the stand-in went (unknown rank: Unifier.h).
      if (!u_.unify(p.result, r, &c))
        mismatch(p.call->span, "result of operator '" + as<OpNode>(p.call->callee)->name() + "' (used before its type was known)",
                 p.result, r, Expr(p.call), c);
      progress = true;
    }
    pending_ = std::move(waiting);
  }
  if (final && !pending_.empty()) {
    const PendingOp& p = pending_.front();
    fail(p.call->span, Msg() << "cannot infer the type of argument " << first_unresolved(p.args) << " of op '"
                             << as<OpNode>(p.call->callee)->name() << "'; add an annotation in `"
                             << expr_snippet(Expr(p.call)) << "`");
  }
}

}  // namespace weft::infer_detail
