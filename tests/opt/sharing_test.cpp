// sharing_test.cpp - the sharing invariant: a module with a shared call (as CSE makes it, built in C++) compiles with that call emitted once.
#include <gtest/gtest.h>

#include "tests/support/TestSupport.h"

#include "CompiledModel.h"
#include "codegen/cpu/EmitCpu.h"
#include "ir/Interpreter.h"
#include "ir/Parser.h"
#include "ir/Printer.h"
#include "ir/Sharing.h"
#include "ir/StructuralEqual.h"
#include "ir/TypeInference.h"
#include "opt/Pipelines.h"
#include "opt/ToANormalForm.h"

namespace weft::testing {
namespace {

// def @main(%x: f32[2, 3]) -> f32[2, 3] { add(S, S) } where S = tanh(mul(%x, %x)) is one node.
Module shared_call_module() {
  Var x = make_var("x", tensor_type(DType::F32, {2, 3}));
  Expr shared = make_op_call("tanh", {make_op_call("mul", {x, x})});
  Module m;
  m.add_function("main", make_function({x}, tensor_type(DType::F32, {2, 3}), make_op_call("add", {shared, shared})));
  infer_types(m);
  return m;
}

TEST(Sharing, CodegenRefusesASharedCall) {
  Module m = shared_call_module();
  EXPECT_EQ(count_parent_edges(m.main()->body).size(), 3u);  // add, tanh, mul
  EXPECT_THROW(check_unshared(m), InternalError);
  EXPECT_THROW(codegen::emit_cpu(m, "shared"), InternalError);
}

TEST(Sharing, ANormalFormBindsTheSharedCallOnce) {
  Module anf = to_a_normal_form(shared_call_module());
  EXPECT_NO_THROW(check_unshared(anf));
  Module expected = parse_module(R"(
def @main(%x: f32[2, 3]) -> f32[2, 3] {
  let %t = tanh(mul(%x, %x));
  add(%t, %t)
}
)", "expected.weft");
  std::string why;
  EXPECT_TRUE(structural_equal(anf, expected, &why)) << why << "\n" << print_module(anf);
}

TEST(Sharing, SharedCallIsEmittedOnceAndTheLibraryAgreesWithTheInterpreter) {
  Module shared = shared_call_module();
  Module compiled = run_pipeline(shared, 0, PassContext{});  // -O0: no fusion, so tanh is one weft_rt::unary call
  // The C++ source calls the unary kernel (tanh, the only unary op) once. (Not std::tanh: its
  // scalar body is written once per distinct text whatever the number of calls; nor the kernel's
  // `extern template` declaration, which names it with its functor as a third argument.)
  const std::string source = codegen::emit_cpu(compiled, "shared_once").source;
  EXPECT_EQ(count_of(source, "weft_rt::unary<float, float>("), 1u) << source;
  EXPECT_EQ(count_of(codegen::emit_cpu(to_a_normal_form(parse_checked(R"(
def @main(%x: f32[2, 3]) -> f32[2, 3] { add(tanh(mul(%x, %x)), tanh(mul(%x, %x))) }
)")), "unshared_twice").source, "weft_rt::unary<float, float>("), 2u) << "the count above must be able to see two calls";

  const Tensor x = random_tensor(DType::F32, {2, 3}, 7);
  const std::vector<Tensor> want = interpret_flat(shared, {x});  // the shared module, run by the interpreter
  CompiledModel lib(compiled, "shared_once");
  const std::vector<Tensor> got = lib.run({x});
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(compare(want[0], got[0], 1e-5), "");
}

// A node shared by both branches of an if and by the code after it is bound before the
// if; one shared only inside a closure that uses its parameter stays in the closure.
TEST(Sharing, BindingsGoToTheInnermostScopeOfAllUses) {
  Var x = make_var("x", tensor_type(DType::F32, {3}));
  Var c = make_var("c", scalar_type(DType::Bool));
  Var y = make_var("y");
  Expr s = make_op_call("exp", {x});
  Expr branch = make_if(c, make_op_call("neg", {s}), make_op_call("abs", {s}));
  Var a = make_var("a", tensor_type(DType::F32, {3}));
  Expr inner = make_op_call("relu", {a});
  Var f = make_var("f");
  Expr closure = make_function({a}, nullptr, make_op_call("mul", {inner, inner}));
  Expr body = make_let(y, branch, make_let(f, closure, make_op_call("add", {make_op_call("add", {y, s}), make_call(f, {x})})));
  Module m;
  m.add_function("main", make_function({x, c}, nullptr, body));
  infer_types(m);
  Module anf = to_a_normal_form(m);
  Module expected = parse_module(R"(
def @main(%x: f32[3], %c: bool[]) {
  let %s = exp(%x);
  let %y = if (%c) { neg(%s) } else { abs(%s) };
  let %f = fn (%a: f32[3]) {
    let %r = relu(%a);
    mul(%r, %r)
  };
  add(add(%y, %s), %f(%x))
}
)", "expected.weft");
  std::string why;
  EXPECT_TRUE(structural_equal(anf, expected, &why)) << why << "\n" << print_module(anf);
  const std::vector<Value> args = {tensor_value(random_tensor(DType::F32, {3}, 3)), scalar_value(true)};
  EXPECT_TRUE(value_tensor(run_main(anf, args)).identical(value_tensor(run_main(m, args))));
}

// A node used at the top of a 100,000-long let-chain and at its end is bound at the top,
// without a deep recursion.
TEST(Sharing, LongLetChainsNeedNoDeepStack) {
  Var x = make_var("x", scalar_type(DType::F32));
  Expr s = make_op_call("exp", {x});
  Expr body = make_op_call("add", {s, x});
  std::vector<Var> vars;
  for (int i = 0; i < 100000; ++i) vars.push_back(make_var("v"));
  Expr result = make_op_call("add", {vars.back(), s});
  for (int i = int(vars.size()) - 1; i >= 0; --i) result = make_let(vars[size_t(i)], i == 0 ? body : Expr(vars[size_t(i) - 1]), result);
  Module m;
  m.add_function("main", make_function({x}, nullptr, result));
  infer_types(m);
  Module anf = to_a_normal_form(m);
  EXPECT_NO_THROW(check_unshared(anf));
  auto* first = as<LetNode>(anf.main()->body);
  ASSERT_TRUE(first);
  EXPECT_EQ(called_op_name(first->value), "exp");
  EXPECT_TRUE(value_tensor(run_main(anf, {scalar_value(0.5f)})).identical(value_tensor(run_main(m, {scalar_value(0.5f)}))));
}

}  // namespace
}  // namespace weft::testing
