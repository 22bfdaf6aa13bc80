// onnx_conformance_test.cpp - imports and runs every ONNX backend node test case in the interpreter and,
// with --compiled, compiled to .so libraries through the C API; checks both against shrink-only lists.
//
// usage: weft_onnx_conformance [--cases DIR] [--expected FILE | --no-expected] [--report FILE] [--filter SUBSTR]
//                              [--rtol X] [--atol X] [--opt-level N]
//                              [--compiled [--compiled-expected FILE] [--write-compiled-expected FILE]
//                               [--batch-size N] [--jobs N]]
// Prints `PASS name`, `FAIL name: reason` or `SKIP name: reason` per case, then any
// disagreement with the expected-failure list, then `N passed, M failed, K skipped`.
// Exits 1 when a case fails that is not listed, a listed case passes, or the list
// names a case that does not exist: the list only shrinks.
//
// With --compiled, every case that passes in the interpreter is also compiled (cases
// merged into batch libraries, see tests/support/CompiledCases.h) and its data sets run
// through the C API at the same tolerances; `COMPILED PASS|FAIL|UNSUPPORTED name` lines
// follow, the report gets a `compiled` column, and the exit status follows the compiled
// list (--compiled-expected) instead: a case that passes in the interpreter must pass
// compiled unless listed there. --write-compiled-expected writes that list as this run
// finds it, grouped by reason.
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "tests/importers/onnx_conformance_case.h"
#include "tests/support/ExpectedList.h"
#include "tests/support/RunnerFlags.h"

namespace fs = std::filesystem;
using json = nlohmann::json;
using namespace weft;
using testing::one_line;

namespace {

struct Options {
#ifdef WEFT_ONNX_CASES_DEFAULT_DIR
  std::string cases = WEFT_ONNX_CASES_DEFAULT_DIR;
#else
  std::string cases;
#endif
#ifdef WEFT_ONNX_EXPECTED_DEFAULT
  std::string expected = WEFT_ONNX_EXPECTED_DEFAULT;
#else
  std::string expected;
#endif
#ifdef WEFT_ONNX_COMPILED_EXPECTED_DEFAULT
  std::string compiled_expected = WEFT_ONNX_COMPILED_EXPECTED_DEFAULT;
#else
  std::string compiled_expected;
#endif
  std::string report;
  std::string filter;
  std::string write_compiled_expected;
  bool compiled = false;
  int opt_level = -1;  // --opt-level N: the -O pass pipeline runs on each imported model
  testing::BatchOptions batch;
  double rtol = 1e-3, atol = 1e-7;  // the ONNX backend test defaults
};

bool parse_args(int argc, char** argv, Options* o) {
  const bool ok = testing::RunnerFlags()
                      .on("--no-expected", [o] { o->expected.clear(); }).on("--compiled", [o] { o->compiled = true; })
                      .text("--cases", &o->cases).text("--expected", &o->expected)
                      .text("--compiled-expected", &o->compiled_expected)
                      .text("--write-compiled-expected", &o->write_compiled_expected)
                      .text("--report", &o->report).text("--filter", &o->filter)
                      .number("--rtol", &o->rtol).number("--atol", &o->atol)
                      .count("--opt-level", &o->opt_level).count("--batch-size", &o->batch.batch_size).count("--jobs", &o->batch.jobs)
                      .parse(argc, argv);
  return ok && !o->cases.empty();
}

const char* kCompiledListHeader =
    "ONNX cases that pass in the interpreter but are not yet expected to pass\n"
    "compiled to a .so and run through the C API: `test_name  reason`, grouped by reason.\n"
    "A listed case that passes compiled fails onnx_conformance_compiled: remove it (the list only shrinks).\n"
    "Regenerate: weft_onnx_conformance --compiled --write-compiled-expected FILE";

}  // namespace

