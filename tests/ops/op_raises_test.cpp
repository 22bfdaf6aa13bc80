// op_raises_test.cpp - the registry's raises_on_values facet: a kernel that raises on values its type relation accepts says so.
//
// Passes drop and share op calls only when the registry says they cannot raise (opt/Purity.h).
// Each row below runs an op's reference kernel on values of well-typed arguments that make it
// raise; the op must then declare OpDef::raises_on_values, or dead-code elimination would
// drop the error with the call.
#include <gtest/gtest.h>

#include "ir/OpRegistry.h"

namespace weft::testing {
namespace {

Tensor i64s(std::vector<int64_t> v) {
  const int64_t n = int64_t(v.size());
  return Tensor::from_vector<int64_t>(v, {n});
}
Tensor f32s(std::vector<float> v) {
  const int64_t n = int64_t(v.size());
  return Tensor::from_vector<float>(v, {n});
}

struct RaisingCall {
  std::string op;
  std::vector<Tensor> inputs;
  Attrs attrs;
};

TEST(OpRegistry, KernelsThatRaiseOnValuesSaySo) {
  const std::vector<RaisingCall> calls = {
      {"div", {Tensor::scalar<int64_t>(1), Tensor::scalar<int64_t>(0)}, {}},
      {"mod", {Tensor::scalar<int64_t>(1), Tensor::scalar<int64_t>(0)}, {}},
      {"gather", {f32s({1, 2}), Tensor::scalar<int64_t>(5)}, {}},
      {"gather_elements", {f32s({1, 2}), i64s({0, 7})}, {}},
      {"scatter_elements", {f32s({1, 2}), i64s({0, 7}), f32s({3, 4})}, {}},
      {"reshape", {f32s({1, 2, 3}), i64s({2})}, {}},
      {"expand", {f32s({1, 2, 3}), i64s({2})}, {}},
      {"range", {Tensor::scalar<int64_t>(0), Tensor::scalar<int64_t>(3), Tensor::scalar<int64_t>(0)}, {}},
      {"one_hot", {i64s({0}), Tensor::scalar<int64_t>(0), f32s({0, 1})}, {}},
      {"topk", {f32s({1, 2, 3}), i64s({5})}, {}},
      {"tile", {f32s({1, 2}), i64s({-1})}, {}},
      {"pad", {f32s({1, 2}), i64s({-2, -1})}, {}},
      {"split", {f32s({1, 2, 3}), i64s({1, 1})}, {}},
  };
  for (const RaisingCall& c : calls) {
    const OpDef* op = OpRegistry::global().find(c.op);
    ASSERT_TRUE(op) << c.op;
    EXPECT_THROW(op->kernel(c.inputs, normalize_attrs(*op, c.attrs, Span{})), RuntimeError) << c.op << " did not raise";
    EXPECT_FALSE(op->raises_on_values.empty()) << c.op << "'s kernel raises on values, but its entry does not say raises_on_values";
  }
}

TEST(OpRegistry, MapsOfFloatsRaiseOnNothing) {
  // The facet is not set everywhere by caution: the arithmetic most models are made of is pure.
  for (const char* name : {"add", "mul", "relu", "exp", "matmul", "conv", "reduce_sum", "concat", "transpose"})
    EXPECT_TRUE(OpRegistry::global().find(name)->raises_on_values.empty()) << name;
}

}  // namespace
}  // namespace weft::testing
