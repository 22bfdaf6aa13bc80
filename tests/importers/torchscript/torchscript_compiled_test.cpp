// torchscript_compiled_test.cpp - each generated TorchScript model imported, compiled to a .so and run through
// the C API on its cases, against LibTorch's outputs; a shrink-only list names the models not yet expected to pass.
//
// usage: weft_torchscript_compiled [--models DIR] [--expected FILE] [--write-expected FILE] [--filter SUBSTR] [--jobs N]
// Prints `PASS|FAIL|UNSUPPORTED model` (unsupported: the code generator refuses it, e.g. a
// list or optional argument, which the C API cannot take), any disagreement with the list
// (tests/importers/torchscript/torchscript_compiled_expected.txt), then the totals. The
// tolerances are torchscript_import_test's: floats within 1e-5 + 1e-4 * |LibTorch|.
#include <torch/script.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "importers/torchscript/TorchScriptImporter.h"
#include "ir/NpyIO.h"
#include "tests/support/CompiledCases.h"
#include "tests/support/ExpectedList.h"
#include "tests/support/TestSupport.h"

using namespace weft;
namespace wt = weft::testing;
using wt::one_line;

namespace {

constexpr double kRtol = 1e-4, kAtol = 1e-5;

struct Options {
  std::string models = WEFT_TS_MODELS_DEFAULT_DIR;
  std::string expected = WEFT_TS_COMPILED_EXPECTED_DEFAULT;
  std::string write_expected, filter;
  wt::BatchOptions batch;
};

at::ScalarType torch_type(DType d) {
  switch (d) {
    case DType::F32: return at::kFloat;
    case DType::F64: return at::kDouble;
    case DType::I64: return at::kLong;
    case DType::I32: return at::kInt;
    case DType::Bool: return at::kBool;
    case DType::U8: return at::kByte;
    default: throw std::runtime_error("dtype " + std::string(dtype_name(d)) + " not used by the models");
  }
}

DType weft_type(at::ScalarType t) {
  switch (t) {
    case at::kFloat: return DType::F32;
    case at::kDouble: return DType::F64;
    case at::kLong: return DType::I64;
    case at::kInt: return DType::I32;
    case at::kBool: return DType::Bool;
    case at::kByte: return DType::U8;
    default: throw std::runtime_error(std::string("LibTorch result dtype ") + c10::toString(t) + " has no weft dtype here");
  }
}

at::Tensor to_torch(const Tensor& t) {
  std::vector<int64_t> shape(t.shape().begin(), t.shape().end());
  return torch::from_blob(t.raw(), shape, torch_type(t.dtype())).clone();
}

Tensor from_torch(const at::Tensor& src) {
  at::Tensor c = src.contiguous();
  Tensor t(weft_type(c.scalar_type()), std::vector<int64_t>(c.sizes().begin(), c.sizes().end()));
  if (t.nbytes()) std::memcpy(t.raw(), c.data_ptr(), t.nbytes());
  return t;
}

// LibTorch's result flattened as the C API returns it: tuples and lists in order; ints,
// floats and bools as rank-0 tensors. A None (or an Optional) cannot be a C API output.
void flatten(const c10::IValue& v, std::vector<Tensor>& out) {
  if (v.isTensor()) out.push_back(from_torch(v.toTensor()));
  else if (v.isInt()) out.push_back(Tensor::scalar(int64_t(v.toInt())));
  else if (v.isDouble()) out.push_back(Tensor::scalar(v.toDouble()));
  else if (v.isBool()) out.push_back(Tensor::scalar(v.toBool()));
  else if (v.isTuple())
    for (const auto& e : v.toTupleRef().elements()) flatten(e, out);
  else if (v.isList())
    for (const auto& e : v.toListRef()) flatten(e, out);
  else throw std::runtime_error(std::string("LibTorch result of kind ") + v.tagKind() + " has no C API form");
}

// One model as a compiled case: LibTorch runs each case folder here, in the parent, so the
// child that runs the library only compares. Non-tensor arguments (optional, int_list)
// leave the data sets empty: the code generator refuses such a @main first.
wt::CompiledCase prepare(const nlohmann::json& entry) {
  wt::CompiledCase c;
  c.name = entry["name"];
  std::string file = entry["file"];
  c.module = import_torchscript(file);
  torch::jit::Module oracle = torch::jit::load(file);
  oracle.eval();
  torch::NoGradGuard no_grad;
  std::vector<std::vector<Tensor>> expected;
  bool tensors_only = true;
  for (const std::string kind : entry["inputs"]) tensors_only = tensors_only && (kind == "tensor" || kind == "int" || kind == "float");
  for (auto& folder : entry["cases"]) {
    std::vector<c10::IValue> tin;
    std::vector<Tensor> win;
    for (size_t i = 0; i < entry["inputs"].size(); ++i) {
      std::string path = std::string(folder) + "/" + std::to_string(i) + ".npy";
      std::string kind = entry["inputs"][i];
      if (kind == "optional" && !std::ifstream(path)) {
        tin.emplace_back();
        continue;
      }
      Tensor t = read_npy(path);
      if (kind == "int_list") tin.emplace_back(c10::List<int64_t>(t.to_int_vector()));
      else if (kind == "int") tin.emplace_back(t.as_int());
      else if (kind == "float") tin.emplace_back(t.as_double());
      else tin.emplace_back(to_torch(t));
      win.push_back(t);
    }
    std::vector<Tensor> want;
    flatten(oracle.forward(tin), want);
    expected.push_back(want);
    c.data_sets.push_back(tensors_only ? win : std::vector<Tensor>{});
  }
  c.check = [expected](size_t set, const std::vector<Tensor>& got) -> std::string {
    const std::vector<Tensor>& want = expected[set];
    if (got.size() != want.size()) return std::to_string(got.size()) + " outputs, LibTorch " + std::to_string(want.size());
    for (size_t i = 0; i < want.size(); ++i)
      if (auto close = wt::tensors_close(got[i], want[i], kRtol, kAtol); !close)
        return "output " + std::to_string(i) + ": " + one_line(close.message());
    return "";
  };
  return c;
}

bool parse_args(int argc, char** argv, Options* o) {
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i], v = argv[i + 1];
    try {
      if (a == "--models") o->models = v;
      else if (a == "--expected") o->expected = v;
      else if (a == "--write-expected") o->write_expected = v;
      else if (a == "--filter") o->filter = v;
      else if (a == "--jobs") o->batch.jobs = std::stoi(v);
      else return false;
    } catch (const std::exception&) {
      return false;
    }
  }
  return argc % 2 == 1;
}

