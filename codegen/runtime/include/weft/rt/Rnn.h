// Rnn.h - gate activations and the recurrent cells (torch LSTMCell/GRUCell/RNNCell); layers over sequences: RnnLayer.h.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <initializer_list>
#include <string>
#include <tuple>
#include <type_traits>
#include <vector>

#include "weft/rt/Gemm.h"
#include "weft/rt/NnCommon.h"
#include "weft/rt/VecMath.h"

namespace weft_rt {

enum class Act { Sigmoid, Tanh, Relu, LeakyRelu, ThresholdedRelu, ScaledTanh, HardSigmoid, Elu, Softsign, Softplus, Affine };

// One gate activation with its parameters (ONNX semantics; the code generator resolves names).
struct Activation {
  Act kind = Act::Tanh;
  double alpha = 0, beta = 0;
};

// Applies `a` in place to n contiguous values; the switch is outside the loops. f32 sigmoid
// and tanh, the gates of every LSTM and GRU, take the vectorized forms of VecMath.h.
template <typename T>
void apply_activation(const Activation& a, T* v, int64_t n) {
  const T al = T(a.alpha), be = T(a.beta);
  if constexpr (std::is_same_v<T, float>) {
    if (a.kind == Act::Sigmoid) return vecmath::sigmoid_inplace(v, n);
    if (a.kind == Act::Tanh) return vecmath::tanh_inplace(v, n);
  }
  switch (a.kind) {
    case Act::Sigmoid: for (int64_t i = 0; i < n; ++i) v[i] = T(1) / (T(1) + std::exp(-v[i])); return;
    case Act::Tanh: for (int64_t i = 0; i < n; ++i) v[i] = std::tanh(v[i]); return;
    case Act::Relu: for (int64_t i = 0; i < n; ++i) v[i] = v[i] > T(0) ? v[i] : T(0); return;
    case Act::LeakyRelu: for (int64_t i = 0; i < n; ++i) v[i] = v[i] >= T(0) ? v[i] : al * v[i]; return;
    case Act::ThresholdedRelu: for (int64_t i = 0; i < n; ++i) v[i] = v[i] > al ? v[i] : T(0); return;
    case Act::ScaledTanh: for (int64_t i = 0; i < n; ++i) v[i] = al * std::tanh(be * v[i]); return;
    case Act::HardSigmoid: for (int64_t i = 0; i < n; ++i) v[i] = std::max(T(0), std::min(T(1), al * v[i] + be)); return;
    case Act::Elu: for (int64_t i = 0; i < n; ++i) v[i] = v[i] >= T(0) ? v[i] : al * (std::exp(v[i]) - T(1)); return;
    case Act::Softsign: for (int64_t i = 0; i < n; ++i) v[i] = v[i] / (T(1) + std::fabs(v[i])); return;
    case Act::Softplus: for (int64_t i = 0; i < n; ++i) v[i] = v[i] > T(30) ? v[i] : std::log1p(std::exp(v[i])); return;
    case Act::Affine: for (int64_t i = 0; i < n; ++i) v[i] = al * v[i] + be; return;
  }
}

inline void check_rnn_shape(const Tensor& t, const Shape& want, const char* name, const char* op) {
  if (t.shape() != want)
    throw Error(std::string(op) + ": " + name + " must be " + shape_str(want) + ", found " + shape_str(t.shape()));
}
// The same for a shape written out at the call: compared in place, a Shape built only for the
// message (the layers check every weight on every call, in a decoder once per token).
inline void check_rnn_shape(const Tensor& t, std::initializer_list<int64_t> want, const char* name, const char* op) {
  if (t.shape().size() == want.size() && std::equal(want.begin(), want.end(), t.shape().begin())) return;
  check_rnn_shape(t, Shape(want), name, op);
}

// ---- cells (torch semantics) ------------------------------------------------------------

// A cell with `gates` gates (4: lstm ifgo, 3: gru rzn, 1: rnn): x [B, I] or [I], states [B, H]
// or [H], w_ih [G*H, I], w_hh [G*H, H], optional b_ih, b_hh [G*H]. Checks them and returns the
// shapes of h' and, for the lstm (c given), c': the kernel's and the run-time shape function's.
inline Shapes cell_output_shapes(const char* op, int64_t gates, const Tensor& x, const Tensor& h, const Tensor* c,
                                 const Tensor& w_ih, const Tensor& w_hh, const Tensor& b_ih, const Tensor& b_hh) {
  if (x.rank() != 1 && x.rank() != 2)
    throw Error(std::string(op) + ": x must be [batch, input] or [input], found " + shape_str(x.shape()));
  const int64_t batch = x.rank() == 2 ? x.dim(0) : 1, isz = x.dim(x.rank() - 1), hid = h.rank() ? h.dim(h.rank() - 1) : 0;
  const int64_t gh = gates * hid;
  const Shape state = x.rank() == 2 ? Shape{batch, hid} : Shape{hid};
  check_rnn_shape(h, state, "h", op);
  if (c) check_rnn_shape(*c, state, "c", op);
  check_rnn_shape(w_ih, {gh, isz}, "w_ih", op);
  check_rnn_shape(w_hh, {gh, hid}, "w_hh", op);
  if (present(b_ih)) check_rnn_shape(b_ih, {gh}, "b_ih", op);
  if (present(b_hh)) check_rnn_shape(b_hh, {gh}, "b_hh", op);
  return c ? Shapes{state, state} : Shapes{state};
}
inline Shapes lstm_cell_output_shapes(const Tensor& x, const Tensor& h, const Tensor& c, const Tensor& w_ih,
                                      const Tensor& w_hh, const Tensor& b_ih, const Tensor& b_hh) {
  return cell_output_shapes("lstm_cell", 4, x, h, &c, w_ih, w_hh, b_ih, b_hh);
}
inline Shapes gru_cell_output_shapes(const Tensor& x, const Tensor& h, const Tensor& w_ih, const Tensor& w_hh,
                                     const Tensor& b_ih, const Tensor& b_hh) {
  return cell_output_shapes("gru_cell", 3, x, h, nullptr, w_ih, w_hh, b_ih, b_hh);
}
inline Shapes rnn_cell_output_shapes(const Tensor& x, const Tensor& h, const Tensor& w_ih, const Tensor& w_hh,
                                     const Tensor& b_ih, const Tensor& b_hh) {
  return cell_output_shapes("rnn_cell", 1, x, h, nullptr, w_ih, w_hh, b_ih, b_hh);
}

// One step of such a cell. Returns h' and, for the lstm, c'.
template <typename T>
std::array<Tensor, 2> rnn_cell_step(const char* op, int64_t gates, const Tensor& x, const Tensor& h, const Tensor* c,
                                    const Tensor& w_ih, const Tensor& w_hh, const Tensor& b_ih, const Tensor& b_hh,
                                    Act nonlinearity) {
  const Shape state = cell_output_shapes(op, gates, x, h, c, w_ih, w_hh, b_ih, b_hh)[0];
  const int64_t batch = x.rank() == 2 ? x.dim(0) : 1, isz = x.dim(x.rank() - 1), hid = state.back();
  const int64_t gh = gates * hid;
  const bool has_bi = present(b_ih), has_bh = present(b_hh);
  std::vector<T> gx(size_t(batch * gh)), gr(size_t(batch * gh));
  gemm_blocked<T>(batch, gh, isz, x.data<T>(), isz, 1, w_ih.data<T>(), 1, isz, gx.data(), gh, false);  // x W_ih^T
  gemm_blocked<T>(batch, gh, hid, h.data<T>(), hid, 1, w_hh.data<T>(), 1, hid, gr.data(), gh, false);  // h W_hh^T
  for (int64_t b = 0; b < batch; ++b) {
    if (has_bi)
      for (int64_t j = 0; j < gh; ++j) gx[size_t(b * gh + j)] += b_ih.data<T>()[j];
    if (has_bh)
      for (int64_t j = 0; j < gh; ++j) gr[size_t(b * gh + j)] += b_hh.data<T>()[j];
  }
  Tensor hout = Tensor::empty<T>(state), cout = c ? Tensor::empty<T>(state) : Tensor();
  const Activation sig{Act::Sigmoid}, tanh_{Act::Tanh};
  for (int64_t b = 0; b < batch; ++b) {
    T* a = gx.data() + b * gh;
    const T* r = gr.data() + b * gh;
    const T* hp = h.data<T>() + b * hid;
    T* ho = hout.data<T>() + b * hid;
    if (gates == 4) {  // i, f, g, o
      for (int64_t j = 0; j < gh; ++j) a[j] += r[j];
      apply_activation(sig, a, 2 * hid);
      apply_activation(tanh_, a + 2 * hid, hid);
      apply_activation(sig, a + 3 * hid, hid);
      const T* cp = c->data<T>() + b * hid;
      T* co = cout.data<T>() + b * hid;
      for (int64_t j = 0; j < hid; ++j) {
        co[j] = a[hid + j] * cp[j] + a[j] * a[2 * hid + j];
        ho[j] = co[j];
      }
      apply_activation(tanh_, ho, hid);
      for (int64_t j = 0; j < hid; ++j) ho[j] *= a[3 * hid + j];
    } else if (gates == 3) {  // r, z, n
      for (int64_t j = 0; j < 2 * hid; ++j) a[j] += r[j];
      apply_activation(sig, a, 2 * hid);
      T* n = a + 2 * hid;
      for (int64_t j = 0; j < hid; ++j) n[j] += a[j] * r[2 * hid + j];
      apply_activation(tanh_, n, hid);
      for (int64_t j = 0; j < hid; ++j) ho[j] = (T(1) - a[hid + j]) * n[j] + a[hid + j] * hp[j];
    } else {
      for (int64_t j = 0; j < hid; ++j) ho[j] = a[j] + r[j];
      apply_activation(Activation{nonlinearity}, ho, hid);
    }
  }
  return {hout, cout};
}

template <typename T>
std::tuple<Tensor, Tensor> lstm_cell(const Tensor& x, const Tensor& h, const Tensor& c, const Tensor& w_ih,
                                     const Tensor& w_hh, const Tensor& b_ih, const Tensor& b_hh) {
  auto r = rnn_cell_step<T>("lstm_cell", 4, x, h, &c, w_ih, w_hh, b_ih, b_hh, Act::Tanh);
  return {r[0], r[1]};
}
template <typename T>
Tensor gru_cell(const Tensor& x, const Tensor& h, const Tensor& w_ih, const Tensor& w_hh, const Tensor& b_ih,
                const Tensor& b_hh) {
  return rnn_cell_step<T>("gru_cell", 3, x, h, nullptr, w_ih, w_hh, b_ih, b_hh, Act::Tanh)[0];
}
template <typename T>
Tensor rnn_cell(const Tensor& x, const Tensor& h, const Tensor& w_ih, const Tensor& w_hh, const Tensor& b_ih,
                const Tensor& b_hh, Act nonlinearity) {
  return rnn_cell_step<T>("rnn_cell", 1, x, h, nullptr, w_ih, w_hh, b_ih, b_hh, nonlinearity)[0];
}

}  // namespace weft_rt
