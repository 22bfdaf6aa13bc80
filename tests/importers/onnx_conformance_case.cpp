// onnx_conformance_case.cpp - import, interpret and compare one ONNX backend test case; its compiled-column twin.
#include "tests/importers/onnx_conformance_case.h"

#include <onnx/onnx_pb.h>

#include <algorithm>
#include <fstream>
#include <set>

#include "importers/onnx/OnnxImporter.h"
#include "ir/Interpreter.h"
#include "opt/Pipelines.h"
#include "tests/importers/onnx_case_values.h"
#include "tests/support/ExpectedList.h"
#include "tests/support/TestSupport.h"

namespace fs = std::filesystem;

namespace weft::conformance {

namespace {

using testing::one_line;

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

}  // namespace

CaseResult run_case(const fs::path& dir, double rtol, double atol, bool prepare_compiled, int opt_level) {
  onnx::ModelProto model = load_model(dir / "model.onnx");
  const onnx::GraphProto& g = model.graph();
  for (const auto& v : g.input())
    if (has_string(v.type())) return {"skip", "string tensor input '" + v.name() + "'", {}};
  for (const auto& v : g.output())
    if (has_string(v.type())) return {"skip", "string tensor output '" + v.name() + "'", {}};

  Module m;
  try {
    m = import_onnx((dir / "model.onnx").string());
  } catch (const std::exception& e) {
    return {"fail", "import: " + one_line(e.what()), {}};
  }
  if (opt_level >= 0) {
    try {
      m = run_pipeline(m, opt_level, {});
    } catch (const std::exception& e) {
      return {"fail", "passes (-O" + std::to_string(opt_level) + "): " + one_line(e.what()), {}};
    }
  }
  std::vector<const onnx::ValueInfoProto*> inputs = fed_inputs(g);
  std::vector<std::vector<Value>> compiled_inputs;
  std::vector<std::vector<Value>> wanted;
  for (const fs::path& set : data_sets(dir)) {
    std::vector<Value> args;
    std::vector<Value> want;
    try {
      for (size_t i = 0; i < inputs.size(); ++i) {
        fs::path p = set / ("input_" + std::to_string(i) + ".pb");
        if (!fs::exists(p)) break;  // trailing optional inputs may be left out
        args.push_back(read_value(p.string(), inputs[i]->type(), m));
      }
      for (int i = 0; i < g.output_size(); ++i)
        want.push_back(read_value((set / ("output_" + std::to_string(i) + ".pb")).string(), g.output(i).type(), m));
    } catch (const std::exception& e) {
      return {"fail", "reading test data: " + one_line(e.what()), {}};
    }
    // As `weft run` and the C API do: a tensor input must have @main's rank and static dims.
    for (size_t i = 0; i < args.size() && i < m.main()->params.size(); ++i) {
      auto* want_t = as_tensor(m.main()->params[i]->checked_type);
      auto* got_t = value_as<TensorValueNode>(args[i]);
      if (!want_t || !got_t || !want_t->has_rank()) continue;
      const auto& shape = got_t->tensor.shape();
      bool ok = int(shape.size()) == want_t->rank();
      for (int d = 0; ok && d < want_t->rank(); ++d)
        ok = !want_t->shape[size_t(d)].is_static() || want_t->shape[size_t(d)].value() == shape[size_t(d)];
      if (!ok)
        return {"fail", Msg() << set.filename().string() << ": input " << i << " '" << inputs[i]->name() << "' has shape "
                              << shape_str(shape) << ", but the model declares " << type_str(m.main()->params[i]->checked_type), {}};
    }
    Value result;
    try {
      result = run_main(m, args);
    } catch (const std::exception& e) {
      return {"fail", "run: " + one_line(e.what()), {}};
    }
    std::vector<Value> got{result};
    if (want.size() != 1) {
      auto tuple = value_as<TupleValueNode>(result);
      if (!tuple || tuple->fields.size() != want.size())
        return {"fail", Msg() << "expected a tuple of " << want.size() << " outputs, got " << one_line(value_str(result, 200)), {}};
      got = tuple->fields;
    }
    for (size_t i = 0; i < want.size(); ++i) {
      std::string diff = testing::values_close(got[i], want[i], "output " + g.output(int(i)).name(), rtol, atol);
      if (!diff.empty()) return {"fail", set.filename().string() + ": " + one_line(diff), {}};
    }
    compiled_inputs.push_back(args);
    wanted.push_back(want);
  }
  if (!prepare_compiled) return {"pass", "", {}};

  std::vector<std::string> names;
  for (int i = 0; i < g.output_size(); ++i) names.push_back(g.output(i).name());
  testing::CompiledCase c;
  c.name = dir.filename().string();
  c.module = m;
  c.data_sets = std::move(compiled_inputs);
  c.check = [wanted, names, rtol, atol](size_t set, const std::vector<Value>& outputs) -> std::string {
    const std::vector<Value>& want = wanted[set];
    if (outputs.size() != want.size())
      return Msg() << "the library has " << outputs.size() << " outputs, the test " << want.size();
    for (size_t i = 0; i < want.size(); ++i) {
      std::string diff = testing::values_close(outputs[i], want[i], "output " + names[i], rtol, atol);
      if (!diff.empty()) return one_line(diff);
    }
    return "";
  };
  return {"pass", "", std::move(c)};
}

}  // namespace weft::conformance
