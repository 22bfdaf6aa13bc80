// nn_ops_compiled_test.cpp - conv/gemm, pools, norms, reductions and rnns compiled to a .so agree with the interpreter.
#include <gtest/gtest.h>

#include <cstring>

#include "CompiledChecks.h"

namespace weft::testing {
namespace {

void expect_close(const Module& m, const CompiledModel& lib, const std::vector<Tensor>& inputs, const std::string& what) {
  expect_same(m, lib, inputs, what, Rtol{1e-4, 1e-4, 1e-10});
}

// Runs `lib` on inputs that must fail; returns the error message.
std::string run_error(const CompiledModel& lib, const std::vector<Tensor>& inputs) {
  std::vector<DLTensor> dl;
  for (auto& t : inputs) dl.push_back(as_dl(t));
  const int n = lib.api()->num_outputs(lib.model());
  std::vector<DLManagedTensor*> outs(size_t(n), nullptr);
  int rc = lib.api()->run(lib.model(), dl.data(), int(dl.size()), outs.data(), n);
  EXPECT_NE(rc, 0);
  return rc ? lib.api()->last_error() : "";
}

Tensor f32(std::vector<int64_t> shape, unsigned seed) { return random_tensor(DType::F32, std::move(shape), seed); }

// ---- conv, conv_transpose, gemm -------------------------------------------------------------
// %xb * %wb has 32*3*3 = 288 > 256 products per output (two K blocks of the GEMM) and 70 output
// channels (a partial MR panel); %xl * %wl has 28*20 = 560 > 512 output positions (two
// column blocks, the second starting mid-row).

const char* kConv = R"(
def @main(%x: f32[batch, 4, 9, 8], %w: f32[6, 2, 3, 3], %b: f32[6], %wp: f32[5, 4, 1, 1],
          %x1: f32[batch, 3, 11], %w1: f32[4, 3, 2], %x3: f32[batch, 2, 5, 4, 6], %w3: f32[3, 2, 2, 3, 2],
          %wt: f32[4, 3, 3, 2], %wt1: f32[3, 2, 3], %xc: f32[batch, c, 7, 7], %wc: f32[3, 4, 3, 3],
          %a: f32[batch, k], %g: f32[5, 7], %gc: f32[5], %m: f32[batch, 5], %a7: f32[batch, 7], %mi: i64[7, 3],
          %xb: f32[batch, 32, 6, 7], %wb: f32[70, 32, 3, 3], %wbt: f32[32, 5, 3, 3],
          %xl: f32[batch, 2, 30, 20], %wl: f32[3, 2, 3, 3]) {
  (conv(%x, %w, %b, groups=2, strides=[2, 1], pads=[1, 0, 2, 1], dilations=[1, 2]),
   conv(%x, %wp),
   conv(%x, %wp, strides=[2, 3]),
   conv(%x1, %w1, strides=[2], pads=[1, 1]),
   conv(%x3, %w3, pads=[1, 0, 1, 0, 1, 1], strides=[1, 2, 1]),
   conv(cast(%x3, to=f64), cast(%w3, to=f64), pads=[1, 0, 1, 0, 1, 1], dilations=[2, 1, 1]),
   conv_transpose(%x, %wt, %b, strides=[2, 2], pads=[1, 0, 0, 1], output_padding=[1, 0], groups=2),
   conv_transpose(%x1, %wt1, strides=[3], dilations=[2], pads=[1, 2]),
   conv_transpose(cast(%x1, to=f64), cast(%wt1, to=f64)),
   conv(%xc, %wc, pads=[1, 1, 1, 1]),
   gemm(%a, %g, %gc, trans_b=true, alpha=0.5, beta=2.0),
   gemm(%a7, %g, trans_b=true),
   gemm(%m, %a7, %g, trans_a=true, beta=0.25),
   gemm(cast(%g, to=f64), cast(%a7, to=f64), trans_a=false, trans_b=true),
   conv(%xb, %wb, pads=[1, 1, 1, 1]),
   conv_transpose(%xb, %wbt, strides=[2, 2]),
   conv(%xl, %wl, pads=[1, 1, 1, 1], dilations=[2, 1]),
   matmul(cast(mul(%a7, 10f32), to=i64), %mi),
   cast(matmul(cast(mul(%a7, 10f32), to=i8), cast(mul(%mi, 7i64), to=i8)), to=i64))
}
)";

std::vector<Tensor> conv_inputs(int64_t batch, int64_t c, int64_t k, unsigned s) {
  return {f32({batch, 4, 9, 8}, s),     f32({6, 2, 3, 3}, s + 1),   f32({6}, s + 2),      f32({5, 4, 1, 1}, s + 3),
          f32({batch, 3, 11}, s + 4),   f32({4, 3, 2}, s + 5),      f32({batch, 2, 5, 4, 6}, s + 6),
          f32({3, 2, 2, 3, 2}, s + 7),  f32({4, 3, 3, 2}, s + 8),   f32({3, 2, 3}, s + 9),
          f32({batch, c, 7, 7}, s + 10), f32({3, 4, 3, 3}, s + 11), f32({batch, k}, s + 12), f32({5, 7}, s + 13),
          f32({5}, s + 14),             f32({batch, 5}, s + 15),    f32({batch, 7}, s + 16),
          random_tensor(DType::I64, {7, 3}, s + 17), f32({batch, 32, 6, 7}, s + 18), f32({70, 32, 3, 3}, s + 19),
          f32({32, 5, 3, 3}, s + 20),   f32({batch, 2, 30, 20}, s + 21), f32({3, 2, 3, 3}, s + 22)};
}

TEST(NnOpsCompiled, ConvAndGemm) {
  Module m = parse_checked(kConv);
  CompiledModel lib(m, "nn_conv");
  for (int64_t batch : {1, 3, 0}) expect_close(m, lib, conv_inputs(batch, 4, 7, unsigned(batch) * 100), "batch " + std::to_string(batch));
  // Mismatched channels and inner dims are run-time errors naming the op.
  std::string err = run_error(lib, conv_inputs(2, 5, 7, 1));
  EXPECT_NE(err.find("conv: weight [3, 4, 3, 3] does not fit x [2, 5, 7, 7]"), std::string::npos) << err;
  err = run_error(lib, conv_inputs(2, 4, 6, 1));
  EXPECT_NE(err.find("gemm: op(a) has 6 columns but op(b) has 7 rows"), std::string::npos) << err;
}

// ---- pools ----------------------------------------------------------------------------------

const char* kPool = R"(
def @main(%x: f32[batch, 3, 9, 10], %x1: f32[batch, 2, 13], %x3: f32[batch, 2, 5, 6, 4], %xs: f32[batch, 2, s]) {
  (max_pool(%x, kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1]),
   max_pool(%x, kernel_shape=[2, 3], dilations=[2, 1], ceil_mode=true, strides=[2, 2]),
   avg_pool(%x, kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1], count_include_pad=true),
   avg_pool(%x, kernel_shape=[3, 2], strides=[2, 3], pads=[0, 1, 1, 0], ceil_mode=true),
   avg_pool(%x, kernel_shape=[3, 2], strides=[2, 3], pads=[0, 1, 1, 0], ceil_mode=true, count_include_pad=true),
   lp_pool(%x, kernel_shape=[2, 2]),
   lp_pool(%x1, kernel_shape=[3], strides=[2], p=3, pads=[1, 1]),
   lp_pool(%x1, kernel_shape=[2], p=1, ceil_mode=true, strides=[2]),
   max_pool(%x1, kernel_shape=[4], strides=[3]),
   avg_pool(%x3, kernel_shape=[2, 3, 2], strides=[1, 2, 2]),
   max_pool(cast(%x3, to=f64), kernel_shape=[3, 2, 2], pads=[1, 0, 1, 1, 1, 0]),
   avg_pool(cast(%x, to=f64), kernel_shape=[2, 2], pads=[1, 1, 0, 0]),
   global_avg_pool(%x), global_max_pool(%x3), global_avg_pool(cast(%x1, to=f64)), global_max_pool(%x1),
   max_pool(%xs, kernel_shape=[4], strides=[2]))
}
)";

