// CheckReport.cpp - `weft check`'s text and JSON reports (see CheckReport.h).
#include "cli/CheckReport.h"

#include <cmath>
#include <fstream>
#include <iomanip>
#include <nlohmann/json.hpp>
#include <sstream>

#include "ir/Error.h"
#include "ir/Tensor.h"

namespace weft::cli {

bool TrialResult::ok() const {
  if (!mismatch.empty()) return false;
  for (const OutputResult& o : outputs)
    if (!o.diff.ok()) return false;
  return true;
}

bool CheckReport::ok() const {
  for (const TrialResult& t : trials)
    if (!t.ok()) return false;
  return true;
}

namespace {

std::string sizes_str(const std::map<std::string, int64_t>& sizes) {
  std::string s;
  for (const auto& [k, v] : sizes) s += (s.empty() ? "" : ", ") + k + "=" + std::to_string(v);
  return s;
}

std::string num(double v) {
  std::ostringstream os;
  os << std::setprecision(6) << v;
  return os.str();
}

// "output 'y'" or, for an intermediate, "operator gemm (%v3, onnx node '/lin/Gemm' (Gemm))".
std::string what(const OutputResult& o) {
  if (!o.intermediate) return "output '" + o.name + "'";
  return "operator " + o.op + " (" + o.name + (o.source.empty() ? "" : ", " + o.source) +
         (o.onnx_tensor.empty() ? "" : ", ONNX tensor '" + o.onnx_tensor + "'") + ")" +
         (o.loop.empty() ? "" : " in loop " + o.loop + ", iteration " + std::to_string(o.iteration));
}

std::string describe_failure(const OutputResult& o) {
  if (!o.diff.mismatch.empty()) return what(o) + " has " + o.diff.mismatch;
  std::ostringstream os;
  os << what(o) << ": " << o.diff.outside << " of " << o.diff.elements << " elements outside rtol " << num(o.tolerance.rtol)
     << " atol " << num(o.tolerance.atol) << ", worst at " << shape_str(o.diff.worst_index) << ": " << num(o.diff.worst_got)
     << " vs " << num(o.diff.worst_want);
  return os.str();
}

// JSON has no NaN or infinity: they are written as strings.
nlohmann::json number(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  return v;
}

}  // namespace

std::string CheckReport::verdict() const {
  size_t outputs = 0, intermediates = 0;
  for (const TrialResult& t : trials)
    for (const OutputResult& o : t.outputs) ++(o.intermediate ? intermediates : outputs);
  std::ostringstream os;
  const std::string against = "against " + oracle + " (" + oracle_version + ")";
  if (ok()) {
    os << "weft check: PASS " << library << " " << against << ": " << trials.size() << " trial" << (trials.size() == 1 ? "" : "s") << ", "
       << outputs << " output" << (outputs == 1 ? "" : "s")
       << (intermediates ? " and " + std::to_string(intermediates) + " intermediates" : std::string()) << " within tolerance";
    return os.str();
  }
  size_t failed = 0;
  std::string first;
  for (const TrialResult& t : trials) {
    if (t.ok()) continue;
    ++failed;
    if (!first.empty()) continue;
    first = "trial " + std::to_string(t.trial) + (t.sizes.empty() ? "" : " (" + sizes_str(t.sizes) + ")") + ": ";
    if (!t.mismatch.empty()) {
      first += t.mismatch;
      continue;
    }
    if (t.first_diverging >= 0) {
      first += "the first diverging " + describe_failure(t.outputs[size_t(t.first_diverging)]);
      continue;
    }
    for (const OutputResult& o : t.outputs)
      if (!o.diff.ok()) {
        first += describe_failure(o);
        break;
      }
  }
  os << "weft check: FAIL " << library << " " << against << ": " << failed << " of " << trials.size() << " trials diverge; first, " << first;
  return os.str();
}

void print_report(const CheckReport& r, std::ostream& out) {
  out << "model " << r.model << ", library " << r.library << ", oracle " << r.oracle << " (" << r.oracle_version << ")\n";
  if (!r.oracle_note.empty()) out << "note: " << r.oracle_note << "\n";
  for (const TrialResult& t : r.trials) {
    out << "trial " << t.trial;
    if (!r.inputs_from_files) out << " (seed " << t.seed << (t.sizes.empty() ? "" : ", " + sizes_str(t.sizes)) << ")";
    out << (t.ok() ? "" : ": DIVERGES") << "\n";
    if (!t.mismatch.empty()) out << "  " << t.mismatch << "\n";
    size_t intermediates = 0, diverging = 0;
    for (const OutputResult& o : t.outputs) {
      if (o.intermediate) {
        // Thousands in a real model: counted here, the first diverging one shown below.
        ++intermediates;
        diverging += o.diff.ok() ? 0 : 1;
        continue;
      }
      out << "  " << (o.diff.ok() ? "ok  " : "FAIL") << " " << o.name << " " << o.dtype << shape_str(o.shape);
      if (!o.diff.mismatch.empty()) {
        out << ": " << o.diff.mismatch << "\n";
        continue;
      }
      out << " max abs " << num(o.diff.max_abs) << " max rel " << num(o.diff.max_rel) << ", " << o.diff.outside << " of "
          << o.diff.elements << " outside";
      if (o.diff.nan_mismatches) out << ", " << o.diff.nan_mismatches << " NaN mismatches";
      if (o.diff.inf_mismatches) out << ", " << o.diff.inf_mismatches << " Inf mismatches";
      if (!o.diff.worst_index.empty() || o.diff.elements == 1)
        out << ", worst " << shape_str(o.diff.worst_index) << ": " << num(o.diff.worst_got) << " (oracle " << num(o.diff.worst_want) << ")";
      out << "\n";
    }
    if (intermediates || t.not_compared) {
      out << "  " << intermediates << " intermediates compared (--mark-all), " << diverging << " outside tolerance";
      if (t.not_compared)
        out << "; " << t.not_compared << " not observable by the oracle (no ONNX tensor of their own, or inside a loop), not compared";
      out << "\n";
      if (t.first_diverging >= 0) out << "  first diverging " << describe_failure(t.outputs[size_t(t.first_diverging)]) << "\n";
    }
  }
  out << r.verdict() << "\n";
}

void write_json_report(const CheckReport& r, const std::string& path) {
  nlohmann::json j;
  j["model"] = r.model;
  j["library"] = r.library;
  j["oracle"] = {{"name", r.oracle}, {"version", r.oracle_version}};
  if (!r.oracle_note.empty()) j["oracle"]["note"] = r.oracle_note;
  j["ok"] = r.ok();
  j["verdict"] = r.verdict();
  j["trials"] = nlohmann::json::array();
  for (const TrialResult& t : r.trials) {
    nlohmann::json jt = {{"trial", t.trial}, {"ok", t.ok()}, {"sizes", t.sizes}, {"outputs", nlohmann::json::array()}};
    if (!r.inputs_from_files) jt["seed"] = t.seed;
    if (!t.mismatch.empty()) jt["mismatch"] = t.mismatch;
    if (t.first_diverging >= 0) jt["first_diverging"] = t.first_diverging;  // an index into "outputs"
    if (t.not_compared) jt["not_compared"] = t.not_compared;
    for (const OutputResult& o : t.outputs) {
      nlohmann::json jo = {{"name", o.name},
                           {"dtype", o.dtype},
                           {"shape", o.shape},
                           {"ok", o.diff.ok()},
                           {"rtol", o.tolerance.rtol},
                           {"atol", o.tolerance.atol}};
      if (o.intermediate) {
        jo["intermediate"] = true;
        jo["op"] = o.op;
        jo["source"] = o.source;
        if (!o.onnx_tensor.empty()) jo["onnx_tensor"] = o.onnx_tensor;
        if (!o.loop.empty()) {
          jo["loop"] = o.loop;
          jo["iteration"] = o.iteration;
        }
      }
      if (!o.diff.mismatch.empty()) {
        jo["mismatch"] = o.diff.mismatch;
      } else {
        jo["elements"] = o.diff.elements;
        jo["outside"] = o.diff.outside;
        jo["max_abs"] = number(o.diff.max_abs);
        jo["max_rel"] = number(o.diff.max_rel);
        jo["nan_mismatches"] = o.diff.nan_mismatches;
        jo["inf_mismatches"] = o.diff.inf_mismatches;
        jo["worst"] = {{"index", o.diff.worst_index}, {"got", number(o.diff.worst_got)}, {"oracle", number(o.diff.worst_want)}};
      }
      jt["outputs"].push_back(jo);
    }
    j["trials"].push_back(jt);
  }
  std::ofstream out(path);
  if (!out) throw CompileError(Span{path, 0, 0}, "cannot write the --json report");
  out << j.dump(2) << "\n";
  if (!out) throw CompileError(Span{path, 0, 0}, "cannot write the --json report");
}

}  // namespace weft::cli
