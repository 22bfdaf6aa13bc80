// well_formed_test.cpp - scoping, single binding and name checks of check_well_formed.
#include <gtest/gtest.h>

#include "ir/Parser.h"
#include "ir/WellFormed.h"

namespace weft {
namespace {

Span at(int line) { return Span{"wf.weft", line, 1}; }

// The message of the CompileError check_well_formed raises ("" if none); its line in `line`.
std::string wf_error(const Module& m, int* line = nullptr) {
  try {
    check_well_formed(m);
  } catch (const CompileError& e) {
    if (line) *line = e.diagnostic().span.line;
    return e.diagnostic().message;
  }
  return "";
}

Function fn0(Expr body, std::vector<Var> params = {}) { return make_function(std::move(params), nullptr, std::move(body), {}, at(1)); }

TEST(WellFormed, ParsedProgramsAreWellFormed) {
  Module m = parse_module(R"(
type Tree[T] { Leaf(T), Node(Tree[T], Tree[T]) }
def @f[A](%x: A, %t: Tree[A]) -> A {
  let %loop = fn (%y: A) -> A { if (true) { %y } else { %loop(%y) } };
  let %r = match (%t) {
    Leaf(%v) => %loop(%v),
    Node(%l, _) => @f(%x, %l),
  };
  %r
}
def @main(%x: f32[]) { @f(%x, Leaf(%x)) }
)",
                          "wf.weft");
  EXPECT_EQ(wf_error(m), "");
}

TEST(WellFormed, VariableBoundTwice) {
  Module m;
  Var x = make_var("x");
  Expr c = make_constant(Tensor::scalar<int64_t>(1));
  m.add_function("main", fn0(make_let(x, c, make_let(x, c, x, at(3)), at(2))));
  int line = 0;
  EXPECT_EQ(wf_error(m, &line), "variable %x is bound twice");
  EXPECT_EQ(line, 3);
}

TEST(WellFormed, ParameterBoundInTwoFunctions) {
  Module m;
  Var x = make_var("x", scalar_type(DType::F32));
  m.add_function("f", fn0(x, {x}));
  m.add_function("g", make_function({x}, nullptr, x, {}, at(7)));
  int line = 0;
  EXPECT_EQ(wf_error(m, &line), "variable %x is bound twice");
  EXPECT_EQ(line, 7);
}

TEST(WellFormed, UseOutsideScope) {
  // let %y = (let %x = 1; %x); %x  -- %x escapes its let.
  Module m;
  Var x = make_var("x"), y = make_var("y");
  Expr c = make_constant(Tensor::scalar<int64_t>(1));
  Expr inner = make_let(x, c, x, at(2));
  m.add_function("main", fn0(make_let(y, inner, make_tuple({y, x}, at(4)), at(3))));
  int line = 0;
  EXPECT_EQ(wf_error(m, &line), "variable %x is not in scope");
  EXPECT_EQ(line, 4);  // reported at the tuple that uses it, not at the binding
}

TEST(WellFormed, FreeVariableInDef) {
  Module m;
  m.add_function("main", fn0(make_tuple({make_var("z")}, at(5))));
  EXPECT_EQ(wf_error(m), "variable %z is not in scope");
}

TEST(WellFormed, PatternVariablesScopeOverTheirClauseOnly) {
  Module m;
  Var xs = make_var("xs", adt_type("List", {scalar_type(DType::F32)}));
  Var h = make_var("h"), t = make_var("t");
  Pattern cons = pattern_constructor(m.constructor("Cons"), {pattern_var(h), pattern_var(t)});
  Pattern nil = pattern_constructor(m.constructor("Nil"), {});
  Expr match = make_match(xs, {{cons, h}, {nil, make_tuple({h}, at(9))}}, at(8));
  m.add_function("main", fn0(match, {xs}));
  int line = 0;
  EXPECT_EQ(wf_error(m, &line), "variable %h is not in scope");
  EXPECT_EQ(line, 9);
}

TEST(WellFormed, RecursiveLetClosureIsAllowedButNotRecursiveValue) {
  Module ok;
  Var f = make_var("f"), a = make_var("a", scalar_type(DType::F32));
  ok.add_function("main", fn0(make_let(f, make_function({a}, nullptr, make_call(f, {a})), f)));
  EXPECT_EQ(wf_error(ok), "");

  Module bad;
  Var v = make_var("v");
  bad.add_function("main", fn0(make_let(v, make_tuple({v}, at(2)), v, at(2))));
  EXPECT_EQ(wf_error(bad), "variable %v is not in scope");
}

TEST(WellFormed, UnknownGlobal) {
  Module m;
  m.add_function("main", fn0(make_call(make_global_var("nope", at(4)), {}, at(4))));
  int line = 0;
  EXPECT_EQ(wf_error(m, &line), "unknown function @nope");
  EXPECT_EQ(line, 4);
}

TEST(WellFormed, UnknownConstructor) {
  Module other;
  other.define_type("Color", {}, {{"Red", {}}, {"Green", {}}});
  Module m;
  m.add_function("main", fn0(make_call(other.constructor("Green"), {}, at(6))));
  int line = 0;
  EXPECT_EQ(wf_error(m, &line), "unknown constructor Green");
  EXPECT_EQ(line, 6);
  // The prelude of another module names the same constructors: accepted.
  Module m2;
  m2.add_function("main", fn0(make_call(other.constructor("Nil"), {})));
  EXPECT_EQ(wf_error(m2), "");
}

TEST(WellFormed, DeepLetChain) {
  Module m;
  Var prev = make_var("x", scalar_type(DType::I64));
  std::vector<Var> vars;
  for (int i = 0; i < 100000; ++i) vars.push_back(make_var("v"));
  Expr e = vars.back();
  for (int i = 99999; i >= 0; --i) e = make_let(vars[size_t(i)], i ? Expr(vars[size_t(i) - 1]) : Expr(prev), e);
  m.add_function("main", fn0(e, {prev}));
  EXPECT_EQ(wf_error(m), "");
}

TEST(WellFormed, DeepNestedTuples) {
  Module m;
  Var x = make_var("x", scalar_type(DType::I64));
  Expr e = x;
  for (int i = 0; i < 100000; ++i) e = make_tuple({e});
  m.add_function("main", fn0(e, {x}));
  EXPECT_EQ(wf_error(m), "");
}

// Each level uses the one below twice: 2^200 paths, walked once per node.
TEST(WellFormed, DeepSharedDagIsWalkedOncePerNode) {
  Module m;
  Var x = make_var("x", scalar_type(DType::I64));
  Expr e = x;
  for (int i = 0; i < 200; ++i) e = make_tuple({e, e});
  m.add_function("main", fn0(e, {x}));
  EXPECT_EQ(wf_error(m), "");
}

// A shared subtree checked once inside %y's scope is still out of scope at a second use.
TEST(WellFormed, SharedSubtreeUsedOutsideItsScope) {
  Module m;
  Var x = make_var("x", scalar_type(DType::I64)), y = make_var("y"), a = make_var("a");
  Expr shared = make_tuple({make_tuple({y})});
  m.add_function("main", fn0(make_let(a, make_let(y, x, shared, at(2)), shared, at(3)), {x}));
  int line = 0;
  EXPECT_EQ(wf_error(m, &line), "variable %y is not in scope");
  EXPECT_EQ(line, 3);
}

// A shared subtree that binds a variable still binds it twice.
TEST(WellFormed, SharedBindingSubtreeIsBoundTwice) {
  Module m;
  Var x = make_var("x", scalar_type(DType::I64)), y = make_var("y");
  Expr shared = make_let(y, x, y, at(4));
  m.add_function("main", fn0(make_tuple({shared, shared}), {x}));
  EXPECT_EQ(wf_error(m), "variable %y is bound twice");
}

}  // namespace
}  // namespace weft
