// fuse_ops_epilogue_compiled_test.cpp - conv/gemm/matmul groups compiled as one kernel call with an epilogue give the interpreter's outputs.
#include <gtest/gtest.h>

#include "tests/support/TestSupport.h"

#include "CompiledChecks.h"
#include "codegen/cpu/EmitCpu.h"
#include "opt/FuseOps.h"
#include "opt/Pipelines.h"

namespace weft::testing {
namespace {

// The -O2 pipeline, its epilogue groups counted, each one kernel call taking the epilogue in
// the generated source, and the library loaded. The interpreter runs the module before the passes.
struct Epilogued {
  Module before, after;
  std::string source;
  std::unique_ptr<CompiledModel> lib;
  Epilogued(const std::string& text, const std::string& name, int epilogues) : before(parse_checked(text)) {
    after = run_pipeline(before, 2, PassContext{});
    const KernelCount k = count_kernels(after);
    EXPECT_EQ(k.epilogue_groups, epilogues);
    EXPECT_EQ(k.separate_epilogues, 0);
    source = codegen::emit_cpu(after, name).source;
    EXPECT_EQ(count_of(source, "const weft_rt::Epilogue<"), size_t(epilogues)) << source;
    EXPECT_EQ(count_of(source, ", epi);\n"), size_t(epilogues)) << source;  // the anchor's kernel takes it
    lib = std::make_unique<CompiledModel>(after, name);
  }
};

// Float sums in another order than the interpreter's direct loops.
constexpr Rtol kGemmTol{1e-4, 1e-5, 1e-9};

// conv + bias + relu + residual: the tiled GEMM path (3x3, several K blocks with 32 input
// channels), the 1x1 path that multiplies the image directly, and the single-position path
// (h = 1) that applies it after its own loop; sizes that split over threads.
TEST(FuseOpsEpilogueCompiled, ConvBiasReluResidual) {
  Epilogued f(R"(
def @main(%x: f32[n, c, h, h], %w: f32[m, c, 3, 3], %b: f32[m], %r: f32[n, m, h, h], %w1: f32[m, c, 1, 1]) -> (f32[n, m, h, h], f32[n, m, h, h]) {
  (relu(add(conv(%x, %w, %b, pads=[1, 1, 1, 1]), %r)), add(relu(conv(%x, %w1, %b)), %r))
})", "epilogue_conv_paths", 2);
  for (auto [n, c, h, m] : std::vector<std::array<int64_t, 4>>{{1, 3, 8, 4}, {2, 32, 9, 20}, {1, 5, 1, 7}, {1, 16, 30, 24}})
    expect_same(f.before, *f.lib,
                {random_tensor(DType::F32, {n, c, h, h}, 1), random_tensor(DType::F32, {m, c, 3, 3}, 2), random_tensor(DType::F32, {m}, 3),
                 random_tensor(DType::F32, {n, m, h, h}, 4), random_tensor(DType::F32, {m, c, 1, 1}, 5)},
                "n=" + std::to_string(n) + " c=" + std::to_string(c) + " h=" + std::to_string(h) + " m=" + std::to_string(m), kGemmTol);
}

// A depthwise conv (its direct kernel) and a per-channel [C, 1, 1] operand read through
// broadcast strides, with hard_swish.
TEST(FuseOpsEpilogueCompiled, DepthwiseWithPerChannelScale) {
  Epilogued f(R"(
def @main(%x: f32[n, 6, h, h], %wd: f32[6, 1, 3, 3], %s: f32[6, 1, 1], %t: f32[6, 1, 1]) -> f32[n, 6, h, h] {
  hard_swish(add(mul(conv(%x, %wd, pads=[1, 1, 1, 1], groups=6), %s), %t))
})", "epilogue_depthwise", 1);
  for (auto [n, h] : std::vector<std::array<int64_t, 2>>{{1, 5}, {3, 12}})
    expect_same(f.before, *f.lib,
                {random_tensor(DType::F32, {n, 6, h, h}, 1), random_tensor(DType::F32, {6, 1, 3, 3}, 2), random_tensor(DType::F32, {6, 1, 1}, 3),
                 random_tensor(DType::F32, {6, 1, 1}, 4)},
                "n=" + std::to_string(n) + " h=" + std::to_string(h), kGemmTol);
}

// gemm + gelu: alpha and beta * c applied in the tiles ahead of the tree, few rows (the
// unpacked small-matrix path) and many (the tiled path), c per column and per element.
TEST(FuseOpsEpilogueCompiled, GemmGelu) {
  Epilogued f(R"(
def @main(%x: f32[n, k], %w: f32[d, k], %b: f32[d], %c: f32[n, d]) -> (f32[n, d], f32[n, d], f32[n, d]) {
  (gelu(gemm(%x, %w, %b, trans_b=true)),
   tanh(gemm(%x, %w, %c, alpha=0.5, beta=2, trans_b=true)),
   mul(gelu(gemm(%x, %w, trans_b=true)), %c))
})", "epilogue_gemm", 3);
  for (auto [n, k, d] : std::vector<std::array<int64_t, 3>>{{1, 8, 16}, {3, 40, 33}, {70, 300, 50}})
    expect_same(f.before, *f.lib,
                {random_tensor(DType::F32, {n, k}, 1), random_tensor(DType::F32, {d, k}, 2), random_tensor(DType::F32, {d}, 3),
                 random_tensor(DType::F32, {n, d}, 4)},
                "n=" + std::to_string(n) + " k=" + std::to_string(k) + " d=" + std::to_string(d), kGemmTol);
}

// Batched matmul + a bias along the rows + a residual, inside a loop body; f64 too.
TEST(FuseOpsEpilogueCompiled, MatmulBiasResidualInALoop) {
  Epilogued f(R"(
def @loop(%i: i64[], %n: i64[], %h: f32[b, s, 8], %w: f32[8, 8], %bias: f32[8]) -> f32[b, s, 8] {
  if (less(%i, %n)) { @loop(add(%i, 1i64), %n, tanh(add(add(matmul(%h, %w), %bias), %h)), %w, %bias) } else { %h }
}
def @main(%x: f32[b, s, 8], %w: f32[8, 8], %bias: f32[8], %n: i64[], %y: f64[s, 5], %v: f64[5, 5]) -> (f32[b, s, 8], f64[s, 5]) {
  (@loop(0i64, %n, %x, %w, %bias), sigmoid(matmul(%y, %v)))
})", "epilogue_matmul", 2);
  for (auto [b, s] : std::vector<std::array<int64_t, 2>>{{1, 1}, {2, 7}, {4, 40}})
    expect_same(f.before, *f.lib,
                {random_tensor(DType::F32, {b, s, 8}, 1), random_tensor(DType::F32, {8, 8}, 2), random_tensor(DType::F32, {8}, 3),
                 Tensor::scalar<int64_t>(3), random_tensor(DType::F64, {s, 5}, 4), random_tensor(DType::F64, {5, 5}, 5)},
                "b=" + std::to_string(b) + " s=" + std::to_string(s), kGemmTol);
}

// Broadcast operands found per tile and stepped from row to row (FusedSpans::tile): a
// per-row [s, 1] and a per-channel [m, 1, 1] operand across batches (the step wraps from the
// last row or channel of one batch to the first of the next), and a [s, d] operand shared by
// the batches, whose merged run holds several GEMM rows (the per-row path).
TEST(FuseOpsEpilogueCompiled, BroadcastOperandsSteppedAcrossTileRows) {
  Epilogued f(R"(
def @main(%h: f32[b, s, k], %w: f32[k, d], %p: f32[s, d], %q: f32[s, 1], %x: f32[b, c, 7, 7], %wc: f32[m, c, 3, 3], %sc: f32[m, 1, 1],
          %w2: f32[k, d]) -> (f32[b, s, d], f32[b, s, d], f32[b, m, 7, 7]) {
  (add(mul(matmul(%h, %w), %q), %p), sub(matmul(%h, %w2), %p), relu(mul(conv(%x, %wc, pads=[1, 1, 1, 1]), %sc)))
})", "epilogue_tile_steps", 3);
  for (auto [b, s, k, d, c, m] : std::vector<std::array<int64_t, 6>>{{1, 1, 4, 3, 2, 3}, {3, 13, 20, 37, 5, 19}, {2, 40, 64, 70, 16, 33}})
    expect_same(f.before, *f.lib,
                {random_tensor(DType::F32, {b, s, k}, 1), random_tensor(DType::F32, {k, d}, 2), random_tensor(DType::F32, {s, d}, 3),
                 random_tensor(DType::F32, {s, 1}, 4), random_tensor(DType::F32, {b, c, 7, 7}, 5), random_tensor(DType::F32, {m, c, 3, 3}, 6),
                 random_tensor(DType::F32, {m, 1, 1}, 7), random_tensor(DType::F32, {k, d}, 8)},
                "b=" + std::to_string(b) + " s=" + std::to_string(s) + " d=" + std::to_string(d) + " m=" + std::to_string(m), kGemmTol);
}

}  // namespace
}  // namespace weft::testing