TEST(NnOpsCompiled, Pools) {
  Module m = parse_checked(kPool);
  CompiledModel lib(m, "nn_pool");
  for (int64_t batch : {1, 2, 0})
    for (int64_t len : {4, 9})
      expect_close(m, lib, {f32({batch, 3, 9, 10}, 1), f32({batch, 2, 13}, 2), f32({batch, 2, 5, 6, 4}, 3), f32({batch, 2, len}, 4)},
                  "batch " + std::to_string(batch) + ", len " + std::to_string(len));
  const std::string err = run_error(lib, {f32({1, 3, 9, 10}, 1), f32({1, 2, 13}, 2), f32({1, 2, 5, 6, 4}, 3), f32({1, 2, 3}, 4)});
  EXPECT_NE(err.find("max_pool: spatial dim 0 of x [1, 2, 3] is smaller than the window"), std::string::npos) << err;
}

// ---- normalizations -------------------------------------------------------------------------

const char* kNorm = R"(
def @main(%x: f32[batch, 6, 5, 4], %s: f32[6], %b: f32[6], %mu: f32[6], %var: f32[6], %l: f32[batch, 7, 8],
          %ls: f32[8], %lb: f32[7, 8], %x1: f32[batch, 6, 9], %xc: f32[batch, c, 3]) {
  (batch_norm(%x, %s, %b, %mu, exp(%var), epsilon=0.001),
   batch_norm(cast(%x1, to=f64), %s, cast(%b, to=f64), %mu, exp(%var)),
   layer_norm(%l, %ls),
   layer_norm(%l, %lb, %ls, axis=1, epsilon=0.01),
   layer_norm(cast(%l, to=f64), %ls, %ls, axis=-1),
   instance_norm(%x, %s, %b),
   instance_norm(%x1, %s, cast(%b, to=f64), epsilon=0.01),
   group_norm(%x, %s, %b, num_groups=3),
   group_norm(cast(%x1, to=f64), %s, %b, num_groups=2),
   lrn(%x, size=3),
   lrn(%x1, size=4, alpha=0.001, beta=0.5, bias=2.0),
   lrn(cast(%x, to=f64), size=5),
   batch_norm(%xc, %s, %b, %mu, exp(%var)))
}
)";

