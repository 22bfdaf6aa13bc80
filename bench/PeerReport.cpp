// PeerReport.cpp - output comparison and the ratio table with its geometric means (see PeerReport.h).
#include "bench/PeerReport.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <stdexcept>

namespace weft::bench {

Agreement compare_outputs(const std::vector<FloatTensor>& weft, const std::vector<FloatTensor>& peer) {
  if (weft.size() != peer.size())
    throw std::runtime_error("weft returns " + std::to_string(weft.size()) + " outputs, the peer " +
                             std::to_string(peer.size()));
  Agreement a;
  bool nan = false;
  for (size_t i = 0; i < weft.size(); ++i) {
    if (weft[i].shape != peer[i].shape)
      throw std::runtime_error("output " + std::to_string(i) + " has shape " + shape_text(weft[i].shape) + " in weft, " +
                               shape_text(peer[i].shape) + " in the peer");
    for (size_t k = 0; k < weft[i].data.size(); ++k) {
      const double w = weft[i].data[k], p = peer[i].data[k];
      nan = nan || std::isnan(w) != std::isnan(p);
      if (std::isnan(w) || std::isnan(p)) continue;
      a.max_diff = std::max(a.max_diff, std::fabs(w - p));
      a.max_peer = std::max(a.max_peer, std::fabs(p));
    }
  }
  a.agree = !nan && a.max_diff <= kRelTolerance * a.max_peer;
  return a;
}

void print_peer_table(const std::string& peer_label, const std::string& peer_name, const std::vector<PeerRow>& rows) {
  std::printf("\n%-20s %3s %12s %12s %13s %8s %10s %10s  %s\n", "model", "thr", (peer_label + " ms").c_str(), "weft ms",
              (peer_label + "/weft").c_str(), "runs", "max|diff|", "max|peer|", "outputs");
  std::map<int, std::pair<double, int>> log_sum;  // threads -> (sum of log ratios, count)
  std::map<int, int> total;
  for (const PeerRow& r : rows) {
    ++total[r.threads];
    if (!r.failure.empty()) {
      std::printf("%-20s %3d %12s %12s %13s %8s %10s %10s  FAILED (below)\n", r.model.c_str(), r.threads, "-", "-", "-",
                  "-", "-", "-");
      continue;
    }
    const double ratio = r.times.a.median_ms / r.times.b.median_ms;
    char runs[32];
    std::snprintf(runs, sizeof runs, "%dx%d", r.times.rounds, r.times.runs_per_round);
    std::printf("%-20s %3d %12.3f %12.3f %12.3fx %8s %10.2g %10.2g  %s\n", r.model.c_str(), r.threads, r.times.a.median_ms,
                r.times.b.median_ms, ratio, runs, r.agreement.max_diff, r.agreement.max_peer,
                r.agreement.agree ? "agree" : "DIFFER");
    if (r.agreement.agree) {
      log_sum[r.threads].first += std::log(ratio);
      ++log_sum[r.threads].second;
    }
  }
  for (const auto& [threads, n] : total) {
    const auto [sum, count] = log_sum[threads];
    if (count == 0)
      std::printf("%-20s %3d %39s  no model measured with agreeing outputs\n", "geomean", threads, "");
    else
      std::printf("%-20s %3d %25s %12.3fx %30s  over %d of %d models\n", "geomean", threads, "", std::exp(sum / count),
                  "", count, n);
  }
  std::printf("\n%s = %s.\n%s/weft = %s median / weft median: above 1 weft is faster.\n"
              "Medians over every timed run; runs = rounds x runs per round, the two engines alternating\n"
              "round by round after 3 warm-up runs each. Outputs agree when max|diff| <= %g max|peer| (max|diff|:\n"
              "the largest |weft - peer| over all outputs; max|peer|: the largest |peer|, the outputs' scale);\n"
              "the geomean counts only the rows whose outputs agree.\n",
              peer_label.c_str(), peer_name.c_str(), peer_label.c_str(), peer_label.c_str(), kRelTolerance);
  const PeerRow* last = nullptr;  // a compile failure fails every thread count: said once
  for (const PeerRow& r : rows) {
    if (r.failure.empty() || (last && last->model == r.model && last->failure == r.failure)) continue;
    std::printf("FAILED %s (%d threads): %s\n", r.model.c_str(), r.threads, r.failure.c_str());
    last = &r;
  }
}

}  // namespace weft::bench
