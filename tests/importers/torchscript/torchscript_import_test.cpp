// torchscript_import_test.cpp - each generated .pt run in LibTorch and, imported, in weft's interpreter.
#include <gtest/gtest.h>
#include <torch/script.h>

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>

#include "tests/support/TestSupport.h"
#include "importers/torchscript/TorchScriptImporter.h"
#include "tests/importers/torchscript/TorchScriptCases.h"
#include "ir/Interpreter.h"

namespace weft {
namespace {

std::string models_dir() {
  return testing::env_or("WEFT_TS_MODELS_DIR", WEFT_TS_MODELS_DEFAULT_DIR);
}

// Compares a LibTorch result with a weft value; appends what differs to `why`.
bool same(const c10::IValue& expected, const Value& got, std::string& why, const std::string& at) {
  // An Optional result: weft's Some(x) / None against LibTorch's value or None.
  if (auto* adt = value_as<AdtValueNode>(got); adt && adt->ctor->adt == "Option") {
    if (expected.isNone() != adt->fields.empty()) { why += at + ": None against a value\n"; return false; }
    return expected.isNone() || same(expected, adt->fields[0], why, at);
  }
  if (expected.isTensor() || expected.isInt() || expected.isDouble() || expected.isBool()) {
    at::Tensor e = expected.isTensor() ? expected.toTensor() : expected.isInt() ? torch::tensor(expected.toInt())
                   : expected.isDouble() ? torch::tensor(expected.toDouble(), torch::kDouble) : torch::tensor(expected.toBool());
    auto* tv = value_as<TensorValueNode>(got);
    if (!tv) { why += at + ": expected a tensor, got " + value_str(got, 200) + "\n"; return false; }
    at::Tensor g = testing::to_torch(tv->tensor);
    if (g.sizes() != e.sizes()) {
      why += at + ": shape " + c10::str(g.sizes()) + " vs LibTorch " + c10::str(e.sizes()) + "\n";
      return false;
    }
    if (g.scalar_type() != e.scalar_type()) {
      why += at + ": dtype " + std::string(c10::toString(g.scalar_type())) + " vs LibTorch " + c10::toString(e.scalar_type()) + "\n";
      return false;
    }
    if (e.is_floating_point() ? !torch::allclose(g, e, 1e-4, 1e-5) : !torch::equal(g, e)) {
      why += at + ": values differ, max |diff| " + std::to_string((g.to(at::kDouble) - e.to(at::kDouble)).abs().max().item<double>()) + "\n";
      return false;
    }
    return true;
  }
  if (expected.isTuple()) {
    auto* tv = value_as<TupleValueNode>(got);
    auto& el = expected.toTupleRef().elements();
    if (!tv || tv->fields.size() != el.size()) { why += at + ": expected a tuple of " + std::to_string(el.size()) + "\n"; return false; }
    bool ok = true;
    for (size_t i = 0; i < el.size(); ++i) ok = same(el[i], tv->fields[i], why, at + "." + std::to_string(i)) && ok;
    return ok;
  }
  if (expected.isGenericDict()) {  // weft returns a dict's values as a tuple, in insertion order
    auto* tv = value_as<TupleValueNode>(got);
    auto d = expected.toGenericDict();
    if (!tv || tv->fields.size() != d.size()) { why += at + ": expected a tuple of the dict's " + std::to_string(d.size()) + " values\n"; return false; }
    bool ok = true;
    size_t i = 0;
    for (const auto& kv : d) {
      ok = same(kv.value(), tv->fields[i], why, at + "['" + kv.key().toStringRef() + "']") && ok;
      ++i;
    }
    return ok;
  }
  if (expected.isList()) {
    auto items = value_to_list(got);
    auto el = expected.toListRef();
    if (items.size() != el.size()) { why += at + ": list length differs\n"; return false; }
    bool ok = true;
    for (size_t i = 0; i < el.size(); ++i) ok = same(el[i], items[i], why, at + "[" + std::to_string(i) + "]") && ok;
    return ok;
  }
  why += at + ": unsupported LibTorch result " + expected.tagKind() + "\n";
  return false;
}

class TorchScriptModel : public ::testing::TestWithParam<std::string> {};

TEST_P(TorchScriptModel, MatchesLibTorch) {
  nlohmann::json entry, all;
  try {
    all = testing::read_torchscript_manifest(models_dir());
  } catch (const std::exception& e) {
    FAIL() << e.what();
  }
  for (auto& m : all["models"])
    if (m["name"] == GetParam()) entry = m;
  ASSERT_FALSE(entry.is_null()) << "model " << GetParam() << " not generated (run make_models.py)";
  std::string file = entry["file"];
  Module module;
  try {
    module = import_torchscript(file);
  } catch (const CompileError& e) {
    FAIL() << "import failed: " << e.what();
  }
  torch::jit::Module oracle = torch::jit::load(file);
  oracle.eval();
  torch::NoGradGuard no_grad;
  Interpreter interp(module);
  for (auto& folder : entry["cases"]) {
    testing::TorchScriptInputs in = testing::read_torchscript_inputs(entry, folder.get<std::string>(), module);
    c10::IValue expected = oracle.forward(in.torch);
    Value got;
    try {
      got = interp.call("main", in.weft);
    } catch (const std::exception& e) {
      ADD_FAILURE() << folder << ": weft failed: " << e.what();
      continue;
    }
    std::string why;
    EXPECT_TRUE(same(expected, got, why, "result")) << folder << ":\n" << why;
  }
}

std::vector<std::string> model_names() {
  std::vector<std::string> names{"mlp_if_loop", "lstm_decoder", "gru_classifier", "transformer_encoder",
                                 "nested_topk", "tree_walker", "resnet18", "mobilenet_v2", "ops_zoo", "optional_args", "traced", "attention",
                                 // ops real models need (issue 11)
                                 "interpolate", "interpolate_traced", "baddbmm_traced", "channel_shuffle", "channel_shuffle_traced",
                                 "dict_result", "transformer_scripted", "pad_norm_split", "pad_norm_split_traced",
                                 "einsum_views", "einsum_views_traced", "attribute_state", "grid_sample", "grid_sample_traced",
                                 // a torchvision:: operator: its library loaded on demand (TorchvisionOps.h)
                                 "nms", "roi_pooling_traced"};
  return names;
}

INSTANTIATE_TEST_SUITE_P(Models, TorchScriptModel, ::testing::ValuesIn(model_names()),
                         [](const auto& info) { return info.param; });

// A failed assert in forward is a run-time error the caller sees, carrying its message.
TEST(TorchScriptImporter, FailedAssertRaisesAtRunTime) {
  std::string file = models_dir() + "/mlp_if_loop.pt";
  std::ifstream probe(file);
  ASSERT_TRUE(probe) << file << " was not generated (test fixture generate_torchscript_models)";
  Module m = import_torchscript(file);
  std::vector<Value> args{tensor_value(Tensor(DType::F32, {2, 8})), scalar_value(int64_t(-1))};
  try {
    run_main(m, args);
    FAIL() << "expected a RuntimeError";
  } catch (const RuntimeError& e) {
    EXPECT_NE(std::string(e.what()).find("n must not be negative"), std::string::npos) << e.what();
  }
  EXPECT_NO_THROW(run_main(m, {tensor_value(Tensor(DType::F32, {2, 8})), scalar_value(int64_t(2))}));
}

// An operator without a converter is a CompileError naming the schema and the Python line.
TEST(TorchScriptImporter, UnsupportedOpNamesSchemaAndLine) {
  std::string file = models_dir() + "/unsupported.pt";
  std::ifstream probe(file);
  ASSERT_TRUE(probe) << file << " was not generated (test fixture generate_torchscript_models)";
  try {
    import_torchscript(file);
    FAIL() << "expected a CompileError";
  } catch (const CompileError& e) {
    std::string msg = e.what();
    EXPECT_NE(msg.find("aten::"), std::string::npos) << msg;
    EXPECT_NE(msg.find("make_models.py"), std::string::npos) << msg;
  }
}

}  // namespace
}  // namespace weft