std::vector<Tensor> norm_inputs(int64_t batch, int64_t c) {
  return {f32({batch, 6, 5, 4}, 1), f32({6}, 2), f32({6}, 3), f32({6}, 4), f32({6}, 5), f32({batch, 7, 8}, 6),
          f32({8}, 7), f32({7, 8}, 8), f32({batch, 6, 9}, 9), f32({batch, c, 3}, 10)};
}

TEST(NnOpsCompiled, Normalizations) {
  Module m = parse_checked(kNorm);
  CompiledModel lib(m, "nn_norm");
  for (int64_t batch : {1, 4}) expect_close(m, lib, norm_inputs(batch, 6), "batch " + std::to_string(batch));
  std::string err = run_error(lib, norm_inputs(2, 5));
  EXPECT_NE(err.find("batch_norm: scale must have 5 values (one per channel of x), found [6]"), std::string::npos) << err;
}

// ---- reductions, argmax/argmin, log_softmax, cumsum ---------------------------------------------

const char* kReduce = R"(
def @main(%x: f32[batch, 4, 5], %k: i64[batch, 3, 4], %ki: i32[6, batch]) {
  (reduce_min(%x, axes=[1]), reduce_prod(%x, axes=[0, 2], keepdims=false), reduce_l1(%x, axes=[-1]),
   reduce_l2(%x, axes=[]), reduce_log_sum(exp(%x), axes=[1, 2]), reduce_sum_square(%x, axes=[0], keepdims=false),
   reduce_log_sum_exp(%x, axes=[2]), reduce_log_sum_exp(mul(%x, 100f32), axes=[0, 1], keepdims=false),
   reduce_max(%x, axes=[1], keepdims=false), reduce_l2(cast(%x, to=f64), axes=[0, 1]),
   reduce_min(%x, axes=[], noop_with_empty_axes=true), reduce_sum(%x, axes=[1, 2]), reduce_mean(%x, axes=[0, 2]),
   reduce_prod(%k, axes=[1]), reduce_l1(sub(%k, 2i64), axes=[2], keepdims=false), reduce_sum_square(%ki, axes=[0]),
   reduce_min(%ki, axes=[1], keepdims=false), cast(reduce_sum(cast(mul(%k, 60i64), to=u8), axes=[1]), to=i64),
   cast(reduce_l1(cast(sub(%k, 2i64), to=i8), axes=[1]), to=i64), cast(reduce_prod(cast(add(%k, 3i64), to=u16), axes=[0, 1, 2]), to=i64),
   argmax(%x, axis=1), argmin(%x, axis=-1, keepdims=false), argmax(%k, axis=2, select_last_index=true),
   argmin(%ki, axis=0, select_last_index=true, keepdims=false), argmax(greater(%x, 0f32), axis=2),
   argmin(cast(%x, to=f64), axis=0),
   log_softmax(%x, axis=1), log_softmax(cast(%x, to=f64), axis=-1), softmax(%x, axis=0), softmax(%x, axis=2),
   cumsum(%x, axis=1), cumsum(%k, axis=2, exclusive=true), cumsum(%x, axis=0, reverse=true, exclusive=true),
   cumsum(%ki, axis=1, reverse=true), cumsum(cast(%x, to=f64), axis=-1))
}
)";

