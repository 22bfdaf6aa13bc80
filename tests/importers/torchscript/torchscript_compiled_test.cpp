// torchscript_compiled_test.cpp - each generated TorchScript model imported, compiled to a .so and run through
// the C API on its cases, against LibTorch's outputs; a shrink-only list names the models not yet expected to pass.
//
// usage: weft_torchscript_compiled [--models DIR] [--expected FILE] [--write-expected FILE] [--filter SUBSTR] [--jobs N]
// Prints `PASS|FAIL|UNSUPPORTED model` (unsupported: the code generator refuses it with a
// CompileError saying what it does not support yet), any disagreement with the list
// (tests/importers/torchscript/torchscript_compiled_expected.txt), then the totals. The
// tolerances are torchscript_import_test's: floats within 1e-5 + 1e-4 * |LibTorch|.
#include <torch/script.h>

#include <filesystem>
#include <cstring>
#include <iostream>
#include <nlohmann/json.hpp>

#include "importers/torchscript/TorchScriptImporter.h"
#include "tests/importers/torchscript/TorchScriptCases.h"
#include "tests/support/CompiledCases.h"
#include "tests/support/ExpectedList.h"
#include "tests/support/RunnerFlags.h"
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

Tensor from_torch(const at::Tensor& src) {
  at::Tensor c = src.contiguous();
  Tensor t(weft_type(c.scalar_type()), std::vector<int64_t>(c.sizes().begin(), c.sizes().end()));
  if (t.nbytes()) std::memcpy(t.raw(), c.data_ptr(), t.nbytes());
  return t;
}

Tensor scalar_tensor(const c10::IValue& v) {
  if (v.isTensor()) return from_torch(v.toTensor());
  if (v.isInt()) return Tensor::scalar(int64_t(v.toInt()));
  if (v.isDouble()) return Tensor::scalar(v.toDouble());
  if (v.isBool()) return Tensor::scalar(v.toBool());
  throw std::runtime_error(std::string("LibTorch gave a ") + v.tagKind() + " where weft has a tensor");
}

// LibTorch's result as weft values of @main's result type `t`, tuples flattened as the C
// API flattens them (ints, floats and bools as rank-0 tensors; lists and optionals as such).
void expected_values(const c10::IValue& v, const Type& t, const Module& m, std::vector<Value>& out) {
  if (auto* tup = as_tuple(t); tup && v.isGenericDict()) {  // a dict's values, in insertion order
    auto d = v.toGenericDict();
    if (d.size() != tup->fields.size()) throw std::runtime_error("LibTorch's dict does not have the shape of weft's " + type_str(t));
    size_t i = 0;
    for (const auto& kv : d) expected_values(kv.value(), tup->fields[i++], m, out);
    return;
  }
  if (auto* tup = as_tuple(t)) {
    if (!v.isTuple() || v.toTupleRef().elements().size() != tup->fields.size())
      throw std::runtime_error("LibTorch's result does not have the shape of weft's " + type_str(t));
    for (size_t i = 0; i < tup->fields.size(); ++i) expected_values(v.toTupleRef().elements()[i], tup->fields[i], m, out);
    return;
  }
  if (auto* adt = as_adt(t); adt && adt->args.size() == 1) {
    if (adt->name == "Option") {
      if (v.isNone()) {
        out.push_back(none_value(m));
      } else {
        std::vector<Value> inner;
        expected_values(v, adt->args[0], m, inner);
        out.push_back(some_value(m, inner.at(0)));
      }
      return;
    }
    if (adt->name == "List" && v.isList()) {
      std::vector<Value> items;
      for (const auto& e : v.toListRef()) expected_values(e, adt->args[0], m, items);
      out.push_back(list_value(m, items));
      return;
    }
  }
  out.push_back(tensor_value(scalar_tensor(v)));
}

// One model as a compiled case: LibTorch runs each case folder here, in the parent, so the
// child that runs the library only compares (no LibTorch after fork).
wt::CompiledCase prepare(const nlohmann::json& entry) {
  wt::CompiledCase c;
  c.name = entry["name"];
  std::string file = entry["file"];
  c.module = import_torchscript(file);
  torch::jit::Module oracle = torch::jit::load(file);
  oracle.eval();
  torch::NoGradGuard no_grad;
  const Type ret = as_func(c.module.main()->checked_type)->ret;
  std::vector<std::vector<Value>> expected;
  for (auto& folder : entry["cases"]) {
    wt::TorchScriptInputs in = wt::read_torchscript_inputs(entry, folder.get<std::string>(), c.module);
    std::vector<Value> want;
    expected_values(oracle.forward(in.torch), ret, c.module, want);
    expected.push_back(want);
    c.data_sets.push_back(in.weft);
  }
  c.check = [expected](size_t set, const std::vector<Value>& got) {
    return wt::outputs_close(got, expected[set], kRtol, kAtol, "LibTorch");
  };
  return c;
}

bool parse_args(int argc, char** argv, Options* o) {
  return wt::RunnerFlags()
      .text("--models", &o->models).text("--expected", &o->expected).text("--write-expected", &o->write_expected)
      .text("--filter", &o->filter).count("--jobs", &o->batch.jobs)
      .parse(argc, argv);
}

const char* kListHeader =
    "TorchScript models (models/torchscript/make_models.py) not yet expected to pass compiled to a .so\n"
    "and run through the C API against LibTorch: `model  reason`, grouped by reason.\n"
    "A listed model that passes fails torchscript_compiled: remove it (the list only shrinks).\n"
    "Regenerate: weft_torchscript_compiled --write-expected FILE";

}  // namespace

int main(int argc, char** argv) {
  Options opt;
  if (!parse_args(argc, argv, &opt))
    return wt::usage_error(argv[0], "[--models DIR] [--expected FILE] [--write-expected FILE] [--filter SUBSTR] [--jobs N]");
  if (const char* env = std::getenv("WEFT_TS_MODELS_DIR")) opt.models = env;
  wt::ExpectedList expected;
  nlohmann::json manifest;
  try {
    expected = wt::ExpectedList(opt.expected);
    manifest = wt::read_torchscript_manifest(opt.models);
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
  wt::CompiledTally tally;
  for (size_t i = 0; i < cases.size(); ++i) tally.record(cases[i].name, outcomes[i], expected, std::cout);
  if (!opt.write_expected.empty()) expected.write(opt.write_expected, kListHeader);
  std::vector<std::string> problems = expected.problems(opt.filter.empty());
  for (const std::string& p : problems) std::cout << "ERROR " << p << "\n";
  std::cout << "compiled: " << tally.passed << " passed, " << tally.unsupported << " unsupported, " << tally.failed << " failed; " << not_run
            << " not run (import or LibTorch failed)" << std::endl;
  return problems.empty() ? 0 : 1;
}
