// gradient_test.cpp - `Gradient` (opt/Gradient.h) on small programs with loops, branches, closures, lists and
// references: the gradient program, before and after the cleanup passes, run in the interpreter against
// central finite differences of the original program (f64).
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "ir/Interpreter.h"
#include "ir/Parser.h"
#include "ir/Printer.h"
#include "ir/TypeInference.h"
#include "opt/Gradient.h"
#include "opt/Pass.h"

namespace weft {
namespace {

// Uniform values in [-1, 1] (or [lo, hi]) for a static f64 tensor type.
Tensor random_tensor(const Type& t, std::mt19937& rng, double lo = -1, double hi = 1) {
  const TensorTypeNode* tt = as_tensor(t);
  std::vector<int64_t> shape;
  for (const Dim& d : tt->shape) shape.push_back(d.value());
  Tensor out(DType::F64, shape);
  std::uniform_real_distribution<double> u(lo, hi);
  for (int64_t i = 0; i < out.numel(); ++i) out.data<double>()[i] = u(rng);
  return out;
}

std::vector<Value> outputs_of(const Value& v) {
  if (const auto* tup = value_as<TupleValueNode>(v)) return tup->fields;
  return {v};
}

double dot(const Tensor& a, const Tensor& b) {
  double s = 0;
  for (int64_t i = 0; i < a.numel(); ++i) s += a.data<double>()[i] * b.data<double>()[i];
  return s;
}

// Differentiates `text`'s @main with respect to every f64 input, runs the gradient program on
// `inputs` (non-f64 inputs given as they are) and random cotangents, and compares every
// gradient element with central differences of sum_k <cotangent_k, output_k>.
void check_gradient(const std::string& text, const std::vector<Value>& inputs, bool cleanup) {
  Module m = parse_module(text, "gradient_test.weft");
  infer_types(m);
  Module g = Gradient(m, GradientOptions{});
  if (cleanup) g = run_passes(g, gradient_cleanup_passes(), PassContext{});
  // The gradient program prints and parses back.
  Module again = parse_module(print_module(g), "printed.weft");
  infer_types(again);

  std::mt19937 rng(7);
  const Value forward = run_main(m, inputs);
  std::vector<Tensor> cts;
  std::vector<Value> args = inputs;
  for (const Value& o : outputs_of(forward)) {
    const Tensor& t = value_tensor(o);
    if (t.dtype() != DType::F64) continue;
    Tensor ct(DType::F64, t.shape());
    std::uniform_real_distribution<double> u(-1, 1);
    for (int64_t i = 0; i < ct.numel(); ++i) ct.data<double>()[i] = u(rng);
    cts.push_back(ct);
    args.push_back(tensor_value(ct));
  }
  const std::vector<Value> got = outputs_of(run_main(g, args));
  const std::vector<Value> outs = outputs_of(forward);
  ASSERT_EQ(got.size(), outs.size() + [&] {
    size_t n = 0;
    for (const Value& v : inputs) n += value_as<TensorValueNode>(v) && value_tensor(v).dtype() == DType::F64;
    return n;
  }());
  // The outputs come first, unchanged.
  for (size_t k = 0; k < outs.size(); ++k)
    EXPECT_TRUE(value_tensor(got[k]).identical(value_tensor(outs[k]))) << "output " << k;

  Interpreter interp(m);
  auto objective = [&](const std::vector<Value>& xs) {
    double s = 0;
    size_t c = 0;
    for (const Value& o : outputs_of(interp.call("main", xs)))
      if (value_tensor(o).dtype() == DType::F64) s += dot(value_tensor(o), cts[c++]);
    return s;
  };
  size_t next = outs.size();
  for (size_t i = 0; i < inputs.size(); ++i) {
    if (!value_as<TensorValueNode>(inputs[i]) || value_tensor(inputs[i]).dtype() != DType::F64) continue;
    const Tensor& x = value_tensor(inputs[i]);
    const Tensor& grad = value_tensor(got[next++]);
    ASSERT_EQ(grad.shape(), x.shape()) << "gradient of input " << i;
    for (int64_t e = 0; e < x.numel(); ++e) {
      const double h = 1e-6;
      std::vector<Value> plus = inputs, minus = inputs;
      Tensor xp = x.clone(), xm = x.clone();
      xp.data<double>()[e] += h;
      xm.data<double>()[e] -= h;
      plus[i] = tensor_value(xp);
      minus[i] = tensor_value(xm);
      const double want = (objective(plus) - objective(minus)) / (2 * h);
      EXPECT_NEAR(grad.data<double>()[e], want, 1e-5 * std::max(1.0, std::fabs(want))) << "d/d input " << i << "[" << e << "]";
    }
  }
}

class GradientPrograms : public ::testing::TestWithParam<bool> {};

// A tail-recursive loop whose trip count is an input: x^n * w, for n = 0 (no iteration), 1, 3.
const char* kLoop = R"(
def @power(%x: f64[3], %n: i64[], %acc: f64[3]) -> f64[3] {
  if (less_equal(%n, 0i64)) { %acc } else { @power(%x, sub(%n, 1i64), mul(%acc, %x)) }
}
def @main(%x: f64[3], %w: f64[3], %n: i64[]) -> f64[3] {
  @power(%x, %n, %w)
}
)";

TEST_P(GradientPrograms, LoopWithDataDependentTripCount) {
  std::mt19937 rng(1);
  const Type t = tensor_type(DType::F64, {Dim(3)});
  for (int64_t n : {0, 1, 3}) {
    SCOPED_TRACE("n = " + std::to_string(n));
    check_gradient(kLoop, {tensor_value(random_tensor(t, rng)), tensor_value(random_tensor(t, rng)), scalar_value<int64_t>(n)},
                   GetParam());
  }
}

// A branch on data, both ways, with broadcasting and a reduction inside.
const char* kBranch = R"(
def @main(%x: f64[2, 3], %b: f64[3]) -> (f64[2, 3], f64[]) {
  let %s = reduce_sum(%x, keepdims=false);
  let %y = if (greater(%s, 0f64)) { tanh(add(%x, %b)) } else { mul(exp(%x), %b) };
  (%y, reduce_mean(mul(%y, %y), keepdims=false))
}
)";

