// onnx_conformance_test.cpp - imports and runs every ONNX backend node test case; checks results against the expected-failure list.
//
// usage: weft_onnx_conformance [--cases DIR] [--expected FILE | --no-expected] [--report FILE] [--filter SUBSTR]
//                              [--rtol X] [--atol X]
// Prints `PASS name`, `FAIL name: reason` or `SKIP name: reason` per case, then any
// disagreement with the expected-failure list, then `N passed, M failed, K skipped`.
// Exits 1 when a case fails that is not listed, a listed case passes, or the list
// names a case that does not exist: the list only shrinks.
#include <onnx/onnx_pb.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "importers/onnx/OnnxImporter.h"
#include "ir/Interpreter.h"
#include "tests/importers/onnx_case_values.h"

namespace fs = std::filesystem;
using json = nlohmann::json;
using namespace weft;

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
  std::string report;
  std::string filter;
  double rtol = 1e-3, atol = 1e-7;  // the ONNX backend test defaults
};

struct Outcome {
  std::string status;  // "pass", "fail", "skip"
  std::string reason;
};

// The first line of a message, at most 300 characters: one line per case.
std::string one_line(const std::string& s) {
  std::string line = s.substr(0, s.find('\n'));
  return line.size() > 300 ? line.substr(0, 297) + "..." : line;
}

onnx::ModelProto load_model(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  onnx::ModelProto model;
  if (!in || !model.ParseFromIstream(&in)) throw std::runtime_error("cannot parse " + path.string());
  return model;
}

std::vector<fs::path> data_sets(const fs::path& dir) {
  std::vector<fs::path> sets;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.is_directory() && e.path().filename().string().rfind("test_data_set_", 0) == 0) sets.push_back(e.path());
  std::sort(sets.begin(), sets.end());
  return sets;
}

// Graph inputs that are fed by the data sets: those without an initializer.
std::vector<const onnx::ValueInfoProto*> fed_inputs(const onnx::GraphProto& g) {
  std::set<std::string> inits;
  for (const auto& t : g.initializer()) inits.insert(t.name());
  std::vector<const onnx::ValueInfoProto*> out;
  for (const auto& i : g.input())
    if (!inits.count(i.name())) out.push_back(&i);
  return out;
}

Outcome run_case(const fs::path& dir, double rtol, double atol) {
  onnx::ModelProto model = load_model(dir / "model.onnx");
  const onnx::GraphProto& g = model.graph();
  for (const auto& v : g.input())
    if (conformance::has_string(v.type())) return {"skip", "string tensor input '" + v.name() + "'"};
  for (const auto& v : g.output())
    if (conformance::has_string(v.type())) return {"skip", "string tensor output '" + v.name() + "'"};

  Module m;
  try {
    m = import_onnx((dir / "model.onnx").string());
  } catch (const std::exception& e) {
    return {"fail", "import: " + one_line(e.what())};
  }
  std::vector<const onnx::ValueInfoProto*> inputs = fed_inputs(g);
  for (const fs::path& set : data_sets(dir)) {
    std::vector<Value> args;
    std::vector<Value> want;
    try {
      for (size_t i = 0; i < inputs.size(); ++i) {
        fs::path p = set / ("input_" + std::to_string(i) + ".pb");
        if (!fs::exists(p)) break;  // trailing optional inputs may be left out
        args.push_back(conformance::read_value(p.string(), inputs[i]->type(), m));
      }
      for (int i = 0; i < g.output_size(); ++i)
        want.push_back(conformance::read_value((set / ("output_" + std::to_string(i) + ".pb")).string(), g.output(i).type(), m));
    } catch (const std::exception& e) {
      return {"fail", "reading test data: " + one_line(e.what())};
    }
    Value result;
    try {
      result = run_main(m, args);
    } catch (const std::exception& e) {
      return {"fail", "run: " + one_line(e.what())};
    }
    std::vector<Value> got{result};
    if (want.size() != 1) {
      auto tuple = value_as<TupleValueNode>(result);
      if (!tuple || tuple->fields.size() != want.size())
        return {"fail", Msg() << "expected a tuple of " << want.size() << " outputs, got " << one_line(value_str(result, 200))};
      got = tuple->fields;
    }
    for (size_t i = 0; i < want.size(); ++i) {
      std::string diff = conformance::compare_values(got[i], want[i], "output " + g.output(int(i)).name(), rtol, atol);
      if (!diff.empty()) return {"fail", set.filename().string() + ": " + one_line(diff)};
    }
  }
  return {"pass", ""};
}

