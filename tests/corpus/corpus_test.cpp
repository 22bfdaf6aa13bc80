// corpus_test.cpp - the real-model corpus run as a user would: each model/form imported from the plain PyTorch
// file, run in the interpreter and compiled (-O1) through the C API, both against LibTorch's outputs.
//
// usage: weft_corpus [--corpus DIR] [--expected FILE] [--write-expected FILE] [--filter SUBSTR] [--jobs N]
//                    [--report PREFIX] [--interpreter-only]
// Prints `PASS|FAIL model/form` per case, any disagreement with the shrink-only list
// tests/corpus/corpus_expected_failures.txt (an unlisted failure, or a listed case that passes,
// fails the run), then the summary; writes PREFIX.md and PREFIX.json (default
// build/corpus_report). A form PyTorch could not export is reported, not listed: weft never saw it.
// Tolerances are the manifest's (rtol 1e-3, atol 1e-4 for f32). --interpreter-only skips the
// compiled column (a quick look at a large corpus): only interpreter failures are then checked.
#include <chrono>
#include <iostream>
#include <map>

#include "ir/Interpreter.h"
#include "tests/corpus/CorpusCases.h"
#include "tests/corpus/CorpusReport.h"
#include "tests/support/CompiledCases.h"
#include "tests/support/ExpectedList.h"
#include "tests/support/RunnerFlags.h"
#include "tests/support/TestSupport.h"

using namespace weft;
namespace wt = weft::testing;
using wt::one_line;
using Clock = std::chrono::steady_clock;

namespace {

struct Options {
  std::string corpus = WEFT_CORPUS_DEFAULT_DIR;
  std::string expected = WEFT_CORPUS_EXPECTED_DEFAULT;
  std::string report = WEFT_CORPUS_REPORT_DEFAULT;
  std::string write_expected, filter;
  bool interpreter_only = false;
  wt::BatchOptions batch;
};

double since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

// The first line of a message that may start with blank lines (LibTorch's do).
std::string first_line(std::string s) {
  s.erase(0, std::min(s.size(), s.find_first_not_of(" \t\r\n")));
  return one_line(s);
}

// Import and interpreter for one exported entry; fills `row` and, when the interpreter
// agrees with LibTorch on every size, `compiled` with the case to build.
bool interpret_case(const nlohmann::json& entry, wt::CorpusRow& row, wt::CompiledCase* compiled) {
  const auto t0 = Clock::now();
  const double rtol = entry["rtol"], atol = entry["atol"];
  Module m;
  std::vector<wt::CorpusSize> sizes;
  try {
    m = wt::import_corpus_case(entry);
    sizes = wt::read_corpus_sizes(entry);
  } catch (const std::exception& e) {
    row.interpreter = "fail";
    row.reason = "import: " + first_line(e.what());
    row.interpreter_s = since(t0);
    return false;
  }
  for (size_t s = 0; s < sizes.size(); ++s) {
    std::string why;
    try {
      why = wt::outputs_close(wt::flatten_result(run_main(m, sizes[s].inputs)), sizes[s].expected, rtol, atol, "LibTorch");
    } catch (const std::exception& e) {
      why = first_line(e.what());
    }
    if (!why.empty()) {
      row.interpreter = "fail";
      row.reason = "interpreter, size " + std::to_string(s) + ": " + why;
      row.interpreter_s = since(t0);
      return false;
    }
  }
  row.interpreter = "pass";
  row.interpreter_s = since(t0);
  compiled->name = row.model + "/" + row.form;
  compiled->module = m;
  std::vector<std::vector<Value>> expected;
  for (auto& s : sizes) {
    compiled->data_sets.push_back(s.inputs);
    expected.push_back(s.expected);
  }
  compiled->check = [expected, rtol, atol](size_t set, const std::vector<Value>& got) {
    return wt::outputs_close(got, expected[set], rtol, atol, "LibTorch");
  };
  return true;
}

// Every exported form of one model: the interpreter first, then those that pass it compiled,
// one library each (two built at once), so a model's weights are in memory only while it runs.
void run_model(const std::vector<const nlohmann::json*>& entries, const Options& opt, std::vector<wt::CorpusRow>& rows) {
  std::vector<wt::CompiledCase> cases;
  std::vector<size_t> row_of;
  for (const nlohmann::json* e : entries) {
    wt::CorpusRow& row = rows.emplace_back();
    row.model = (*e)["model"];
    row.form = (*e)["form"];
    row.compiled = "not run";
    if ((*e)["status"] != "ok") {
      row.exported = false;
      row.interpreter = "not run";
      row.reason = "PyTorch export: " + one_line((*e).value("error", std::string("?")));
      continue;
    }
    row.sizes = int((*e)["sizes"].size());
    wt::CompiledCase c;
    if (interpret_case(*e, row, &c)) {
      cases.push_back(std::move(c));
      row_of.push_back(rows.size() - 1);
    }
  }
  if (opt.interpreter_only) return;
  wt::BatchOptions batch = opt.batch;
  batch.batch_size = 1;
  batch.progress = false;
  std::cout << std::flush;
  std::vector<wt::CompiledOutcome> outcomes = wt::run_compiled(cases, batch);
  for (size_t i = 0; i < cases.size(); ++i) {
    wt::CorpusRow& row = rows[row_of[i]];
    const wt::CompiledOutcome& o = outcomes[i];
    row.compiled = wt::compiled_status_name(o.status);
    row.compile_s = o.build_s;
    if (o.status == wt::CompiledStatus::Unsupported) row.reason = "compiled: unsupported: " + o.reason;
    if (o.status == wt::CompiledStatus::Fail) row.reason = "compiled: " + o.reason;
  }
}

bool parse_args(int argc, char** argv, Options* o) {
  return wt::RunnerFlags()
      .text("--corpus", &o->corpus).text("--expected", &o->expected).text("--write-expected", &o->write_expected)
      .text("--filter", &o->filter).text("--report", &o->report).count("--jobs", &o->batch.jobs)
      .on("--interpreter-only", [o] { o->interpreter_only = true; })
      .parse(argc, argv);
}

const char* kListHeader =
    "Real-model corpus cases (models/corpus/make_corpus.py) not yet expected to pass: `model/form  reason`,\n"
    "grouped by reason. A case passes when the interpreter and the compiled library (-O1, C API) both match\n"
    "LibTorch on both input sizes. A listed case that passes fails the corpus test: remove it (the list only\n"
    "shrinks). Forms PyTorch cannot export are in the report, not here. Regenerate from a full run:\n"
    "weft_corpus --corpus build/corpus_all --write-expected FILE";

}  // namespace

