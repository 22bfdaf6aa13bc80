// Gradient.cpp - reverse-mode automatic differentiation of whole modules: higher-order, through control flow.
//
// Note on the transform (after Relay's higher-order `gradient` pass)
//
// Idea. Every float tensor value v of the program becomes a pair (v, r), r a reference holding
// v's adjoint (zeros when created); integers and bools stay as they are (GradientTypes.h lifts
// types accordingly, through tuples, closures, ADT arguments and references). One more
// reference, the backpropagator `bp`, holds a closure of no arguments. Each op call with a float
// result runs forward as before, pairs its result with a fresh adjoint reference, and then
// replaces bp's closure by one that (1) reads the result's adjoint, (2) asks the op's registry
// `gradient` facet for the arguments' cotangents, (3) adds each into its argument's reference,
// and (4) calls the closure bp held before. Calling bp's final closure therefore replays every
// op call that actually ran, in reverse order.
//
// Why this covers control flow. Nothing is recorded statically: an `if` records only the
// branch taken, a loop (a tail-recursive function) records one step per iteration it ran (none
// for zero iterations), closures and functions are transformed like any code and share bp
// (global functions take it as their first parameter, @grad_f; local closures capture it),
// and values stored in lists, options or references keep their pairs, so reading one back
// reads the same adjoint cell. A value used twice accumulates both contributions in its cell.
//
// @main becomes a wrapper: it pairs the inputs, calls @grad_main, adds each output's
// cotangent (a parameter) into that output's cell, runs bp, and reads the cells of the `wrt`
// inputs.
//
// Polymorphic functions keep their type parameters (a value of a type variable is only moved,
// so its pair moves with it, the type variable instantiated to the pair's type).
//
// Limits. User ADTs holding float tensors, polymorphic closures and ops whose facet is not
// written yet are refused with a CompileError. The result is higher order (closures, references);
// the cleanup passes shrink it, but turning it into first-order code needs partial evaluation,
// which weft does not have yet.
#include "opt/Gradient.h"

#include <unordered_map>

#include "ir/DeepStack.h"
#include "ir/OpRegistry.h"
#include "ir/OutputNames.h"
#include "ir/TypeInference.h"
#include "ir/ops/GradientHelpers.h"
#include "opt/GradientTypes.h"

namespace weft {
namespace {

using grad::carries_adjoint;
using grad::zeros_of;

std::string grad_name(const std::string& f) { return "grad_" + f; }

// A let-chain under construction: bindings in order, then a body.
class Block {
 public:
  Var let(const std::string& name, Expr value, Type annotation = nullptr) {
    Var v = make_var(name, std::move(annotation));
    binds_.push_back({v, std::move(value)});
    return v;
  }
  void run(Expr effect) { let("_", std::move(effect)); }
  void bind(const Var& v, Expr value) { binds_.push_back({v, std::move(value)}); }
  Expr finish(Expr body) const {
    for (auto it = binds_.rbegin(); it != binds_.rend(); ++it) body = make_let(it->first, it->second, body);
    return body;
  }

 private:
  std::vector<std::pair<Var, Expr>> binds_;
};

Expr primal_of(const Expr& pair) { return make_tuple_get(pair, 0); }
Expr adjoint_ref_of(const Expr& pair) { return make_tuple_get(pair, 1); }

class Differentiator {
 public:
  explicit Differentiator(const Module& m) : m_(m) {}

  // A global function, taking the backpropagator first.
  // A polymorphic function (the importers' list helpers) keeps its type parameters: a value of
  // a type variable is moved, never computed on, so it passes through as it is (its adjoint
  // inside, when the type is instantiated to a float tensor's pair).
  Function global(const Function& f) {
    Var bp = make_var("bp", grad::backpropagator_type());
    std::vector<Var> params{bp};
    for (const Var& p : f->params) params.push_back(bind(p));
    Type ret = f->ret_type;
    if (!ret && as_func(f->checked_type)) ret = as_func(f->checked_type)->ret;
    Expr body = with_deep_stack([&] { return visit(f->body, bp); });
    return make_function(params, grad::lift_type(ret, f->span), body, f->type_params, f->span);
  }

 private:
  Type lift(const Type& t, const Span& where) const { return grad::lift_type(t, where); }

  Var bind(const Var& v) {
    Var out = make_var(v->name_hint, v->annotation ? lift(v->annotation, v->span) : nullptr, v->span);
    vars_[v.get()] = out;
    return out;
  }

