// onnx_importer_test.cpp - the ONNX importer's core: control flow, sequences, optionals, data and errors,
// on models written by models/onnx/make_test_models.py with NumPy-computed outputs.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "importers/onnx/OnnxImporter.h"
#include "ir/Interpreter.h"
#include "ir/NpyIO.h"
#include "ir/Printer.h"
#include "tests/importers/OnnxTestModels.h"
#include "tests/support/TestSupport.h"

namespace weft {
namespace {

using json = nlohmann::json;

std::string model_path(const std::string& name) { return testing::onnx_test_case(name)["model"].get<std::string>(); }

bool tensors_close(const Tensor& got, const Tensor& want) { return bool(testing::tensors_close(got, want, 1e-5, 1e-6)); }

// Imports case `name`, runs each of its data sets and compares every output.
Module check_runs(const std::string& name, std::vector<size_t> only = {}) {
  const json& c = testing::onnx_test_case(name);
  Module m = import_onnx(c["model"]);
  const json& runs = c["runs"];
  EXPECT_FALSE(runs.empty()) << name;
  for (size_t r = 0; r < runs.size(); ++r) {
    if (!only.empty() && std::find(only.begin(), only.end(), r) == only.end()) continue;
    std::vector<Value> args;
    for (auto& in : runs[r]["inputs"]) args.push_back(testing::onnx_test_value(in, m));
    Value got = run_main(m, args);
    const json& outs = runs[r]["outputs"];
    std::vector<Value> got_outs;
    if (outs.size() == 1) got_outs.push_back(got);
    else if (auto t = value_as<TupleValueNode>(got)) got_outs = t->fields;
    EXPECT_EQ(got_outs.size(), outs.size()) << name << " run " << r << ": " << value_str(got, 300);
    if (got_outs.size() != outs.size()) continue;
    for (size_t i = 0; i < outs.size(); ++i) {
      Value want = testing::onnx_test_value(outs[i], m);
      EXPECT_TRUE(values_equal(got_outs[i], want, tensors_close))
          << name << " run " << r << " output " << i << ": got " << value_str(got_outs[i], 400) << ", expected "
          << value_str(want, 400);
    }
  }
  return m;
}

// The import error of case `name`; fails the test when the import succeeds.
std::string import_error(const std::string& name) {
  try {
    import_onnx(model_path(name));
  } catch (const CompileError& e) {
    return e.what();
  }
  ADD_FAILURE() << name << " imported without error";
  return "";
}

#define EXPECT_HAS(text, part) EXPECT_NE(std::string(text).find(part), std::string::npos) << "in: " << (text)

// ---- If ----------------------------------------------------------------------------------------

TEST(OnnxImport, IfCapturesOuterValues) { check_runs("if_capture"); }
TEST(OnnxImport, IfBranchesOfDifferentLengths) { check_runs("if_shapes"); }
// ONNX Runtime takes any one-element condition; exporters emit `bool[1, 1]`.
TEST(OnnxImport, IfConditionOfRankTwo) { check_runs("if_cond_rank2"); }
// Shape/Slice/Concat/Cast/Gather of a partly dynamic shape keep its static elements, so an If on
// them folds though its branches differ in rank (and the Clip after it knows its element type).
TEST(OnnxImport, IfOnStaticDimsOfADynamicShape) {
  Module m = check_runs("if_on_static_dims");
  EXPECT_EQ(type_str(as_func(m.main()->checked_type)->ret), "f32[n, 6]");
}
// No types on the branches' outputs nor the graph's: the If's type is the join of the branches'.
TEST(OnnxImport, IfBranchesWithoutTypes) {
  Module m = check_runs("if_untyped_branches");
  EXPECT_EQ(type_str(as_func(m.main()->checked_type)->ret), "f32[1, 3]");
}

// ---- Loop --------------------------------------------------------------------------------------

TEST(OnnxImport, LoopTripCountOnly) { check_runs("loop_trip_count"); }
TEST(OnnxImport, LoopConditionOnly) { check_runs("loop_cond_only"); }
TEST(OnnxImport, LoopTripCountAndCondition) { check_runs("loop_both"); }
TEST(OnnxImport, LoopScanOutputsLiftedValueAndZeroTrips) { check_runs("loop_scan", {0, 1, 2}); }
TEST(OnnxImport, NestedLoopLiftsAnOuterValueTwice) { check_runs("loop_nested"); }
TEST(OnnxImport, LoopCarriesASequenceFromEmpty) { check_runs("loop_sequence"); }

// The tail of `e`'s let-chain.
Expr chain_tail(Expr e) {
  while (auto l = as<LetNode>(e)) e = l->body;
  return e;
}

// A loop is a tail call to itself, so 1,000 trips (or a million) run in constant stack.
TEST(OnnxImport, ThousandTripLoopIsATailCall) {
  Module m = check_runs("loop_scan", {3});
  int loops = 0;
  for (auto& name : m.function_names()) {
    if (name.rfind("loop_", 0) != 0) continue;
    ++loops;
    auto body = as<IfNode>(m.function(name)->body);
    ASSERT_TRUE(body) << print_module(m);
    auto call = as<CallNode>(chain_tail(body->then_branch));
    ASSERT_TRUE(call) << print_module(m);
    auto callee = as<GlobalVarNode>(call->callee);
    ASSERT_TRUE(callee);
    EXPECT_EQ(callee->name, name);
  }
  EXPECT_EQ(loops, 1) << print_module(m);
}

// ---- Scan --------------------------------------------------------------------------------------

TEST(OnnxImport, ScanSum) { check_runs("scan_sum"); }
TEST(OnnxImport, ScanReversedInputAndOutputAxes) { check_runs("scan_reverse"); }
TEST(OnnxImport, Scan8WithABatchAxis) { check_runs("scan8_batch"); }

// ---- sequences and optionals ---------------------------------------------------------------------

TEST(OnnxImport, SequenceOps) { check_runs("sequence_ops"); }
TEST(OnnxImport, SplitToSequenceAndConcatFromSequence) { check_runs("split_to_sequence"); }
TEST(OnnxImport, SequenceMap) { check_runs("sequence_map"); }
TEST(OnnxImport, Optional) { check_runs("optional"); }
TEST(OnnxImport, SequenceOfAnyRank) {
  Module m = check_runs("sequence_any_rank");
  EXPECT_EQ(type_str(m.function("main")->params[0]->annotation), "List[f32[*]]");
}
TEST(OnnxImport, ModelLocalFunctionsAreInlined) { check_runs("local_function"); }

// ---- graph inputs, initializers, external data ---------------------------------------------------

TEST(OnnxImport, SymbolicDimParamInputs) {
  Module m = check_runs("symbolic_dims");
  EXPECT_HAS(print_module(m), "%x: f32[batch, 3]");
}

TEST(OnnxImport, IrVersion3InitializersListedAsInputs) {
  Module m = check_runs("ir3_initializer_inputs");
  EXPECT_EQ(m.main()->params.size(), 1u);
}

TEST(OnnxImport, InitializersInSeveralDtypesRawAndTyped) { check_runs("initializer_dtypes"); }
TEST(OnnxImport, ConstantValueAttributesAndAnEmptyOptionalInput) { check_runs("constant_value_attrs"); }

// An initializer also listed as an input (IR version 8) stays a constant, not a parameter.
TEST(OnnxImport, InitializerAlsoListedAsAnInput) {
  Module m = check_runs("initializer_also_input");
  ASSERT_EQ(m.main()->params.size(), 1u);
  EXPECT_EQ(m.main()->params[0]->name_hint, "x");
}
TEST(OnnxImport, ExternalDataInsideTheModelDirectory) { check_runs("external_good"); }

TEST(OnnxImport, ExternalDataOutsideIsRefused) {
  EXPECT_HAS(import_error("external_absolute"), "is absolute");
  EXPECT_HAS(import_error("external_dotdot"), "leaves the model directory");
  EXPECT_HAS(import_error("external_symlink"), "resolves outside the model directory");
}

// ---- errors: each names the node (or tensor) and the reason ------------------------------------

TEST(OnnxImport, UnsupportedOperatorNamesTheNode) {
  std::string e = import_error("err_unsupported");
  EXPECT_HAS(e, "onnx node 'bad_op' (FooBar, domain '', opset 16)");
  EXPECT_HAS(e, "unsupported operator FooBar");
  e = import_error("err_unsupported_in_body");
  EXPECT_HAS(e, "onnx node 'inner_bad' (FooBaz, domain '', opset 16)");
}

TEST(OnnxImport, WrongArity) {
  std::string e = import_error("err_arity");
  EXPECT_HAS(e, "onnx node 'seq_at' (SequenceAt, domain '', opset 16)");
  EXPECT_HAS(e, "wrong arity: SequenceAt takes 2 inputs, got 1");
}

TEST(OnnxImport, BadAttribute) {
  std::string e = import_error("err_attribute");
  EXPECT_HAS(e, "onnx node 'sm' (Softmax, domain '', opset 16)");
  EXPECT_HAS(e, "bad attribute 'axis': expected INT, got FLOAT");
}

TEST(OnnxImport, OperatorOnATensorOfUnknownRank) {
  std::string e = import_error("err_unknown_rank");
  EXPECT_HAS(e, "onnx node 'relu_elem' (Relu, domain '', opset 16)");
  EXPECT_HAS(e, "relu: argument 0 has unknown rank (f32[*])");
}

// Wiring defects: one message naming the nodes and the value.
TEST(OnnxImport, TwoNodesWritingOneValue) {
  EXPECT_EQ(import_error("err_duplicate_output"),
            "onnx graph 'g': error: node 'first' (Relu) and node 'second' (Neg) both write 'y'; every value has one definition");
  EXPECT_HAS(import_error("err_duplicate_in_branch"), "onnx graph 'then': error: node 'inner_a' (Neg) and node 'inner_b' (Abs) both write 't_out'");
  EXPECT_HAS(import_error("err_writes_input"), "node 'overwriter' (Relu) writes 'x', which is already a graph input or initializer");
}

TEST(OnnxImport, ValueUsedBeforeItsDefinition) {
  EXPECT_HAS(import_error("err_use_before_def"), "node 'reader' (Relu) uses 't' before node 'writer' (Neg) defines it");
}

TEST(OnnxImport, CycleNamesItsNodes) {
  EXPECT_HAS(import_error("err_cycle"), "the nodes form a cycle: node 'add_b' (Add) -> node 'relu_c' (Relu) -> node 'add_b' (Add)");
}

TEST(OnnxImport, IfConditionWithMoreThanOneElement) {
  EXPECT_HAS(import_error("err_cond_two_elements"), "onnx node 'if2' (If, domain '', opset 16): error: cond (input 0) must have one element, got bool[2]");
}

// Dropout's training_mode (a bool tensor) known true at import time: random, refused by name.
TEST(OnnxImport, DropoutInTrainingMode) {
  std::string e = import_error("err_dropout_training");
  EXPECT_HAS(e, "onnx node 'drop_train' (Dropout, domain '', opset 13)");
  EXPECT_HAS(e, "dropout in training mode (training_mode true) with a nonzero ratio is not supported");
}

TEST(OnnxImport, DataLengthThatDoesNotMatchTheShape) {
  EXPECT_HAS(import_error("err_raw_length"), "tensor 'w' has 3 bytes of raw data, shape [2] of f32 needs 8");
  EXPECT_HAS(import_error("err_typed_length"), "tensor 'w' has 3 values for shape [2]");
}

TEST(OnnxImport, NegativeOrOverflowingDims) {
  EXPECT_HAS(import_error("err_negative_dim"), "tensor 'w' has negative dim -1");
  EXPECT_HAS(import_error("err_overflow_dim"), "tensor 'w' has dims whose product overflows");
}

TEST(OnnxImport, VersionsAndFiles) {
  EXPECT_HAS(import_error("err_ir_version"), "ONNX IR version 2 is not supported");
  EXPECT_HAS(import_error("err_opset"), "default-domain opset 18 is not supported");
  EXPECT_HAS(import_error("err_not_onnx"), "not an ONNX model");
  try {
    import_onnx(testing::onnx_test_models_dir() + "/no_such_model.onnx");
    ADD_FAILURE() << "a missing file imported";
  } catch (const CompileError& e) {
    EXPECT_HAS(e.what(), "cannot open ONNX model");
  }
}

}  // namespace
}  // namespace weft
