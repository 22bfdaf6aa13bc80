// Rnn.h - recurrent cells (torch LSTMCell/GRUCell/RNNCell) and ONNX LSTM/GRU/RNN layers over sequences.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
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

// ---- layers over a sequence (ONNX, layout 0) ------------------------------------------------

// The attributes of an ONNX LSTM / GRU / RNN, resolved at compile time: gate count (4 iofc,
// 3 zrh, 1), directions, the activations of each direction in order (f, g[, h] per direction).
struct RnnConfig {
  int64_t gates = 1, hidden = 1, dirs = 1;
  bool reverse = false;  // direction "reverse" (one direction, run backwards)
  std::vector<Activation> acts;
  double clip = 0;  // clamp pre-activations to [-clip, clip]; 0 = off
  bool input_forget = false, linear_before_reset = false;
};

template <typename T>
void clip_values(T* v, int64_t n, T clip) {
  if (clip <= T(0)) return;
  for (int64_t i = 0; i < n; ++i) v[i] = std::max(-clip, std::min(clip, v[i]));
}

// x [seq, batch, I], w [dirs, G*H, I], r [dirs, G*H, H], b [dirs, 2*G*H], seq_lens [batch]
// int64, h0 / c0 [dirs, batch, H], p [dirs, 3H]; every optional one may be absent(). Checks
// their shapes and returns those of y [seq, dirs, batch, H], y_h and y_c [dirs, batch, H]: the
// kernel's and the run-time shape function's (which gives the first `outputs` of them).
inline Shapes rnn_layer_output_shapes(const char* op, const RnnConfig& cfg, const Tensor& x, const Tensor& w,
                                      const Tensor& r, const Tensor& bias, const Tensor& seq_lens, const Tensor& h0,
                                      const Tensor& c0, const Tensor& peep, size_t outputs = 3) {
  if (x.rank() != 3) throw Error(std::string(op) + ": x must be [seq, batch, input], found " + shape_str(x.shape()));
  const int64_t seq = x.dim(0), batch = x.dim(1), isz = x.dim(2), h = cfg.hidden, dirs = cfg.dirs;
  const int64_t gh = cfg.gates * h;
  const bool lstm = cfg.gates == 4;
  check_rnn_shape(w, {dirs, gh, isz}, "w", op);
  check_rnn_shape(r, {dirs, gh, h}, "r", op);
  if (present(bias)) check_rnn_shape(bias, {dirs, 2 * gh}, "b", op);
  if (present(h0)) check_rnn_shape(h0, {dirs, batch, h}, "h0", op);
  if (lstm && present(c0)) check_rnn_shape(c0, {dirs, batch, h}, "c0", op);
  if (lstm && present(peep)) check_rnn_shape(peep, {dirs, 3 * h}, "p", op);
  if (present(seq_lens)) check_rnn_shape(seq_lens, {batch}, "seq_lens", op);
  Shapes out = {{seq, dirs, batch, h}, {dirs, batch, h}, {dirs, batch, h}};
  out.resize(outputs);
  return out;
}

