// KnownElements.cpp - the known elements of Shape, Gather, Slice, Concat and Cast results on partly static shapes.
#include "importers/onnx/converters/KnownElements.h"

#include <algorithm>

#include "importers/onnx/GraphBuilder.h"
#include "importers/onnx/converters/ConverterHelpers.h"

namespace weft::onnx_import {

namespace {

// Input i's elements when it is a 1-D i64 value with some known: all of a constant, the
// recorded ones of any other value.
std::optional<KnownElements> input_elements(NodeContext& ctx, size_t i) {
  if (!ctx.has_input(i)) return std::nullopt;
  if (const Tensor* c = ctx.input_constant(i)) {
    if (c->dtype() != DType::I64 || c->rank() != 1) return std::nullopt;
    KnownElements out;
    for (int64_t v : c->to_int_vector()) out.push_back(v);
    return out;
  }
  const KnownElements& e = ctx.graph().elements_of(ctx.input(i));
  if (e.empty()) return std::nullopt;
  return e;
}

bool any_known(const KnownElements& e) {
  return std::any_of(e.begin(), e.end(), [](const std::optional<int64_t>& v) { return v.has_value(); });
}

bool all_known(const KnownElements& e) {
  return std::all_of(e.begin(), e.end(), [](const std::optional<int64_t>& v) { return v.has_value(); });
}

// Only an axis of a 1-D value (0 or -1) is tracked.
bool first_axis(int64_t axis) { return axis == 0 || axis == -1; }

}  // namespace

Converter with_known_elements(Converter base, KnownRule rule) {
  return [base = std::move(base), rule = std::move(rule)](NodeContext& ctx) -> std::vector<Expr> {
    std::optional<KnownValue> known = rule(ctx);
    if (known && all_known(known->elements)) {
      Ints values;
      for (auto& v : known->elements) values.push_back(*v);
      if (known->scalar) return {ctx.i64_scalar(values.at(0))};
      return {ctx.i64_vector(values)};
    }
    std::vector<Expr> outs = base(ctx);
    if (known && !known->scalar && any_known(known->elements) && !outs.empty() && as<VarNode>(outs[0]))
      ctx.graph().set_elements(outs[0], known->elements);
    return outs;
  };
}

// Shape: the static dims of a ranked input, between `start` and `end` (opset 15).
std::optional<KnownValue> known_shape(NodeContext& ctx) {
  const TensorTypeNode* t = as_ranked(ctx.input_type(0));
  if (!t) return std::nullopt;
  const int64_t rank = int64_t(t->rank());
  auto clamp = [&](int64_t v) { return std::clamp<int64_t>(v < 0 ? v + rank : v, 0, rank); };
  const int64_t start = clamp(ctx.attr_int("start", 0)), end = clamp(ctx.attr_int("end", rank));
  KnownValue out;
  for (int64_t d = start; d < end; ++d) {
    const Dim& dim = t->shape[size_t(d)];
    out.elements.push_back(dim.is_static() ? std::optional<int64_t>(dim.value()) : std::nullopt);
  }
  return out;
}

// Gather along axis 0 of a 1-D value, at constant indices of rank 0 or 1.
std::optional<KnownValue> known_gather(NodeContext& ctx) {
  if (!first_axis(ctx.attr_int("axis", 0))) return std::nullopt;
  std::optional<KnownElements> data = input_elements(ctx, 0);
  const Tensor* indices = ctx.input_constant(1);
  if (!data || !indices || !is_int(indices->dtype()) || indices->rank() > 1) return std::nullopt;
  const int64_t n = int64_t(data->size());
  KnownValue out;
  out.scalar = indices->rank() == 0;
  for (int64_t i : indices->to_int_vector()) {
    if (i < -n || i >= n) return std::nullopt;  // the op reports it
    out.elements.push_back((*data)[size_t(i < 0 ? i + n : i)]);
  }
  return out;
}

// Slice of a 1-D value with constant bounds (attributes before opset 10, inputs from it).
std::optional<KnownValue> known_slice(NodeContext& ctx) {
  std::optional<KnownElements> data = input_elements(ctx, 0);
  if (!data) return std::nullopt;
  std::optional<Ints> starts, ends, axes, steps;
  if (ctx.opset() < 10) {
    starts = ctx.attr_ints("starts");
    ends = ctx.attr_ints("ends");
    if (ctx.has_attr("axes")) axes = ctx.attr_ints("axes");
  } else {
    starts = const_ints(ctx, 1);
    ends = const_ints(ctx, 2);
    if (ctx.has_input(3) && !(axes = const_ints(ctx, 3))) return std::nullopt;
    if (ctx.has_input(4) && !(steps = const_ints(ctx, 4))) return std::nullopt;
  }
  if (!starts || !ends || starts->size() != 1 || ends->size() != 1) return std::nullopt;
  if (axes && (axes->size() != 1 || !first_axis((*axes)[0]))) return std::nullopt;
  const int64_t step = steps ? (steps->size() == 1 ? (*steps)[0] : 0) : 1;
  if (step == 0) return std::nullopt;
  // ONNX's clamping: into [0, n] going forward, [-1, n - 1] going backward.
  const int64_t n = int64_t(data->size());
  auto bound = [&](int64_t v) {
    if (v < 0) v += n;
    return step > 0 ? std::clamp<int64_t>(v, 0, n) : std::clamp<int64_t>(v, -1, n - 1);
  };
  const int64_t start = bound((*starts)[0]), end = bound((*ends)[0]);
  KnownValue out;
  for (int64_t i = start; step > 0 ? i < end : i > end; i += step) out.elements.push_back((*data)[size_t(i)]);
  return out;
}

// Concat along axis 0 of 1-D values that each have some known elements (or are constants).
std::optional<KnownValue> known_concat(NodeContext& ctx) {
  if (!ctx.has_attr("axis") || !first_axis(ctx.attr_int("axis"))) return std::nullopt;
  KnownValue out;
  for (size_t i = 0; i < ctx.num_inputs(); ++i) {
    std::optional<KnownElements> part = input_elements(ctx, i);
    if (!part) return std::nullopt;
    out.elements.insert(out.elements.end(), part->begin(), part->end());
  }
  return out;
}

// Cast to i64 of an i64 value changes nothing.
std::optional<KnownValue> known_cast(NodeContext& ctx) {
  const onnx::AttributeProto* to = ctx.find_attr("to");
  if (!to || to->type() != onnx::AttributeProto::INT || to->i() != onnx::TensorProto::INT64) return std::nullopt;
  std::optional<KnownElements> data = input_elements(ctx, 0);
  if (!data) return std::nullopt;
  return KnownValue{*data, false};
}

}  // namespace weft::onnx_import
