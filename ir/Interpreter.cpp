// Interpreter.cpp - the evaluation loop of the reference interpreter.
//
// Note on the evaluation strategy
// -------------------------------
// Frames. Each function gets a layout (InterpreterFrames.h): its parameters and every
// variable it binds (let, match patterns) get a slot; variables it uses but does not
// bind are its captures. A call's frame is a run of one value stack,
//   stack[base] = the closure, stack[base+1 ...] = parameters, then the other locals,
// so a call allocates nothing and a variable is one hash probe (VarNode* -> slot) plus
// an index. Closures are flat: creating one copies the values of its captures out of
// the current frame, so a frame never outlives its call and a closure keeps alive only
// what it uses (not the whole caller chain).
//
// Tail calls. eval(e, f) is a loop: let evaluates its value by a recursive eval, binds
// it and continues with the body; if and match pick a branch and continue with it; a
// call of a closure is in tail position of the current eval (everything that is not has
// been handed to a recursive eval), so it replaces the frame instead of recursing. The
// first tail call in an eval pushes the callee's frame at `entry` (the stack height on
// entry); later ones overwrite that frame in place. The caller's frame `f` is never
// overwritten: it may still be needed by the code that called eval. So a
// tail-recursive loop of any length runs in constant C++ and value stack, while a
// non-tail call costs one C++ recursion of eval (on the 1 GiB deep stack).
//
// Errors carry the span of the expression that failed; a kernel's RuntimeError is
// prefixed at its op call. Nothing here depends on inferred types.
//
// Limits: a closure stored in a reference that it captures forms a reference cycle and
// is never freed (as in any refcounted runtime); the `let %f = fn` self-reference is
// handled without a cycle (ClosureValueNode::self).
#include "ir/Interpreter.h"

#include "ir/DeepStack.h"
#include "ir/InterpreterFrames.h"
#include "ir/OpRegistry.h"

// Keeps helpers with message-building error paths out of eval, whose frame is paid once
// per level of non-tail recursion.
#define WEFT_NOINLINE __attribute__((noinline))

namespace weft {

using interp::FrameLayout;
using interp::PtrMap;

namespace {

// The current function's frame on the value stack.
struct Frame {
  const FrameLayout* layout = nullptr;
  const ClosureValueNode* closure = nullptr;  // stack[base]; kept alive there
  size_t base = 0;
};

// A cached value together with the node it was computed for, which keeps the key
// pointer from being freed and reused by another node while the cache lives.
struct Cached {
  Expr node;
  Value value;
};

[[noreturn]] WEFT_NOINLINE void fail(const Span& span, const std::string& message) {
  std::string where = span.str();
  throw RuntimeError(where.empty() ? message : where + ": " + message);
}

// A value as error messages show it: streamed, so callers build no string.
struct Shown {
  const Value& v;
};
std::ostream& operator<<(std::ostream& os, const Shown& s) { return os << value_str(s.v, 120); }

// fail() with the message streamed from `parts`, out of line: callers keep a small frame.
template <typename... Parts>
[[noreturn]] WEFT_NOINLINE void failf(const Span& span, const Parts&... parts) {
  Msg m;
  (m << ... << parts);
  fail(span, m.str());
}

[[noreturn]] WEFT_NOINLINE void unbound(const VarNode* v) {
  failf(v->span, "variable %", v->name_hint, " is used before it is bound");
}

[[noreturn]] WEFT_NOINLINE void no_slot(const VarNode* v) {
  internal_error(__FILE__, __LINE__, "binder %" + v->name_hint + " has no slot in its function's layout");
}

// Truncates the value stack to the height it had on entry, on every exit.
class StackGuard {
 public:
  StackGuard(std::vector<Value>& stack, size_t height) : stack_(stack), height_(height) {}
  ~StackGuard() { stack_.resize(height_); }

 private:
  std::vector<Value>& stack_;
  size_t height_;
};

}  // namespace

struct Interpreter::Machine {
  explicit Machine(Module m) : module(std::move(m)), unit(unit_value()) {}

