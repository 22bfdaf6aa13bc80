// KnownElements.h - shape arithmetic on partly static shapes: the elements of a Shape (and of what Gather, Slice, Concat and Cast make of it) known at import time.
//
// `Shape(x)` of an `f32[?, 1]` is not a constant, yet its second element is 1, and exporters
// test exactly such elements (`Shape -> Gather -> Equal -> If`, a squeeze that only happens
// when a dim is 1). Where a branch's rank depends on the test, the If can only be typed once
// the test is decided at import time, so these nodes record which of their result's elements
// are known (ValueFacts::elements), and a node whose result is known element by element
// becomes a constant; Equal and If then fold as they do for any constant.
#pragma once

#include <optional>
#include <vector>

#include "importers/onnx/NodeContext.h"

namespace weft::onnx_import {

using KnownElements = std::vector<std::optional<int64_t>>;

// What a rule knows of a node's output 0: its elements, and whether it is a scalar
// (a Gather with a rank-0 index) rather than a 1-D tensor.
struct KnownValue {
  KnownElements elements;
  bool scalar = false;
};

// What a node makes of its inputs' known elements; nullopt when it knows nothing.
using KnownRule = std::function<std::optional<KnownValue>(NodeContext&)>;

// `base` that first asks `rule`: every element known, the node is an i64 constant; some
// known, base's output 0 carries them for the nodes that read it.
Converter with_known_elements(Converter base, KnownRule rule);

// The rules, on ONNX's semantics of each op (1-D i64 values only).
std::optional<KnownValue> known_shape(NodeContext& ctx);
std::optional<KnownValue> known_gather(NodeContext& ctx);
std::optional<KnownValue> known_slice(NodeContext& ctx);
std::optional<KnownValue> known_concat(NodeContext& ctx);
std::optional<KnownValue> known_cast(NodeContext& ctx);

}  // namespace weft::onnx_import