int main(int argc, char** argv) {
  Options opt;
  if (!parse_args(argc, argv, &opt))
    return testing::usage_error(argv[0], "--cases DIR [--expected FILE | --no-expected] [--report FILE] [--filter SUBSTR] "
                                         "[--rtol X] [--atol X] [--compiled [--compiled-expected FILE] "
                                         "[--write-compiled-expected FILE] [--batch-size N] [--jobs N]]");
  testing::ExpectedList expected, compiled_expected;
  std::vector<fs::path> cases;
  try {
    expected = testing::ExpectedList(opt.expected);
    if (opt.compiled) compiled_expected = testing::ExpectedList(opt.compiled_expected);
    for (const auto& e : fs::directory_iterator(opt.cases))
      if (e.is_directory() && e.path().filename().string().find(opt.filter) != std::string::npos) cases.push_back(e.path());
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 2;
  }
  std::sort(cases.begin(), cases.end());
  if (cases.empty()) {
    std::cerr << "error: no test cases under " << opt.cases << "\n";
    return 2;
  }

  // The interpreter column.
  int passed = 0, failed = 0, skipped = 0;
  json report = json::array();
  std::vector<testing::CompiledCase> to_compile;
  std::vector<size_t> compiled_row;  // report row of each case in to_compile
  for (const fs::path& dir : cases) {
    const std::string name = dir.filename().string();
    auto start = std::chrono::steady_clock::now();
    conformance::CaseResult o;
    try {
      o = conformance::run_case(dir, opt.rtol, opt.atol, opt.compiled, opt.opt_level);
    } catch (const std::exception& e) {
      o = {"fail", one_line(e.what()), {}};
    }
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const bool listed = expected.listed(name);
    expected.record(name, o.status != "skip", o.status == "pass", o.status == "skip" ? "skipped" : o.reason);
    if (o.status == "pass") {
      ++passed;
      std::cout << "PASS " << name << "\n";
    } else if (o.status == "skip") {
      ++skipped;
      std::cout << "SKIP " << name << ": " << o.reason << "\n";
    } else {
      ++failed;
      std::cout << "FAIL " << name << ": " << o.reason << (listed ? " (expected)" : "") << "\n";
    }
    report.push_back({{"name", name}, {"status", o.status}, {"reason", o.reason}, {"expected_failure", listed},
                      {"seconds", seconds}});
    if (o.compiled) {
      o.compiled->isolate = compiled_expected.listed_as_failing(name);
      to_compile.push_back(std::move(*o.compiled));
      compiled_row.push_back(report.size() - 1);
    } else if (opt.compiled) {
      compiled_expected.record(name, false, false, "interpreter: " + o.status);
      report.back()["compiled"] = {{"status", "not_run"}, {"reason", "the interpreter does not pass it"}};
    }
  }
  std::vector<std::string> problems = expected.problems(opt.filter.empty());
  std::string summary = std::to_string(passed) + " passed, " + std::to_string(failed) + " failed, " + std::to_string(skipped) + " skipped";

  // The compiled column: the cases the interpreter passes.
  json compiled_totals;
  if (opt.compiled) {
    std::cout << std::flush;
    auto start = std::chrono::steady_clock::now();
    std::vector<testing::CompiledOutcome> outcomes = testing::run_compiled(to_compile, opt.batch);
    testing::CompiledTally tally;
    for (size_t i = 0; i < outcomes.size(); ++i) {
      const testing::CompiledOutcome& c = outcomes[i];
      const bool listed = tally.record(to_compile[i].name, c, compiled_expected, std::cout, "COMPILED ");
      report[compiled_row[i]]["compiled"] = {
          {"status", testing::compiled_status_name(c.status)}, {"reason", c.reason}, {"expected_failure", listed}, {"batch", c.batch}};
    }
    const int cpass = tally.passed, cfail = tally.failed, cunsupported = tally.unsupported;
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    compiled_totals = {{"passed", cpass}, {"failed", cfail}, {"unsupported", cunsupported}, {"seconds", seconds}};
    // The compiled test judges the compiled list; the interpreter's has its own test.
    problems = compiled_expected.problems(opt.filter.empty());
    summary = "interpreter: " + summary + "; compiled: " + std::to_string(cpass) + " passed, " + std::to_string(cunsupported) +
              " unsupported, " + std::to_string(cfail) + " failed (of " + std::to_string(outcomes.size()) + ", " +
              std::to_string(int(seconds)) + " s)";
    if (!opt.write_compiled_expected.empty()) {
      compiled_expected.write(opt.write_compiled_expected, kCompiledListHeader);
      std::cout << "wrote " << opt.write_compiled_expected << "\n";
    }
  }

  if (!opt.report.empty()) {
    json top = {{"passed", passed}, {"failed", failed}, {"skipped", skipped}, {"cases", report}};
    if (opt.compiled) top["compiled"] = compiled_totals;
    std::ofstream out(opt.report);
    out << top.dump(1) << "\n";
  }
  for (const std::string& p : problems) std::cout << "ERROR " << p << "\n";
  std::cout << summary << std::endl;
  return problems.empty() ? 0 : 1;
}