// Runs the layer: y is 0 past each sequence's length.
template <typename T>
std::array<Tensor, 3> rnn_layer(const char* op, const RnnConfig& cfg, const Tensor& x, const Tensor& w, const Tensor& r,
                                const Tensor& bias, const Tensor& seq_lens, const Tensor& h0, const Tensor& c0,
                                const Tensor& peep) {
  rnn_layer_output_shapes(op, cfg, x, w, r, bias, seq_lens, h0, c0, peep);
  const int64_t seq = x.dim(0), batch = x.dim(1), isz = x.dim(2), h = cfg.hidden, dirs = cfg.dirs;
  const int64_t gh = cfg.gates * h;
  const bool lstm = cfg.gates == 4, gru = cfg.gates == 3;
  const bool has_b = present(bias), has_h0 = present(h0), has_c0 = lstm && present(c0), has_p = lstm && present(peep);
  std::vector<int64_t> lens(size_t(batch), seq);
  if (present(seq_lens)) {
    lens.assign(seq_lens.data<int64_t>(), seq_lens.data<int64_t>() + batch);
    for (int64_t l : lens)
      if (l < 0 || l > seq)
        throw Error(std::string(op) + ": seq_lens entry " + std::to_string(l) + " is outside [0, " + std::to_string(seq) + "]");
  }
  const T clip = T(cfg.clip);
  Tensor y = Tensor::empty<T>({seq, dirs, batch, h}), yh = Tensor::empty<T>({dirs, batch, h}),
         yc = Tensor::empty<T>({dirs, batch, h});
  std::fill(y.data<T>(), y.data<T>() + y.size(), T(0));
  std::vector<T> xw(size_t(seq * batch * gh)), hr(size_t(batch * gh)), hs(size_t(batch * h)), cs(size_t(batch * h));
  std::vector<T> bsum(static_cast<size_t>(gh)), rbh(static_cast<size_t>(h)), g(static_cast<size_t>(gh)), tmp(static_cast<size_t>(h));
  const size_t per = cfg.acts.size() / size_t(dirs);
  for (int64_t d = 0; d < dirs; ++d) {
    const bool forward = d == 0 && !cfg.reverse;
    const Activation* act = cfg.acts.data() + size_t(d) * per;
    const T* rd = r.data<T>() + d * gh * h;
    // X W^T for every step at once, plus the biases that are plain sums (a GRU with
    // linear_before_reset applies R's h-gate bias inside the reset product instead).
    gemm_blocked<T>(seq * batch, gh, isz, x.data<T>(), isz, 1, w.data<T>() + d * gh * isz, 1, isz, xw.data(), gh, false);
    std::fill(bsum.begin(), bsum.end(), T(0));
    std::fill(rbh.begin(), rbh.end(), T(0));
    if (has_b) {
      const T* bd = bias.data<T>() + d * 2 * gh;
      for (int64_t j = 0; j < gh; ++j) bsum[size_t(j)] = bd[j] + (cfg.linear_before_reset && j >= 2 * h ? T(0) : bd[gh + j]);
      if (cfg.linear_before_reset) std::copy(bd + gh + 2 * h, bd + 2 * gh, rbh.begin());
    }
    for (int64_t i = 0; i < seq * batch; ++i)
      for (int64_t j = 0; j < gh; ++j) xw[size_t(i * gh + j)] += bsum[size_t(j)];
    if (has_h0) std::copy(h0.data<T>() + d * batch * h, h0.data<T>() + (d + 1) * batch * h, hs.begin());
    else std::fill(hs.begin(), hs.end(), T(0));
    if (has_c0) std::copy(c0.data<T>() + d * batch * h, c0.data<T>() + (d + 1) * batch * h, cs.begin());
    else std::fill(cs.begin(), cs.end(), T(0));
    const T* pd = has_p ? peep.data<T>() + d * 3 * h : nullptr;
    for (int64_t s = 0; s < seq; ++s) {
      gemm_blocked<T>(batch, gh, h, hs.data(), h, 1, rd, 1, h, hr.data(), gh, false);  // H R^T
      for (int64_t b = 0; b < batch; ++b) {
        const int64_t len = lens[size_t(b)];
        if (s >= len) continue;
        const int64_t t = forward ? s : len - 1 - s;
        const T* xg = xw.data() + (t * batch + b) * gh;
        const T* hg = hr.data() + b * gh;
        T* hb = hs.data() + b * h;
        T* cb = cs.data() + b * h;
        if (lstm) {  // gates i, o, f, c
          for (int64_t j = 0; j < gh; ++j) g[size_t(j)] = xg[j] + hg[j];
          T *gi = g.data(), *go = gi + h, *gf = go + h, *gc = gf + h;
          if (pd)
            for (int64_t j = 0; j < h; ++j) {
              gi[j] += pd[j] * cb[j];
              gf[j] += pd[2 * h + j] * cb[j];
            }
          clip_values(gi, h, clip);
          apply_activation(act[0], gi, h);
          if (cfg.input_forget) {
            for (int64_t j = 0; j < h; ++j) gf[j] = T(1) - gi[j];
          } else {
            clip_values(gf, h, clip);
            apply_activation(act[0], gf, h);
          }
          clip_values(gc, h, clip);
          apply_activation(act[1], gc, h);
          for (int64_t j = 0; j < h; ++j) cb[j] = gf[j] * cb[j] + gi[j] * gc[j];
          if (pd)
            for (int64_t j = 0; j < h; ++j) go[j] += pd[h + j] * cb[j];
          clip_values(go, h, clip);
          apply_activation(act[0], go, h);
          std::copy(cb, cb + h, tmp.begin());
          apply_activation(act[2], tmp.data(), h);
          for (int64_t j = 0; j < h; ++j) hb[j] = go[j] * tmp[size_t(j)];
        } else if (gru) {  // gates z, r, h
          for (int64_t j = 0; j < 2 * h; ++j) g[size_t(j)] = xg[j] + hg[j];
          T *gz = g.data(), *gr = gz + h, *gn = gr + h;
          clip_values(gz, 2 * h, clip);
          apply_activation(act[0], gz, 2 * h);
          if (cfg.linear_before_reset) {
            for (int64_t j = 0; j < h; ++j) gn[j] = xg[2 * h + j] + gr[j] * (hg[2 * h + j] + rbh[size_t(j)]);
          } else {
            for (int64_t j = 0; j < h; ++j) tmp[size_t(j)] = gr[j] * hb[j];
            gemm_blocked<T>(1, h, h, tmp.data(), h, 1, rd + 2 * h * h, 1, h, gn, h, false);  // (r . H) Rh^T
            for (int64_t j = 0; j < h; ++j) gn[j] += xg[2 * h + j];
          }
          clip_values(gn, h, clip);
          apply_activation(act[1], gn, h);
          for (int64_t j = 0; j < h; ++j) hb[j] = (T(1) - gz[j]) * gn[j] + gz[j] * hb[j];
        } else {
          for (int64_t j = 0; j < h; ++j) g[size_t(j)] = xg[j] + hg[j];
          clip_values(g.data(), h, clip);
          apply_activation(act[0], g.data(), h);
          std::copy(g.begin(), g.begin() + h, hb);
        }
        std::copy(hb, hb + h, y.data<T>() + ((t * dirs + d) * batch + b) * h);
      }
    }
    std::copy(hs.begin(), hs.end(), yh.data<T>() + d * batch * h);
    std::copy(cs.begin(), cs.end(), yc.data<T>() + d * batch * h);
  }
  return {y, yh, yc};
}

