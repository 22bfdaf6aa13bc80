// op_cases_compiled_test.cpp - every NumPy-computed operator case (models/op_cases) as a one-call program
// compiled to a .so and run through the C API, batched per op family, against a shrink-only list.
//
// usage: weft_op_cases_compiled [--cases DIR] [--expected FILE] [--write-expected FILE] [--filter SUBSTR]
//                               [--report FILE] [--batch-size N] [--jobs N]
// Each case is @main(a0, ..., an) { op(a0, ..., an) } with the case's attributes. It runs in
// the interpreter first (op_cases checks that part in detail); a case the interpreter passes
// is compiled (its family's cases merged into few libraries) and its outputs compared with
// NumPy's at the case's own tolerances. Prints `PASS|FAIL|UNSUPPORTED family/name`, then
// any disagreement with the list (tests/ops/op_cases_compiled_expected.txt: a listed case
// that passes, or an unlisted one that fails, is an error), then the totals.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "tests/ops/OpCaseManifest.h"
#include "ir/Interpreter.h"
#include "ir/NpyIO.h"
#include "ir/OpRegistry.h"
#include "ir/TypeInference.h"
#include "tests/support/CompiledCases.h"
#include "tests/support/ExpectedList.h"
#include "tests/support/RunnerFlags.h"
#include "tests/support/TestSupport.h"

namespace fs = std::filesystem;
using json = nlohmann::json;
using namespace weft;
namespace wt = weft::testing;
using wt::one_line;

namespace {

struct Options {
  std::string cases = WEFT_OP_CASES_DEFAULT_DIR;
  std::string expected = WEFT_OP_CASES_COMPILED_EXPECTED_DEFAULT;
  std::string write_expected, filter, report;
  wt::BatchOptions batch;
};

using wt::decode_attr;
using wt::static_type;

std::vector<Tensor> flatten(const Value& v) {
  if (auto tup = value_as<TupleValueNode>(v)) {
    std::vector<Tensor> out;
    for (auto& f : tup->fields) out.push_back(value_tensor(f));
    return out;
  }
  return {value_tensor(v)};
}

// "" when every output is within the case's tolerances, else the first difference.
std::string compare_outputs(const std::vector<Tensor>& got, const std::vector<Tensor>& want, double rtol, double atol) {
  if (got.size() != want.size()) return std::to_string(got.size()) + " outputs, expected " + std::to_string(want.size());
  for (size_t i = 0; i < want.size(); ++i)
    if (auto close = wt::tensors_close(got[i], want[i], rtol, atol); !close)
      return "output " + std::to_string(i) + ": " + one_line(close.message());
  return "";
}

// The case as a program, run by the interpreter: "" and the compiled case, or why the
// interpreter does not pass it (then it is not compiled).
std::string prepare(const fs::path& dir, const std::string& family, const json& c, wt::CompiledCase* out) {
  const OpDef* op = OpRegistry::global().find(c["op"]);
  if (!op) return "operator '" + c["op"].get<std::string>() + "' is not registered";
  Attrs attrs;
  for (auto& [k, v] : c["attrs"].items()) attrs.set(k, decode_attr(v));
  std::vector<Tensor> inputs, expected;
  for (auto& f : c["inputs"]) inputs.push_back(read_npy((dir / f.get<std::string>()).string()));
  for (auto& f : c["outputs"]) expected.push_back(read_npy((dir / f.get<std::string>()).string()));
  std::vector<Var> params;
  std::vector<Expr> args;
  std::vector<Value> values;
  for (size_t i = 0; i < inputs.size(); ++i) {
    params.push_back(make_var("a" + std::to_string(i), static_type(inputs[i])));
    args.push_back(params.back());
    values.push_back(tensor_value(inputs[i]));
  }
  Module m;
  m.add_function("main", make_function(params, nullptr, make_op_call(op->name, args, attrs)));
  infer_types(m);
  const double rtol = c["rtol"], atol = c["atol"];
  if (std::string why = compare_outputs(flatten(run_main(m, values)), expected, rtol, atol); !why.empty())
    return "interpreter: " + why;
  out->name = family + "/" + c["name"].get<std::string>();
  out->group = family;
  out->module = m;
  out->data_sets = {values};
  out->check = [expected, rtol, atol](size_t, const std::vector<Value>& got) {
    std::vector<Tensor> tensors;
    for (const Value& v : got) tensors.push_back(value_tensor(v));
    return compare_outputs(tensors, expected, rtol, atol);
  };
  return "";
}

bool parse_args(int argc, char** argv, Options* o) {
  return wt::RunnerFlags()
      .text("--cases", &o->cases).text("--expected", &o->expected).text("--write-expected", &o->write_expected)
      .text("--filter", &o->filter).text("--report", &o->report)
      .count("--batch-size", &o->batch.batch_size).count("--jobs", &o->batch.jobs)
      .parse(argc, argv);
}

const char* kListHeader =
    "Operator cases (models/op_cases) that pass in the interpreter but are not yet expected to pass compiled\n"
    "to a .so and run through the C API: `family/case  reason`, grouped by reason.\n"
    "A listed case that passes fails op_cases_compiled: remove it (the list only shrinks).\n"
    "Regenerate: weft_op_cases_compiled --write-expected FILE";

}  // namespace

