// PeerReport.cpp - output comparison and the ratio table with its geometric means (see PeerReport.h).
#include "bench/PeerReport.h"

#include <cmath>
#include <cstdio>
#include <map>
#include <stdexcept>

namespace weft::bench {

Agreement compare_outputs(const std::vector<FloatTensor>& weft, const std::vector<FloatTensor>& peer) {
  if (weft.size() != peer.size())
    throw std::runtime_error("weft returns " + std::to_string(weft.size()) + " outputs, the peer " +
                             std::to_string(peer.size()));
  Agreement a{0, true};
  for (size_t i = 0; i < weft.size(); ++i) {
    if (weft[i].shape != peer[i].shape)
      throw std::runtime_error("output " + std::to_string(i) + " has shape " + shape_text(weft[i].shape) + " in weft, " +
                               shape_text(peer[i].shape) + " in the peer");
    for (size_t k = 0; k < weft[i].data.size(); ++k) {
      const double w = weft[i].data[k], p = peer[i].data[k], diff = std::fabs(w - p);
      if (!(diff <= kAtol + kRtol * std::fabs(p))) a.agree = false;  // NaN counts as a disagreement
      a.max_diff = std::isnan(diff) ? diff : std::max(a.max_diff, diff);
    }
  }
  return a;
}

void print_peer_table(const std::string& peer_name, const std::vector<PeerRow>& rows) {
  std::printf("\n%-20s %3s %12s %12s %10s %10s %10s  %s\n", "model", "thr", "peer ms", "weft ms", "peer/weft", "runs",
              "max|diff|", "outputs");
  std::map<int, std::pair<double, int>> log_sum;  // threads -> (sum of log ratios, count)
  std::map<int, int> total;
  for (const PeerRow& r : rows) {
    ++total[r.threads];
    if (!r.failure.empty()) {
      std::printf("%-20s %3d %12s %12s %10s %10s %10s  FAILED (below)\n", r.model.c_str(), r.threads, "-", "-", "-", "-",
                  "-");
      continue;
    }
    const double ratio = r.times.a.median_ms / r.times.b.median_ms;
    char runs[32];
    std::snprintf(runs, sizeof runs, "%dx%d", r.times.rounds, r.times.runs_per_round);
    std::printf("%-20s %3d %12.3f %12.3f %9.3fx %10s %10.2g  %s\n", r.model.c_str(), r.threads, r.times.a.median_ms,
                r.times.b.median_ms, ratio, runs, r.agreement.max_diff, r.agreement.agree ? "agree" : "DIFFER");
    if (r.agreement.agree) {
      log_sum[r.threads].first += std::log(ratio);
      ++log_sum[r.threads].second;
    }
  }
  for (const auto& [threads, n] : total) {
    const auto [sum, count] = log_sum[threads];
    if (count == 0)
      std::printf("%-20s %3d %49s  no model measured with agreeing outputs\n", "geomean", threads, "");
    else
      std::printf("%-20s %3d %25s %9.3fx %21s  over %d of %d models\n", "geomean", threads, "", std::exp(sum / count), "",
                  count, n);
  }
  std::printf("\npeer = %s. peer/weft > 1 means weft is faster (peer median / weft median).\n"
              "Medians over every timed run; runs = rounds x runs per round, the two engines alternating\n"
              "round by round after 3 warm-up runs each. Outputs agree when |weft - peer| <= %g + %g |peer|\n"
              "elementwise (max|diff| is the largest |weft - peer|); the geomean counts only agreeing rows.\n",
              peer_name.c_str(), kAtol, kRtol);
  for (const PeerRow& r : rows)
    if (!r.failure.empty()) std::printf("FAILED %s (%d threads): %s\n", r.model.c_str(), r.threads, r.failure.c_str());
}

}  // namespace weft::bench