  Value call_global(const std::string& name, const std::vector<Value>& args) {
    Function fn = module.function(name);
    if (!fn) throw RuntimeError("the module has no function @" + name);
    return apply(global_closure(fn, name), args, fn->span);
  }

  Value apply(const Value& callee, const std::vector<Value>& args, const Span& where) {
    size_t base = stack.size();
    StackGuard guard(stack, base);
    stack.push_back(callee);
    for (auto& a : args) stack.push_back(a);
    check_callee(base, args.size(), where);
    Frame f = enter(base);
    return eval(f.layout->fn->body.get(), f);
  }

 private:
  Value eval(const ExprNode* e, Frame f);

  // --- frames -------------------------------------------------------------------

  // stack[at] is about to be called with `nargs` arguments: checks it is a closure of
  // that arity whose env is in its layout's capture order (re-ordering it if it came
  // from elsewhere).
  WEFT_NOINLINE void check_callee(size_t at, size_t nargs, const Span& where) {
    auto* clo = value_as<ClosureValueNode>(stack[at]);
    if (!clo) failf(where, "cannot call ", Shown{stack[at]}, ": it is not a function");
    if (nargs != clo->fn->params.size())
      failf(where, "a function of ", clo->fn->params.size(), " parameter(s) is called with ", nargs, " argument(s)");
    const FrameLayout& layout = layouts.of(clo->fn.get());
    bool in_order = clo->env.size() == layout.captures.size();
    for (size_t i = 0; in_order && i < clo->env.size(); ++i) in_order = clo->env[i].var == layout.captures[i];
    if (!in_order) stack[at] = reorder_env(*clo, layout, where);
  }

  Value reorder_env(const ClosureValueNode& clo, const FrameLayout& layout, const Span& where) {
    std::vector<Capture> env;
    for (auto& var : layout.captures) {
      const Capture* found = nullptr;
      for (auto& c : clo.env)
        if (c.var == var) found = &c;
      if (!found && var != clo.self) failf(where, "the closure called here does not capture %", var->name_hint);
      env.push_back({var, found ? found->value : Value()});
    }
    return closure_value(clo.fn, std::move(env), clo.self);
  }

  // The callee and its arguments sit at stack[base ...]: makes that the frame.
  Frame enter(size_t base) {
    auto* clo = static_cast<const ClosureValueNode*>(stack[base].get());
    const FrameLayout& layout = layouts.of(clo->fn.get());
    stack.resize(base + 1 + size_t(layout.num_slots));
    return Frame{&layout, clo, base};
  }

  Value lookup(const VarNode* v, const Frame& f) {
    int32_t s = f.layout->slot_of(v);
    if (s >= 0) {
      const Value& x = stack[f.base + 1 + size_t(s)];
      if (x) return x;
    } else if (s != FrameLayout::kAbsent) {
      const Capture& c = f.closure->env[size_t(-1 - s)];
      if (c.value) return c.value;
      if (c.var == f.closure->self) return stack[f.base];
    }
    unbound(v);
  }

  void bind(const VarNode* v, Value value, const Frame& f) {
    int32_t s = f.layout->slot_of(v);
    if (s < 0) no_slot(v);
    stack[f.base + 1 + size_t(s)] = std::move(value);
  }

  // --- values of leaves -----------------------------------------------------------

  Value global_closure(const Function& fn, const std::string& name) {
    const FrameLayout& layout = layouts.of(fn.get());
    if (!layout.captures.empty())
      failf(layout.captures[0]->span, "function @", name, " uses %", layout.captures[0]->name_hint, ", which it does not bind");
    return closure_value(fn);
  }

  WEFT_NOINLINE Value global(const GlobalVarNode* gv) {
    Cached& c = globals[gv];
    if (!c.value) {
      Function fn = module.function(gv->name);
      if (!fn) failf(gv->span, "unknown function @", gv->name);
      c.value = global_closure(fn, gv->name);
      c.node = Expr(gv);
    }
    return c.value;
  }

  Value constant(const ConstantNode* k) {
    Cached& c = constants[k];
    if (!c.value) c = {Expr(k), tensor_value(k->value)};
    return c.value;
  }