int main(int argc, char** argv) {
  Options opt;
  if (!parse_args(argc, argv, &opt))
    return wt::usage_error(argv[0], "[--corpus DIR] [--expected FILE] [--write-expected FILE] [--filter SUBSTR] [--jobs N] [--report PREFIX] [--interpreter-only]");
  wt::ExpectedList expected;
  nlohmann::json manifest;
  try {
    expected = wt::ExpectedList(opt.expected);
    manifest = wt::read_corpus_manifest(opt.corpus);
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 2;
  }
  // Entries grouped by model, in manifest order.
  std::vector<std::pair<std::string, std::vector<const nlohmann::json*>>> models;
  for (const auto& e : manifest["cases"]) {
    if (wt::corpus_case_name(e).find(opt.filter) == std::string::npos) continue;
    if (models.empty() || models.back().first != e["model"]) models.push_back({e["model"], {}});
    models.back().second.push_back(&e);
  }
  std::vector<wt::CorpusRow> rows;
  int interpreter_passed = 0;
  for (const auto& [model, entries] : models) {
    const size_t first = rows.size();
    run_model(entries, opt, rows);
    for (size_t i = first; i < rows.size(); ++i) {
      const wt::CorpusRow& r = rows[i];
      const std::string name = r.model + "/" + r.form;
      if (!r.exported) {
        std::cout << "NOT EXPORTED " << name << ": " << one_line(r.reason, 200) << "\n";
        continue;
      }
      // Without the compiled column, a case the interpreter passes is not known to pass.
      if (!opt.interpreter_only || r.interpreter != "pass") expected.record(name, true, r.passed(), r.reason);
      const bool ok = opt.interpreter_only ? r.interpreter == "pass" : r.passed();
      interpreter_passed += r.interpreter == "pass";
      std::cout << (ok ? "PASS " : "FAIL ") << name << (ok ? "" : ": " + one_line(r.reason, 240))
                << (expected.listed(name) ? " (expected)" : "") << "  [interpreter " << r.interpreter_s << " s, compile "
                << r.compile_s << " s]" << std::endl;
    }
  }
  const std::string title = "weft real-model corpus (" + opt.corpus + ", subset " + manifest.value("subset", std::string("?")) + ")";
  try {
    wt::write_corpus_report(rows, title, opt.report + ".md", opt.report + ".json");
    if (!opt.write_expected.empty()) expected.write(opt.write_expected, kListHeader);
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 2;
  }
  const bool whole = opt.filter.empty() && !opt.interpreter_only && manifest.value("subset", std::string()) == "all";
  std::vector<std::string> problems = expected.problems(whole);
  for (const std::string& p : problems) std::cout << "ERROR " << p << "\n";
  if (opt.interpreter_only) std::cout << "interpreter only: " << interpreter_passed << " pass\n";
  std::cout << "corpus: " << wt::corpus_summary(rows) << "\nreport: " << opt.report << ".md" << std::endl;
  return problems.empty() ? 0 : 1;
}
