// conv_ab_side.cpp - one side of conv_ab: weft_rt::conv on one shape, built against one tree of runtime headers.
//
// conv_ab.sh compiles this file twice, with -DWEFT_AB_SIDE=base or =head and -Dweft_rt=weft_rt_<side>
// (so the two copies of the header-only runtime are distinct namespaces and link side by side).
#include <functional>
#include <memory>
#include <random>
#include <vector>

#include "bench/ConvShapes.h"
#include "weft/rt/Conv.h"

#define WEFT_AB_CAT2(a, b) a##b
#define WEFT_AB_CAT(a, b) WEFT_AB_CAT2(a, b)

namespace {

// A shape's operands (constant filter and bias, as in a model), its own pool, its output.
struct Side {
  std::vector<float> x, w, b;
  weft_rt::Tensor xt, wt, bt;
  weft_rt::Window win;
  std::unique_ptr<weft_rt::ThreadPool> pool;
  int64_t groups = 1;

  Side(const weft_bench::ConvShape& s, int threads) : groups(s.groups) {
    std::mt19937 rng(7);
    std::uniform_real_distribution<float> u(-1, 1);
    x.resize(size_t(s.cin * s.h * s.w));
    w.resize(size_t(s.cout * s.cin / s.groups * s.k * s.k));
    b.resize(size_t(s.cout));
    for (auto* v : {&x, &w, &b})
      for (float& e : *v) e = u(rng);
    const DLDataType f32 = weft_rt::dl_dtype<float>();
    xt = weft_rt::Tensor::view(x.data(), f32, {1, s.cin, s.h, s.w});
    wt = weft_rt::Tensor::constant(w.data(), f32, {s.cout, s.cin / s.groups, s.k, s.k});
    bt = weft_rt::Tensor::constant(b.data(), f32, {s.cout});
    win = {{s.stride, s.stride}, {s.pad, s.pad}, {s.pad, s.pad}, {1, 1}};
    if (threads > 1) pool = std::make_unique<weft_rt::ThreadPool>(threads);
  }
  weft_rt::Tensor run() const {
    weft_rt::PoolScope scope(pool.get());
    return weft_rt::conv<float>(xt, wt, bt, win, groups);
  }
};

}  // namespace

// A callable that runs the shape's conv once; `out` gets its first result (for the comparison).
std::function<void()> WEFT_AB_CAT(conv_ab_, WEFT_AB_SIDE)(const weft_bench::ConvShape& s, int threads, std::vector<float>& out) {
  auto side = std::make_shared<Side>(s, threads);
  const weft_rt::Tensor o = side->run();
  out.assign(o.data<float>(), o.data<float>() + o.size());
  return [side] { side->run(); };
}