int main(int argc, char** argv) {
  Options opt;
  if (!parse_args(argc, argv, &opt))
    return wt::usage_error(argv[0], "[--cases DIR] [--expected FILE] [--write-expected FILE] [--filter SUBSTR] [--report FILE] "
                                    "[--batch-size N] [--jobs N]");
  if (const char* env = std::getenv("WEFT_OP_CASES_DIR")) opt.cases = env;
  wt::ExpectedList expected;
  std::vector<wt::CompiledCase> cases;
  int not_run = 0;
  try {
    expected = wt::ExpectedList(opt.expected);
    std::vector<std::string> families;
    for (auto& e : fs::directory_iterator(opt.cases))
      if (fs::exists(e.path() / "manifest.json")) families.push_back(e.path().filename().string());
    std::sort(families.begin(), families.end());
    for (const std::string& family : families) {
      std::ifstream in(fs::path(opt.cases) / family / "manifest.json");
      const json manifest = json::parse(in);
      for (const json& c : manifest["cases"]) {
        std::string name = family + "/" + c["name"].get<std::string>();
        if (name.find(opt.filter) == std::string::npos) continue;
        wt::CompiledCase cc;
        std::string why;
        try {
          why = prepare(fs::path(opt.cases) / family, family, c, &cc);
        } catch (const std::exception& e) {
          why = one_line(e.what());
        }
        if (why.empty()) {
          cc.isolate = expected.listed_as_failing(name);
          cases.push_back(std::move(cc));
        } else {
          ++not_run;
          std::cout << "NOT RUN " << name << ": " << why << "\n";
          expected.record(name, false, false, "interpreter does not pass it");
        }
      }
    }
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 2;
  }
  if (cases.empty() && not_run == 0) {
    std::cerr << "error: no operator cases under " << opt.cases << " (run models/op_cases/gen_all.py)\n";
    return 2;
  }

  std::cout << std::flush;
  std::vector<wt::CompiledOutcome> outcomes = wt::run_compiled(cases, opt.batch);
  wt::CompiledTally tally;
  json report = json::array();
  for (size_t i = 0; i < cases.size(); ++i) {
    const wt::CompiledOutcome& o = outcomes[i];
    const bool listed = tally.record(cases[i].name, o, expected, std::cout);
    report.push_back({{"name", cases[i].name}, {"status", wt::compiled_status_name(o.status)}, {"reason", o.reason},
                      {"expected_failure", listed}, {"batch", o.batch}});
  }
  if (!opt.write_expected.empty()) expected.write(opt.write_expected, kListHeader);
  if (!opt.report.empty()) {
    std::ofstream out(opt.report);
    out << json{{"passed", tally.passed}, {"failed", tally.failed}, {"unsupported", tally.unsupported}, {"not_run", not_run}, {"cases", report}}.dump(1)
        << "\n";
  }
  std::vector<std::string> problems = expected.problems(opt.filter.empty());
  for (const std::string& p : problems) std::cout << "ERROR " << p << "\n";
  std::cout << "compiled: " << tally.passed << " passed, " << tally.unsupported << " unsupported, " << tally.failed << " failed; " << not_run
            << " not run (the interpreter does not pass them)" << std::endl;
  return problems.empty() ? 0 : 1;
}
