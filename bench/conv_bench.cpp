// conv_bench.cpp - weft's conv kernel on every distinct convolution of resnet18, squeezenet1_1 and
// mobilenet_v3_small (batch 1, 224x224), in GFLOP/s against this machine's FMA peak, and where
// the time goes.
//
// Built like gemm_bench (-O3 -march=native, and an AVX2 variant on AVX-512 machines). Usage:
// conv_bench [--net NAME] [threads...] (default: 1 2). Per shape: the ms of weft_rt::conv<float>
// (20th percentile of thread CPU time at 1 thread, median wall time at more) with a constant
// filter (packed on the first call, as in a model) and a bias (as after the exporter folds batch
// norm), its GFLOP/s and share of threads x the 1-core peak; at 1 thread also the im2col
// packing (the same KC x NC blocks the GEMM packs, timed alone) and the GFLOP/s of what is left
// (the tile; the bias is added in its write-back). The shapes were listed from torchvision's
// models with forward hooks; `x` is how often a shape occurs in its net, and each net's total
// is the sum of ms x occurrences, the conv part of its run time.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "bench/ConvShapes.h"
#include "bench/FmaPeak.h"
#include "weft/rt/Conv.h"

namespace {

using weft_bench::ConvShape;
using weft_bench::kShapes;

// Whether timings are this thread's CPU time (1 thread: the time other processes take on a
// shared machine is left out) or wall time (several threads).
bool g_cpu_time = true;

double now_s() {
  return g_cpu_time ? weft_bench::thread_cpu_s()
                    : std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// The seconds of fn() over at least 7 runs and about 0.15 s, after two warm-up runs: the 20th
// percentile of CPU time (others' load only adds to it; not the least, which a clock glitch
// in this VM once made 0), else the median wall time.
template <typename F>
double time_s(F&& fn) {
  for (int i = 0; i < 2; ++i) fn();
  std::vector<double> t;
  const double start = now_s();
  while (t.size() < 7 || (t.size() < 5000 && now_s() - start < 0.15)) {
    const double t0 = now_s();
    fn();
    t.push_back(now_s() - t0);
  }
  std::sort(t.begin(), t.end());
  return g_cpu_time ? t[t.size() / 5] : t[t.size() / 2];
}

struct Case {
  const ConvShape& s;
  int64_t oh, ow, kk;  // output size, GEMM depth (Cin/g * k * k)
  std::vector<float> x, w, b;
  weft_rt::Tensor xt, wt, bt;
  weft_rt::Window win;

  explicit Case(const ConvShape& sh) : s(sh) {
    oh = (s.h + 2 * s.pad - s.k) / s.stride + 1;
    ow = (s.w + 2 * s.pad - s.k) / s.stride + 1;
    kk = s.cin / s.groups * s.k * s.k;
    std::mt19937 rng(7);
    std::uniform_real_distribution<float> u(-1, 1);
    x.resize(size_t(s.cin * s.h * s.w));
    w.resize(size_t(s.cout * kk));
    b.resize(size_t(s.cout));
    for (auto* v : {&x, &w, &b})
      for (float& e : *v) e = u(rng);
    const DLDataType f32 = weft_rt::dl_dtype<float>();
    xt = weft_rt::Tensor::view(x.data(), f32, {1, s.cin, s.h, s.w});
    wt = weft_rt::Tensor::constant(w.data(), f32, {s.cout, s.cin / s.groups, s.k, s.k});
    bt = weft_rt::Tensor::constant(b.data(), f32, {s.cout});
    win = {{s.stride, s.stride}, {s.pad, s.pad}, {s.pad, s.pad}, {1, 1}};
  }
  double flops() const { return 2.0 * double(s.cout) * double(kk) * double(oh * ow); }
  bool gemm() const { return s.groups == 1 || s.cin != s.groups; }
  bool im2col() const { return gemm() && !(s.k == 1 && s.stride == 1 && s.pad == 0); }
  double conv_s() {
    return time_s([&] { weft_rt::Tensor o = weft_rt::conv<float>(xt, wt, bt, win, s.groups); });
  }
  // The im2col packing alone, over the blocks GemmTile<float> cuts B into.
  double pack_s() {
    if (!im2col()) return 0;
    using G = weft_rt::GemmTile<float>;
    const weft_rt::Shape grid{oh, ow}, image{s.h, s.w}, kernel{s.k, s.k};
    std::vector<float> panels(size_t(G::KC * (G::NC + G::NR)));
    const int64_t n = oh * ow;
    return time_s([&] {
      for (int64_t j0 = 0; j0 < n; j0 += G::NC)
        for (int64_t k0 = 0; k0 < kk; k0 += G::KC)
          weft_rt::pack_im2col_2d(x.data(), grid, image, kernel, win, k0, j0, std::min(G::KC, kk - k0),
                                  std::min(G::NC, n - j0), panels.data());
    });
  }
};

}  // namespace

int main(int argc, char** argv) {
  std::vector<int> threads;
  std::string only;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--net") == 0 && i + 1 < argc) only = argv[++i];
    else threads.push_back(std::atoi(argv[i]));
  }
  if (threads.empty()) threads = {1, 2};
  const double peak = weft_bench::fma_peak_gflops();
  std::printf("weft conv (f32, %s GEMM tile %lldx%lld, KC %lld): measured 1-core FMA peak %.1f GFLOP/s\n",
              weft_rt::simd::kIsa, (long long)weft_rt::GemmTile<float>::MR, (long long)weft_rt::GemmTile<float>::NR,
              (long long)weft_rt::GemmTile<float>::KC, peak);
  for (int t : threads) {
    weft_rt::ThreadPool pool(t);
    weft_rt::PoolScope scope(t > 1 ? &pool : nullptr);
    g_cpu_time = t == 1;
    std::printf("\n%d thread%s (%% of %dx peak)%s\n", t, t == 1 ? "" : "s", t,
                t == 1 ? "; pack: im2col into panels, tile: the rest (GEMM and bias)" : "");
    std::printf("%-19s %4s %5s %4s %5s %6s %3s %2s  %8s %7s %6s", "net", "Cin", "HxW", "k/s", "Cout", "g", "out", "x",
                "ms", "GFLOP/s", "%peak");
    if (t == 1) std::printf(" %6s %8s %6s", "pack%", "tile GF/s", "%peak");
    std::printf("\n");
    std::string net;
    double net_ms = 0;
    auto flush = [&] {
      if (!net.empty()) std::printf("%-19s total %.2f ms of convolution\n", net.c_str(), net_ms);
    };
    for (const ConvShape& s : kShapes) {
      if (!only.empty() && only != s.net) continue;
      if (net != s.net) {
        flush();
        net = s.net;
        net_ms = 0;
      }
      Case c(s);
      const double sec = c.conv_s(), gf = c.flops() / sec / 1e9;
      net_ms += 1e3 * sec * double(s.count);
      char hw[16], ks[16];
      std::snprintf(hw, sizeof hw, "%lld", (long long)s.h);
      std::snprintf(ks, sizeof ks, "%lld/%lld", (long long)s.k, (long long)s.stride);
      std::printf("%-19s %4lld %5s %4s %5lld %6lld %3lld %2lld  %8.3f %7.1f %5.1f%%", s.net, (long long)s.cin, hw, ks,
                  (long long)s.cout, (long long)s.groups, (long long)c.oh, (long long)s.count, 1e3 * sec, gf,
                  100 * gf / (peak * t));
      if (t == 1) {
        const double p = c.pack_s(), rest = std::max(sec - p, 1e-9);
        const double tg = c.gemm() ? c.flops() / rest / 1e9 : 0;
        std::printf(" %5.1f%% %8.1f %5.1f%%", 100 * p / sec, tg, 100 * tg / peak);
      }
      std::printf("\n");
    }
    flush();
  }
  return 0;
}
