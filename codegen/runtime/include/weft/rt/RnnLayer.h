// RnnLayer.h - ONNX LSTM/GRU/RNN layers over a sequence (layout 0).
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <tuple>
#include <type_traits>
#include <vector>

#include "weft/rt/Gemm.h"
#include "weft/rt/GemmSmall.h"
#include "weft/rt/PackedWeights.h"
#include "weft/rt/Rnn.h"

namespace weft_rt {

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
// their shapes (the kernel's check, which builds no Shape unless it throws) and returns those of
// y [seq, dirs, batch, H], y_h and y_c [dirs, batch, H] (the run-time shape function's, which
// gives the first `outputs` of them).
inline void check_rnn_layer_inputs(const char* op, const RnnConfig& cfg, const Tensor& x, const Tensor& w,
                                   const Tensor& r, const Tensor& bias, const Tensor& seq_lens, const Tensor& h0,
                                   const Tensor& c0, const Tensor& peep) {
  if (x.rank() != 3) throw Error(std::string(op) + ": x must be [seq, batch, input], found " + shape_str(x.shape()));
  const int64_t batch = x.dim(1), isz = x.dim(2), h = cfg.hidden, dirs = cfg.dirs;
  const int64_t gh = cfg.gates * h;
  const bool lstm = cfg.gates == 4;
  check_rnn_shape(w, {dirs, gh, isz}, "w", op);
  check_rnn_shape(r, {dirs, gh, h}, "r", op);
  if (present(bias)) check_rnn_shape(bias, {dirs, 2 * gh}, "b", op);
  if (present(h0)) check_rnn_shape(h0, {dirs, batch, h}, "h0", op);
  if (lstm && present(c0)) check_rnn_shape(c0, {dirs, batch, h}, "c0", op);
  if (lstm && present(peep)) check_rnn_shape(peep, {dirs, 3 * h}, "p", op);
  if (present(seq_lens)) check_rnn_shape(seq_lens, {batch}, "seq_lens", op);
}
inline Shapes rnn_layer_output_shapes(const char* op, const RnnConfig& cfg, const Tensor& x, const Tensor& w,
                                      const Tensor& r, const Tensor& bias, const Tensor& seq_lens, const Tensor& h0,
                                      const Tensor& c0, const Tensor& peep, size_t outputs = 3) {
  check_rnn_layer_inputs(op, cfg, x, w, r, bias, seq_lens, h0, c0, peep);
  const int64_t seq = x.dim(0), batch = x.dim(1), h = cfg.hidden, dirs = cfg.dirs;
  Shapes out = {{seq, dirs, batch, h}, {dirs, batch, h}, {dirs, batch, h}};
  out.resize(outputs);
  return out;
}

// Note on the recurrence. Each step multiplies the state by R ([G*H, H]: 768 KB for a GRU of
// 256 units), which stays in L2 across steps; at batch 1 that product streams R once per step
// and is bound by the cache's bandwidth (GemmSmall.h's dot products reach it), so a step
// cannot take less than R's size over that bandwidth on one core. Splitting the units of each
// step over the pool's threads (each thread's rows of R then in its own core's cache, one
// barrier per step) was tried and measured: on a machine whose cores are shared with other
// work, a step's partner is often not running and every step then waits a scheduler slice,
// many times slower than one thread, so the recurrence runs on the calling thread.

// H R^T of step s into hr [batch, G*H]. In f32 at batch <= kGemmSmallM, GemmSmall.h's dot
// products over blocks of R's rows, every other step in reverse block order: R (1 MB for an
// LSTM of 256 units) is about the size of a core's L2, and sweeping it the same way every
// step evicts each block just before the next sweep needs it (LRU's worst case); alternating
// starts each sweep with the blocks the previous one read last.
template <typename T>
void recurrent_product(int64_t s, int64_t batch, int64_t gh, int64_t h, const T* hs, const T* rd, T* hr) {
  if constexpr (std::is_same_v<T, float>) {
    if (batch <= kGemmSmallM) {
      constexpr int64_t kBlock = 128;  // rows of R (128 KB at H = 256)
      const int64_t blocks = (gh + kBlock - 1) / kBlock;
      for (int64_t i = 0; i < blocks; ++i) {
        const int64_t blk = s % 2 ? blocks - 1 - i : i, j0 = blk * kBlock;
        gemm_small_cols_f32(batch, h, hs, h, rd, h, hr, gh, j0, std::min(gh, j0 + kBlock), false);
      }
      return;
    }
  }
  gemm_blocked<T>(batch, gh, h, hs, h, 1, rd, 1, h, hr, gh, false);
}

// Runs the layer: y is 0 past each sequence's length.
template <typename T>
std::array<Tensor, 3> rnn_layer(const char* op, const RnnConfig& cfg, const Tensor& x, const Tensor& w, const Tensor& r,
                                const Tensor& bias, const Tensor& seq_lens, const Tensor& h0, const Tensor& c0,
                                const Tensor& peep) {
  check_rnn_layer_inputs(op, cfg, x, w, r, bias, seq_lens, h0, c0, peep);
  const int64_t seq = x.dim(0), batch = x.dim(1), isz = x.dim(2), h = cfg.hidden, dirs = cfg.dirs;
  const int64_t gh = cfg.gates * h;
  const bool lstm = cfg.gates == 4, gru = cfg.gates == 3;
  const bool has_b = present(bias), has_h0 = present(h0), has_c0 = lstm && present(c0), has_p = lstm && present(peep);
  const int64_t* lens = present(seq_lens) ? seq_lens.data<int64_t>() : nullptr;  // none: every sequence is `seq` long
  for (int64_t b = 0; lens && b < batch; ++b)
    if (lens[b] < 0 || lens[b] > seq)
      throw Error(std::string(op) + ": seq_lens entry " + std::to_string(lens[b]) + " is outside [0, " + std::to_string(seq) + "]");
  const T clip = T(cfg.clip);
  Tensor y = Tensor::empty<T>({seq, dirs, batch, h}), yh = Tensor::empty<T>({dirs, batch, h}),
         yc = Tensor::empty<T>({dirs, batch, h});
  std::fill(y.data<T>(), y.data<T>() + y.size(), T(0));
  // Every scratch array in one allocation (one per call: a decoder loop calls this per token):
  // X W^T for all steps, H R^T of one step, the state, the cell state, the bias sums, one
  // step's gates.
  const int64_t state = batch * h;
  std::vector<T> scratch(size_t(seq * batch * gh + batch * gh + 2 * state + gh + h + gh + h));
  T* xw = scratch.data();
  T* hr = xw + seq * batch * gh;
  T* hs = hr + batch * gh;
  T* cs = hs + state;
  T* bsum = cs + state;
  T* rbh = bsum + gh;
  T* g = rbh + h;
  T* tmp = g + gh;
  const size_t per = cfg.acts.size() / size_t(dirs);
  for (int64_t d = 0; d < dirs; ++d) {
    const bool forward = d == 0 && !cfg.reverse;
    const Activation* act = cfg.acts.data() + size_t(d) * per;
    const T* rd = r.data<T>() + d * gh * h;
    // X W^T for every step at once, plus the biases that are plain sums (a GRU with
    // linear_before_reset applies R's h-gate bias inside the reset product instead).
    const T* wd = w.data<T>() + d * gh * isz;
    gemm_blocked<T>(seq * batch, gh, isz, x.data<T>(), isz, 1, wd, 1, isz, xw, gh, false, {},
                    constant_b_panels<T>(w.is_constant(), wd, seq * batch, 1, isz, isz, gh));
    std::fill(bsum, bsum + gh, T(0));
    std::fill(rbh, rbh + h, T(0));
    if (has_b) {
      const T* bd = bias.data<T>() + d * 2 * gh;
      for (int64_t j = 0; j < gh; ++j) bsum[j] = bd[j] + (cfg.linear_before_reset && j >= 2 * h ? T(0) : bd[gh + j]);
      if (cfg.linear_before_reset) std::copy(bd + gh + 2 * h, bd + 2 * gh, rbh);
    }
    for (int64_t i = 0; i < seq * batch; ++i)
      for (int64_t j = 0; j < gh; ++j) xw[i * gh + j] += bsum[j];
    if (has_h0) std::copy(h0.data<T>() + d * batch * h, h0.data<T>() + (d + 1) * batch * h, hs);
    else std::fill(hs, hs + state, T(0));
    if (has_c0) std::copy(c0.data<T>() + d * batch * h, c0.data<T>() + (d + 1) * batch * h, cs);
    else std::fill(cs, cs + state, T(0));
    const T* pd = has_p ? peep.data<T>() + d * 3 * h : nullptr;

    // Step s of every batch entry from H R^T in hr: the state and cell state in place.
    auto step = [&](int64_t s) {
      for (int64_t b = 0; b < batch; ++b) {
        const int64_t len = lens ? lens[b] : seq;
        if (s >= len) continue;  // past this sequence's end the state is carried
        const int64_t t = forward ? s : len - 1 - s;
        const T* xg = xw + (t * batch + b) * gh;
        const T* hg = hr + b * gh;
        T* hb = hs + b * h;
        T* cb = cs + b * h;
        if (lstm) {  // gates i, o, f, c
          T *gi = g, *go = gi + h, *gf = go + h, *gc = gf + h;
          for (int64_t q = 0; q < 4 * h; q += h)
            for (int64_t j = 0; j < h; ++j) g[q + j] = xg[q + j] + hg[q + j];
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
          std::copy(cb, cb + h, tmp);
          apply_activation(act[2], tmp, h);
          for (int64_t j = 0; j < h; ++j) hb[j] = go[j] * tmp[j];
        } else if (gru) {  // gates z, r, h
          T *gz = g, *gr = gz + h, *gn = gr + h;
          for (int64_t q = 0; q < 2 * h; q += h)
            for (int64_t j = 0; j < h; ++j) g[q + j] = xg[q + j] + hg[q + j];
          clip_values(gz, h, clip);
          clip_values(gr, h, clip);
          apply_activation(act[0], gz, h);
          apply_activation(act[0], gr, h);
          if (cfg.linear_before_reset) {
            for (int64_t j = 0; j < h; ++j) gn[j] = xg[2 * h + j] + gr[j] * (hg[2 * h + j] + rbh[j]);
          } else {
            for (int64_t j = 0; j < h; ++j) tmp[j] = gr[j] * hb[j];
            gemm_blocked<T>(1, h, h, tmp, h, 1, rd + 2 * h * h, 1, h, gn, h, false);  // (r . H) Rh^T
            for (int64_t j = 0; j < h; ++j) gn[j] += xg[2 * h + j];
          }
          clip_values(gn, h, clip);
          apply_activation(act[1], gn, h);
          for (int64_t j = 0; j < h; ++j) hb[j] = (T(1) - gz[j]) * gn[j] + gz[j] * hb[j];
        } else {
          for (int64_t j = 0; j < h; ++j) g[j] = xg[j] + hg[j];
          clip_values(g, h, clip);
          apply_activation(act[0], g, h);
          std::copy(g, g + h, hb);
        }
        std::copy(hb, hb + h, y.data<T>() + ((t * dirs + d) * batch + b) * h);
      }
    };

    for (int64_t s = 0; s < seq; ++s) {
      recurrent_product<T>(s, batch, gh, h, hs, rd, hr);
      step(s);
    }
    std::copy(hs, hs + state, yh.data<T>() + d * batch * h);
    std::copy(cs, cs + state, yc.data<T>() + d * batch * h);
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
