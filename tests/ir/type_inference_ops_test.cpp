// type_inference_ops_test.cpp - inference through operator type relations: broadcasting of
// symbolic dims, shapes from constants, deferred op calls, and 100,000-deep op programs.
#include <gtest/gtest.h>

#include "tests/ir/type_test_util.h"

namespace weft {
namespace {

using test::inferred;
using test::main_type;
using test::var_type;

TEST(TypeInferenceOps, BroadcastKeepsSymbols) {
  Module m = inferred(R"(
def @main(%x: f32[batch, 3], %b: f32[3], %s: f32[]) {
  let %y = add(%x, %b);
  let %z = mul(%y, %s);
  add(%z, const f32[1, 3] [1, 2, 3.5])
}
)");
  EXPECT_EQ(var_type(m, "y"), "f32[batch, 3]");
  EXPECT_EQ(var_type(m, "z"), "f32[batch, 3]");
  EXPECT_EQ(main_type(m), "fn(f32[batch, 3], f32[3], f32[]) -> f32[batch, 3]");
}

TEST(TypeInferenceOps, TextFormatExample) {
  Module m = inferred(R"(
def @sum_to(%i: i64[], %acc: i64[]) -> i64[] {
  if (less_equal(%i, 0i64)) {
    %acc
  } else {
    @sum_to(sub(%i, 1i64), add(%acc, %i))
  }
}
def @main(%x: f32[batch, 3], %n: i64[]) -> (f32[batch, 3], i64[]) {
  let %y = add(%x, const f32[3] [1, 2, 3.5]);
  let %scale: f32[] = 2f32;
  let %f = fn (%a: f32[batch, 3]) -> f32[batch, 3] { mul(%a, %scale) };
  let %r = ref_new(0i64);
  let %_ = ref_write(%r, @sum_to(%n, 0i64));
  let %s = softmax(%f(%y), axis=1);
  (%s, ref_read(%r))
}
)");
  EXPECT_EQ(var_type(m, "s"), "f32[batch, 3]");
  test::expect_all_typed(m);
}

TEST(TypeInferenceOps, LoopWithOmittedReturnType) {
  Module m = inferred(R"(
def @count(%i: i64[], %acc: f32[batch]) {
  if (less(%i, 1i64)) { %acc } else { @count(sub(%i, 1i64), add(%acc, 1f32)) }
}
def @main(%x: f32[batch]) { @count(10i64, %x) }
)");
  EXPECT_EQ(test::fn_type(m, "count"), "fn(i64[], f32[batch]) -> f32[batch]");
}

TEST(TypeInferenceOps, OpOnRecursiveResultIsDeferred) {
  // add(%h, @sum(%t)) runs before @sum's result type is known: the call waits for it.
  Module m = inferred(R"(
def @sum(%xs: List[f32[]]) {
  match (%xs) {
    Cons(%h, %t) => add(%h, @sum(%t)),
    Nil => 0f32,
  }
}
def @main(%xs: List[f32[]]) { @sum(%xs) }
)");
  EXPECT_EQ(test::fn_type(m, "sum"), "fn(List[f32[]]) -> f32[]");
}

TEST(TypeInferenceOps, OpOnClosureParameterIsDeferred) {
  Module m = inferred(R"(
def @main(%x: f32[batch, 3], %b: f32[3]) {
  let %f = fn (%a) { add(%a, %b) };
  let %lt = fn (%p, %q) { less(%p, %q) };
  (%f(%x), %lt(1i64, 2i64))
}
)");
  EXPECT_EQ(var_type(m, "f"), "fn(f32[batch, 3]) -> f32[batch, 3]");
  EXPECT_EQ(var_type(m, "lt"), "fn(i64[], i64[]) -> bool[]");
}

TEST(TypeInferenceOps, WhereAndComparisons) {
  Module m = inferred(R"(
def @main(%x: f32[n, 4], %y: f32[4]) {
  let %c = less(%x, %y);
  where(%c, %x, %y)
}
)");
  EXPECT_EQ(var_type(m, "c"), "bool[n, 4]");
  EXPECT_EQ(main_type(m), "fn(f32[n, 4], f32[4]) -> f32[n, 4]");
}

TEST(TypeInferenceOps, ConcatAddsSymbolicDims) {
  Module m = inferred(R"(
def @main(%a: f32[n, 3], %b: f32[m, 3]) { concat(%a, %b, axis=0) }
)");
  EXPECT_EQ(main_type(m), "fn(f32[n, 3], f32[m, 3]) -> f32[m+n, 3]");
}

TEST(TypeInferenceOps, ReshapeTakesShapeFromConstant) {
  Module m = inferred(R"(
def @main(%x: f32[2, 6]) { reshape(%x, const i64[2] [3, -1]) }
)");
  EXPECT_EQ(main_type(m), "fn(f32[2, 6]) -> f32[3, 4]");
  // In A-normal form the constant is let-bound: its value still reaches the relation.
  Module anf = inferred(R"(
def @main(%x: f32[2, 6]) {
  let %shape = const i64[3] [1, 3, 4];
  reshape(%x, %shape)
}
)");
  EXPECT_EQ(main_type(anf), "fn(f32[2, 6]) -> f32[1, 3, 4]");
}

TEST(TypeInferenceOps, RelationErrorNamesTheOp) {
  std::string msg = test::infer_error(R"(
def @main(%a: f32[2, 3], %b: f32[4, 5]) {
  matmul(%a, %b)
}
)");
  EXPECT_EQ(msg.find("test.weft:3:3: error: matmul"), 0u) << msg;
  EXPECT_NE(msg.find("in `matmul(%a, %b)`"), std::string::npos) << msg;
}

TEST(TypeInferenceOps, DeepNestedCallChain) {
  // add(add(add(%x, 1), 1), ...) nested 100,000 deep.
  Module m;
  Var x = make_var("x", tensor_type(DType::F32, {Dim::symbol("batch"), Dim(3)}));
  Expr e = x;
  for (int i = 0; i < 100000; ++i) e = make_op_call("add", {e, make_constant(Tensor::scalar<float>(1))});
  m.add_function("main", make_function({x}, nullptr, e));
  infer_types(m);
  EXPECT_EQ(main_type(m), "fn(f32[batch, 3]) -> f32[batch, 3]");
  EXPECT_EQ(type_str(as<CallNode>(m.main()->body)->args[0]->checked_type), "f32[batch, 3]");
}

TEST(TypeInferenceOps, DeepLetChain) {
  // let %v1 = add(%x, 1); let %v2 = add(%v1, 1); ... 100,000 lets.
  Module m;
  Var x = make_var("x", tensor_type(DType::F32, {Dim::symbol("n")}));
  std::vector<Var> vars;
  for (int i = 0; i < 100000; ++i) vars.push_back(make_var("v"));
  Expr e = vars.back();
  for (int i = 99999; i >= 0; --i) {
    Expr prev = i ? Expr(vars[size_t(i) - 1]) : Expr(x);
    e = make_let(vars[size_t(i)], make_op_call("add", {prev, make_constant(Tensor::scalar<float>(1))}), e);
  }
  m.add_function("main", make_function({x}, nullptr, e));
  infer_types(m);
  EXPECT_EQ(main_type(m), "fn(f32[n]) -> f32[n]");
  EXPECT_EQ(type_str(vars[5000]->checked_type), "f32[n]");
}

}  // namespace
}  // namespace weft
