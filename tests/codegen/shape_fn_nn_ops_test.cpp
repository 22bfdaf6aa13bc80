// shape_fn_nn_ops_test.cpp - the nn family's run-time shape functions (OpDef::shape_cpu) in compiled
// code without check_shapes: @main has symbolic dims (batch, spatial, sequence, inner sizes), so
// every conv/pool/norm/matmul/gemm/rnn call sizes its result with its shape function; results are
// compared with the interpreter (f32 rtol 1e-4: blocked GEMM and FMA; f16 rtol 1e-2: one f16 ulp
// after a different summation order), and bad run-time dims fail through the C API naming the op.
#include <gtest/gtest.h>

#include <algorithm>

#include "CompiledChecks.h"
#include "codegen/cpu/EmitCpu.h"

namespace weft::testing {
namespace {

void expect_close(const Module& m, const CompiledModel& lib, const std::vector<Tensor>& inputs, const std::string& what) {
  expect_same(m, lib, inputs, what, Rtol{1e-4, 1e-2, 1e-4});
}

// The generated source (normal mode) calls each of `calls`: the shape functions really run.
void expect_shape_calls(const Module& m, const std::vector<std::string>& calls) {
  const std::string src = codegen::emit_cpu(m, "shape_fn_probe").source;
  for (const std::string& c : calls) EXPECT_NE(src.find("weft_rt::" + c + "("), std::string::npos) << c;
}

Tensor f32(std::vector<int64_t> shape, unsigned seed) { return random_tensor(DType::F32, std::move(shape), seed); }

// ---- conv, conv_transpose, pools, normalizations over [n, 3, h, w] ----

const char* kImage = R"(
def @main(%x: f32[n, 3, h, w], %w: f32[4, 3, 3, 3], %b: f32[4], %wt: f32[4, 2, 2, 3], %s: f32[4], %mu: f32[4],
          %v: f32[4], %ls: f32[w], %xc: f32[n, c, h, w], %b2: f32[2]) {
  let %y = conv(%x, %w, %b, strides=[2, 1], pads=[1, 1, 1, 1]);
  let %r = relu(%y);
  (%y,
   conv_transpose(%r, %wt, %b2, strides=[2, 2], pads=[0, 1, 1, 0], output_padding=[1, 0]),
   conv(%xc, %w, dilations=[1, 2]),
   max_pool(%r, kernel_shape=[2, 3], strides=[2, 2], ceil_mode=true),
   avg_pool(%x, kernel_shape=[3, 2], strides=[1, 2], pads=[1, 0, 1, 1], count_include_pad=true),
   lp_pool(%x, kernel_shape=[2, 2], strides=[2, 2], p=2),
   global_avg_pool(%r), global_max_pool(%x),
   batch_norm(%y, %s, %b, %mu, exp(%v)),
   instance_norm(%y, %s, %b),
   group_norm(%y, %s, %b, num_groups=2),
   lrn(%y, size=3),
   layer_norm(%x, %ls, %ls, axis=-1),
   conv(cast(%x, to=f16), cast(%w, to=f16), pads=[1, 1, 1, 1]))
}
)";

std::vector<Tensor> image_inputs(int64_t n, int64_t c, int64_t h, int64_t w, unsigned s) {
  return {f32({n, 3, h, w}, s), f32({4, 3, 3, 3}, s + 1), f32({4}, s + 2), f32({4, 2, 2, 3}, s + 3), f32({4}, s + 4),
          f32({4}, s + 5),      f32({4}, s + 6),          f32({w}, s + 7), f32({n, c, h, w}, s + 8),
          f32({2}, s + 9)};
}

TEST(ShapeFnNnOps, ConvPoolNormWithSymbolicImageDims) {
  Module m = parse_checked(kImage);
  expect_shape_calls(m, {"conv_output_shape", "conv_transpose_output_shape", "pool_output_shape", "global_pool_output_shape",
                         "batch_norm_output_shape", "instance_norm_output_shape", "group_norm_output_shape",
                         "lrn_output_shape", "layer_norm_output_shape"});
  CompiledModel lib(m, "shape_fn_image");
  for (auto [n, h, w] : {std::array<int64_t, 3>{1, 5, 7}, {2, 8, 6}, {3, 3, 5}, {0, 4, 5}})
    expect_close(m, lib, image_inputs(n, 3, h, w, unsigned(n * 100 + h * 10 + w)),
                "n " + std::to_string(n) + ", h " + std::to_string(h) + ", w " + std::to_string(w));
  // Channels that do not fit the weight, and an image smaller than the dilated kernel.
  expect_run_error(m, lib, image_inputs(2, 4, 5, 7, 1), "conv: weight [4, 3, 3, 3] does not fit x [2, 4, 5, 7]");
  expect_run_error(m, lib, image_inputs(1, 3, 5, 4, 1), "conv: spatial dim 1 of x [1, 3, 5, 4] is smaller than the dilated kernel");
}

// ---- matmul (vectors, broadcast batch dims) and gemm over symbolic sizes ----

const char* kMatmul = R"(
def @main(%a: f32[b, m, k], %bm: f32[q, k, n], %v: f32[k], %p: f32[m, k], %g: f32[n, k], %c: f32[n], %cm: f32[n, 1],
          %i: i64[m, k], %j: i64[k, n], %u: f32[m, kk]) {
  (matmul(%a, %bm), matmul(%v, %bm), matmul(%a, %v), matmul(%p, %bm), matmul(%v, %v), matmul(%i, %j),
   gemm(%p, %g, %c, trans_b=true, alpha=0.5, beta=2.0),
   gemm(%g, %p, %cm, trans_b=true, beta=0.25),
   gemm(transpose(%p), %g, trans_a=true, trans_b=true, alpha=2.0),
   gemm(%u, %g, trans_b=true))
}
)";