TEST(NnOpsCompiled, Reductions) {
  Module m = parse_checked(kReduce);
  CompiledModel lib(m, "nn_reduce");
  for (int64_t batch : {1, 3, 5})
    expect_close(m, lib, {f32({batch, 4, 5}, unsigned(batch)), random_tensor(DType::I64, {batch, 3, 4}, 7),
                         random_tensor(DType::I32, {6, batch}, 8)},
                "batch " + std::to_string(batch));
  // Ties everywhere: argmax/argmin pick the first (or last) index like the interpreter.
  Tensor flat(DType::F32, {2, 4, 5});
  for (int64_t i = 0; i < flat.numel(); ++i) flat.data<float>()[i] = float(i % 3);
  expect_close(m, lib, {flat, random_tensor(DType::I64, {2, 3, 4}, 7), random_tensor(DType::I32, {6, 2}, 8)}, "ties");
}

// ---- recurrent cells and layers ---------------------------------------------------------------

const char* kRnn = R"(
def @main(%x: f32[batch, 5], %h: f32[batch, 4], %c: f32[batch, 4], %wi4: f32[16, 5], %wh4: f32[16, 4], %b4: f32[16],
          %wi3: f32[12, 5], %wh3: f32[12, 4], %b3: f32[12], %wi1: f32[4, 5], %wh1: f32[4, 4], %b1: f32[4],
          %xs: f32[6, batch, 5], %lw: f32[2, 16, 5], %lr: f32[2, 16, 4], %lb: f32[2, 32], %h0: f32[2, batch, 4],
          %c0: f32[2, batch, 4], %lp: f32[2, 12], %sl: i32[batch], %gw: f32[1, 12, 5], %gr: f32[1, 12, 4],
          %gb: f32[1, 24], %rw: f32[2, 4, 5], %rr: f32[2, 4, 4], %xv: f32[5], %hv: f32[4], %lr3: f32[1, 12, 3],
          %hq: f32[batch, q]) {
  let %lc = lstm_cell(%x, %h, %c, %wi4, %wh4, %b4, %b4);
  let %lc2 = lstm_cell(%xv, %hv, %hv, %wi4, %wh4);
  let %l = lstm(%xs, %lw, %lr, %lb, %sl, %h0, %c0, %lp, hidden_size=4, direction="bidirectional", clip=1.5);
  let %l1 = lstm(%xs, %gw, %lr3, hidden_size=3, activations=["Sigmoid", "Elu", "ScaledTanh"], activation_alpha=[0.9, 0.7],
                 activation_beta=[1.1], input_forget=1);
  let %g1 = gru(%xs, %gw, %gr, %gb, hidden_size=4, linear_before_reset=1);
  let %g2 = gru(%xs, %gw, %gr, %gb, %sl, hidden_size=4, direction="reverse", activations=["HardSigmoid", "Softsign"],
                activation_alpha=[0.3], activation_beta=[0.4]);
  let %r = rnn(%xs, %rw, %rr, hidden_size=4, direction="bidirectional", activations=["Relu", "LeakyRelu"],
               activation_alpha=[0.2]);
  let %r64 = rnn(cast(%xs, to=f64), cast(%rw, to=f64), cast(%rr, to=f64), hidden_size=4, direction="bidirectional");
  (%lc.0, %lc.1, %lc2.0, %lc2.1, gru_cell(%x, %h, %wi3, %wh3, %b3, %b3), gru_cell(%x, %h, %wi3, %wh3),
   rnn_cell(%x, %h, %wi1, %wh1, %b1, %b1, nonlinearity="relu"), rnn_cell(%xv, %hv, %wi1, %wh1),
   gru_cell(%x, %hq, %wi3, %wh3), %l.0, %l.1, %l.2, %l1.0, %l1.1, %l1.2, %g1.0, %g1.1, %g2.0, %g2.1, %r.0, %r.1, %r64.0, %r64.1)
}
)";