  // A constructor used as a value: a nullary one is its ADT value; one with fields is a
  // function building it.
  WEFT_NOINLINE Value constructor_value(const ConstructorNode* ctor) {
    Cached& c = constructors[ctor];
    if (c.value) return c.value;
    Constructor keep(ctor);
    if (ctor->fields.empty()) {
      c = {Expr(keep), adt_value(keep)};
    } else {
      std::vector<Var> params;
      std::vector<Expr> args;
      for (size_t i = 0; i < ctor->fields.size(); ++i) {
        params.push_back(make_var("f" + std::to_string(i)));
        args.push_back(params.back());
      }
      c = {Expr(keep), closure_value(make_function(params, nullptr, make_call(keep, args)))};
    }
    return c.value;
  }

  // `self` is the let variable a function literal is bound to: a capture of it refers
  // to the closure itself.
  WEFT_NOINLINE Value make_closure(const FunctionNode* fn, const Frame& f, const VarNode* self) {
    const FrameLayout& inner = layouts.of(fn);
    std::vector<Capture> env;
    env.reserve(inner.captures.size());
    bool uses_self = false;
    for (auto& c : inner.captures) {
      if (c.get() == self) {
        uses_self = true;
        env.push_back({c, Value()});
      } else {
        env.push_back({c, lookup(c.get(), f)});
      }
    }
    return make_ref<ClosureValueNode>(Function(fn), std::move(env), uses_self ? Var(self) : Var());
  }

  // --- compound expressions that never tail-call ------------------------------------

  WEFT_NOINLINE Value eval_tuple(const TupleNode* t, const Frame& f) {
    if (t->fields.empty()) return unit;
    std::vector<Value> fields;
    fields.reserve(t->fields.size());
    for (auto& x : t->fields) fields.push_back(eval(x.get(), f));
    return make_ref<TupleValueNode>(std::move(fields));
  }

  WEFT_NOINLINE Value eval_tuple_get(const TupleGetNode* g, const Frame& f) {
    Value t = eval(g->tuple.get(), f);
    auto* tv = value_as<TupleValueNode>(t);
    if (!tv) failf(g->span, "projection .", g->index, " of a non-tuple: ", Shown{t});
    if (size_t(g->index) >= tv->fields.size())
      failf(g->span, "projection .", g->index, " of a tuple of ", tv->fields.size(), " field(s)");
    return tv->fields[size_t(g->index)];
  }

  WEFT_NOINLINE Value construct(const CallNode* call, const Frame& f) {
    auto* ctor = static_cast<const ConstructorNode*>(call->callee.get());
    if (call->args.size() != ctor->fields.size())
      failf(call->span, "constructor ", ctor->name, " takes ", ctor->fields.size(), " field(s), given ", call->args.size());
    if (call->args.empty()) return constructor_value(ctor);
    std::vector<Value> fields;
    fields.reserve(call->args.size());
    for (auto& a : call->args) fields.push_back(eval(a.get(), f));
    return make_ref<AdtValueNode>(Constructor(ctor), std::move(fields));
  }

  WEFT_NOINLINE Value call_op(const CallNode* call, const Frame& f) {
    const OpDef* def = static_cast<const OpNode*>(call->callee.get())->def;
    std::vector<Tensor> inputs;
    inputs.reserve(call->args.size());
    for (size_t i = 0; i < call->args.size(); ++i) {
      Value v = eval(call->args[i].get(), f);
      auto* t = value_as<TensorValueNode>(v);
      if (!t) failf(call->span, "operator '", def->name, "' argument ", i, " must be a tensor, found ", Shown{v});
      inputs.push_back(t->tensor);
    }
    if (!def->kernel) failf(call->span, "operator '", def->name, "' has no reference kernel");
    std::vector<Tensor> outs;
    try {
      outs = def->kernel(inputs, call->attrs);
    } catch (const RuntimeError& err) {
      fail(call->span, err.what());
    }
    if (outs.size() == 1 && !one_tuple_result(call, def, inputs)) return make_ref<TensorValueNode>(std::move(outs[0]));
    std::vector<Value> fields;
    fields.reserve(outs.size());
    for (auto& t : outs) fields.push_back(make_ref<TensorValueNode>(std::move(t)));
    return make_ref<TupleValueNode>(std::move(fields));
  }

