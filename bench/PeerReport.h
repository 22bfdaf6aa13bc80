// PeerReport.h - one peer benchmark's results: do the two engines agree, and the table of peer/weft speed ratios.
#pragma once

#include <string>
#include <vector>

#include "bench/Timing.h"
#include "bench/WeftLibrary.h"

namespace weft::bench {

// Outputs agree when max |weft - peer| <= kRelTolerance * max |peer| over every output element:
// relative to the outputs' scale, so that the check means as much for a model whose outputs are
// 1e-9 as for one whose outputs are 1e3 (an elementwise absolute tolerance passes anything tiny).
// f32 sums taken in another order (blocked, vectorized, threaded kernels) stay far inside it, a
// wrong kernel or a flipped argmax in a decoding loop does not.
constexpr double kRelTolerance = 1e-3;

struct Agreement {
  double max_diff = 0;  // max |weft - peer| over every output element
  double max_peer = 0;  // max |peer|: the outputs' scale, against which max_diff is small or not
  bool agree = false;
};

// Throws std::runtime_error if the output counts or shapes differ.
Agreement compare_outputs(const std::vector<FloatTensor>& weft, const std::vector<FloatTensor>& peer);

struct PeerRow {
  std::string model;
  int threads = 0;
  PairTimes times;  // a: the peer, b: weft
  Agreement agreement;
  std::string failure;  // not empty: the model was not measured, and why
};

// The table (model, threads, peer ms, weft ms, peer/weft, runs, max|diff|, max|peer|, outputs), then the
// geometric mean of peer/weft per thread count over the rows whose outputs agree: a fast wrong
// answer does not count.
// `peer_label` heads the peer's columns ("ORT"), `peer_name` describes it below the table.
void print_peer_table(const std::string& peer_label, const std::string& peer_name, const std::vector<PeerRow>& rows);

}  // namespace weft::bench
