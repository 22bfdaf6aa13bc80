// runtime_alone_nn.cpp - the runtime's nn kernels instantiate on their own (only weft/weft.h), warning-free.
#include "weft/runtime.h"

namespace {

// Instantiates every nn kernel for the element types the emitters use, as generated code would.
template <typename T>
void instantiate(const weft_rt::Tensor* in, weft_rt::Tensor* out) {
  using weft_rt::absent;
  const weft_rt::Window w{{1, 1}, {0, 0}, {0, 0}, {1, 1}};
  out[0] = weft_rt::conv<T>(in[0], in[1], absent(), w, 1);
  out[1] = weft_rt::conv_transpose<T>(in[0], in[1], in[2], w, {0, 0}, 1);
  out[2] = weft_rt::gemm<T>(in[0], in[1], in[2], 1.0, 0.5, true, false);
  out[3] = weft_rt::max_pool<T>(in[0], {2, 2}, w, false);
  out[4] = weft_rt::avg_pool<T>(in[0], {2, 2}, w, true, true);
  out[5] = weft_rt::lp_pool<T>(in[0], {2, 2}, w, false, 3);
  out[6] = weft_rt::global_avg_pool<T>(in[0]);
  out[7] = weft_rt::global_max_pool<T>(in[0]);
  out[8] = weft_rt::batch_norm<T>(in[0], in[1], in[2], in[1], in[2], 1e-5);
  out[9] = weft_rt::layer_norm<T>(in[0], in[1], absent(), 1, 1e-5);
  out[10] = weft_rt::instance_norm<T>(in[0], in[1], in[2], 1e-5);
  out[11] = weft_rt::group_norm<T>(in[0], in[1], in[2], 2, 1e-5);
  out[12] = weft_rt::lrn<T>(in[0], 3, 1e-4, 0.75, 1.0);
  out[13] = weft_rt::reduce_l2<T>(in[0], {0}, true);
  out[14] = weft_rt::reduce_log_sum<T>(in[0], {0}, false);
  out[15] = weft_rt::reduce_log_sum_exp<T>(in[0], {1}, false);
  out[16] = weft_rt::log_softmax<T>(in[0], 0);
  auto [h, c] = weft_rt::lstm_cell<T>(in[0], in[1], in[2], in[1], in[2], absent(), absent());
  out[17] = weft_rt::gru_cell<T>(h, c, in[1], in[2], in[0], absent());
  out[18] = weft_rt::rnn_cell<T>(h, c, in[1], in[2], in[0], absent(), weft_rt::Act::Relu);
  const weft_rt::RnnConfig cfg{4, 3, 1, false, {{weft_rt::Act::Sigmoid, 0, 0}, {weft_rt::Act::Tanh, 0, 0}}, 0.0, false, false};
  out[19] = std::get<2>(weft_rt::lstm<T>(cfg, in[0], in[1], in[2], absent(), absent(), absent(), absent(), absent()));
  out[20] = std::get<1>(weft_rt::gru<T>(cfg, in[0], in[1], in[2], in[0], in[3], absent()));
  out[21] = std::get<0>(weft_rt::rnn<T>(cfg, in[0], in[1], in[2], in[0], in[3], absent()));
}

template <typename T>
void instantiate_numeric(const weft_rt::Tensor* in, weft_rt::Tensor* out) {
  out[0] = weft_rt::reduce_prod<T>(in[0], {0}, true);
  out[1] = weft_rt::reduce_l1<T>(in[0], {0, 1}, false);
  out[2] = weft_rt::reduce_sum_square<T>(in[0], {1}, true);
  out[3] = weft_rt::reduce_min<T>(in[0], {0}, false);
  out[4] = weft_rt::argmax<T>(in[0], 0, true, false);
  out[5] = weft_rt::argmin<T>(in[0], 1, false, true);
  out[6] = weft_rt::cumsum<T>(in[0], 0, true, false);
  out[7] = weft_rt::matmul<T>(in[0], in[1]);
}

void run(const weft_rt::Tensor* in, weft_rt::Tensor* out) {
  instantiate<float>(in, out);
  instantiate<double>(in, out);
  instantiate_numeric<float>(in, out);
  instantiate_numeric<double>(in, out);
  instantiate_numeric<int8_t>(in, out);
  instantiate_numeric<uint16_t>(in, out);
  instantiate_numeric<int32_t>(in, out);
  instantiate_numeric<int64_t>(in, out);
  instantiate_numeric<uint64_t>(in, out);
  out[8] = weft_rt::argmax<bool>(in[0], 0, true, false);
}

const weft_rt::ModelDesc model = {"alone_nn", nullptr, 0, nullptr, 22, run};

}  // namespace

WEFT_RT_DEFINE_API(model, alone_nn)
