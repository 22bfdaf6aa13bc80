// Sequences.cpp - ONNX sequence ops to List values and optional ops to Option values.
#include "importers/onnx/ConvertSupport.h"
#include "importers/onnx/GraphBuilder.h"
#include "importers/onnx/ListFunctions.h"
#include "importers/onnx/OnnxTensors.h"
#include "importers/onnx/converters/Converters.h"

namespace weft::onnx_import {

namespace {

Type list_of(const Type& elem) { return elem ? adt_type("List", {elem}) : nullptr; }

// Input i, which must be a sequence (or of unknown type), and its element type.
Expr sequence_input(NodeContext& ctx, size_t i, Type* elem) {
  Expr e = ctx.input(i);
  Type t = ctx.input_type(i);
  if (t && !elem_type(t, "List")) ctx.fail(Msg() << "input " << i << " must be a sequence, got " << type_str(t));
  *elem = elem_type(t, "List");
  return e;
}

// A position input made an index from the front (ONNX counts negative ones from the back).
Expr position(NodeContext& ctx, const Expr& seq, size_t i) {
  ensure_list_library(ctx.graph().module());
  Expr p = scalar_input(ctx, i, DType::I64, "position");
  return call_global(ctx, "seq_position", {seq, p}, scalar_type(DType::I64));
}

Expr length(NodeContext& ctx, const Expr& seq) {
  ensure_list_library(ctx.graph().module());
  return call_global(ctx, "seq_length", {seq}, scalar_type(DType::I64));
}

// `seq` as a List of `target` elements, widened when its own element type is narrower.
Expr widen_list(NodeContext& ctx, const Expr& seq, const Type& elem, const Type& target) {
  if (!elem || !target || type_equal(elem, target)) return seq;
  return widen(ctx, seq, list_of(target));
}

Type joined(NodeContext& ctx, const Type& a, const Type& b) {
  bool ok = true;
  Type t = join_types(a, b, &ok);
  if (!ok) ctx.fail("a sequence holds tensors of one element type and rank; got " + type_str(a) + " and " + type_str(b));
  return t;
}

std::vector<Expr> sequence_empty(NodeContext& ctx) {
  expect_inputs(ctx, 0, 0);
  to_dtype(int(ctx.attr_int("dtype", onnx::TensorProto::FLOAT)), ctx.span());  // checks it; the shape is unknown
  // The element type (its rank) is unknown here; inference takes it from the first insert.
  return {ctx.bind(construct(ctx, "Nil", {}))};
}

std::vector<Expr> sequence_construct(NodeContext& ctx) {
  expect_inputs(ctx, 1, -1);
  Type elem;
  for (size_t i = 0; i < ctx.num_inputs(); ++i) elem = joined(ctx, elem, ctx.input_type(i));
  Expr list = construct(ctx, "Nil", {});
  for (size_t i = ctx.num_inputs(); i-- > 0;) list = construct(ctx, "Cons", {widen(ctx, ctx.input(i), elem), list});
  return {ctx.graph().bind(list, output_hint(ctx), ctx.span(), list_of(elem))};
}

std::vector<Expr> sequence_insert(NodeContext& ctx) {
  expect_inputs(ctx, 2, 3);
  Type elem;
  Expr seq = sequence_input(ctx, 0, &elem);
  Type target = joined(ctx, elem, ctx.input_type(1));
  seq = widen_list(ctx, seq, elem, target);
  Expr value = widen(ctx, ctx.input(1), target);
  Expr at = ctx.has_input(2) ? position(ctx, seq, 2) : length(ctx, seq);
  return {call_global(ctx, "seq_insert", {seq, at, value}, list_of(target))};
}

std::vector<Expr> sequence_at(NodeContext& ctx) {
  expect_inputs(ctx, 2, 2);
  Type elem;
  Expr seq = sequence_input(ctx, 0, &elem);
  return {call_global(ctx, "seq_at", {seq, position(ctx, seq, 1)}, elem)};
}

std::vector<Expr> sequence_erase(NodeContext& ctx) {
  expect_inputs(ctx, 1, 2);
  Type elem;
  Expr seq = sequence_input(ctx, 0, &elem);
  Expr at = ctx.has_input(1) ? position(ctx, seq, 1) : ctx.op("sub", {length(ctx, seq), ctx.i64_scalar(1)});
  return {call_global(ctx, "seq_erase", {seq, at}, list_of(elem))};
}

std::vector<Expr> sequence_length(NodeContext& ctx) {
  expect_inputs(ctx, 1, 1);
  Type elem;
  return {length(ctx, sequence_input(ctx, 0, &elem))};
}

std::vector<Expr> concat_from_sequence(NodeContext& ctx) {
  expect_inputs(ctx, 1, 1);
  Type elem;
  Expr seq = sequence_input(ctx, 0, &elem);
  auto t = as_ranked(elem);
  if (!t) ctx.fail("the element type (its rank) of the sequence is not known at import time");
  bool new_axis = ctx.attr_int("new_axis", 0) != 0;
  int axis = normalize_axis(ctx, ctx.attr_int("axis"), t->rank(), new_axis, "axis");
  Shape shape = t->shape;
  if (new_axis) shape.insert(shape.begin() + axis, Dim::unknown());
  else shape[size_t(axis)] = Dim::unknown();
  std::string fn = list_concat_function(ctx.graph().module(), t->dtype, t->rank(), axis, new_axis, false, false);
  return {call_global(ctx, fn, {seq}, tensor_type(t->dtype, shape), true)};
}

std::vector<Expr> split_to_sequence(NodeContext& ctx) {
  expect_inputs(ctx, 1, 2);
  Expr x = ctx.input(0);
  auto t = as_ranked(ctx.input_type(0));
  if (!t) ctx.fail("the type (its rank) of input 0 is not known at import time");
  int axis = normalize_axis(ctx, ctx.attr_int("axis", 0), t->rank(), false, "axis");
  bool keep = ctx.attr_int("keepdims", 1) != 0;
  Expr starts, ends;
  if (!ctx.has_input(1)) {  // pieces of size 1
    Expr d = dim_size(ctx, 0, axis);
    starts = ctx.op("range", {ctx.i64_scalar(0), d, ctx.i64_scalar(1)});
    ends = ctx.op("add", {starts, ctx.i64_scalar(1)});
  } else if (auto st = as_ranked(ctx.input_type(1)); st && st->rank() == 0) {  // pieces of that size, the last smaller
    keep = true;
    Expr size = scalar_input(ctx, 1, DType::I64, "split");
    Expr d = dim_size(ctx, 0, axis);
    starts = ctx.op("range", {ctx.i64_scalar(0), d, size});
    ends = ctx.op("minimum", {ctx.op("add", {starts, size}), d});
  } else {  // the sizes of the pieces
    keep = true;
    Expr sizes = ctx.input(1);
    DType dt = ctx.input_dtype(1);
    if (dt != DType::I64 && dt != DType::I32) ctx.fail(Msg() << "split (input 1) must be i32 or i64, got " << dtype_name(dt));
    if (ctx.input_rank(1) != 1) ctx.fail("split (input 1) must be a scalar or a 1-D tensor");
    if (dt == DType::I32) sizes = ctx.op("cast", {sizes}, {{"to", DType::I64}});
    ends = ctx.op("cumsum", {sizes}, {{"axis", int64_t(0)}});
    starts = ctx.op("sub", {ends, sizes});
  }
  Expr last = ctx.op("sub", {ctx.op("size", {starts}), ctx.i64_scalar(1)});
  Shape shape = t->shape;
  if (keep) shape[size_t(axis)] = Dim::unknown();
  else shape.erase(shape.begin() + axis);
  std::string fn = list_split_function(ctx.graph().module(), t->dtype, t->rank(), axis, keep);
  return {call_global(ctx, fn, {x, starts, ends, last, construct(ctx, "Nil", {})}, list_of(tensor_type(t->dtype, shape)), true)};
}

std::vector<Expr> optional(NodeContext& ctx) {
  expect_inputs(ctx, 0, 1);
  if (ctx.has_input(0)) {
    Type t = ctx.input_type(0);
    return {ctx.graph().bind(construct(ctx, "Some", {ctx.input(0)}), output_hint(ctx), ctx.span(), t ? adt_type("Option", {t}) : nullptr)};
  }
  const onnx::AttributeProto* type_attr = ctx.find_attr("type");
  if (!type_attr || !type_attr->has_tp()) ctx.fail("bad attribute 'type': an Optional without input needs the element type");
  Type elem = to_type(type_attr->tp(), ctx.span());
  if (!elem) ctx.fail("bad attribute 'type': the element type has no shape");
  // Annotated: nothing else tells inference what None holds.
  return {ctx.graph().bind(construct(ctx, "None", {}), output_hint(ctx), ctx.span(), adt_type("Option", {elem}), true)};
}

// Opset 18 lets these take a plain tensor or sequence too; then it is simply present.
std::vector<Expr> optional_has_element(NodeContext& ctx) {
  expect_inputs(ctx, 1, 1);
  Type t = ctx.input_type(0);
  if (t && !elem_type(t, "Option")) return {ctx.constant(Tensor::scalar<bool>(true))};
  Module& m = ctx.graph().module();
  Expr yes = make_constant(Tensor::scalar<bool>(true), ctx.span()), no = make_constant(Tensor::scalar<bool>(false), ctx.span());
  Expr match = make_match(ctx.input(0),
                          {{pattern_constructor(m.constructor("Some"), {pattern_wildcard()}), yes},
                           {pattern_constructor(m.constructor("None"), {}), no}},
                          ctx.span());
  return {ctx.graph().bind(match, output_hint(ctx), ctx.span(), scalar_type(DType::Bool))};
}

std::vector<Expr> optional_get_element(NodeContext& ctx) {
  expect_inputs(ctx, 1, 1);
  Type t = ctx.input_type(0);
  if (t && !elem_type(t, "Option")) return {ctx.input(0)};
  Var x = make_var("elem", nullptr, ctx.span());
  // No clause for None: getting the element of an empty optional fails at run time.
  Expr match = make_match(ctx.input(0), {{pattern_constructor(ctx.graph().module().constructor("Some"), {pattern_var(x)}), x}},
                          ctx.span());
  return {ctx.graph().bind(match, output_hint(ctx), ctx.span(), elem_type(t, "Option"))};
}

// SequenceMap runs its body once per element of the first input: it becomes a Loop over
// that length whose body takes element i of each sequence input (tensor inputs as they
// are), runs the map body inline, and inserts each result into a carried sequence that
// starts empty. Names the rewrite adds start with a prefix no model uses.
onnx::NodeProto* add_node(onnx::GraphProto& g, const std::string& op, std::vector<std::string> ins, const std::string& out) {
  onnx::NodeProto* n = g.add_node();
  n->set_op_type(op);
  for (auto& i : ins) n->add_input(i);
  n->add_output(out);
  return n;
}

std::vector<Expr> sequence_map(NodeContext& ctx) {
  expect_inputs(ctx, 1, -1);
  const onnx::GraphProto& body = ctx.attr_graph("body");
  if (body.input_size() != int(ctx.num_inputs()))
    ctx.fail(Msg() << "the body takes " << body.input_size() << " inputs; the node has " << ctx.num_inputs());
  if (ctx.num_outputs() != size_t(body.output_size()))
    ctx.fail(Msg() << "wrong arity: the node has " << ctx.num_outputs() << " outputs, the body gives " << body.output_size());
  GraphBuilder& g = ctx.graph();
  std::string tag = "__" + g.state().fresh_global("sequence_map");
  Type elem;
  g.define(tag + "_n", length(ctx, sequence_input(ctx, 0, &elem)));

  onnx::GraphProto items;
  items.set_name((body.name().empty() ? output_hint(ctx) : body.name()) + " (per element)");
  items.add_input()->set_name(tag + "_i");
  items.mutable_input(0)->mutable_type()->mutable_tensor_type()->set_elem_type(onnx::TensorProto::INT64);
  items.mutable_input(0)->mutable_type()->mutable_tensor_type()->mutable_shape();
  items.add_input()->set_name(tag + "_cond");
  onnx::NodeProto loop;
  loop.set_op_type("Loop");
  loop.set_name(ctx.node().name());
  loop.add_input(tag + "_n");
  loop.add_input("");
  for (size_t k = 0; k < ctx.num_outputs(); ++k) {
    std::string acc = tag + "_acc" + std::to_string(k);
    g.define(acc, ctx.bind(construct(ctx, "Nil", {})));
    loop.add_input(acc);
    items.add_input()->set_name(acc + "_in");
    loop.add_output(ctx.node().output(int(k)));
  }
  for (size_t j = 0; j < ctx.num_inputs(); ++j) {
    Type t = ctx.input_type(j);
    std::string in = ctx.node().input(int(j));
    if (j == 0 || elem_type(t, "List")) in = add_node(items, "SequenceAt", {in, tag + "_i"}, tag + "_e" + std::to_string(j))->output(0);
    // A body input named like the outer value it receives already sees it (an Identity
    // from a name to itself would read its own output).
    if (in != body.input(int(j)).name()) add_node(items, "Identity", {in}, body.input(int(j)).name());
  }
  for (auto& n : body.node()) *items.add_node() = n;
  for (auto& init : body.initializer()) *items.add_initializer() = init;
  add_node(items, "Identity", {tag + "_cond"}, tag + "_cond_out");
  items.add_output()->set_name(tag + "_cond_out");
  for (size_t k = 0; k < ctx.num_outputs(); ++k) {
    std::string acc = tag + "_acc" + std::to_string(k);
    add_node(items, "SequenceInsert", {acc + "_in", body.output(int(k)).name()}, acc + "_out");
    items.add_output()->set_name(acc + "_out");
  }
  auto* attr = loop.add_attribute();
  attr->set_name("body");
  attr->set_type(onnx::AttributeProto::GRAPH);
  *attr->mutable_g() = items;
  const Converter* convert_loop = ConverterTable::global().find("", "Loop");
  WEFT_ASSERT(convert_loop, "no Loop converter");
  NodeContext loop_ctx(loop, ctx.opset(), g, ctx.span());
  return (*convert_loop)(loop_ctx);
}

}  // namespace

void register_sequence_converters(ConverterTable& table) {
  table.add("SequenceMap", sequence_map);
  table.add("SequenceEmpty", sequence_empty);
  table.add("SequenceConstruct", sequence_construct);
  table.add("SequenceInsert", sequence_insert);
  table.add("SequenceAt", sequence_at);
  table.add("SequenceErase", sequence_erase);
  table.add("SequenceLength", sequence_length);
  table.add("ConcatFromSequence", concat_from_sequence);
  table.add("SplitToSequence", split_to_sequence);
  table.add("Optional", optional);
  table.add("OptionalHasElement", optional_has_element);
  table.add("OptionalGetElement", optional_get_element);
}

}  // namespace weft::onnx_import
