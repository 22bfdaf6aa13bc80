// onnx_torch_models_test.cpp - real PyTorch exports (ResNet-18, LSTM, scripted loops and ifs, unnamed inputs) run by weft against torch's outputs.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>

#include "importers/onnx/OnnxImporter.h"
#include "ir/Interpreter.h"
#include "ir/NpyIO.h"
#include "ir/Printer.h"
#include "tests/support/TestSupport.h"

namespace weft {
namespace {

using json = nlohmann::json;

std::string models_dir() {
  return testing::env_or("WEFT_TORCH_TEST_MODELS", WEFT_TORCH_TEST_MODELS_DEFAULT);
}

const json& find_case(const std::string& name) {
  static const json all = [] {
    std::ifstream in(models_dir() + "/manifest.json");
    if (!in) throw std::runtime_error("no " + models_dir() + "/manifest.json: run models/onnx/export_torch_models.py");
    return json::parse(in);
  }();
  for (auto& c : all)
    if (c["name"] == name) return c;
  throw std::runtime_error("no torch model " + name);
}

// Float32 tolerances: weft and torch sum in different orders, so bit equality is not expected.
bool tensors_close(const Tensor& got, const Tensor& want) { return bool(testing::tensors_close(got, want, 1e-4, 1e-5)); }

void check_model(const std::string& name) {
  const json& c = find_case(name);
  Module m = import_onnx(c["model"].get<std::string>());
  const json& runs = c["runs"];
  ASSERT_FALSE(runs.empty()) << name;
  for (size_t r = 0; r < runs.size(); ++r) {
    std::vector<Value> args;
    for (auto& f : runs[r]["inputs"]) args.push_back(tensor_value(read_npy(f.get<std::string>())));
    Value got = run_main(m, args);
    const json& outs = runs[r]["outputs"];
    std::vector<Value> got_outs;
    if (outs.size() == 1) got_outs.push_back(got);
    else if (auto t = value_as<TupleValueNode>(got)) got_outs = t->fields;
    ASSERT_EQ(got_outs.size(), outs.size()) << name << " run " << r;
    for (size_t i = 0; i < outs.size(); ++i) {
      Value want = tensor_value(read_npy(outs[i].get<std::string>()));
      EXPECT_TRUE(values_equal(got_outs[i], want, tensors_close))
          << name << " run " << r << " output " << i << ": got " << value_str(got_outs[i], 400) << ", expected "
          << value_str(want, 400);
    }
  }
}

TEST(OnnxTorchModels, ResNet18DynamicBatch) { check_model("resnet18"); }
TEST(OnnxTorchModels, LstmDynamicBatchAndSequence) { check_model("lstm"); }
TEST(OnnxTorchModels, ScriptedLoopWithBreakAndList) { check_model("grow_until"); }

// Exports with no value_info at all (PyTorch's If branches never have any): every type the
// converters need is derived while importing. Each at opset 13 and 17.
TEST(OnnxTorchModels, ScriptedIfAroundAnLstm) {
  check_model("if_lstm_opset13");
  check_model("if_lstm_opset17");
}
TEST(OnnxTorchModels, ConvFedByAConcatReshapeChainOnDynamicDims) {
  check_model("conv_concat_reshape_opset13");
  check_model("conv_concat_reshape_opset17");
}
TEST(OnnxTorchModels, ScriptedLoopBranchingBetweenLstmAndConv) {
  check_model("loop_if_lstm_opset13");
  check_model("loop_if_lstm_opset17");
}

// `if x.shape[1] == 1: x = x.squeeze(1)` on an `f32[n, ?]`-like value whose dim 1 is static: the
// branches differ in rank, so the importer must decide the test from the static dim (Faster R-CNN's
// box pooling; a Clip after it needs the element type).
TEST(OnnxTorchModels, IfOnAStaticDimOfADynamicShape) {
  check_model("squeeze_if_unit_dim_opset13");
  check_model("squeeze_if_unit_dim_opset17");
}

// torchvision's roi_align exported as RoiAlign over features whose H and W are dynamic (Faster R-CNN's
// box pooling): the sampling grid is clamped with extents read off X's shape at run time. One run
// has no ROIs at all.
TEST(OnnxTorchModels, RoiAlignOnDynamicImageSize) { check_model("roi_align_dynamic"); }

// torch.onnx.export's own input names (`onnx::Concat_0`, a scripted `x.1`) are @main's.
TEST(OnnxTorchModels, InputsKeepTheExportersNames) {
  Module m = import_onnx(find_case("conv_concat_reshape_opset13")["model"].get<std::string>());
  ASSERT_EQ(m.main()->params.size(), 2u);
  EXPECT_EQ(m.main()->params[0]->name_hint, "onnx::Concat_0");
  EXPECT_EQ(m.main()->params[1]->name_hint, "onnx::Concat_1");
  m = import_onnx(find_case("if_lstm_opset17")["model"].get<std::string>());
  EXPECT_EQ(m.main()->params.at(0)->name_hint, "x.1");
}

}  // namespace
}  // namespace weft
