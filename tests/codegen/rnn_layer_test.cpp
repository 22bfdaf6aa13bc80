// rnn_layer_test.cpp - the runtime's ONNX GRU and LSTM layers (f32, vectorized gates) against a double loop.
//
// Built at -O3 -march=native like generated libraries, run without and with a pool of 2 threads
// (the input projection's GEMM may split over it).
#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "weft/rt/RnnLayer.h"

namespace {

using weft_rt::Act;
using weft_rt::RnnConfig;
using weft_rt::Tensor;

double sig(double v) { return 1.0 / (1.0 + std::exp(-v)); }

// ONNX's definition, written out: y [seq, dirs, batch, h] (0 past a sequence's length) and the
// last state of each direction, for a GRU (gates z r h) or an LSTM (gates i o f c, no
// peepholes), default activations.
struct Reference {
  std::vector<double> y, yh, yc;
};
Reference reference(const RnnConfig& cfg, const Tensor& x, const Tensor& w, const Tensor& r, const Tensor& b,
                    const std::vector<int64_t>& lens) {
  const int64_t seq = x.dim(0), batch = x.dim(1), isz = x.dim(2), h = cfg.hidden, g = cfg.gates, gh = g * h;
  Reference out{std::vector<double>(size_t(seq * cfg.dirs * batch * h)), std::vector<double>(size_t(cfg.dirs * batch * h)),
                std::vector<double>(size_t(cfg.dirs * batch * h))};
  auto X = [&](int64_t t, int64_t bb, int64_t i) { return double(x.data<float>()[(t * batch + bb) * isz + i]); };
  for (int64_t d = 0; d < cfg.dirs; ++d)
    for (int64_t bb = 0; bb < batch; ++bb) {
      std::vector<double> hs(static_cast<size_t>(h)), cs(static_cast<size_t>(h)), xw(static_cast<size_t>(gh)),
          hr(static_cast<size_t>(gh));
      const float *W = w.data<float>() + d * gh * isz, *R = r.data<float>() + d * gh * h, *B = b.data<float>() + d * 2 * gh;
      const int64_t len = lens[size_t(bb)];
      for (int64_t s = 0; s < len; ++s) {
        const int64_t t = d == 0 ? s : len - 1 - s;
        for (int64_t j = 0; j < gh; ++j) {
          xw[size_t(j)] = B[j];
          hr[size_t(j)] = B[gh + j];
          for (int64_t i = 0; i < isz; ++i) xw[size_t(j)] += X(t, bb, i) * W[j * isz + i];
          for (int64_t i = 0; i < h; ++i) hr[size_t(j)] += hs[size_t(i)] * R[j * h + i];
        }
        std::vector<double> next(static_cast<size_t>(h));
        if (g == 3) {
          std::vector<double> z(static_cast<size_t>(h)), rr(static_cast<size_t>(h));
          for (int64_t j = 0; j < h; ++j) {
            z[size_t(j)] = sig(xw[size_t(j)] + hr[size_t(j)]);
            rr[size_t(j)] = sig(xw[size_t(h + j)] + hr[size_t(h + j)]);
          }
          for (int64_t j = 0; j < h; ++j) {
            double pre = xw[size_t(2 * h + j)];
            if (cfg.linear_before_reset) {
              pre += rr[size_t(j)] * hr[size_t(2 * h + j)];  // r . (H Rh^T + Rbh)
            } else {
              double p = B[gh + 2 * h + j];  // (r . H) Rh^T + Rbh
              for (int64_t i = 0; i < h; ++i) p += rr[size_t(i)] * hs[size_t(i)] * R[(2 * h + j) * h + i];
              pre += p;
            }
            next[size_t(j)] = (1 - z[size_t(j)]) * std::tanh(pre) + z[size_t(j)] * hs[size_t(j)];
          }
        } else {
          for (int64_t j = 0; j < h; ++j) {
            const double i = sig(xw[size_t(j)] + hr[size_t(j)]), o = sig(xw[size_t(h + j)] + hr[size_t(h + j)]);
            const double f = sig(xw[size_t(2 * h + j)] + hr[size_t(2 * h + j)]);
            const double c = std::tanh(xw[size_t(3 * h + j)] + hr[size_t(3 * h + j)]);
            cs[size_t(j)] = f * cs[size_t(j)] + i * c;
            next[size_t(j)] = o * std::tanh(cs[size_t(j)]);
          }
        }
        hs = next;
        for (int64_t j = 0; j < h; ++j) out.y[size_t(((t * cfg.dirs + d) * batch + bb) * h + j)] = hs[size_t(j)];
      }
      for (int64_t j = 0; j < h; ++j) {
        out.yh[size_t((d * batch + bb) * h + j)] = hs[size_t(j)];
        out.yc[size_t((d * batch + bb) * h + j)] = cs[size_t(j)];
      }
    }
  return out;
}

Tensor random(const weft_rt::Shape& shape, std::mt19937& rng, float scale) {
  std::uniform_real_distribution<float> u(-scale, scale);
  Tensor t = Tensor::empty<float>(shape);
  for (int64_t i = 0; i < t.size(); ++i) t.data<float>()[i] = u(rng);
  return t;
}

enum class Threads { One, Pool };

// A bidirectional layer of 128 units, batch 3 with
// sequences of 7, 4 and 0 steps, against the reference. Tolerance 2e-5 absolute: states lie in
// [-1, 1] and each step sums ~150 f32 products of magnitude <= 0.1 (f32 rounding, the
// vectorized exp/tanh within a few ulp), over 7 steps.
void check(int gates, bool linear_before_reset, Threads threads) {
  const int64_t seq = 7, batch = 3, isz = 20, h = 128, dirs = 2, gh = gates * h;
  RnnConfig cfg;
  cfg.gates = gates, cfg.hidden = h, cfg.dirs = dirs, cfg.linear_before_reset = linear_before_reset;
  for (int d = 0; d < dirs; ++d) {
    cfg.acts.push_back({Act::Sigmoid});
    cfg.acts.push_back({Act::Tanh});
    if (gates == 4) cfg.acts.push_back({Act::Tanh});
  }
  std::mt19937 rng(uint32_t(gates * 10 + linear_before_reset));
  const float scale = 1.0f / std::sqrt(float(h));
  const Tensor x = random({seq, batch, isz}, rng, 1.0f), w = random({dirs, gh, isz}, rng, scale),
               r = random({dirs, gh, h}, rng, scale), b = random({dirs, 2 * gh}, rng, scale);
  const std::vector<int64_t> lens = {7, 4, 0};
  Tensor sl = Tensor::empty<int64_t>({batch});
  std::copy(lens.begin(), lens.end(), sl.data<int64_t>());

  weft_rt::ThreadPool pool(2);
  weft_rt::PoolScope scope(threads == Threads::One ? nullptr : &pool);
  std::array<Tensor, 3> got;
  auto run = [&] {
    got = weft_rt::rnn_layer<float>("test", cfg, x, w, r, b, sl, weft_rt::absent(), weft_rt::absent(), weft_rt::absent());
  };
  run();
  const Reference want = reference(cfg, x, w, r, b, lens);
  const std::string what = std::string(gates == 3 ? "gru" : "lstm") + (linear_before_reset ? " lbr" : "") +
                           (threads == Threads::One ? " 1 thread" : " pool");
  auto compare = [&](const Tensor& t, const std::vector<double>& ref, const char* name) {
    ASSERT_EQ(size_t(t.size()), ref.size()) << what << " " << name;
    for (size_t i = 0; i < ref.size(); ++i) ASSERT_NEAR(t.data<float>()[i], ref[i], 2e-5) << what << " " << name << "[" << i << "]";
  };
  compare(got[0], want.y, "y");
  compare(got[1], want.yh, "y_h");
  if (gates == 4) compare(got[2], want.yc, "y_c");
}

TEST(RnnLayer, GruMatchesDoubleLoop) {
  for (Threads t : {Threads::One, Threads::Pool}) {
    check(3, true, t);
    check(3, false, t);
  }
}

TEST(RnnLayer, LstmMatchesDoubleLoop) {
  for (Threads t : {Threads::One, Threads::Pool}) check(4, false, t);
}

}  // namespace
