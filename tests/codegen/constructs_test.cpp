// constructs_test.cpp - polymorphic functions, ADTs and match, closures, references and list/optional values at the
// C API, compiled and checked against the interpreter (tensors within rtol = atol = 1e-5, everything else exactly).
#include <gtest/gtest.h>

#include "ValueRun.h"
#include "ir/TypeInference.h"
#include "tests/support/TestSupport.h"

namespace weft::testing {
namespace {

// Inputs for @main from its parameter types: tensors with each dynamic dim 3, seeded.
std::vector<Value> inputs_for(const Module& m, unsigned seed) {
  std::vector<Value> args;
  for (const Var& p : m.main()->params) {
    auto* t = as_tensor(p->checked_type);
    if (!t) ADD_FAILURE() << "inputs_for: %" << p->name_hint << " is not a tensor";
    std::vector<int64_t> shape;
    for (const Dim& d : t->shape) shape.push_back(d.is_static() ? d.value() : 3);
    args.push_back(tensor_value(random_tensor(t->dtype, shape, seed++)));
  }
  return args;
}

// Modules of the IR test suite whose @main takes and returns what the C API carries.
class ModuleFile : public ::testing::TestWithParam<const char*> {};

TEST_P(ModuleFile, CompiledMatchesInterpreter) {
  const std::string name = GetParam();
  Module m = parse_checked(read_text_file(std::string(WEFT_REPO_DIR) + "/tests/ir/modules/" + name + ".weft"));
  expect_compiled_matches(m, name, {inputs_for(m, 1), inputs_for(m, 7), inputs_for(m, 20)});
}

INSTANTIATE_TEST_SUITE_P(Constructs, ModuleFile,
                         ::testing::Values("adt_declared_after_use", "adt_enum_and_fields", "closure_capture", "closure_immediate_call",
                                           "closure_returning_closure", "function_types", "list_fold", "list_length_generic",
                                           "list_map", "list_map_then_fold", "loop_with_tuple_state", "match_nested_patterns",
                                           "mutual_recursion", "option_basic", "option_of_tuple", "recursive_local_closure",
                                           "ref_accumulator_loop", "ref_counter", "ref_of_list", "tree_adt"));

Value list_of(const Module& m, std::vector<Tensor> ts) {
  std::vector<Value> v;
  for (auto& t : ts) v.push_back(tensor_value(t));
  return list_value(m, v);
}

// Lists built in a loop, polymorphic map/fold at two element types, constructors as
// values, closures capturing tensors, and a list and optional in and out of the C API.
const char* kLists = R"(
def @map[A, B](%f: fn(A) -> B, %xs: List[A]) -> List[B] {
  match (%xs) { Cons(%h, %t) => Cons(%f(%h), @map(%f, %t)), Nil => Nil }
}
def @fold[A, B](%f: fn(B, A) -> B, %acc: B, %xs: List[A]) -> B {
  match (%xs) { Cons(%h, %t) => @fold(%f, %f(%acc, %h), %t), Nil => %acc }
}
def @len[T](%xs: List[T], %n: i64[]) -> i64[] {
  match (%xs) { Cons(_, %t) => @len(%t, add(%n, 1i64)), Nil => %n }
}
def @build(%i: i64[], %x: f32[3], %acc: List[f32[3]]) -> List[f32[3]] {
  if (less_equal(%i, 0i64)) { %acc } else { @build(sub(%i, 1i64), add(%x, 1f32), Cons(mul(%x, cast(%i, to=f32)), %acc)) }
}
def @main(%x: f32[3], %n: i64[], %scale: f32[], %extra: List[f32[3]], %maybe: Option[f32[3]])
    -> (List[f32[3]], f32[3], List[i64[]], Option[f32[3]], Option[List[f32[3]]], i64[]) {
  let %xs = @build(%n, %x, %extra);
  let %ys = @map(fn (%v: f32[3]) -> f32[3] { mul(%v, %scale) }, %xs);
  let %sum = @fold(fn (%a: f32[3], %b: f32[3]) -> f32[3] { add(%a, %b) }, mul(%x, 0f32), %ys);
  let %lens = @map(fn (%l: List[f32[3]]) -> i64[] { @len(%l, 0i64) }, Cons(%xs, Cons(%ys, Cons(Nil, Nil))));
  let %first = match (%ys) { Cons(%h, _) => Some(%h), Nil => None };
  let %opts = @map(Some, %xs);
  let %somes = @fold(fn (%k: i64[], %o: Option[f32[3]]) -> i64[] { match (%o) { Some(_) => add(%k, 1i64), None => %k } }, 0i64, %opts);
  let %back = match (%maybe) { Some(%m) => Some(Cons(add(%m, %sum), %ys)), None => None };
  (%ys, %sum, %lens, %first, %back, %somes)
}
)";

TEST(Constructs, ListsPolymorphismClosuresAndOptionals) {
  Module m = parse_checked(kLists);
  std::vector<std::vector<Value>> sets;
  for (int64_t n : {0, 1, 5}) {
    for (int extra : {0, 2}) {
      std::vector<Tensor> ex;
      for (int i = 0; i < extra; ++i) ex.push_back(random_tensor(DType::F32, {3}, unsigned(40 + i)));
      Value maybe = extra ? some_value(m, tensor_value(random_tensor(DType::F32, {3}, 50))) : none_value(m);
      sets.push_back({tensor_value(random_tensor(DType::F32, {3}, unsigned(n))), scalar_value(n), scalar_value(1.5f),
                      list_of(m, ex), maybe});
    }
  }
  expect_compiled_matches(m, "lists", sets);
}

// A user ADT with nested patterns, a local recursive closure looping by self tail calls,
// references updated in a loop, and a closure returned from a function.
const char* kAdts = R"(
type Expr {
  Lit(f32[2]),
  Add(Expr, Expr),
  Scale(f32[], Expr),
  Neg(Expr),
}
def @eval(%e: Expr) -> f32[2] {
  match (%e) {
    Lit(%v) => %v,
    Add(Lit(%a), Lit(%b)) => add(%a, %b),
    Add(%l, %r) => add(@eval(%l), @eval(%r)),
    Scale(%k, Neg(%inner)) => mul(neg(@eval(%inner)), %k),
    Scale(%k, %inner) => mul(@eval(%inner), %k),
    Neg(%inner) => neg(@eval(%inner)),
  }
}
def @adder(%d: f32[2]) -> fn(f32[2]) -> f32[2] { fn (%v: f32[2]) -> f32[2] { add(%v, %d) } }
def @main(%x: f32[2], %y: f32[2], %n: i64[]) -> (f32[2], f32[2], f32[2], i64[]) {
  let %e = Add(Scale(2f32, Neg(Lit(%x))), Add(Lit(%y), Neg(Add(Lit(%x), Lit(%y)))));
  let %counter = ref_new(0i64);
  let %acc = ref_new(%x);
  let %loop = fn (%i: i64[], %v: f32[2]) -> f32[2] {
    if (greater_equal(%i, %n)) { %v } else {
      let %_ = ref_write(%counter, add(ref_read(%counter), 1i64));
      let %_ = ref_write(%acc, add(ref_read(%acc), %v));
      %loop(add(%i, 1i64), mul(%v, 0.5f32))
    }
  };
  let %f = @adder(%y);
  (@eval(%e), %loop(0i64, %f(%x)), ref_read(%acc), ref_read(%counter))
}
)";

