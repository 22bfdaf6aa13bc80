// type_inference_test.cpp - inferred types of programs: dims, recursion, polymorphism, closures, refs, ADTs.
#include <gtest/gtest.h>

#include "ir/OpRegistry.h"
#include "ir/Parser.h"
#include "ir/TypeInference.h"
#include "tests/ir/type_test_util.h"

namespace weft {
namespace {

using test::infer_error;
using test::inferred;
using test::main_type;
using test::var_type;

TEST(TypeInference, TuplesAndProjections) {
  Module m = inferred(R"(
def @main(%x: f32[batch, 3], %n: i64[]) {
  let %t = (%x, (%n,));
  let %u = %t.1;
  (%u.0, %t.0)
}
)");
  EXPECT_EQ(main_type(m), "fn(f32[batch, 3], i64[]) -> (i64[], f32[batch, 3])");
  EXPECT_EQ(var_type(m, "t"), "(f32[batch, 3], (i64[],))");
  EXPECT_EQ(var_type(m, "u"), "(i64[],)");
}

TEST(TypeInference, AnnotatedLetWithUnknownDims) {
  // `?` unifies with anything; the annotation is the variable's type.
  Module m = inferred(R"(
def @main(%x: f32[batch, 3]) -> f32[batch, ?] {
  let %a: f32[?, 3] = %x;
  let %b: f32[batch, 3] = %a;
  %b
}
)");
  EXPECT_EQ(var_type(m, "a"), "f32[?, 3]");
  EXPECT_EQ(var_type(m, "b"), "f32[batch, 3]");
}

TEST(TypeInference, SymbolicDimsArePolynomials) {
  Module m = inferred(R"(
def @main(%x: f32[n+m, 2*k]) {
  let %y: f32[m+n, k*2] = %x;
  %y
}
)");
  EXPECT_EQ(var_type(m, "y"), "f32[m+n, k*2]");
}

TEST(TypeInference, IfJoinsDims) {
  Module m = inferred(R"(
def @main(%c: bool[], %x: f32[3], %y: f32[?]) {
  if (%c) { %x } else { %y }
}
)");
  EXPECT_EQ(main_type(m), "fn(bool[], f32[3], f32[?]) -> f32[?]");
}

TEST(TypeInference, RecursionResolvesOmittedReturnType) {
  Module m = inferred(R"(
def @down(%c: bool[], %x: f32[batch, 3]) {
  if (%c) { %x } else { @down(%c, %x) }
}
def @up(%c: bool[], %x: (i64[], f32[])) {
  if (%c) { @up(%c, %x) } else { %x }
}
def @main(%c: bool[], %x: f32[batch, 3]) { (@down(%c, %x), @up(%c, (1i64, 2f32))) }
)");
  EXPECT_EQ(test::fn_type(m, "down"), "fn(bool[], f32[batch, 3]) -> f32[batch, 3]");
  EXPECT_EQ(test::fn_type(m, "up"), "fn(bool[], (i64[], f32[])) -> (i64[], f32[])");
  EXPECT_EQ(main_type(m), "fn(bool[], f32[batch, 3]) -> (f32[batch, 3], (i64[], f32[]))");
}

TEST(TypeInference, CalleeDefinedLaterIsCheckedFirst) {
  Module m = inferred(R"(
def @main(%x: f32[2]) { @id2(%x) }
def @id2(%x: f32[2]) { (%x, %x).1 }
)");
  EXPECT_EQ(main_type(m), "fn(f32[2]) -> f32[2]");
}

TEST(TypeInference, PolymorphicMapAndFold) {
  Module m = inferred(R"(
def @map[A, B](%f: fn(A) -> B, %xs: List[A]) {
  match (%xs) {
    Cons(%h, %t) => Cons(%f(%h), @map(%f, %t)),
    Nil => Nil,
  }
}
def @foldl[A, B](%f: fn(A, B) -> A, %acc: A, %xs: List[B]) {
  match (%xs) {
    Cons(%h, %t) => @foldl(%f, %f(%acc, %h), %t),
    Nil => %acc,
  }
}
def @main(%xs: List[f32[3]], %g: fn(f32[3]) -> i64[], %k: fn((bool[], f32[]), i64[]) -> (bool[], f32[])) {
  let %ys = @map(%g, %xs);
  let %zs = @map(fn (%v) { (%v, %v) }, %ys);
  let %r = @foldl(%k, (true, 0f32), %ys);
  (%zs, %r)
}
)");
  EXPECT_EQ(test::fn_type(m, "map"), "fn[A, B](fn(A) -> B, List[A]) -> List[B]");
  EXPECT_EQ(test::fn_type(m, "foldl"), "fn[A, B](fn(A, B) -> A, A, List[B]) -> A");
  EXPECT_EQ(var_type(m, "ys"), "List[i64[]]");
  EXPECT_EQ(var_type(m, "zs"), "List[(i64[], i64[])]");
  EXPECT_EQ(var_type(m, "r"), "(bool[], f32[])");
  EXPECT_EQ(var_type(m, "v"), "i64[]");  // a closure parameter inferred from its use
}

TEST(TypeInference, ClosuresCaptureAndInferParameters) {
  Module m = inferred(R"(
def @main(%x: f32[batch, 3]) {
  let %s = 2i64;
  let %f = fn (%a) { (%a, %s) };
  let %g = fn (%h, %y) { %h(%y) };
  %g(%f, %x)
}
)");
  EXPECT_EQ(var_type(m, "f"), "fn(f32[batch, 3]) -> (f32[batch, 3], i64[])");
  EXPECT_EQ(var_type(m, "g"), "fn(fn(f32[batch, 3]) -> (f32[batch, 3], i64[]), f32[batch, 3]) -> (f32[batch, 3], i64[])");
  EXPECT_EQ(main_type(m), "fn(f32[batch, 3]) -> (f32[batch, 3], i64[])");
}

TEST(TypeInference, PolymorphicClosureIsInstantiatedPerCall) {
  Module m = inferred(R"(
def @main(%x: f32[3]) {
  let %id = fn[A] (%a: A) -> A { %a };
  (%id(%x), %id(1i64))
}
)");
  EXPECT_EQ(var_type(m, "id"), "fn[A](A) -> A");
  EXPECT_EQ(main_type(m), "fn(f32[3]) -> (f32[3], i64[])");
}

TEST(TypeInference, RecursiveLocalClosure) {
  Module m = inferred(R"(
def @main(%c: bool[], %x: f32[3]) {
  let %loop = fn (%y) { if (%c) { %y } else { %loop(%y) } };
  %loop(%x)
}
)");
  EXPECT_EQ(var_type(m, "loop"), "fn(f32[3]) -> f32[3]");
}

TEST(TypeInference, References) {
  Module m = inferred(R"(
def @main(%n: i64[]) {
  let %r = ref_new(0i64);
  let %_ = ref_write(%r, %n);
  let %l = ref_new(Nil);
  let %w = ref_write(%l, Cons(1f32, Nil));
  (ref_read(%r), ref_read(%l))
}
)");
  EXPECT_EQ(var_type(m, "r"), "Ref[i64[]]");
  EXPECT_EQ(var_type(m, "_"), "()");
  EXPECT_EQ(var_type(m, "l"), "Ref[List[f32[]]]");  // Nil's element type comes from the later write
  EXPECT_EQ(main_type(m), "fn(i64[]) -> (i64[], List[f32[]])");
}

TEST(TypeInference, AdtsAndNestedPatterns) {
  Module m = inferred(R"(
type Tree[T] {
  Leaf(T),
  Node(Tree[T], Tree[T]),
}
def @leftmost[T](%t: Tree[T]) -> T {
  match (%t) {
    Leaf(%v) => %v,
    Node(%l, _) => @leftmost(%l),
  }
}
def @main(%a: f32[2], %p: (Option[i64[]], bool[])) {
  let %tree = Node(Leaf(%a), Leaf(%a));
  let %first = match (%p) {
    (Some(%k), _) => %k,
    (None, %b) => 0i64,
  };
  (@leftmost(%tree), %first)
}
)");
  EXPECT_EQ(var_type(m, "tree"), "Tree[f32[2]]");
  EXPECT_EQ(var_type(m, "k"), "i64[]");
  EXPECT_EQ(var_type(m, "b"), "bool[]");
  EXPECT_EQ(main_type(m), "fn(f32[2], (Option[i64[]], bool[])) -> (f32[2], i64[])");
}

TEST(TypeInference, FillsEveryCheckedType) {
  Module m = inferred(R"(
def @main(%x: f32[3], %c: bool[]) {
  let %y = if (%c) { Some(%x) } else { None };
  match (%y) { Some(%z) => %z, None => %x }
}
)");
  test::expect_all_typed(m);
  Expr body = m.main()->body;
  EXPECT_EQ(type_str(body->checked_type), "f32[3]");
  auto let = as<LetNode>(body);
  auto if_node = as<IfNode>(let->value);
  EXPECT_EQ(type_str(if_node->cond->checked_type), "bool[]");
  EXPECT_EQ(type_str(if_node->else_branch->checked_type), "Option[f32[3]]");
  auto some = as<CallNode>(if_node->then_branch);
  EXPECT_EQ(type_str(some->callee->checked_type), "fn[T](T) -> Option[T]");  // constructors keep their generic type
}

TEST(TypeInference, MutualRecursion) {
  Module m = inferred(R"(
def @even(%n: i64[], %b: bool[]) { if (%b) { %n } else { @odd(%n, %b) } }
def @odd(%n: i64[], %b: bool[]) { @even(%n, %b) }
def @main(%n: i64[]) { @odd(%n, false) }
)");
  EXPECT_EQ(test::fn_type(m, "even"), "fn(i64[], bool[]) -> i64[]");
  EXPECT_EQ(test::fn_type(m, "odd"), "fn(i64[], bool[]) -> i64[]");
}

TEST(TypeInference, SymbolsAreSharedAcrossFunctions) {
  Module m = inferred(R"(
def @f(%x: f32[batch, 3]) -> f32[batch, 3] { %x }
def @main(%x: f32[batch, 3], %y: f32[?, 3]) { (@f(%x), @f(%y)) }
)");
  EXPECT_EQ(main_type(m), "fn(f32[batch, 3], f32[?, 3]) -> (f32[batch, 3], f32[batch, 3])");
  EXPECT_NE(infer_error(R"(
def @main(%x: f32[m]) {
  let %a: f32[n] = %x;
  %a
}
)").find("let %a: expected f32[n], found f32[m]"),
            std::string::npos);
}

TEST(TypeInference, LetAnnotationTypesAClosure) {
  Module m = inferred(R"(
def @main(%x: f32[3]) {
  let %f: fn(f32[3]) -> (f32[3], f32[3]) = fn (%a) { (%a, %a) };
  %f(%x)
}
)");
  EXPECT_EQ(var_type(m, "a"), "f32[3]");
}

TEST(TypeInference, PolymorphicGlobalAsAValue) {
  Module m = inferred(R"(
def @id[A](%x: A) -> A { %x }
def @apply[A, B](%f: fn(A) -> B, %x: A) -> B { %f(%x) }
def @main(%x: f32[3]) {
  let %g = @id;
  (@apply(@id, %x), @apply(@id, 1i64), %g(true), @apply(Some, %x))
}
)");
  EXPECT_EQ(main_type(m), "fn(f32[3]) -> (f32[3], i64[], bool[], Option[f32[3]])");
  EXPECT_EQ(var_type(m, "g"), "fn(bool[]) -> bool[]");
}

TEST(TypeInference, InferringTwiceGivesTheSameTypes) {
  Module m = inferred(R"(
def @main(%xs: List[f32[]]) {
  match (%xs) { Cons(%h, _) => Some(%h), Nil => None }
}
)");
  std::string first = main_type(m);
  infer_types(m);
  EXPECT_EQ(main_type(m), first);
  EXPECT_EQ(first, "fn(List[f32[]]) -> Option[f32[]]");
}

TEST(TypeInference, ErrorsCarryTheNodeSpanAndSnippet) {
  int line = 0;
  std::string msg = infer_error(R"(
def @main(%c: bool[], %x: f32[3]) {
  let %a = (%x, %x);
  let %b = if (%c) { %a } else { (%x, 1i64) };
  %b
}
)",
                                &line);
  EXPECT_EQ(line, 4);
  EXPECT_NE(msg.find("if branches have different types: then is (f32[3], f32[3]), else is (f32[3], i64[]) in "
                     "`if (%c) { %a } else { (%x, 1i64) }`"),
            std::string::npos)
      << msg;
  EXPECT_NE(msg.find("note: they differ in f32[3] vs i64[]"), std::string::npos) << msg;
}

TEST(TypeInference, ErrorInsideDeepProgramHasAShortMessage) {
  // The offending value is %f(%f(...%f(%x)...)) nested 100,000 deep: the message shows only its head.
  Module m;
  Var x = make_var("x", scalar_type(DType::I64));
  Var f = make_var("f", func_type({scalar_type(DType::I64)}, scalar_type(DType::I64)));
  Expr e = x;
  for (int i = 0; i < 100000; ++i) e = make_call(f, {e});
  Var r = make_var("r", scalar_type(DType::F32));
  m.add_function("main", make_function({x, f}, nullptr, make_let(r, e, r, Span{"deep.weft", 2, 3})));
  try {
    infer_types(m);
    FAIL() << "expected a type error";
  } catch (const CompileError& err) {
    EXPECT_EQ(err.diagnostic().message, "let %r: expected f32[], found i64[] in `%f(...)`");
    EXPECT_EQ(err.diagnostic().span.line, 2);
  }
}

TEST(TypeInference, InferExprWithFreeAnnotatedVariables) {
  Module m;
  Var x = make_var("x", tensor_type(DType::F32, {Dim::symbol("n"), Dim(4)}));
  Var y = make_var("y");
  Expr e = make_let(y, make_tuple({x, x}), make_tuple_get(y, 1));
  EXPECT_EQ(type_str(infer_expr(e, m)), "f32[n, 4]");
  EXPECT_EQ(type_str(y->checked_type), "(f32[n, 4], f32[n, 4])");
}

TEST(TypeInference, DeepLetChain) {
  // 100,000 lets, each projecting from a tuple made by the previous one.
  Module m;
  Var x = make_var("x", scalar_type(DType::I64));
  Expr body = x;
  std::vector<Var> vars;
  for (int i = 0; i < 100000; ++i) vars.push_back(make_var("v"));
  Expr e = make_tuple({vars.back(), x});
  for (int i = 99999; i >= 0; --i) {
    Expr prev = i == 0 ? Expr(x) : Expr(make_tuple_get(vars[size_t(i) - 1], 0));
    e = make_let(vars[size_t(i)], make_tuple({prev}), e);
  }
  m.add_function("main", make_function({x}, nullptr, e));
  infer_types(m);
  EXPECT_EQ(type_str(m.main()->checked_type), "fn(i64[]) -> ((i64[],), i64[])");
}

TEST(TypeInference, DeepNestedTuples) {
  // ((((%x,),),)...) 100,000 deep: every node's type nests as deep as the node itself;
  // resolving them all must stay linear.
  Module m;
  Var x = make_var("x", scalar_type(DType::I64));
  Expr e = x;
  for (int i = 0; i < 100000; ++i) e = make_tuple({e});
  m.add_function("main", make_function({x}, nullptr, e));
  infer_types(m);
  int depth = 0;
  Type t = as_func(m.main()->checked_type)->ret;
  for (; as_tuple(t); t = as_tuple(t)->fields[0]) ++depth;  // a loop: type_str would recurse 100,000 deep
  EXPECT_EQ(depth, 100000);
  EXPECT_EQ(type_str(t), "i64[]");
}

TEST(TypeInference, DeepNestedConstructorCalls) {
  // Cons(1, Cons(1, ... Nil)) nested 100,000 deep: inference recurses on the deep stack.
  Module m;
  Expr e = make_call(m.constructor("Nil"), {});
  for (int i = 0; i < 100000; ++i) e = make_call(m.constructor("Cons"), {make_constant(Tensor::scalar<int64_t>(1)), e});
  m.add_function("main", make_function({}, nullptr, e));
  infer_types(m);
  EXPECT_EQ(type_str(m.main()->checked_type), "fn() -> List[i64[]]");
}

}  // namespace
}  // namespace weft
