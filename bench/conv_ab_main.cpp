// conv_ab_main.cpp - conv_ab's driver: each conv shape run by two builds of the runtime (base and head), alternating in one process.
//
// Usage (conv_ab.sh builds it): conv_ab THREADS [NET|all] [--aa]. Per shape the two sides run in
// turns (a batch of calls of about 2 ms each, at least 15 turns and about 0.6 s), so load from
// other processes falls on both alike; it prints each side's median and least time per call, their
// ratios (base/head: above 1 is head faster) and the largest difference of the outputs relative
// to their largest magnitude. --aa runs base against itself: the noise floor of the ratio.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "bench/ConvShapes.h"

std::function<void()> conv_ab_base(const weft_bench::ConvShape& s, int threads, std::vector<float>& out);
std::function<void()> conv_ab_head(const weft_bench::ConvShape& s, int threads, std::vector<float>& out);

namespace {

double now_s() { return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count(); }

double relative_diff(const std::vector<float>& a, const std::vector<float>& b) {
  double diff = 0, mag = 1e-30;
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) {
    diff = std::max(diff, double(std::fabs(a[i] - b[i])));
    mag = std::max(mag, double(std::fabs(a[i])));
  }
  return a.size() == b.size() ? diff / mag : INFINITY;
}

}  // namespace

int main(int argc, char** argv) {
  const int threads = argc > 1 ? std::atoi(argv[1]) : 1;
  const std::string only = argc > 2 ? argv[2] : "all";
  const bool aa = argc > 3 && std::strcmp(argv[3], "--aa") == 0;
  std::printf("conv_ab: %s at %d thread%s; A/B > 1: head faster\n", aa ? "base vs base (A/A control)" : "base (A) vs head (B)",
              threads, threads == 1 ? "" : "s");
  double med_a = 0, med_b = 0, min_a = 0, min_b = 0;
  for (const weft_bench::ConvShape& s : weft_bench::kShapes) {
    if (only != "all" && only != s.net) continue;
    std::vector<float> out_a, out_b;
    const auto fa = conv_ab_base(s, threads, out_a);
    const auto fb = aa ? conv_ab_base(s, threads, out_b) : conv_ab_head(s, threads, out_b);
    const double t0 = now_s();
    fa();
    const int reps = std::max(1, int(0.002 / std::max(now_s() - t0, 1e-7)));
    std::vector<double> ta, tb;
    const double start = now_s();
    while (ta.size() < 15 || (ta.size() < 400 && now_s() - start < 0.6)) {
      for (auto [f, t] : {std::pair{&fa, &ta}, std::pair{&fb, &tb}}) {
        const double a = now_s();
        for (int r = 0; r < reps; ++r) (*f)();
        t->push_back((now_s() - a) / reps);
      }
    }
    std::sort(ta.begin(), ta.end());
    std::sort(tb.begin(), tb.end());
    const double ma = ta[ta.size() / 2], mb = tb[tb.size() / 2];
    med_a += ma * double(s.count);
    med_b += mb * double(s.count);
    min_a += ta[0] * double(s.count);
    min_b += tb[0] * double(s.count);
    std::printf("%-18s %4lld %4lld %lld/%lld %4lld g%-4lld x%lld  median A %7.3f B %7.3f ms  A/B %5.2f  least A/B %5.2f  diff %.1e\n",
                s.net, (long long)s.cin, (long long)s.h, (long long)s.k, (long long)s.stride, (long long)s.cout,
                (long long)s.groups, (long long)s.count, 1e3 * ma, 1e3 * mb, ma / mb, ta[0] / tb[0], relative_diff(out_a, out_b));
  }
  std::printf("total (x occurrences): median A %.3f B %.3f ms, A/B %.3f; least A %.3f B %.3f ms, A/B %.3f\n", 1e3 * med_a,
              1e3 * med_b, med_a / med_b, 1e3 * min_a, 1e3 * min_b, min_a / min_b);
  return 0;
}