// `test_name  reason` per line; blank lines and lines starting with # are ignored.
std::map<std::string, std::string> read_expected(const std::string& path) {
  std::map<std::string, std::string> listed;
  if (path.empty()) return listed;
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read the expected-failure list " + path);
  std::string line;
  while (std::getline(in, line)) {
    size_t start = line.find_first_not_of(" \t");
    if (start == std::string::npos || line[start] == '#') continue;
    size_t end = line.find_first_of(" \t", start);
    std::string name = line.substr(start, end == std::string::npos ? std::string::npos : end - start);
    size_t why = end == std::string::npos ? std::string::npos : line.find_first_not_of(" \t", end);
    listed[name] = why == std::string::npos ? "" : line.substr(why);
  }
  return listed;
}

bool parse_args(int argc, char** argv, Options* o) {
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--no-expected") {
      o->expected.clear();
      continue;
    }
    if (i + 1 >= argc) return false;
    std::string v = argv[++i];
    try {
      if (a == "--cases") o->cases = v;
      else if (a == "--expected") o->expected = v;
      else if (a == "--report") o->report = v;
      else if (a == "--filter") o->filter = v;
      else if (a == "--rtol") o->rtol = std::stod(v);
      else if (a == "--atol") o->atol = std::stod(v);
      else return false;
    } catch (const std::exception&) {
      return false;
    }
  }
  return !o->cases.empty();
}

}  // namespace

int main(int argc, char** argv) {
  Options opt;
  if (!parse_args(argc, argv, &opt)) {
    std::cerr << "usage: " << argv[0]
              << " --cases DIR [--expected FILE | --no-expected] [--report FILE] [--filter SUBSTR] [--rtol X] [--atol X]\n";
    return 2;
  }
  std::map<std::string, std::string> expected;
  std::vector<fs::path> cases;
  try {
    expected = read_expected(opt.expected);
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

  int passed = 0, failed = 0, skipped = 0;
  std::vector<std::string> problems;
  std::set<std::string> seen;
  json report = json::array();
  for (const fs::path& dir : cases) {
    const std::string name = dir.filename().string();
    seen.insert(name);
    auto start = std::chrono::steady_clock::now();
    Outcome o;
    try {
      o = run_case(dir, opt.rtol, opt.atol);
    } catch (const std::exception& e) {
      o = {"fail", one_line(e.what())};
    }
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const bool listed = expected.count(name) != 0;
    if (o.status == "pass") {
      ++passed;
      std::cout << "PASS " << name << "\n";
      if (listed) problems.push_back(name + " now passes: remove from the list");
    } else if (o.status == "skip") {
      ++skipped;
      std::cout << "SKIP " << name << ": " << o.reason << "\n";
      if (listed) problems.push_back(name + " is skipped: remove from the list");
    } else {
      ++failed;
      std::cout << "FAIL " << name << ": " << o.reason << (listed ? " (expected)" : "") << "\n";
      if (!listed) problems.push_back(name + " fails and is not in the expected-failure list");
    }
    report.push_back({{"name", name}, {"status", o.status}, {"reason", o.reason}, {"expected_failure", listed},
                      {"seconds", seconds}});
  }
  if (opt.filter.empty())
    for (const auto& [name, why] : expected)
      if (!seen.count(name)) problems.push_back(name + " is listed but no such case exists");

  if (!opt.report.empty()) {
    std::ofstream out(opt.report);
    out << json{{"passed", passed}, {"failed", failed}, {"skipped", skipped}, {"cases", report}}.dump(1) << "\n";
  }
  for (const std::string& p : problems) std::cout << "ERROR " << p << "\n";
  std::cout << passed << " passed, " << failed << " failed, " << skipped << " skipped" << std::endl;
  return problems.empty() ? 0 : 1;
}