std::vector<Tensor> matmul_inputs(int64_t b, int64_t q, int64_t m, int64_t k, int64_t n, int64_t kk, unsigned s) {
  return {f32({b, m, k}, s),       f32({q, k, n}, s + 1), f32({k}, s + 2),   f32({m, k}, s + 3),
          f32({n, k}, s + 4),      f32({n}, s + 5),       f32({n, 1}, s + 6), random_tensor(DType::I64, {m, k}, s + 7),
          random_tensor(DType::I64, {k, n}, s + 8), f32({m, kk}, s + 9)};
}

TEST(ShapeFnNnOps, MatmulGemmWithSymbolicSizes) {
  Module m = parse_checked(kMatmul);
  expect_shape_calls(m, {"matmul_output_shape", "gemm_output_shape"});
  CompiledModel lib(m, "shape_fn_matmul");
  for (auto [b, q, mm, k] : {std::array<int64_t, 4>{1, 1, 3, 4}, {3, 1, 5, 2}, {2, 2, 4, 7}, {0, 1, 2, 3}})
    expect_close(m, lib, matmul_inputs(b, q, mm, k, mm + 1, k, unsigned(b * 1000 + q * 100 + mm * 10 + k)),
                "b " + std::to_string(b) + ", q " + std::to_string(q) + ", m " + std::to_string(mm) + ", k " + std::to_string(k));
  // Batch dims that do not broadcast, and inner dims that differ only at run time.
  expect_run_error(m, lib, matmul_inputs(3, 2, 4, 5, 4, 5, 1), "matmul: shapes");
  expect_run_error(m, lib, matmul_inputs(1, 1, 4, 5, 4, 6, 1), "gemm: op(a) has 6 columns but op(b) has 5 rows");
}

// ---- lstm, gru, rnn over [seq, batch, i], and the cells over [batch, i] ----

const char* kRnn = R"(
def @main(%xs: f32[seq, batch, i], %w: f32[1, 16, i], %r: f32[1, 16, 4], %bb: f32[1, 32], %sl: i64[batch],
          %h0: f32[1, batch, 4], %c0: f32[1, batch, hc], %gw: f32[2, 9, i], %gr: f32[2, 9, 3], %rw: f32[1, 2, i],
          %rr: f32[1, 2, 2], %x: f32[batch, i], %h: f32[batch, 4], %c: f32[batch, 4], %wi: f32[16, i],
          %wh: f32[16, 4], %wi3: f32[12, i], %wh3: f32[12, 4], %wi1: f32[4, i], %wh1: f32[4, 4], %b1: f32[4]) {
  let %l = lstm(%xs, %w, %r, %bb, %sl, %h0, %c0, hidden_size=4);
  let %g = gru(%xs, %gw, %gr, hidden_size=3, direction="bidirectional", linear_before_reset=1);
  let %rn = rnn(%xs, %rw, %rr, hidden_size=2, direction="reverse");
  let %lc = lstm_cell(%x, %h, %c, %wi, %wh);
  (%l.0, %l.1, %l.2, %g.0, %g.1, %rn.0, %rn.1, %lc.0, %lc.1, gru_cell(%x, %h, %wi3, %wh3),
   rnn_cell(%x, %h, %wi1, %wh1, %b1, %b1, nonlinearity="relu"))
}
)";

std::vector<Tensor> rnn_inputs(int64_t seq, int64_t batch, int64_t i, int64_t hc, unsigned s) {
  Tensor lens = random_tensor(DType::I64, {batch}, s);
  for (int64_t b = 0; b < batch; ++b) lens.data<int64_t>()[b] = std::min(lens.data<int64_t>()[b], seq);
  return {f32({seq, batch, i}, s + 1), f32({1, 16, i}, s + 2), f32({1, 16, 4}, s + 3), f32({1, 32}, s + 4), lens,
          f32({1, batch, 4}, s + 5),   f32({1, batch, hc}, s + 6), f32({2, 9, i}, s + 7), f32({2, 9, 3}, s + 8),
          f32({1, 2, i}, s + 9),       f32({1, 2, 2}, s + 10),   f32({batch, i}, s + 11), f32({batch, 4}, s + 12),
          f32({batch, 4}, s + 13),     f32({16, i}, s + 14),     f32({16, 4}, s + 15),    f32({12, i}, s + 16),
          f32({12, 4}, s + 17),        f32({4, i}, s + 18),      f32({4, 4}, s + 19),     f32({4}, s + 20)};
}

TEST(ShapeFnNnOps, RecurrentLayersWithSymbolicSequence) {
  Module m = parse_checked(kRnn);
  expect_shape_calls(m, {"lstm_output_shapes", "gru_output_shapes", "rnn_output_shapes", "lstm_cell_output_shapes",
                         "gru_cell_output_shapes", "rnn_cell_output_shapes"});
  CompiledModel lib(m, "shape_fn_rnn");
  for (auto [seq, batch, i] : {std::array<int64_t, 3>{1, 1, 2}, {5, 3, 5}, {4, 2, 1}})
    expect_close(m, lib, rnn_inputs(seq, batch, i, 4, unsigned(seq * 100 + batch * 10 + i)),
                "seq " + std::to_string(seq) + ", batch " + std::to_string(batch) + ", i " + std::to_string(i));
  // c0 [1, batch, 3] for hidden_size 4: only known at run time.
  expect_run_error(m, lib, rnn_inputs(3, 2, 5, 3, 1), "lstm: c0 must be [1, 2, 4], found [1, 2, 3]");
}

}  // namespace
}  // namespace weft::testing