const char* kListHeader =
    "TorchScript models (models/torchscript/make_models.py) not yet expected to pass compiled to a .so\n"
    "and run through the C API against LibTorch: `model  reason`, grouped by reason.\n"
    "A listed model that passes fails torchscript_compiled: remove it (the list only shrinks).\n"
    "Regenerate: weft_torchscript_compiled --write-expected FILE";

}  // namespace

int main(int argc, char** argv) {
  Options opt;
  if (!parse_args(argc, argv, &opt)) {
    std::cerr << "usage: " << argv[0] << " [--models DIR] [--expected FILE] [--write-expected FILE] [--filter SUBSTR] [--jobs N]\n";
    return 2;
  }
  if (const char* env = std::getenv("WEFT_TS_MODELS_DIR")) opt.models = env;
  wt::ExpectedList expected;
  nlohmann::json manifest;
  try {
    expected = wt::ExpectedList(opt.expected);
    std::ifstream in(opt.models + "/manifest.json");
    if (!in) throw std::runtime_error("no " + opt.models + "/manifest.json (run models/torchscript/make_models.py)");
    manifest = nlohmann::json::parse(in);
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 2;
  }

  std::vector<wt::CompiledCase> cases;
  int not_run = 0;
  for (auto& entry : manifest["models"]) {
    std::string name = entry["name"];
    if (entry["cases"].empty() || name.find(opt.filter) == std::string::npos) continue;  // `unsupported` has no cases
    try {
      cases.push_back(prepare(entry));
    } catch (const std::exception& e) {
      ++not_run;
      std::cout << "NOT RUN " << name << ": " << one_line(e.what()) << "\n";
      expected.record(name, false, false, "import or LibTorch failed");
    }
  }
  // Whole models: one library each, two built at once.
  opt.batch.batch_size = 1;
  std::cout << std::flush;
  std::vector<wt::CompiledOutcome> outcomes = wt::run_compiled(cases, opt.batch);
  int passed = 0, failed = 0, unsupported = 0;
  for (size_t i = 0; i < cases.size(); ++i) {
    const wt::CompiledOutcome& o = outcomes[i];
    const bool pass = o.status == wt::CompiledStatus::Pass;
    const bool listed = expected.listed(cases[i].name);
    passed += pass;
    failed += o.status == wt::CompiledStatus::Fail;
    unsupported += o.status == wt::CompiledStatus::Unsupported;
    expected.record(cases[i].name, true, pass, o.status == wt::CompiledStatus::Unsupported ? "unsupported: " + o.reason : o.reason);
    std::cout << (pass ? "PASS " : o.status == wt::CompiledStatus::Fail ? "FAIL " : "UNSUPPORTED ") << cases[i].name
              << (pass ? "" : ": " + o.reason) << (listed ? " (expected)" : "") << "\n";
  }
  if (!opt.write_expected.empty()) expected.write(opt.write_expected, kListHeader);
  std::vector<std::string> problems = expected.problems(opt.filter.empty());
  for (const std::string& p : problems) std::cout << "ERROR " << p << "\n";
  std::cout << "compiled: " << passed << " passed, " << unsupported << " unsupported, " << failed << " failed; " << not_run
            << " not run (import or LibTorch failed)" << std::endl;
  return problems.empty() ? 0 : 1;
}
