// fuse_ops_compiled_test.cpp - fused groups compiled for the CPU (one loop nest each) give the interpreter's outputs.
#include <gtest/gtest.h>

#include "tests/support/TestSupport.h"

#include "CompiledChecks.h"
#include "codegen/cpu/EmitCpu.h"
#include "opt/FuseOps.h"
#include "opt/Pipelines.h"

namespace weft::testing {
namespace {

// The -O2 pipeline (fuse-ops among it), its group count checked, and its library loaded. The
// interpreter runs the module before the passes.
struct Fused {
  Module before, after;
  std::string source;
  std::unique_ptr<CompiledModel> lib;
  Fused(const std::string& text, const std::string& name, int groups) : before(parse_checked(text)) {
    after = run_pipeline(before, 2, PassContext{});
    EXPECT_EQ(count_kernels(after).groups, groups);
    source = codegen::emit_cpu(after, name).source;
    EXPECT_EQ(count_of(source, "static weft_rt::Tensor weft_fused_"), size_t(groups)) << source;
    lib = std::make_unique<CompiledModel>(after, name);
  }
};

TEST(FuseOpsCompiled, ChainsBroadcastsAndScalars) {
  Fused f(R"(
def @main(%x: f32[4, 8], %b: f32[8], %c: f32[4, 1], %s: f32[]) -> (f32[4, 8], f32[4, 8], f32[4, 8]) {
  let %y = relu(add(mul(%x, 2f32), %b));
  let %z = tanh(sub(%y, %c));
  let %w = sigmoid(mul(add(%y, %s), %c));
  (%y, %z, %w)
})", "fused_static", 3);
  for (unsigned seed : {1u, 2u})
    expect_same(f.before, *f.lib, {random_tensor(DType::F32, {4, 8}, seed), random_tensor(DType::F32, {8}, seed + 1),
                                   random_tensor(DType::F32, {4, 1}, seed + 2), random_tensor(DType::F32, {}, seed + 3)});
}

TEST(FuseOpsCompiled, SymbolicDimsAndEveryBroadcastForm) {
  Fused f(R"(
def @main(%x: f32[n, c, h, w], %bias: f32[c, 1, 1], %a: f32[n, 1], %b: f32[1, m], %d: f32[n, m]) -> (f32[n, c, h, w], f32[n, m], f32[n, m]) {
  let %y = relu(add(mul(%x, %bias), 0.5f32));
  let %outer = exp(neg(add(%a, %b)));
  let %many = tanh(add(add(add(add(%a, %b), %a), %b), %d));
  (%y, %outer, %many)
})", "fused_symbolic", 3);
  // The second size splits the first group over threads where the pool has several.
  for (auto [n, c, hw, m] : std::vector<std::array<int64_t, 4>>{{1, 3, 5, 1}, {2, 16, 91, 7}, {3, 1, 1, 1}, {0, 2, 3, 4}})
    expect_same(f.before, *f.lib,
                {random_tensor(DType::F32, {n, c, hw, hw}, 1), random_tensor(DType::F32, {c, 1, 1}, 2), random_tensor(DType::F32, {n, 1}, 3),
                 random_tensor(DType::F32, {1, m}, 4), random_tensor(DType::F32, {n, m}, 5)},
                "n=" + std::to_string(n) + " c=" + std::to_string(c) + " hw=" + std::to_string(hw) + " m=" + std::to_string(m));
}

TEST(FuseOpsCompiled, InsideALoopAndABranch) {
  Fused f(R"(
def @loop(%i: i64[], %n: i64[], %h: f32[b, 4], %x: f32[b, 4]) -> f32[b, 4] {
  if (less(%i, %n)) { @loop(add(%i, 1i64), %n, tanh(add(mul(%h, 0.5f32), %x)), %x) } else { %h }
}
def @main(%x: f32[b, 4], %n: i64[], %flag: bool[]) -> f32[b, 4] {
  let %h = @loop(0i64, %n, %x, %x);
  if (%flag) { sigmoid(sub(%h, %x)) } else { %h }
})", "fused_loop", 2);
  for (int64_t b : {1, 5})
    for (int64_t steps : {0, 3})
      for (bool flag : {true, false})
        expect_same(f.before, *f.lib, {random_tensor(DType::F32, {b, 4}, unsigned(b)), Tensor::scalar<int64_t>(steps), Tensor::scalar<bool>(flag)});
}

// Each op's value is rounded to f16 before the next reads it, as the interpreter does: equal.
TEST(FuseOpsCompiled, HalfPrecisionRoundsLikeTheInterpreter) {
  Fused f(R"(
def @main(%x: f16[n, 5], %y: f16[n, 5], %bias: f16[5]) -> f16[n, 5] {
  sigmoid(mul(add(add(%x, %y), %bias), %x))
})", "fused_half", 1);
  for (int64_t n : {1, 9})
    expect_same(f.before, *f.lib, {random_tensor(DType::F16, {n, 5}, 1), random_tensor(DType::F16, {n, 5}, 2), random_tensor(DType::F16, {5}, 3)},
                "", Rtol{1e-5, 0, 1e-5});
}

TEST(FuseOpsCompiled, MixedDtypesCompareAndSelect) {
  Fused f(R"(
def @main(%x: f32[3, 4], %y: f32[4], %k: i64[3, 4]) -> (f32[3, 4], i64[3, 4]) {
  (where(greater(%x, %y), exp(%x), neg(%x)), add(mul(%k, 3i64), neg(%k)))
})", "fused_mixed", 2);
  expect_same(f.before, *f.lib, {random_tensor(DType::F32, {3, 4}, 1), random_tensor(DType::F32, {4}, 2), random_tensor(DType::I64, {3, 4}, 3)});
}

// A fused result read only by a later op call is an intermediate of the memory plan: it is
// written into its frame slot, as an op call's result is.
TEST(FuseOpsCompiled, AFusedIntermediateLivesInTheFrame) {
  Fused f(R"(
def @main(%x: f32[4, 8], %w: f32[8, 8]) -> f32[4, 8] { matmul(relu(add(%x, 1f32)), %w) }
)", "fused_planned", 1);
  EXPECT_EQ(count_of(f.source, ".take(weft_fused_add_relu_0("), 1u) << f.source;
  expect_same(f.before, *f.lib, {random_tensor(DType::F32, {4, 8}, 1), random_tensor(DType::F32, {8, 8}, 2)});
}

TEST(FuseOpsCompiled, ShapesThatDoNotBroadcastFailTheRun) {
  Fused f(R"(
def @main(%x: f32[n], %y: f32[m]) -> f32[n] { neg(exp(add(%x, %y))) }
)", "fused_bad_shapes", 1);
  expect_run_error(f.before, *f.lib, {random_tensor(DType::F32, {3}, 1), random_tensor(DType::F32, {2}, 2)}, "do not broadcast");
}

TEST(FuseOpsCompiled, APrimitiveFunctionThatIsNotOneLoopIsACompileError) {
  Module m = parse_checked(R"(
def @main(%x: f32[4]) -> f32[] {
  (fn (%a: f32[4]) -> f32[] attrs(primitive=1) { reduce_sum(exp(%a), axes=[0], keepdims=false) })(%x)
})");
  try {
    codegen::emit_cpu(m, "not_fusable");
    FAIL() << "expected a CompileError";
  } catch (const CompileError& e) {
    EXPECT_NE(std::string(e.what()).find("cannot be fused into one loop (operator 'reduce_sum' is not elementwise"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace weft::testing