  Expr visit(const Expr& e, const Var& bp) {
    switch (e->kind) {
      case ExprKind::Var: {
        auto it = vars_.find(static_cast<const VarNode*>(e.get()));
        WEFT_ASSERT(it != vars_.end(), "gradient: unbound variable %" << as<VarNode>(e)->name_hint);
        return it->second;
      }
      case ExprKind::GlobalVar: return global_value(*as<GlobalVarNode>(e), bp);
      case ExprKind::Constant: {
        if (!carries_adjoint(e->checked_type)) return e;
        return make_tuple({e, make_ref_new(zeros_of(e, e->checked_type))});
      }
      case ExprKind::Tuple: {
        std::vector<Expr> fields;
        for (const Expr& f : as<TupleNode>(e)->fields) fields.push_back(visit(f, bp));
        return make_tuple(fields, e->span);
      }
      case ExprKind::TupleGet: {
        const TupleGetNode* t = as<TupleGetNode>(e);
        return make_tuple_get(visit(t->tuple, bp), t->index, e->span);
      }
      case ExprKind::Let: return visit_let(e, bp);
      case ExprKind::If: {
        const IfNode* i = as<IfNode>(e);
        return make_if(visit(i->cond, bp), visit(i->then_branch, bp), visit(i->else_branch, bp), e->span);
      }
      case ExprKind::Function: return closure(*as<FunctionNode>(e), bp);
      case ExprKind::Call: return visit_call(e, bp);
      case ExprKind::Constructor: return e;
      case ExprKind::Match: {
        const MatchNode* mt = as<MatchNode>(e);
        Expr scrutinee = visit(mt->scrutinee, bp);
        std::vector<Clause> clauses;
        for (const Clause& c : mt->clauses) {
          Pattern p = pattern(c.pattern);
          clauses.push_back({p, visit(c.body, bp)});
        }
        return make_match(scrutinee, clauses, e->span);
      }
      case ExprKind::RefNew: return make_ref_new(visit(as<RefNewNode>(e)->value, bp), e->span);
      case ExprKind::RefRead: return make_ref_read(visit(as<RefReadNode>(e)->ref, bp), e->span);
      case ExprKind::RefWrite: {
        const RefWriteNode* w = as<RefWriteNode>(e);
        return make_ref_write(visit(w->ref, bp), visit(w->value, bp), e->span);
      }
      case ExprKind::Op: break;
    }
    WEFT_ASSERT(false, "gradient: an operator outside a call");
    return e;
  }

  // Iterative along the chain: models are long let-chains.
  Expr visit_let(const Expr& e, const Var& bp) {
    std::vector<std::pair<Var, Expr>> binds;
    Expr cur = e;
    while (const LetNode* let = as<LetNode>(cur)) {
      Var v = bind(let->var);
      binds.push_back({v, visit(let->value, bp)});
      cur = let->body;
    }
    Expr body = visit(cur, bp);
    for (auto it = binds.rbegin(); it != binds.rend(); ++it) body = make_let(it->first, it->second, body);
    return body;
  }

  Pattern pattern(const Pattern& p) {
    std::vector<Pattern> sub;
    for (const Pattern& s : p->sub) sub.push_back(pattern(s));
    switch (p->kind) {
      case PatternKind::Wildcard: return p;
      case PatternKind::Var: return pattern_var(bind(p->var));
      case PatternKind::Constructor: return pattern_constructor(p->ctor, sub);
      case PatternKind::Tuple: return pattern_tuple(sub);
    }
    return p;
  }

  Expr closure(const FunctionNode& f, const Var& bp) {
    if (!f.type_params.empty()) throw CompileError(f.span, "cannot differentiate a polymorphic closure");
    std::vector<Var> params;
    for (const Var& p : f.params) params.push_back(bind(p));
    return make_function(params, f.ret_type ? lift(f.ret_type, f.span) : nullptr, visit(f.body, bp), {}, f.span);
  }

  // A global function used as a value: a closure passing bp along.
  Expr global_value(const GlobalVarNode& g, const Var& bp) {
    Function f = m_.function(g.name);
    WEFT_ASSERT(f, "gradient: no function @" << g.name);
    std::vector<Var> params;
    std::vector<Expr> args{bp};
    for (const Var& p : f->params) {
      params.push_back(make_var(p->name_hint, lift(p->annotation, p->span)));
      args.push_back(params.back());
    }
    return make_function(params, nullptr, make_call(make_global_var(grad_name(g.name)), args));
  }

  Expr visit_call(const Expr& e, const Var& bp) {
    const CallNode& c = *as<CallNode>(e);
    if (as<OpNode>(c.callee)) return op_call(e, c, bp);
    std::vector<Expr> args;
    Expr callee = c.callee;
    if (const GlobalVarNode* g = as<GlobalVarNode>(c.callee)) {
      callee = make_global_var(grad_name(g->name), g->span);
      args.push_back(bp);
    } else if (!as<ConstructorNode>(c.callee)) {
      callee = visit(c.callee, bp);
    }
    for (const Expr& a : c.args) args.push_back(visit(a, bp));
    return make_call(callee, args, e->span);
  }