  // Whether an op call with one output has a one-element tuple type (split into one
  // part, say). Types are static, so this is decided once per call site: from the
  // inferred type when there is one, else from the op's type relation on this run's
  // argument types.
  bool one_tuple_result(const CallNode* call, const OpDef* def, const std::vector<Tensor>& inputs) {
    Cached& c = op_results[call];
    if (c.node) return bool(c.value);
    c.node = Expr(call);
    bool tuple = false;
    if (call->checked_type) {
      tuple = as_tuple(call->checked_type) != nullptr;
    } else if (def->type_relation) {
      std::vector<ArgInfo> args;
      for (auto& t : inputs) {
        Shape s(t.shape().begin(), t.shape().end());
        args.push_back({tensor_type(t.dtype(), s), &t});
      }
      // A probe only: the kernel has accepted these arguments; if the relation does
      // not, fall back to the plain tensor.
      try {
        tuple = as_tuple(def->type_relation(args, call->attrs)) != nullptr;
      } catch (const std::exception&) {
      }
    }
    if (tuple) c.value = unit;  // any non-null value marks "tuple"
    return tuple;
  }

  WEFT_NOINLINE bool condition(const Value& c, const IfNode* n) {
    auto* t = value_as<TensorValueNode>(c);
    if (!t || t->tensor.dtype() != DType::Bool || t->tensor.numel() != 1)
      failf(n->span, "the condition of an if must be a bool scalar, found ", Shown{c});
    return *t->tensor.data<bool>();
  }

  bool match(const PatternNode* p, const Value& v, const Frame& f) {
    switch (p->kind) {
      case PatternKind::Wildcard: return true;
      case PatternKind::Var: bind(p->var.get(), v, f); return true;
      case PatternKind::Constructor: {
        auto* a = value_as<AdtValueNode>(v);
        if (!a || a->fields.size() != p->sub.size()) return false;
        if (a->ctor != p->ctor && (a->ctor->tag != p->ctor->tag || a->ctor->adt != p->ctor->adt)) return false;
        for (size_t i = 0; i < p->sub.size(); ++i)
          if (!match(p->sub[i].get(), a->fields[i], f)) return false;
        return true;
      }
      case PatternKind::Tuple: {
        auto* t = value_as<TupleValueNode>(v);
        if (!t || t->fields.size() != p->sub.size()) return false;
        for (size_t i = 0; i < p->sub.size(); ++i)
          if (!match(p->sub[i].get(), t->fields[i], f)) return false;
        return true;
      }
    }
    return false;
  }

  WEFT_NOINLINE const Expr& select_clause(const MatchNode* m, const Frame& f) {
    Value v = eval(m->scrutinee.get(), f);
    for (auto& c : m->clauses)
      if (match(c.pattern.get(), v, f)) return c.body;
    failf(m->span, "no clause of the match matches ", Shown{v});
  }

  WEFT_NOINLINE Value eval_ref(const ExprNode* e, const Frame& f) {
    if (e->kind == ExprKind::RefNew) return ref_value(eval(static_cast<const RefNewNode*>(e)->value.get(), f));
    const ExprNode* ref_expr = e->kind == ExprKind::RefRead ? static_cast<const RefReadNode*>(e)->ref.get()
                                                             : static_cast<const RefWriteNode*>(e)->ref.get();
    Value r = eval(ref_expr, f);
    auto* cell = value_as<RefValueNode>(r);
    if (!cell) failf(e->span, "expected a reference, found ", Shown{r});
    if (e->kind == ExprKind::RefRead) return cell->value;
    Value v = eval(static_cast<const RefWriteNode*>(e)->value.get(), f);
    cell->value = std::move(v);
    return unit;
  }

