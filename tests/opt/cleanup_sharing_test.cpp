// cleanup_sharing_test.cpp - the clean-up passes on shared nodes, which text cannot write: CSE makes them, every pass keeps them and stays linear.
#include <gtest/gtest.h>

#include "CompiledModel.h"
#include "ir/Interpreter.h"
#include "ir/Printer.h"
#include "ir/Sharing.h"
#include "ir/StructuralEqual.h"
#include "ir/TypeInference.h"
#include "opt/EliminateCommonSubexpr.h"
#include "opt/EliminateDeadCode.h"
#include "opt/FoldConstants.h"
#include "opt/InlineFunctions.h"
#include "opt/Pipelines.h"

namespace weft::testing {
namespace {

// The four clean-up passes, each on its own.
const std::vector<std::pair<const char*, Module (*)(const Module&)>> kPasses = {
    {"fold-constants", fold_constants},
    {"eliminate-dead-code", eliminate_dead_code},
    {"eliminate-common-subexpr", eliminate_common_subexpr},
    {"inline-functions", inline_functions},
};

TEST(CleanupSharing, CseMakesOneNodeOfIdenticalCalls) {
  Module m = parse_checked("def @main(%x: f32[2, 3]) -> f32[2, 3] { add(tanh(mul(%x, %x)), tanh(mul(%x, %x))) }\n");
  Module cse = eliminate_common_subexpr(m);
  auto* add = as<CallNode>(cse.main()->body);
  ASSERT_TRUE(add);
  EXPECT_TRUE(add->args[0].same_as(add->args[1])) << print_module(cse);
  EXPECT_EQ(count_parent_edges(cse.main()->body).at(add->args[0].get()), 2);
  // The pipeline binds it once, and the program means what it meant.
  Module o2 = run_pipeline(m, 2, PassContext{});
  EXPECT_NO_THROW(check_unshared(o2));
  const Tensor x = random_tensor(DType::F32, {2, 3}, 5);
  EXPECT_TRUE(interpret_flat(o2, {x})[0].identical(interpret_flat(m, {x})[0]));
}

// s0 = x, s(i+1) = add(s(i), mul(s(i), add(1, 1))), 16 levels: as a tree 3 * 2^16 nodes, as a
// DAG 3 * 16. Every pass must see the DAG (memoized) and keep it one (a shared node rebuilt
// once). (Not deeper: the well-formedness check of type inference walks the tree.)
TEST(CleanupSharing, EveryPassIsLinearOnADagAndKeepsItShared) {
  constexpr int kLevels = 16;
  Var x = make_var("x", scalar_type(DType::F32));
  Expr s = x;
  for (int i = 0; i < kLevels; ++i) {
    Expr two = make_op_call("add", {make_constant(Tensor::scalar<float>(1)), make_constant(Tensor::scalar<float>(1))});
    s = make_op_call("add", {s, make_op_call("mul", {s, two})});
  }
  Module m;
  m.add_function("main", make_function({x}, nullptr, s));
  infer_types(m);
  for (const auto& [name, pass] : kPasses) {
    Module out = pass(m);
    EXPECT_LE(count_parent_edges(out.main()->body).size(), 3u * kLevels) << name;
  }
  // Folding turned each add(1, 1) into a constant: two nodes a level are left.
  EXPECT_EQ(count_parent_edges(fold_constants(m).main()->body).size(), 2u * kLevels);
}

// Each pass walks a 100,000-long let-chain in a loop (and the rest under a deep stack).
TEST(CleanupSharing, LongLetChainsPassThrough) {
  Var x = make_var("x", scalar_type(DType::F32));
  std::vector<Var> vars;
  for (int i = 0; i < 100000; ++i) vars.push_back(make_var("v"));
  Expr result = vars.back();
  for (int i = int(vars.size()) - 1; i >= 0; --i) {
    Expr prev = i == 0 ? Expr(x) : Expr(vars[size_t(i) - 1]);
    Expr half = make_op_call("mul", {make_constant(Tensor::scalar<float>(2)), make_constant(Tensor::scalar<float>(0.25f))});
    result = make_let(vars[size_t(i)], make_op_call("add", {prev, half}), result);
  }
  Module m;
  m.add_function("main", make_function({x}, nullptr, result));
  infer_types(m);
  const Value want = run_main(m, {scalar_value(0.25f)});
  for (const auto& [name, pass] : kPasses) {
    Module out = pass(m);
    EXPECT_TRUE(value_tensor(run_main(out, {scalar_value(0.25f)})).identical(value_tensor(want))) << name;
  }
}

}  // namespace
}  // namespace weft::testing