  Expr op_call(const Expr& e, const CallNode& c, const Var& bp) {
    const OpDef& op = *as<OpNode>(c.callee)->def;
    Block b;
    const size_t n = c.args.size();
    std::vector<Expr> lifted(n), primal(n);
    std::vector<Type> types(n);
    bool any_adjoint = false;
    for (size_t i = 0; i < n; ++i) {
      types[i] = c.args[i]->checked_type;
      Expr a = visit(c.args[i], bp);
      if (carries_adjoint(types[i])) {
        lifted[i] = b.let("a", a);
        primal[i] = b.let("p", primal_of(lifted[i]));
        any_adjoint = true;
      } else {
        primal[i] = as<ConstantNode>(a) ? a : Expr(b.let("p", a));
      }
    }
    const Type& rt = e->checked_type;
    Var y = b.let("y", make_op_call(op.name, primal, c.attrs, c.span));
    // The result, paired; the cells of its float outputs.
    std::vector<Expr> cells;
    Expr result;
    if (const TupleTypeNode* tup = as_tuple(rt)) {
      std::vector<Expr> fields;
      for (size_t k = 0; k < tup->fields.size(); ++k) {
        Expr yk = make_tuple_get(y, int(k));
        if (carries_adjoint(tup->fields[k])) {
          cells.push_back(b.let("dy", make_ref_new(zeros_of(yk, tup->fields[k]))));
          fields.push_back(make_tuple({yk, cells.back()}));
        } else {
          cells.push_back(nullptr);
          fields.push_back(yk);
        }
      }
      result = make_tuple(fields);
    } else if (carries_adjoint(rt)) {
      cells.push_back(b.let("dy", make_ref_new(zeros_of(y, rt))));
      result = make_tuple({y, cells.back()});
    } else {
      result = y;
    }
    bool float_out = false;
    for (const Expr& cell : cells) float_out = float_out || cell;
    if (!any_adjoint || !float_out || !op.no_gradient.empty()) return b.finish(result);
    if (!op.gradient)
      throw CompileError(c.span, Msg() << "cannot differentiate " << op.name << ": its gradient is not implemented yet");

    // The backward step of this call.
    Block back;
    Expr ct;
    if (const TupleTypeNode* tup = as_tuple(rt)) {
      std::vector<Expr> fields;
      for (size_t k = 0; k < tup->fields.size(); ++k)
        fields.push_back(cells[k] ? Expr(make_ref_read(cells[k])) : zeros_of(make_tuple_get(y, int(k)), tup->fields[k]));
      ct = make_tuple(fields);
    } else {
      ct = make_ref_read(cells[0]);
    }
    Var ct_var = back.let("ct", ct);
    const GradientCall call{primal, types, &c.attrs, y, rt, ct_var};
    std::vector<Expr> grads = op.gradient(call);
    WEFT_ASSERT(grads.size() == n, "gradient of " << op.name << ": " << grads.size() << " cotangents for " << n << " arguments");
    // A facet that computes its cotangents together (a composition's tape) returns fields of
    // one tuple: bound once here, not once per argument.
    for (auto& [var, tuple] : vjp::bind_shared_tuples(grads)) back.bind(var, tuple);
    for (size_t i = 0; i < n; ++i) {
      if (!grads[i] || !lifted[i]) continue;
      Expr cell = adjoint_ref_of(lifted[i]);
      back.run(make_ref_write(cell, make_op_call("add", {make_ref_read(cell), grads[i]})));
    }
    Var prev = b.let("prev", make_ref_read(bp));
    Expr step = make_function({}, nullptr, back.finish(make_call(prev, {})));
    b.run(make_ref_write(bp, step));
    return b.finish(result);
  }

