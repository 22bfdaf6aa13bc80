// CheckReport.h - what `weft check` found, per trial and output: the text report, the JSON report, the verdict.
#pragma once

#include <cstdint>
#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "cli/host/TensorDiff.h"

namespace weft::cli {

struct OutputResult {
  std::string name;  // the library's output name; "name[k]" for element k of a list output
  std::string dtype;
  std::vector<int64_t> shape;  // the library's
  host::Tolerance tolerance;
  host::TensorDiff diff;
  // --mark-all: an intermediate of @main (name is its let's variable), the operator that
  // computes it and where the model defines it.
  bool intermediate = false;
  std::string op, source;
  std::string onnx_tensor;  // the ONNX tensor it was compared with (ONNX Runtime's oracle); "" otherwise
  std::string loop;         // a value inside a loop: the loop's function ("@ts_loop_0") ...
  int iteration = -1;       // ... and the iteration (from 0) it was computed in
};

struct TrialResult {
  int trial = 0;
  uint64_t seed = 0;                     // of generated inputs (0 with --input files)
  std::map<std::string, int64_t> sizes;  // the sweep's symbol sizes
  std::vector<OutputResult> outputs;
  std::string mismatch;     // the library and the oracle returned different numbers of tensors
  int first_diverging = -1;  // --mark-all: the index in `outputs` of the first intermediate outside tolerance
  int not_compared = 0;      // --mark-all: intermediates the oracle cannot observe, left out of `outputs`
  bool ok() const;
};

struct CheckReport {
  std::string model, library, oracle, oracle_version, oracle_note;
  bool inputs_from_files = false;
  std::vector<TrialResult> trials;
  bool ok() const;
  // "weft check: PASS ..." or "weft check: FAIL ...": which oracle ran, how many trials and
  // outputs, and the first divergence.
  std::string verdict() const;
};

// One block per trial, one line per output (shape, errors, count outside, the worst element),
// with --mark-all a count of the intermediates and the first that diverges; then the verdict.
void print_report(const CheckReport& r, std::ostream& out);
// The same as JSON; CompileError naming the file when it cannot be written.
void write_json_report(const CheckReport& r, const std::string& path);

}  // namespace weft::cli
