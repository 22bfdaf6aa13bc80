// elementwise_dtype_test.cpp - elementwise and reduction ops on bf16/f16 (no NumPy dtype for bf16),
// symbolic-shape type relations and the messages of their errors.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>

#include "ir/OpRegistry.h"

namespace weft {
namespace {

const OpDef& op(const std::string& name) {
  const OpDef* d = OpRegistry::global().find(name);
  if (!d) throw std::runtime_error("operator " + name + " is not registered");
  return *d;
}

std::vector<Tensor> run(const std::string& name, const std::vector<Tensor>& in, const Attrs& attrs = {}) {
  return op(name).kernel(in, normalize_attrs(op(name), attrs, Span{}));
}

Type infer(const std::string& name, const std::vector<Type>& args, const Attrs& attrs = {}) {
  std::vector<ArgInfo> infos;
  for (auto& t : args) infos.push_back({t, nullptr});
  return op(name).type_relation(infos, normalize_attrs(op(name), attrs, Span{}));
}

// The message of the TypeRelationError that `f` throws, or "" if none.
std::string relation_error(const std::function<void()>& f) {
  try {
    f();
  } catch (const TypeRelationError& e) {
    return e.what();
  }
  return "";
}

template <typename H>
Tensor half_tensor(const std::vector<float>& v, std::vector<int64_t> shape) {
  std::vector<H> h(v.begin(), v.end());
  return Tensor::from_vector(h, std::move(shape));
}

// Each element of `got` (a 16-bit float tensor) equals H(ref(float inputs)), within one unit of H.
template <typename H>
void expect_matches(const Tensor& got, const std::vector<float>& ref, double ulp) {
  ASSERT_EQ(got.dtype(), dtype_of<H>::value);
  ASSERT_EQ(size_t(got.numel()), ref.size());
  for (size_t i = 0; i < ref.size(); ++i) {
    float want = float(H(ref[i]));
    float g = float(got.data<H>()[i]);
    if (std::isnan(want)) EXPECT_TRUE(std::isnan(g)) << "element " << i;
    else EXPECT_NEAR(g, want, ulp * std::max(1.0f, std::fabs(want))) << "element " << i;
  }
}

const std::vector<float> kX = {-3.5f, -1.25f, -0.5f, 0.0f, 0.375f, 1.0f, 2.5f, 7.0f};
const std::vector<float> kY = {0.5f, 2.0f, -1.5f, 3.0f};  // broadcast as [4] against [2, 4]

template <typename H>
void check_16bit_paths(double ulp) {
  Tensor x = half_tensor<H>(kX, {2, 4}), y = half_tensor<H>(kY, {4});
  auto unary = [&](const std::string& name, float (*f)(float), const Attrs& attrs = {}) {
    std::vector<float> ref;
    for (float v : kX) ref.push_back(f(float(H(v))));
    SCOPED_TRACE(name);
    expect_matches<H>(run(name, {x}, attrs)[0], ref, ulp);
  };
  unary("exp", [](float v) { return std::exp(v); });
  unary("tanh", [](float v) { return std::tanh(v); });
  unary("sigmoid", [](float v) { return 1.0f / (1.0f + std::exp(-v)); });
  unary("neg", [](float v) { return -v; });
  unary("relu", [](float v) { return v < 0 ? 0.0f : v; });
  unary("gelu", [](float v) { return 0.5f * v * (1.0f + std::erf(v / std::sqrt(2.0f))); });
  unary("leaky_relu", [](float v) { return v < 0 ? 0.1f * v : v; }, {{"alpha", 0.1}});
  unary("round", [](float v) { return std::nearbyint(v); });

  // Binary with broadcasting: [2, 4] op [4].
  auto binary = [&](const std::string& name, float (*f)(float, float)) {
    std::vector<float> ref;
    for (size_t i = 0; i < kX.size(); ++i) ref.push_back(f(float(H(kX[i])), float(H(kY[i % 4]))));
    SCOPED_TRACE(name);
    expect_matches<H>(run(name, {x, y})[0], ref, ulp);
  };
  binary("add", [](float a, float b) { return a + b; });
  binary("mul", [](float a, float b) { return a * b; });
  binary("div", [](float a, float b) { return a / b; });
  binary("maximum", [](float a, float b) { return std::max(a, b); });
  binary("pow", [](float a, float b) { return std::pow(a, b); });

  Tensor lt = run("less", {x, y})[0];
  for (size_t i = 0; i < kX.size(); ++i) EXPECT_EQ(lt.data<bool>()[i], float(H(kX[i])) < float(H(kY[i % 4])));

  // Reductions and axis ops along the last axis.
  std::vector<float> sums(2, 0.0f), soft, cums;
  for (size_t i = 0; i < kX.size(); ++i) sums[i / 4] += float(H(kX[i]));
  for (size_t i = 0; i < kX.size(); ++i) {
    float m = -INFINITY, s = 0;
    for (size_t k = i / 4 * 4; k < i / 4 * 4 + 4; ++k) m = std::max(m, float(H(kX[k])));
    for (size_t k = i / 4 * 4; k < i / 4 * 4 + 4; ++k) s += std::exp(float(H(kX[k])) - m);
    soft.push_back(std::exp(float(H(kX[i])) - m) / s);
    cums.push_back((i % 4 ? cums.back() : 0.0f) + float(H(kX[i])));
  }
  expect_matches<H>(run("reduce_sum", {x}, {{"axes", std::vector<int64_t>{-1}}, {"keepdims", false}})[0], sums, ulp);
  expect_matches<H>(run("softmax", {x})[0], soft, ulp);
  expect_matches<H>(run("cumsum", {x}, {{"axis", int64_t(1)}})[0], cums, ulp);
  Tensor am = run("argmax", {x}, {{"axis", int64_t(1)}, {"keepdims", false}})[0];
  EXPECT_EQ(am.to_int_vector(), (std::vector<int64_t>{3, 3}));

  // cast to and from f32, clip, where.
  Tensor f32 = Tensor::from_vector(kX, {2, 4});
  expect_matches<H>(run("cast", {f32}, {{"to", dtype_of<H>::value}})[0], kX, 0);
  Tensor back = run("cast", {x}, {{"to", DType::F32}})[0];
  for (size_t i = 0; i < kX.size(); ++i) EXPECT_EQ(back.data<float>()[i], float(H(kX[i])));
  std::vector<float> clipped;
  for (float v : kX) clipped.push_back(std::min(std::max(float(H(v)), -1.0f), 2.0f));
  expect_matches<H>(run("clip", {x, Tensor::scalar(H(-1.0f)), Tensor::scalar(H(2.0f))})[0], clipped, 0);
  Tensor cond = Tensor::from_vector(std::vector<bool>{true, false, false, true}, {4});
  std::vector<float> picked;
  for (size_t i = 0; i < kX.size(); ++i) picked.push_back(i % 4 == 0 || i % 4 == 3 ? float(H(kX[i])) : float(H(kY[i % 4])));
  expect_matches<H>(run("where", {cond, x, y})[0], picked, 0);
}

TEST(ElementwiseDtypes, BFloat16ComputesInFloat) { check_16bit_paths<BFloat16>(1.0 / 128); }
TEST(ElementwiseDtypes, HalfComputesInFloat) { check_16bit_paths<Half>(1.0 / 1024); }

// ---- type relations on symbolic and unknown dims ------------------------------------------

Type f32(Shape s) { return tensor_type(DType::F32, std::move(s)); }

TEST(ElementwiseTypes, BroadcastingKeepsSymbols) {
  Dim batch = Dim::symbol("batch"), n = Dim::symbol("n");
  EXPECT_EQ(type_str(infer("add", {f32({batch, 3}), f32({3})})), "f32[batch, 3]");
  EXPECT_EQ(type_str(infer("mul", {f32({batch, 1}), f32({1, n})})), "f32[batch, n]");
  EXPECT_EQ(type_str(infer("sub", {f32({Dim::unknown(), 4}), f32({2, 1, 1})})), "f32[2, ?, 4]");
  EXPECT_EQ(type_str(infer("less", {f32({batch}), f32({})})), "bool[batch]");
  EXPECT_EQ(type_str(infer("where", {tensor_type(DType::Bool, {batch, 1}), f32({n}), f32({})})), "f32[batch, n]");
  EXPECT_EQ(type_str(infer("exp", {f32({batch, Dim::unknown()})})), "f32[batch, ?]");
  EXPECT_EQ(type_str(infer("cast", {f32({batch})}, {{"to", DType::I64}})), "i64[batch]");
  EXPECT_EQ(type_str(infer("prelu", {f32({batch, 3, 8}), f32({3, 1})})), "f32[batch, 3, 8]");
  EXPECT_EQ(type_str(infer("pow", {f32({batch}), tensor_type(DType::I32, {})})), "f32[batch]");
}

TEST(ReductionTypes, AxesDropOrKeepSymbolicDims) {
  Dim batch = Dim::symbol("batch"), n = Dim::symbol("n");
  Type t = f32({batch, n, 4});
  EXPECT_EQ(type_str(infer("reduce_sum", {t}, {{"axes", std::vector<int64_t>{1}}, {"keepdims", false}})), "f32[batch, 4]");
  EXPECT_EQ(type_str(infer("reduce_max", {t}, {{"axes", std::vector<int64_t>{-1, 0}}})), "f32[1, n, 1]");
  EXPECT_EQ(type_str(infer("reduce_mean", {t}, {{"keepdims", false}})), "f32[]");
  EXPECT_EQ(type_str(infer("reduce_l2", {t}, {{"noop_with_empty_axes", true}})), "f32[batch, n, 4]");
  EXPECT_EQ(type_str(infer("argmax", {t}, {{"axis", int64_t(1)}, {"keepdims", false}})), "i64[batch, 4]");
  EXPECT_EQ(type_str(infer("softmax", {t})), "f32[batch, n, 4]");
  EXPECT_EQ(type_str(infer("cumsum", {f32({Dim::unknown(), 2})}, {{"axis", int64_t(0)}})), "f32[?, 2]");
}

TEST(ElementwiseTypes, ErrorsSayExpectedAndFound) {
  auto i64 = tensor_type(DType::I64, {3});
  EXPECT_EQ(relation_error([&] { infer("add", {f32({3}), i64}); }),
            "add: arguments must share one dtype, argument 0 is f32 and argument 1 is i64");
  EXPECT_EQ(relation_error([&] { infer("exp", {i64}); }), "exp: argument 0 must be a floating-point tensor, found i64");
  EXPECT_EQ(relation_error([&] { infer("logical_and", {f32({3}), f32({3})}); }),
            "logical_and: argument 0 must be a bool tensor, found f32");
  EXPECT_EQ(relation_error([&] { infer("bit_shift", {i64, i64}, {{"direction", std::string("left")}}); }),
            "bit_shift: argument 0 must be an unsigned integer tensor, found i64");
  EXPECT_EQ(relation_error([&] { infer("add", {f32({2, 3}), f32({4})}); }), "add: shapes [2, 3] and [4] do not broadcast");
  EXPECT_EQ(relation_error([&] { infer("gelu", {f32({3})}, {{"approximate", std::string("fast")}}); }),
            "gelu: attribute approximate must be \"none\" or \"tanh\", found \"fast\"");
  EXPECT_EQ(relation_error([&] { infer("mod", {i64, i64}, {{"fmod", int64_t(2)}}); }),
            "mod: attribute fmod must be 0 or 1, found 2");
  EXPECT_EQ(relation_error([&] { infer("prelu", {f32({2, 3}), f32({2})}); }),
            "prelu: slope of shape [2] must broadcast to x's shape [2, 3]");
  EXPECT_EQ(relation_error([&] { infer("where", {tensor_type(DType::Bool, {}), f32({}), i64}); }),
            "where: x and y must share one dtype, argument 1 is f32 and argument 2 is i64");
  EXPECT_EQ(relation_error([&] { infer("clip", {f32({3}), f32({2})}); }),
            "clip: bound 1 must be a scalar (or empty for no bound), found shape [2]");
  EXPECT_EQ(relation_error([&] { infer("reduce_sum", {f32({3, 4})}, {{"axes", std::vector<int64_t>{2}}}); }),
            "reduce_sum: axis 2 is out of range for rank 2");
  EXPECT_EQ(relation_error([&] { infer("reduce_sum", {f32({3, 4})}, {{"axes", std::vector<int64_t>{1, -1}}}); }),
            "reduce_sum: axis -1 is listed twice in axes");
  EXPECT_EQ(relation_error([&] { infer("reduce_l2", {i64}); }), "reduce_l2: argument 0 must be a floating-point tensor, found i64");
  EXPECT_EQ(relation_error([&] { infer("softmax", {f32({})}); }), "softmax: axis -1 is out of range for rank 0");
}

TEST(ElementwiseKernels, IntegerDivisionByZeroIsARuntimeError) {
  Tensor a = Tensor::from_vector(std::vector<int32_t>{7, -7}, {2});
  Tensor z = Tensor::from_vector(std::vector<int32_t>{2, 0}, {2});
  EXPECT_THROW(run("div", {a, z}), RuntimeError);
  EXPECT_THROW(run("mod", {a, z}), RuntimeError);
  EXPECT_EQ(run("div", {a, Tensor::scalar(int32_t(2))})[0].to_int_vector(), (std::vector<int64_t>{3, -3}));
  EXPECT_THROW(run("argmax", {Tensor(DType::F32, {2, 0})}, {{"axis", int64_t(1)}}), RuntimeError);
}

}  // namespace
}  // namespace weft