  const Module& m_;
  std::unordered_map<const VarNode*, Var> vars_;
};

std::vector<std::string> output_names(const Function& main, size_t count) {
  std::vector<std::string> names;
  if (main->attrs.has(kFunctionAttrOutputNames)) names = main->attrs.get_strings(kFunctionAttrOutputNames);
  if (names.size() != count) {
    names.clear();
    for (size_t i = 0; i < count; ++i) names.push_back("output" + std::to_string(i));
  }
  return names;
}

// @main(inputs..., d_outputs...) -> (outputs..., gradients...)
Function wrapper(const Function& main, const std::vector<size_t>& wrt, const std::map<std::string, Tensor>& parameters) {
  Block b;
  std::vector<Var> params;
  std::vector<Expr> args;
  Var bp = b.let("bp", make_ref_new(make_function({}, nullptr, make_tuple({}))));
  args.push_back(bp);
  std::vector<Expr> lifted;
  for (const Var& p : main->params) {
    // A weight is a constant of the program again; an input stays an input.
    auto weight = parameters.find(p->name_hint);
    Var primal = weight != parameters.end() ? b.let(p->name_hint, make_constant(weight->second, p->span), p->annotation)
                                            : make_var(p->name_hint, p->annotation, p->span);
    if (weight == parameters.end()) params.push_back(primal);
    if (carries_adjoint(p->annotation)) {
      lifted.push_back(b.let(p->name_hint, make_tuple({primal, make_ref_new(zeros_of(primal, p->annotation))})));
    } else {
      lifted.push_back(primal);
    }
    args.push_back(lifted.back());
  }
  Var r = b.let("r", make_call(make_global_var(grad_name("main")), args));
  const Type ret = as_func(main->checked_type)->ret;
  const TupleTypeNode* tup = as_tuple(ret);
  const std::vector<Type> outs = tup ? tup->fields : std::vector<Type>{ret};
  const std::vector<std::string> names = output_names(main, outs.size());
  std::vector<Expr> results;
  std::vector<std::string> result_names;
  for (size_t k = 0; k < outs.size(); ++k) {
    Expr out = tup ? Expr(make_tuple_get(r, int(k))) : Expr(r);
    if (!as_tensor(outs[k]))
      throw CompileError(main->span, Msg() << "cannot differentiate @main: output " << k << " (" << names[k] << ") is a "
                                           << type_str(outs[k]) << ", not a tensor");
    result_names.push_back(names[k]);
    if (!carries_adjoint(outs[k])) {
      results.push_back(out);
      continue;
    }
    results.push_back(primal_of(out));
    params.push_back(make_var("d_" + names[k], outs[k]));
    Expr cell = adjoint_ref_of(out);
    b.run(make_ref_write(cell, make_op_call("add", {make_ref_read(cell), params.back()})));
  }
  b.run(make_call(make_ref_read(bp), {}));
  for (size_t i : wrt) {
    results.push_back(make_ref_read(adjoint_ref_of(lifted[i])));
    result_names.push_back("grad_" + main->params[i]->name_hint);
  }
  Attrs attrs;
  attrs.set(kFunctionAttrOutputNames, result_names);
  return make_function(params, nullptr, b.finish(make_tuple(results)), {}, main->span, attrs);
}

std::vector<size_t> wrt_indices(const Function& main, const GradientOptions& options) {
  std::vector<size_t> out;
  if (options.wrt.empty()) {
    for (size_t i = 0; i < main->params.size(); ++i)
      if (carries_adjoint(main->params[i]->annotation) && !options.parameters.count(main->params[i]->name_hint)) out.push_back(i);
    if (out.empty()) throw CompileError(main->span, "cannot differentiate @main: it has no floating-point input");
    return out;
  }
  for (const std::string& name : options.wrt) {
    size_t found = main->params.size();
    for (size_t i = 0; i < main->params.size(); ++i)
      if (main->params[i]->name_hint == name) found = i;
    if (found == main->params.size()) {
      std::string known;
      for (const Var& p : main->params)
        if (!options.parameters.count(p->name_hint)) known += (known.empty() ? "" : ", ") + p->name_hint;
      throw CompileError(main->span, Msg() << "--wrt " << name << ": @main has no input of that name (its inputs: " << known << ")");
    }
    if (!carries_adjoint(main->params[found]->annotation))
      throw CompileError(main->span, Msg() << "--wrt " << name << ": " << (options.parameters.count(name) ? "parameter " : "input ")
                                           << name << " is "
                                           << type_str(main->params[found]->annotation)
                                           << ", not a floating-point tensor, so it has no gradient");
    out.push_back(found);
  }
  return out;
}

}  // namespace

Module Gradient(const Module& m, const GradientOptions& options) {
  Function main = m.main();
  if (!main) throw CompileError("cannot differentiate: the module has no @main");
  infer_types(m);
  const std::vector<size_t> wrt = wrt_indices(main, options);
  Module out;
  for (const std::string& t : m.type_names()) {
    const TypeData* data = m.type(t);
    if (data->prelude) continue;
    for (const Constructor& c : data->constructors)
      for (const Type& f : c->fields)
        if (!type_equal(grad::lift_type(f, Span{}), f))
          throw CompileError(Msg() << "cannot differentiate through type " << t << ": its constructor " << c->name
                                   << " holds a floating-point value (only List and Option are supported)");
    out.add_type(*data);
  }
  Differentiator d(m);
  for (const std::string& name : m.function_names()) out.add_function(grad_name(name), d.global(m.function(name)));
  out.add_function("main", wrapper(main, wrt, options.parameters));
  infer_types(out);
  return out;
}

std::vector<std::string> gradient_cleanup_passes() {
  return {"inline-functions", "fold-constants", "eliminate-dead-code"};
}

}  // namespace weft