inline Shapes lstm_output_shapes(const RnnConfig& cfg, const Tensor& x, const Tensor& w, const Tensor& r, const Tensor& b,
                                 const Tensor& seq_lens, const Tensor& h0, const Tensor& c0, const Tensor& p) {
  return rnn_layer_output_shapes("lstm", cfg, x, w, r, b, seq_lens, h0, c0, p, 3);
}
inline Shapes gru_output_shapes(const RnnConfig& cfg, const Tensor& x, const Tensor& w, const Tensor& r, const Tensor& b,
                                const Tensor& seq_lens, const Tensor& h0) {
  return rnn_layer_output_shapes("gru", cfg, x, w, r, b, seq_lens, h0, absent(), absent(), 2);
}
inline Shapes rnn_output_shapes(const RnnConfig& cfg, const Tensor& x, const Tensor& w, const Tensor& r, const Tensor& b,
                                const Tensor& seq_lens, const Tensor& h0) {
  return rnn_layer_output_shapes("rnn", cfg, x, w, r, b, seq_lens, h0, absent(), absent(), 2);
}

template <typename T>
std::tuple<Tensor, Tensor, Tensor> lstm(const RnnConfig& cfg, const Tensor& x, const Tensor& w, const Tensor& r,
                                        const Tensor& b, const Tensor& seq_lens, const Tensor& h0, const Tensor& c0,
                                        const Tensor& p) {
  auto o = rnn_layer<T>("lstm", cfg, x, w, r, b, seq_lens, h0, c0, p);
  return {o[0], o[1], o[2]};
}
template <typename T>
std::tuple<Tensor, Tensor> gru(const RnnConfig& cfg, const Tensor& x, const Tensor& w, const Tensor& r, const Tensor& b,
                               const Tensor& seq_lens, const Tensor& h0) {
  auto o = rnn_layer<T>("gru", cfg, x, w, r, b, seq_lens, h0, absent(), absent());
  return {o[0], o[1]};
}
template <typename T>
std::tuple<Tensor, Tensor> rnn(const RnnConfig& cfg, const Tensor& x, const Tensor& w, const Tensor& r, const Tensor& b,
                               const Tensor& seq_lens, const Tensor& h0) {
  auto o = rnn_layer<T>("rnn", cfg, x, w, r, b, seq_lens, h0, absent(), absent());
  return {o[0], o[1]};
}

}  // namespace weft_rt