std::vector<Tensor> rnn_inputs(int64_t batch, int64_t q) {
  const unsigned s = unsigned(batch) * 50;
  return {f32({batch, 5}, s), f32({batch, 4}, s + 1), f32({batch, 4}, s + 2), f32({16, 5}, s + 3),
          f32({16, 4}, s + 4), f32({16}, s + 5), f32({12, 5}, s + 6), f32({12, 4}, s + 7), f32({12}, s + 8),
          f32({4, 5}, s + 9), f32({4, 4}, s + 10), f32({4}, s + 11), f32({6, batch, 5}, s + 12),
          f32({2, 16, 5}, s + 13), f32({2, 16, 4}, s + 14), f32({2, 32}, s + 15), f32({2, batch, 4}, s + 16),
          f32({2, batch, 4}, s + 17), f32({2, 12}, s + 18), random_tensor(DType::I32, {batch}, s + 19),
          f32({1, 12, 5}, s + 20), f32({1, 12, 4}, s + 21), f32({1, 24}, s + 22), f32({2, 4, 5}, s + 23),
          f32({2, 4, 4}, s + 24), f32({5}, s + 25), f32({4}, s + 26), f32({1, 12, 3}, s + 27),
          f32({batch, q}, s + 28)};
}

TEST(NnOpsCompiled, RecurrentCellsAndLayers) {
  Module m = parse_checked(kRnn);
  CompiledModel lib(m, "nn_rnn");
  for (int64_t batch : {1, 3}) expect_close(m, lib, rnn_inputs(batch, 4), "batch " + std::to_string(batch));
  const std::string err = run_error(lib, rnn_inputs(2, 5));
  EXPECT_NE(err.find("gru_cell: w_ih must be [15, 5], found [12, 5]"), std::string::npos) << err;
}

}  // namespace
}  // namespace weft::testing
