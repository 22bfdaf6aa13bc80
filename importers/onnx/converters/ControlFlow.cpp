// ControlFlow.cpp - ONNX If to if, Loop and Scan to tail-recursive global functions.
//
// A Loop or Scan becomes one function @loop(i, <trip state>, carried..., accs..., outer...):
//   if (<another iteration>) { <body>; @loop(i + 1, ..., carried', Cons(scan', acc)..., outer...) }
//   else { (carried..., acc...) }
// The body's scan outputs are consed onto accumulators (newest first) and stacked into
// tensors after the call. Outer values the body uses are lambda-lifted into the trailing
// parameters (GraphBuilder's function-boundary scope). Parameters need types, and a
// carried value's type may change across iterations (a growing tensor, a sequence that
// starts empty), so the body is converted with a guess, the guess widened with what the
// body produced, and converted again until nothing changes.
#include "importers/onnx/ConvertSupport.h"
#include "importers/onnx/GraphBuilder.h"
#include "importers/onnx/ListFunctions.h"
#include "importers/onnx/OnnxTensors.h"
#include "importers/onnx/converters/Converters.h"

namespace weft::onnx_import {

namespace {

constexpr int kMaxTypeRounds = 8;

Type i64_scalar_type() { return scalar_type(DType::I64); }

std::vector<Expr> convert_subgraph(GraphBuilder& scope, const onnx::GraphProto& g) {
  scope.add_initializers(g);
  scope.convert_nodes(g);
  return scope.outputs(g);
}

std::string subgraph_name(const NodeContext& ctx, const onnx::GraphProto& g, const std::string& attr) {
  if (!g.name().empty()) return g.name();
  return attr + " of " + (ctx.node().name().empty() ? output_hint(ctx) : ctx.node().name());
}

// `e` as a scalar inside scope `b` (conditions may come as one-element 1-D tensors).
Expr scalar_in(GraphBuilder& b, const Expr& e, const Span& span) {
  auto t = as_ranked(b.type_of(e));
  if (t && t->rank() == 0) return e;
  return b.emit_op("reshape", {e, make_constant(Tensor(DType::I64, {0}), span)}, {}, span, "cond");
}

// ---- If --------------------------------------------------------------------------------------

std::vector<Expr> convert_if(NodeContext& ctx) {
  expect_inputs(ctx, 1, 1);
  Expr cond = scalar_input(ctx, 0, DType::Bool, "cond");
  const auto& then_g = ctx.attr_graph("then_branch");
  const auto& else_g = ctx.attr_graph("else_branch");
  size_t n = ctx.num_outputs();
  if (then_g.output_size() != int(n) || else_g.output_size() != int(n))
    ctx.fail(Msg() << "wrong arity: the node has " << n << " outputs, then_branch gives " << then_g.output_size()
                   << " and else_branch " << else_g.output_size());
  if (then_g.input_size() || else_g.input_size()) ctx.fail("If branches take no inputs");
  GraphBuilder& g = ctx.graph();
  if (const Tensor* c = g.constant_of(cond)) {
    // Known at import time (often a test on a static shape): only the branch taken, inline.
    bool taken = c->as_int() != 0;
    GraphBuilder branch(g, subgraph_name(ctx, taken ? then_g : else_g, taken ? "then_branch" : "else_branch"), false);
    auto outs = convert_subgraph(branch, taken ? then_g : else_g);
    g.absorb(branch);
    return outs;
  }
  GraphBuilder then_b(g, subgraph_name(ctx, then_g, "then_branch"), false);
  GraphBuilder else_b(g, subgraph_name(ctx, else_g, "else_branch"), false);
  auto then_outs = convert_subgraph(then_b, then_g);
  auto else_outs = convert_subgraph(else_b, else_g);
  std::vector<Type> types(n);
  bool all_known = true;
  for (size_t i = 0; i < n; ++i) {
    bool ok = true;
    Type a = then_b.type_of(then_outs[i]), b = else_b.type_of(else_outs[i]);
    types[i] = join_types(a, b, &ok);
    if (!ok)
      ctx.fail(Msg() << "output " << i << ": then_branch gives " << type_str(a) << ", else_branch " << type_str(b)
                     << "; weft needs one element type and rank");
    all_known = all_known && types[i];
  }
  // A branch whose output is narrower than the other's is widened: if needs one type.
  auto result = [&](GraphBuilder& b, std::vector<Expr> outs) {
    for (size_t i = 0; i < n; ++i) {
      Type t = b.type_of(outs[i]);
      if (t && types[i] && !type_equal(t, types[i])) outs[i] = b.bind(outs[i], ctx.node().output(int(i)), ctx.span(), types[i], true);
    }
    return b.finish(n == 1 ? outs[0] : Expr(make_tuple(outs, ctx.span())));
  };
  Expr if_expr = make_if(cond, result(then_b, then_outs), result(else_b, else_outs), ctx.span());
  Type rt = n == 1 ? types[0] : all_known ? tuple_type(types) : nullptr;
  Var v = g.bind(if_expr, output_hint(ctx), ctx.span(), rt);
  if (n == 1) return {v};
  std::vector<Expr> outs;
  for (size_t i = 0; i < n; ++i) outs.push_back(g.bind(make_tuple_get(v, int(i), ctx.span()), ctx.node().output(int(i)), ctx.span(), types[i]));
  return outs;
}

// ---- loop functions, shared by Loop and Scan ---------------------------------------------------

// One conversion of a body under guessed types for its carried values and scan outputs.
struct Attempt {
  Function fn;
  std::vector<Type> carried_out, scan_out;  // what the body produced
  std::vector<Expr> outer;                  // values the call passes for the lifted parameters
};

// The parts of a loop function: `fixed` parameters come first and are passed on as
// `next_fixed`; `go` decides whether another iteration runs.
struct LoopParts {
  std::vector<Var> fixed, carried, accs;
  std::vector<Expr> next_fixed, carried_out, scan_out;
  Expr go;
};

Type annotation_of(const Var& v) { return v->annotation; }

Function assemble(const std::string& name, LoopParts& p, GraphBuilder& body, Module& m, const Span& span) {
  std::vector<Expr> args = p.next_fixed;
  for (auto& e : p.carried_out) args.push_back(e);
  for (size_t k = 0; k < p.accs.size(); ++k) args.push_back(make_call(m.constructor("Cons"), {p.scan_out[k], p.accs[k]}, span));
  std::vector<Var> params = p.fixed;
  std::vector<Expr> done;
  std::vector<Type> ret;
  for (auto* group : {&p.carried, &p.accs})
    for (auto& v : *group) {
      params.push_back(v);
      done.push_back(v);
      ret.push_back(annotation_of(v));
    }
  for (auto& c : body.captures()) {
    args.push_back(c.inner);
    params.push_back(c.inner);
  }
  Expr then_branch = body.finish(make_call(make_global_var(name, span), args, span));
  bool known = true;
  for (auto& t : ret) known = known && t;
  return make_function(params, known ? tuple_type(ret) : nullptr, make_if(p.go, then_branch, make_tuple(done, span), span), {}, span);
}

// Converts the body (through `build`) until the carried and scan types it assumes are
// the ones it produces, widened; the module is rolled back between rounds so only the
// last round's nested functions remain.
// `declared[j]`: the type the model declares for carried value j, tried only when neither
// the initial value nor the body tells it (exporters declare sequences carelessly).
template <typename Build>
Attempt settle(NodeContext& ctx, std::vector<Type> carried, std::vector<Type> declared, std::vector<Type> scans, Build build) {
  Module& m = ctx.graph().module();
  Module snapshot = m;
  auto widen_all = [&](std::vector<Type>& guess, const std::vector<Type>& got, const char* what) {
    bool same = true;
    for (size_t j = 0; j < guess.size(); ++j) {
      bool ok = true;
      Type t = join_types(guess[j], got[j], &ok);
      if (!ok) ctx.fail(Msg() << what << " " << j << " changes from " << type_str(guess[j]) << " to " << type_str(got[j]) << " across iterations");
      if (!guess[j] ? bool(t) : !type_equal(guess[j], t)) same = false;
      guess[j] = t;
    }
    return same;
  };
  for (int round = 0; round < kMaxTypeRounds; ++round) {
    m = snapshot;
    Attempt a = build(carried, scans);
    bool same = widen_all(carried, a.carried_out, "loop-carried value");
    same = widen_all(scans, a.scan_out, "scan output") && same;
    for (size_t j = 0; same && j < carried.size(); ++j)
      if (!carried[j] && declared[j]) {
        carried[j] = declared[j];
        same = false;
      }
    if (!same) continue;
    for (size_t j = 0; j < carried.size(); ++j)
      if (!carried[j]) ctx.fail(Msg() << "the type of loop-carried value " << j << " is not known at import time");
    for (size_t k = 0; k < scans.size(); ++k)
      if (!as_ranked(scans[k])) ctx.fail(Msg() << "scan output " << k << " must be a tensor of known rank, got " << type_str(scans[k]));
    return a;
  }
  ctx.fail("the types of the loop-carried values do not settle");
}

Var param(const std::string& hint, const Type& t, const Span& span) { return make_var(sanitize_name(hint), t, span); }

// A loop-carried value that enters as an optional and leaves the body as a plain value (the
// body reads it with OptionalHasElement / OptionalGetElement, which take either from opset
// 18 on): the body's value is carried as Some(value), and the loop's result, typed by the
// body's output as ONNX types it, is taken out again (after zero iterations from an empty
// optional that fails at run time, like OptionalGetElement).
bool carried_becomes_present(const Type& carried, const Type& out) {
  return elem_type(carried, "Option") && out && !elem_type(out, "Option");
}

Expr take_present(NodeContext& ctx, const Expr& opt, const std::string& hint) {
  Module& m = ctx.graph().module();
  Var x = make_var("elem", nullptr, ctx.span());
  Expr match = make_match(opt, {{pattern_constructor(m.constructor("Some"), {pattern_var(x)}), x}}, ctx.span());
  return ctx.graph().bind(match, hint.empty() ? "v" : hint, ctx.span(), elem_type(ctx.graph().type_of(opt), "Option"));
}

// Binds the call of the loop function and unpacks its results: carried values as they
// are, scan outputs stacked along `axes` (newest_first: in iteration order).
std::vector<Expr> call_loop(NodeContext& ctx, const std::string& name, const Attempt& a, std::vector<Expr> args,
                            size_t n_carried, const std::vector<int64_t>& axes, const std::vector<bool>& in_order) {
  GraphBuilder& g = ctx.graph();
  Module& m = g.module();
  m.add_function(name, a.fn);
  for (auto& e : a.outer) args.push_back(e);
  auto rt = as_tuple(a.fn->ret_type);
  Var r = g.bind(make_call(make_global_var(name, ctx.span()), args, ctx.span()), output_hint(ctx), ctx.span(), a.fn->ret_type);
  std::vector<Expr> outs;
  for (size_t j = 0; j < rt->fields.size(); ++j) {
    std::string hint = j < ctx.num_outputs() ? ctx.node().output(int(j)) : output_hint(ctx);
    Var part = g.bind(make_tuple_get(r, int(j), ctx.span()), hint.empty() ? "unused" : hint, ctx.span(), rt->fields[j]);
    if (j < n_carried) {
      outs.push_back(part);
      continue;
    }
    size_t k = j - n_carried;
    auto elem = as_tensor(elem_type(rt->fields[j], "List"));
    int axis = normalize_axis(ctx, axes[k], elem->rank(), true, "scan_output_axes");
    // For zero iterations: an empty tensor, its other dims what the type tells (else 0).
    std::vector<int64_t> empty_shape;
    Shape shape;
    for (auto& d : elem->shape) {
      empty_shape.push_back(d.is_static() ? d.value() : 0);
      shape.push_back(d);
    }
    empty_shape.insert(empty_shape.begin() + axis, 0);
    shape.insert(shape.begin() + axis, Dim::unknown());
    Expr empty = ctx.constant(Tensor(elem->dtype, empty_shape));
    std::string fn = list_concat_function(m, elem->dtype, elem->rank(), axis, true, in_order[k], true);
    outs.push_back(call_global(ctx, fn, {part, empty}, tensor_type(elem->dtype, shape), true));
  }
  return outs;
}

// ---- Loop ------------------------------------------------------------------------------------

std::vector<Expr> convert_loop(NodeContext& ctx) {
  expect_inputs(ctx, 2, -1);
  const auto& body = ctx.attr_graph("body");
  size_t n_carried = ctx.num_inputs() - 2;
  if (body.input_size() != int(n_carried) + 2)
    ctx.fail(Msg() << "the body takes " << body.input_size() << " inputs; with " << n_carried
                   << " loop-carried values it must take " << n_carried + 2 << " (iteration number, condition, the values)");
  int n_scan = body.output_size() - 1 - int(n_carried);
  if (n_scan < 0) ctx.fail(Msg() << "the body gives " << body.output_size() << " outputs; it must give at least " << n_carried + 1);
  if (ctx.num_outputs() > n_carried + size_t(n_scan))
    ctx.fail(Msg() << "wrong arity: the node has " << ctx.num_outputs() << " outputs, the loop gives " << n_carried + size_t(n_scan));
  const Span& span = ctx.span();
  bool has_m = ctx.has_input(0), has_c = ctx.has_input(1);
  std::vector<Expr> args{ctx.i64_scalar(0)};
  if (has_m) args.push_back(scalar_input(ctx, 0, DType::I64, "trip count M"));
  if (has_c) args.push_back(scalar_input(ctx, 1, DType::Bool, "cond"));
  std::vector<Type> carried, declared;
  for (size_t j = 0; j < n_carried; ++j) {
    args.push_back(ctx.input(2 + j));
    carried.push_back(ctx.input_type(2 + j));
    const auto& in = body.input(int(2 + j));
    declared.push_back(in.has_type() ? to_type(in.type(), span) : nullptr);
  }
  for (int k = 0; k < n_scan; ++k) args.push_back(ctx.bind(construct(ctx, "Nil", {})));
  std::string name = ctx.graph().state().fresh_global("loop_" + sanitize_name(ctx.node().name().empty() ? output_hint(ctx) : ctx.node().name()));
  std::string body_name = subgraph_name(ctx, body, "body");
  std::vector<bool> made_present(n_carried, false);  // per carried value, in the last round

  auto build = [&](const std::vector<Type>& carried_t, const std::vector<Type>& scan_t) {
    GraphBuilder b(ctx.graph(), body_name, /*function_boundary=*/true);
    LoopParts p;
    Var i = param("i", i64_scalar_type(), span), mv, cv;
    b.define_param(body.input(0).name(), i, i64_scalar_type());
    p.fixed.push_back(i);
    if (has_m) {
      mv = param("trip_count", i64_scalar_type(), span);
      b.define_param("", mv, i64_scalar_type());
      p.fixed.push_back(mv);
    }
    if (has_c) {
      cv = param("cond", scalar_type(DType::Bool), span);
      b.define_param(body.input(1).name(), cv, scalar_type(DType::Bool));
      p.fixed.push_back(cv);
    } else {  // the body still reads a condition; without one the loop runs on M alone
      b.define(body.input(1).name(), b.bind_constant(Tensor::scalar<bool>(true), "cond", span));
    }
    for (size_t j = 0; j < n_carried; ++j) {
      const std::string& nm = body.input(int(2 + j)).name();
      p.carried.push_back(param(nm, carried_t[j], span));
      b.define_param(nm, p.carried.back(), carried_t[j]);
    }
    for (int k = 0; k < n_scan; ++k) {
      Type lt = scan_t[size_t(k)] ? adt_type("List", {scan_t[size_t(k)]}) : nullptr;
      p.accs.push_back(param("scan_acc", lt, span));
      b.define_param("", p.accs.back(), lt);
    }
    Expr more = has_m ? Expr(make_op_call("less", {i, mv}, {}, span)) : Expr();
    p.go = has_c ? (more ? Expr(make_op_call("logical_and", {more, cv}, {}, span)) : Expr(cv))
                 : (more ? more : Expr(make_constant(Tensor::scalar<bool>(true), span)));
    auto outs = convert_subgraph(b, body);
    Attempt a;
    p.next_fixed.push_back(make_op_call("add", {i, make_constant(Tensor::scalar<int64_t>(1), span)}, {}, span));
    if (has_m) p.next_fixed.push_back(mv);
    if (has_c) p.next_fixed.push_back(scalar_in(b, outs[0], span));
    for (size_t j = 0; j < n_carried; ++j) {
      Expr out = outs[1 + j];
      Type t = b.type_of(out);
      made_present[j] = carried_becomes_present(carried_t[j], t);
      if (made_present[j]) {
        out = b.bind(make_call(ctx.graph().module().constructor("Some"), {out}, span), "present", span, adt_type("Option", {t}));
        t = adt_type("Option", {t});
      }
      p.carried_out.push_back(out);
      a.carried_out.push_back(t);
    }
    for (int k = 0; k < n_scan; ++k) {
      p.scan_out.push_back(outs[1 + n_carried + size_t(k)]);
      a.scan_out.push_back(b.type_of(p.scan_out.back()));
    }
    a.fn = assemble(name, p, b, ctx.graph().module(), span);
    for (auto& c : b.captures()) a.outer.push_back(c.outer);
    return a;
  };
  Attempt a = settle(ctx, carried, declared, std::vector<Type>(size_t(n_scan)), build);
  auto outs = call_loop(ctx, name, a, args, n_carried, std::vector<int64_t>(size_t(n_scan), 0), std::vector<bool>(size_t(n_scan), true));
  for (size_t j = 0; j < n_carried && j < outs.size(); ++j)
    if (made_present[j]) outs[j] = take_present(ctx, outs[j], j < ctx.num_outputs() ? ctx.node().output(int(j)) : "");
  return outs;
}

// ---- Scan ------------------------------------------------------------------------------------

std::vector<Expr> convert_scan8(NodeContext& ctx);

std::vector<Expr> convert_scan(NodeContext& ctx) {
  if (ctx.opset() < 9) return convert_scan8(ctx);
  const auto& body = ctx.attr_graph("body");
  int64_t n_in = ctx.attr_int("num_scan_inputs");
  size_t total = ctx.num_inputs();
  if (n_in < 1 || size_t(n_in) > total)
    ctx.fail(Msg() << "bad attribute 'num_scan_inputs': " << n_in << " with " << total << " inputs");
  size_t n_state = total - size_t(n_in);
  if (body.input_size() != int(total)) ctx.fail(Msg() << "the body takes " << body.input_size() << " inputs; the node has " << total);
  int n_out = body.output_size() - int(n_state);
  if (n_out < 0) ctx.fail(Msg() << "the body gives " << body.output_size() << " outputs; it must give at least " << n_state);
  if (ctx.num_outputs() > n_state + size_t(n_out))
    ctx.fail(Msg() << "wrong arity: the node has " << ctx.num_outputs() << " outputs, the scan gives " << n_state + size_t(n_out));
  auto ints = [&](const char* attr, size_t n) {
    auto v = ctx.attr_ints(attr, std::vector<int64_t>(n, 0));
    if (v.size() != n) ctx.fail(Msg() << "bad attribute '" << attr << "': " << v.size() << " entries, expected " << n);
    return v;
  };
  auto in_axes = ints("scan_input_axes", size_t(n_in)), in_dirs = ints("scan_input_directions", size_t(n_in));
  auto out_axes = ints("scan_output_axes", size_t(n_out)), out_dirs = ints("scan_output_directions", size_t(n_out));
  const Span& span = ctx.span();
  std::vector<int> axes;
  for (size_t j = 0; j < size_t(n_in); ++j)
    axes.push_back(normalize_axis(ctx, in_axes[j], ctx.input_rank(n_state + j), false, "scan_input_axes"));
  // Arguments in the function's parameter order: fixed (i, length, scan inputs), then carried.
  std::vector<Expr> args{ctx.i64_scalar(0), dim_size(ctx, n_state, axes[0])};
  for (size_t j = 0; j < size_t(n_in); ++j) args.push_back(ctx.input(n_state + j));
  std::vector<Type> carried;
  for (size_t j = 0; j < n_state; ++j) {
    args.push_back(ctx.input(j));
    carried.push_back(ctx.input_type(j));
  }
  for (int k = 0; k < n_out; ++k) args.push_back(ctx.bind(construct(ctx, "Nil", {})));
  std::string name = ctx.graph().state().fresh_global("scan_" + sanitize_name(ctx.node().name().empty() ? output_hint(ctx) : ctx.node().name()));
  std::string body_name = subgraph_name(ctx, body, "body");

  auto build = [&](const std::vector<Type>& carried_t, const std::vector<Type>& scan_t) {
    GraphBuilder b(ctx.graph(), body_name, /*function_boundary=*/true);
    LoopParts p;
    Var i = param("i", i64_scalar_type(), span), len = param("length", i64_scalar_type(), span);
    b.define_param("", i, i64_scalar_type());
    b.define_param("", len, i64_scalar_type());
    p.fixed = {i, len};
    p.next_fixed = {make_op_call("add", {i, make_constant(Tensor::scalar<int64_t>(1), span)}, {}, span), len};
    for (size_t j = 0; j < n_state; ++j) {
      const std::string& nm = body.input(int(j)).name();
      p.carried.push_back(param(nm, carried_t[j], span));
      b.define_param(nm, p.carried.back(), carried_t[j]);
    }
    for (size_t j = 0; j < size_t(n_in); ++j) {
      Type xt = ctx.input_type(n_state + j);
      Var x = param("scan_input", xt, span);
      b.define_param("", x, xt);
      p.fixed.push_back(x);
      p.next_fixed.push_back(x);
      Expr at = i;
      if (in_dirs[j]) at = b.emit_op("sub", {b.emit_op("sub", {len, make_constant(Tensor::scalar<int64_t>(1), span)}, {}, span, "last"), i}, {}, span, "at");
      const std::string& nm = body.input(int(n_state + j)).name();
      b.define(nm, b.emit_op("gather", {x, at}, {{"axis", int64_t(axes[j])}}, span, nm));
    }
    for (int k = 0; k < n_out; ++k) {
      Type lt = scan_t[size_t(k)] ? adt_type("List", {scan_t[size_t(k)]}) : nullptr;
      p.accs.push_back(param("scan_acc", lt, span));
      b.define_param("", p.accs.back(), lt);
    }
    p.go = make_op_call("less", {i, len}, {}, span);
    auto outs = convert_subgraph(b, body);
    Attempt a;
    for (size_t j = 0; j < n_state; ++j) {
      p.carried_out.push_back(outs[j]);
      a.carried_out.push_back(b.type_of(outs[j]));
    }
    for (int k = 0; k < n_out; ++k) {
      p.scan_out.push_back(outs[n_state + size_t(k)]);
      a.scan_out.push_back(b.type_of(p.scan_out.back()));
    }
    a.fn = assemble(name, p, b, ctx.graph().module(), span);
    for (auto& c : b.captures()) a.outer.push_back(c.outer);
    return a;
  };
  Attempt a = settle(ctx, carried, std::vector<Type>(n_state), std::vector<Type>(size_t(n_out)), build);
  std::vector<bool> in_order;
  for (auto d : out_dirs) in_order.push_back(d == 0);
  return call_loop(ctx, name, a, args, n_state, out_axes, in_order);
}

// ---- Scan-8 ------------------------------------------------------------------------------------

// Scan-8's inputs have a batch axis first and are scanned along axis 1. It becomes a Loop
// over the batch whose body gathers one item of each input and runs a Scan-9 on it; the
// Loop's scan outputs stack the items' results back along the batch axis. The inner Scan
// is converted in an internal domain, where opset 8's meaning of Scan does not apply.
const char* const kInternalDomain = "weft.internal";

onnx::ValueInfoProto scalar_info(const std::string& name, int elem) {
  onnx::ValueInfoProto v;
  v.set_name(name);
  v.mutable_type()->mutable_tensor_type()->set_elem_type(elem);
  v.mutable_type()->mutable_tensor_type()->mutable_shape();
  return v;
}

std::vector<Expr> convert_scan8(NodeContext& ctx) {
  expect_inputs(ctx, 2, -1);
  if (ctx.has_input(0)) ctx.fail("Scan-8 with sequence_lens is not supported (batch items of different lengths)");
  const auto& body = ctx.attr_graph("body");
  int64_t n_in = ctx.attr_int("num_scan_inputs");
  size_t total = ctx.num_inputs() - 1;
  if (n_in < 1 || size_t(n_in) > total) ctx.fail(Msg() << "bad attribute 'num_scan_inputs': " << n_in << " with " << total << " inputs");
  GraphBuilder& g = ctx.graph();
  std::string tag = "__" + g.state().fresh_global("scan8");  // unique; never a name in the model
  g.define(tag + "_batch", dim_size(ctx, 1, 0));
  g.state().opsets[kInternalDomain] = 9;

  onnx::GraphProto items;
  items.set_name(subgraph_name(ctx, body, "body") + " (per batch item)");
  *items.add_input() = scalar_info(tag + "_b", onnx::TensorProto::INT64);
  *items.add_input() = scalar_info(tag + "_c", onnx::TensorProto::BOOL);
  onnx::NodeProto scan;
  scan.set_op_type("Scan");
  scan.set_domain(kInternalDomain);
  scan.set_name(ctx.node().name());
  for (size_t j = 1; j <= total; ++j) {
    onnx::NodeProto* gather = items.add_node();
    gather->set_op_type("Gather");
    gather->add_input(ctx.node().input(int(j)));
    gather->add_input(tag + "_b");
    gather->add_output((Msg() << tag << "_in" << j).str());
    auto* axis = gather->add_attribute();
    axis->set_name("axis");
    axis->set_type(onnx::AttributeProto::INT);
    axis->set_i(0);
    scan.add_input(gather->output(0));
  }
  for (auto& a : ctx.node().attribute()) {
    auto* copy = scan.add_attribute();
    *copy = a;
    if (a.name() == "directions") copy->set_name("scan_input_directions");
  }
  onnx::NodeProto* cond = items.add_node();
  cond->set_op_type("Identity");
  cond->add_input(tag + "_c");
  cond->add_output(tag + "_cond");
  items.add_output()->set_name(tag + "_cond");
  for (int k = 0; k < body.output_size(); ++k) {
    scan.add_output((Msg() << tag << "_out" << k).str());
    items.add_output()->set_name(scan.output(k));
  }
  *items.add_node() = scan;

  onnx::NodeProto loop;
  loop.set_op_type("Loop");
  loop.set_name(ctx.node().name());
  loop.add_input(tag + "_batch");
  loop.add_input("");
  for (auto& o : ctx.node().output()) loop.add_output(o);
  auto* loop_body = loop.add_attribute();
  loop_body->set_name("body");
  loop_body->set_type(onnx::AttributeProto::GRAPH);
  *loop_body->mutable_g() = items;
  NodeContext loop_ctx(loop, ctx.opset(), g, ctx.span());
  return convert_loop(loop_ctx);
}

}  // namespace

void register_control_flow_converters(ConverterTable& table) {
  table.add("If", convert_if);
  table.add("Loop", convert_loop);
  table.add("Scan", convert_scan);
  table.add("Scan", convert_scan, kInternalDomain);
}

}  // namespace weft::onnx_import