TEST(Constructs, UserAdtClosureLoopAndReferences) {
  Module m = parse_checked(kAdts);
  std::vector<std::vector<Value>> sets;
  for (int64_t n : {0, 1, 9})
    sets.push_back({tensor_value(random_tensor(DType::F32, {2}, unsigned(n))), tensor_value(random_tensor(DType::F32, {2}, 99)),
                    scalar_value(n)});
  expect_compiled_matches(m, "adts", sets);
}

// 1,000,000 iterations of a global tail loop and of a local closure loop, a 1,000,000-element
// list built, walked and dropped (its destructor must not recurse), and returned.
const char* kMillion = R"(
def @build(%i: i64[], %acc: List[i64[]]) -> List[i64[]] {
  if (less_equal(%i, 0i64)) { %acc } else { @build(sub(%i, 1i64), Cons(%i, %acc)) }
}
def @sum[T](%xs: List[i64[]], %acc: i64[]) -> i64[] {
  match (%xs) { Cons(%h, %t) => @sum(%t, add(%acc, %h)), Nil => %acc }
}
def @main(%n: i64[], %keep: bool[]) -> (i64[], i64[], List[i64[]]) {
  let %xs = @build(%n, Nil);
  let %count = fn (%i: i64[], %c: i64[]) -> i64[] { if (less(%i, %n)) { %count(add(%i, 1i64), add(%c, 2i64)) } else { %c } };
  (@sum(%xs, 0i64), %count(0i64, 0i64), if (%keep) { %xs } else { Cons(%n, Nil) })
}
)";

TEST(Constructs, MillionIterationLoopsAndMillionElementList) {
  Module m = parse_checked(kMillion);
  expect_compiled_matches(m, "million", {{scalar_value(int64_t(1000000)), scalar_value(false)},
                                         {scalar_value(int64_t(1000000)), scalar_value(true)},
                                         {scalar_value(int64_t(0)), scalar_value(true)}});
}

// ---- errors and validation -------------------------------------------------------------------

TEST(Constructs, PolymorphicClosureLiteralIsAClearError) {
  Module m = parse_checked(read_text_file(std::string(WEFT_REPO_DIR) + "/tests/ir/modules/poly_closure.weft"));
  try {
    CompiledModel lib(m, "poly_closure");
    ADD_FAILURE() << "compiled";
  } catch (const CompileError& e) {
    EXPECT_NE(std::string(e.what()).find("does not support polymorphic closure literals"), std::string::npos) << e.what();
  }
}