TEST_P(GradientPrograms, BranchBothWays) {
  std::mt19937 rng(2);
  const Type x = tensor_type(DType::F64, {Dim(2), Dim(3)}), b = tensor_type(DType::F64, {Dim(3)});
  check_gradient(kBranch, {tensor_value(random_tensor(x, rng, 0.1, 1)), tensor_value(random_tensor(b, rng))}, GetParam());
  check_gradient(kBranch, {tensor_value(random_tensor(x, rng, -1, -0.1)), tensor_value(random_tensor(b, rng))}, GetParam());
}

// A closure capturing a differentiated value, called twice; a value used several times.
const char* kClosure = R"(
def @main(%x: f64[4], %w: f64[4]) -> f64[] {
  let %f = fn (%a: f64[4]) -> f64[4] { sigmoid(mul(%a, %w)) };
  let %y = %f(%f(%x));
  reduce_sum(mul(%y, %x), keepdims=false)
}
)";

TEST_P(GradientPrograms, ClosureCalledTwice) {
  std::mt19937 rng(3);
  const Type t = tensor_type(DType::F64, {Dim(4)});
  check_gradient(kClosure, {tensor_value(random_tensor(t, rng)), tensor_value(random_tensor(t, rng))}, GetParam());
}

// A loop that grows a list, a recursive function that folds it with match, and a reference
// accumulating through writes.
const char* kListAndRef = R"(
def @build(%x: f64[2], %n: i64[], %acc: List[f64[2]]) -> List[f64[2]] {
  if (less_equal(%n, 0i64)) { %acc } else { @build(mul(%x, 1.5f64), sub(%n, 1i64), Cons(sin(%x), %acc)) }
}
def @total(%xs: List[f64[2]], %r: Ref[f64[2]]) -> () {
  match (%xs) {
    Cons(%h, %t) => { let %_ = ref_write(%r, add(ref_read(%r), mul(%h, %h))); @total(%t, %r) },
    Nil => (),
  }
}
def @main(%x: f64[2], %n: i64[]) -> f64[2] {
  let %r = ref_new(%x);
  let %_ = @total(@build(%x, %n, Nil), %r);
  ref_read(%r)
}
)";

TEST_P(GradientPrograms, ListsMatchAndReferences) {
  std::mt19937 rng(4);
  const Type t = tensor_type(DType::F64, {Dim(2)});
  for (int64_t n : {0, 2, 4}) {
    SCOPED_TRACE("n = " + std::to_string(n));
    check_gradient(kListAndRef, {tensor_value(random_tensor(t, rng)), scalar_value<int64_t>(n)}, GetParam());
  }
}

// A small network: matmul, softmax, layer norm, through a loop of residual steps.
const char* kNetwork = R"(
def @steps(%h: f64[2, 4], %w: f64[4, 4], %g: f64[4], %n: i64[]) -> f64[2, 4] {
  if (less_equal(%n, 0i64)) { %h } else {
    let %z = layer_norm(add(%h, tanh(matmul(%h, %w))), %g, axis=-1);
    @steps(%z, %w, %g, sub(%n, 1i64))
  }
}
def @main(%x: f64[2, 4], %w: f64[4, 4], %g: f64[4], %n: i64[]) -> f64[2, 4] {
  log_softmax(@steps(%x, %w, %g, %n), axis=1)
}
)";

TEST_P(GradientPrograms, ResidualLoopWithMatmulAndNorms) {
  std::mt19937 rng(5);
  const Type x = tensor_type(DType::F64, {Dim(2), Dim(4)}), w = tensor_type(DType::F64, {Dim(4), Dim(4)}),
             g = tensor_type(DType::F64, {Dim(4)});
  for (int64_t n : {0, 2}) {
    SCOPED_TRACE("n = " + std::to_string(n));
    check_gradient(kNetwork, {tensor_value(random_tensor(x, rng)), tensor_value(random_tensor(w, rng)),
                              tensor_value(random_tensor(g, rng)), scalar_value<int64_t>(n)},
                   GetParam());
  }
}

INSTANTIATE_TEST_SUITE_P(Cleanup, GradientPrograms, ::testing::Bool(),
                         [](const ::testing::TestParamInfo<bool>& info) { return info.param ? "cleaned" : "raw"; });

Module parsed(const char* text) {
  Module m = parse_module(text, "gradient_test.weft");
  infer_types(m);
  return m;
}

TEST(Gradient, WrtNamesAndErrors) {
  Module m = parsed(kLoop);
  Module g = Gradient(m, GradientOptions{{"w"}});
  ASSERT_EQ(g.main()->params.size(), 4u);  // x, w, n, d_output0
  EXPECT_EQ(g.main()->params[3]->name_hint, "d_output0");
  try {
    Gradient(m, GradientOptions{{"nope"}});
    FAIL() << "expected an error";
  } catch (const CompileError& e) {
    EXPECT_NE(std::string(e.what()).find("--wrt nope: @main has no input of that name"), std::string::npos) << e.what();
  }
  try {
    Gradient(m, GradientOptions{{"n"}});
    FAIL() << "expected an error";
  } catch (const CompileError& e) {
    EXPECT_NE(std::string(e.what()).find("not a floating-point tensor"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace weft