 public:
  Module module;
  interp::FrameLayouts layouts;
  std::vector<Value> stack;
  PtrMap<GlobalVarNode, Cached> globals;
  PtrMap<ConstantNode, Cached> constants;
  PtrMap<ConstructorNode, Cached> constructors;
  PtrMap<CallNode, Cached> op_results;
  Value unit;
};

Value Interpreter::Machine::eval(const ExprNode* e, Frame f) {
  const size_t entry = stack.size();
  StackGuard guard(stack, entry);  // drops the frame of the last tail call
  for (;;) {
    switch (e->kind) {
      case ExprKind::Var: return lookup(static_cast<const VarNode*>(e), f);
      case ExprKind::GlobalVar: return global(static_cast<const GlobalVarNode*>(e));
      case ExprKind::Constant: return constant(static_cast<const ConstantNode*>(e));
      case ExprKind::Tuple: return eval_tuple(static_cast<const TupleNode*>(e), f);
      case ExprKind::TupleGet: return eval_tuple_get(static_cast<const TupleGetNode*>(e), f);
      case ExprKind::Function: return make_closure(static_cast<const FunctionNode*>(e), f, nullptr);
      case ExprKind::Constructor: return constructor_value(static_cast<const ConstructorNode*>(e));
      case ExprKind::Op:
        failf(e->span, "operator '", static_cast<const OpNode*>(e)->name(), "' used as a value; operators can only be called");
      case ExprKind::RefNew:
      case ExprKind::RefRead:
      case ExprKind::RefWrite: return eval_ref(e, f);
      case ExprKind::Let: {
        auto* let = static_cast<const LetNode*>(e);
        const ExprNode* value = let->value.get();
        bind(let->var.get(),
             value->kind == ExprKind::Function ? make_closure(static_cast<const FunctionNode*>(value), f, let->var.get())
                                               : eval(value, f),
             f);
        e = let->body.get();
        continue;
      }
      case ExprKind::If: {
        auto* n = static_cast<const IfNode*>(e);
        e = condition(eval(n->cond.get(), f), n) ? n->then_branch.get() : n->else_branch.get();
        continue;
      }
      case ExprKind::Match: e = select_clause(static_cast<const MatchNode*>(e), f).get(); continue;
      case ExprKind::Call: {
        auto* call = static_cast<const CallNode*>(e);
        ExprKind callee_kind = call->callee->kind;
        if (callee_kind == ExprKind::Op) return call_op(call, f);
        if (callee_kind == ExprKind::Constructor) return construct(call, f);
        // A tail call: callee and arguments, left to right, go straight onto the stack,
        // where they become the first slots of the callee's frame.
        const size_t top = stack.size();
        stack.push_back(eval(call->callee.get(), f));
        for (auto& a : call->args) stack.push_back(eval(a.get(), f));
        const size_t n = 1 + call->args.size();
        check_callee(top, n - 1, call->span);  // before `call` may be freed with its frame
        if (f.base != entry) {
          if (top != entry) internal_error(__FILE__, __LINE__, "value stack out of step");
        } else {
          // Replace the previous tail call's frame.
          std::move(stack.begin() + std::ptrdiff_t(top), stack.begin() + std::ptrdiff_t(top + n),
                    stack.begin() + std::ptrdiff_t(entry));
          stack.resize(entry + n);
        }
        f = enter(entry);
        e = f.layout->fn->body.get();
        continue;
      }
    }
    internal_error(__FILE__, __LINE__, "unknown expression kind");
  }
}

Interpreter::Interpreter(Module m) : machine_(std::make_unique<Machine>(std::move(m))) {}
Interpreter::~Interpreter() = default;

Value Interpreter::call(const std::string& function, const std::vector<Value>& args) {
  return with_deep_stack([&] { return machine_->call_global(function, args); });
}

Value Interpreter::apply(const Value& closure, const std::vector<Value>& args) {
  return with_deep_stack([&] { return machine_->apply(closure, args, Span{}); });
}

Value interpret(const Module& m, const std::string& function, const std::vector<Value>& args) {
  return Interpreter(m).call(function, args);
}

Value run_main(const Module& m, const std::vector<Value>& args) { return interpret(m, "main", args); }

}  // namespace weft