TEST(Constructs, RunValuesValidatesAndRunRefusesLists) {
  Module m = parse_checked(R"(
def @main(%xs: List[f32[n]], %o: Option[f32[n]]) -> (List[f32[n]], Option[f32[n]]) { (%xs, %o) }
)");
  CompiledModel lib(m, "validate");
  const weft_api* api = lib.api();
  EXPECT_GE(api->version, 2u);
  weft_value_info info;
  ASSERT_EQ(api->input_value_info(lib.model(), 0, &info), 0);
  EXPECT_EQ(info.kind, WEFT_VALUE_LIST);
  EXPECT_STREQ(info.tensor.name, "xs");
  ASSERT_EQ(api->output_value_info(lib.model(), 1, &info), 0);
  EXPECT_EQ(info.kind, WEFT_VALUE_OPTIONAL);
  EXPECT_NE(api->input_value_info(lib.model(), 2, &info), 0);
  EXPECT_NE(api->input_value_info(lib.model(), 0, nullptr), 0);

  Tensor a = random_tensor(DType::F32, {4}, 1), b = random_tensor(DType::F32, {5}, 2), c = random_tensor(DType::I64, {4}, 3);
  DLTensor ab[] = {as_dl(a), as_dl(b)}, ac[] = {as_dl(a), as_dl(c)};
  weft_output_value* outs[2] = {nullptr, nullptr};
  auto run = [&](weft_value x, weft_value o) {
    weft_value in[] = {x, o};
    int status = api->run_values(lib.model(), in, 2, outs, 2);
    EXPECT_EQ(outs[0], nullptr);  // a failed run leaves nothing allocated
    return status ? std::string(api->last_error()) : std::string("ok");
  };
  const weft_value none{WEFT_VALUE_OPTIONAL, 1, 0, nullptr};
  auto has = [](const std::string& msg, const std::string& part) { return msg.find(part) != std::string::npos; };
  EXPECT_PRED2(has, run({WEFT_VALUE_TENSOR, 0, 1, ab}, none), "input 0 'xs': is a list of tensors");
  EXPECT_PRED2(has, run({WEFT_VALUE_LIST, 0, 2, ab}, none), "'n' = 5, but an earlier input has n = 4");
  EXPECT_PRED2(has, run({WEFT_VALUE_LIST, 0, 2, ac}, none), "expected dtype f32, got i64");
  EXPECT_PRED2(has, run({WEFT_VALUE_LIST, 0, 1, nullptr}, none), "tensors is NULL");
  EXPECT_PRED2(has, run({WEFT_VALUE_LIST, 0, -1, ab}, none), "num_tensors is negative");
  EXPECT_PRED2(has, run({WEFT_VALUE_LIST, 1, 1, ab}, none), "is_none is set, but the input is not optional");
  EXPECT_PRED2(has, run({WEFT_VALUE_LIST, 0, 1, ab}, {WEFT_VALUE_OPTIONAL, 0, 2, ab}), "input 1 'o': expected 1 tensor");
  EXPECT_PRED2(has, run({WEFT_VALUE_LIST, 0, 1, ab}, {WEFT_VALUE_OPTIONAL, 0, 1, ab + 1}), "'n' = 5, but an earlier input has n = 4");
  EXPECT_NE(api->run_values(lib.model(), nullptr, 2, outs, 2), 0);
  EXPECT_NE(api->run_values(nullptr, nullptr, 2, outs, 2), 0);

  // An empty list and an absent optional come back as such.
  weft_value in[] = {{WEFT_VALUE_LIST, 0, 0, nullptr}, none};
  ASSERT_EQ(api->run_values(lib.model(), in, 2, outs, 2), 0) << api->last_error();
  EXPECT_EQ(outs[0]->kind, WEFT_VALUE_LIST);
  EXPECT_EQ(outs[0]->num_tensors, 0);
  EXPECT_EQ(outs[1]->is_none, 1);
  for (auto* o : outs) o->deleter(o);

  // Version 1's run() refuses a model with non-tensor inputs, saying what to call instead.
  DLManagedTensor* touts[2] = {nullptr, nullptr};
  EXPECT_NE(api->run(lib.model(), ab, 2, touts, 2), 0);
  EXPECT_PRED2(has, std::string(api->last_error()), "run() takes tensors only, call run_values()");
}

TEST(Constructs, TensorOnlyModelRunsThroughBothEntryPoints) {
  Module m = parse_checked("def @main(%x: f32[3]) -> f32[3] { add(%x, %x) }");
  CompiledModel lib(m, "both");
  Tensor x = random_tensor(DType::F32, {3}, 5);
  EXPECT_EQ(compare(interpret_flat(m, {x})[0], lib.run({x})[0]), "");
  EXPECT_EQ(compare_values(interpret_values(m, {tensor_value(x)}), run_values(m, lib, {tensor_value(x)})), "");
}

}  // namespace
}  // namespace weft::testing
