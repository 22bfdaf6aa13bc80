// interpreter_test.cpp - the reference interpreter on tests/ir/interp/*.weft; expected values from plain C++.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "ir/Interpreter.h"
#include "ir/Parser.h"
#include "ir/TypeInference.h"
#include "tests/support/TestSupport.h"

namespace weft {
namespace {

namespace fs = std::filesystem;

std::string interp_path(const std::string& file) { return (fs::path(WEFT_TEST_DATA_DIR) / "ir" / "interp" / file).string(); }

Module load(const std::string& file) {
  return parse_module(testing::read_text_file(interp_path(file)), interp_path(file));
}

Value i64(int64_t v) { return scalar_value<int64_t>(v); }
Value f32(float v) { return scalar_value<float>(v); }
Value f32_vec(std::vector<float> v) {
  int64_t n = int64_t(v.size());
  return tensor_value(Tensor::from_vector<float>(v, {n}));
}

int64_t as_i64(const Value& v) {
  const Tensor& t = value_tensor(v);
  EXPECT_EQ(t.dtype(), DType::I64);
  EXPECT_EQ(t.rank(), 0);
  return t.as_int();
}
std::vector<float> as_floats(const Value& v) {
  const Tensor& t = value_tensor(v);
  EXPECT_EQ(t.dtype(), DType::F32);
  return std::vector<float>(t.data<float>(), t.data<float>() + t.numel());
}
const std::vector<Value>& tuple_fields(const Value& v) {
  auto* t = value_as<TupleValueNode>(v);
  if (!t) throw std::runtime_error("expected a tuple, found " + value_str(v));
  return t->fields;
}

// The RuntimeError message `f` throws, "" when it throws none.
template <typename F>
std::string runtime_error_of(F&& f) {
  try {
    f();
  } catch (const RuntimeError& e) {
    return e.what();
  }
  return "";
}

TEST(Interpreter, ClosuresCapture) {
  Module m = load("closures.weft");
  for (int64_t x : {0, 3, -8}) EXPECT_EQ(as_i64(run_main(m, {i64(x)})), (x + 20) + (x + 5) * (x + 7)) << x;
  auto pair = tuple_fields(interpret(m, "capture_at_creation", {}));
  EXPECT_EQ(as_i64(pair[0]), 1);
  EXPECT_EQ(as_i64(pair[1]), 2);
}

TEST(Interpreter, ClosureReturnedAndAppliedLater) {
  Module m = load("closures.weft");
  Interpreter interp(m);
  Value times3 = interp.call("adder", {i64(3)});
  ASSERT_TRUE(value_as<ClosureValueNode>(times3));
  EXPECT_EQ(as_i64(interp.apply(times3, {i64(14)})), 42);
  EXPECT_NE(runtime_error_of([&] { interp.apply(times3, {}); }).find("called with 0 argument(s)"), std::string::npos);
}

TEST(Interpreter, Recursion) {
  Module m = load("recursion.weft");
  int64_t fact = 1;
  for (int64_t i = 2; i <= 20; ++i) fact *= i;
  EXPECT_EQ(as_i64(interpret(m, "fact", {i64(20)})), fact);
  int64_t a = 0, b = 1;
  for (int i = 0; i < 20; ++i) std::tie(a, b) = std::make_pair(b, a + b);
  EXPECT_EQ(as_i64(interpret(m, "fib", {i64(20)})), a);
}

TEST(Interpreter, MutualTailRecursionMillionDeep) {
  Module m = load("recursion.weft");
  EXPECT_FALSE(value_tensor(interpret(m, "is_even", {i64(1000001)})).as_int());
  EXPECT_TRUE(value_tensor(interpret(m, "is_odd", {i64(1000001)})).as_int());
}

TEST(Interpreter, DeepNonTailRecursion) {
  Module m = load("recursion.weft");
  int64_t n = 100000;
  EXPECT_EQ(as_i64(interpret(m, "sum_rec", {i64(n)})), n * (n + 1) / 2);
}

TEST(Interpreter, TailRecursiveGlobalLoopMillionIterations) {
  Module m = load("loops.weft");
  int64_t n = 1000000;
  EXPECT_EQ(as_i64(run_main(m, {i64(n)})), n * (n + 1) / 2);
}

TEST(Interpreter, TailRecursiveLocalClosureLoops) {
  Module m = load("loops.weft");
  int64_t n = 1000000;
  EXPECT_EQ(as_i64(interpret(m, "local_loop", {i64(n)})), n * (n + 1) / 2);
  EXPECT_EQ(as_i64(interpret(m, "ref_loop", {i64(n)})), n * (n + 1) / 2);
}

TEST(Interpreter, LoopWithTupleState) {
  Module m = load("loops.weft");
  int64_t a = 0, b = 1;
  for (int i = 0; i < 50; ++i) std::tie(a, b) = std::make_pair(b, a + b);
  EXPECT_EQ(as_i64(interpret(m, "fib_loop", {i64(50), tuple_value({i64(0), i64(1)})})), a);
}

TEST(Interpreter, References) {
  Module m = load("refs.weft");
  EXPECT_EQ(as_i64(interpret(m, "counter", {i64(100000)})), 100000);
  auto fields = tuple_fields(interpret(m, "shared", {i64(5)}));
  ASSERT_EQ(fields.size(), 3u);
  EXPECT_EQ(as_i64(fields[0]), 5);
  EXPECT_EQ(as_i64(fields[1]), 12);
  EXPECT_EQ(as_i64(fields[2]), 12);
}

TEST(Interpreter, ListMapFoldOverTensors) {
  Module m = load("adts.weft");
  std::vector<float> a = {1.5f, -2, 0.25f}, b = {4, 8, -1};
  std::vector<float> expected(3);
  for (int i = 0; i < 3; ++i) expected[size_t(i)] = 2 * a[size_t(i)] + 2 * b[size_t(i)] + 2 * a[size_t(i)];
  EXPECT_EQ(as_floats(interpret(m, "list_main", {f32_vec(a), f32_vec(b)})), expected);

  std::vector<Value> elems = {f32_vec({1, 2}), f32_vec({3, 4}), f32_vec({5, 6})};
  std::vector<Value> out = value_to_list(interpret(m, "scale_all", {list_value(m, elems), f32(0.5f)}));
  ASSERT_EQ(out.size(), 3u);
  for (size_t i = 0; i < 3; ++i)
    EXPECT_EQ(as_floats(out[i]), (std::vector<float>{(2 * float(i) + 1) * 0.5f, (2 * float(i) + 2) * 0.5f}));
}

TEST(Interpreter, OptionAndUserTree) {
  Module m = load("adts.weft");
  auto pair = tuple_fields(interpret(m, "option_main", {i64(9)}));
  EXPECT_EQ(as_i64(pair[0]), 9);
  EXPECT_EQ(as_i64(pair[1]), 42);
  for (int64_t n : {1, 2, 7, 1000}) EXPECT_EQ(as_i64(interpret(m, "tree_main", {i64(n)})), n * (n - 1) / 2) << n;
}

TEST(Interpreter, NestedPatterns) {
  Module m = load("patterns.weft");
  auto list = [&](std::vector<Value> xs) { return list_value(m, xs); };
  auto some = [&](int64_t v) { return some_value(m, i64(v)); };
  Value none = none_value(m);
  auto classify = [&](Value xs) { return as_i64(interpret(m, "classify", {xs})); };
  EXPECT_EQ(classify(list({})), 0);
  EXPECT_EQ(classify(list({none})), 1);
  EXPECT_EQ(classify(list({some(3), some(4), none})), 7);
  EXPECT_EQ(classify(list({some(3), none})), 2);
  EXPECT_EQ(classify(list({none, none, some(1)})), 2);
  EXPECT_EQ(classify(list({some(6)})), 600);
  EXPECT_EQ(classify(list({none, some(5)})), 50);

  auto tuple_pattern = [&](Value opt, int64_t y, int64_t z) {
    return as_i64(interpret(m, "tuple_pattern", {tuple_value({opt, tuple_value({i64(y), i64(z)})})}));
  };
  EXPECT_EQ(tuple_pattern(some(10), 5, 99), 15);
  EXPECT_EQ(tuple_pattern(none, 5, 99), 99);
}

TEST(Interpreter, OpTupleOutputs) {
  Module m = load("tuples_and_ifs.weft");
  auto top = tuple_fields(interpret(m, "topk2", {f32_vec({3, 9, -1, 7, 2})}));
  ASSERT_EQ(top.size(), 2u);
  EXPECT_EQ(as_floats(top[0]), (std::vector<float>{9, 7}));
  EXPECT_EQ(value_tensor(top[1]).to_int_vector(), (std::vector<int64_t>{1, 3}));

  auto halves = tuple_fields(interpret(m, "split_two", {f32_vec({1, 2, 3, 4})}));
  EXPECT_EQ(as_floats(halves[0]), (std::vector<float>{3, 4}));
  EXPECT_EQ(as_floats(halves[1]), (std::vector<float>{1, 2}));
  // One output of a tuple-typed op is still a tuple: with and without inferred types.
  EXPECT_EQ(as_floats(interpret(m, "split_one", {f32_vec({1, 2, 3, 4})})), (std::vector<float>{1, 2, 3, 4}));
  Module typed = load("tuples_and_ifs.weft");
  infer_types(typed);
  EXPECT_EQ(as_floats(interpret(typed, "split_one", {f32_vec({5, 6, 7, 8})})), (std::vector<float>{5, 6, 7, 8}));
}

TEST(Interpreter, ComputedConditions) {
  Module m = load("tuples_and_ifs.weft");
  for (float x : {-3.f, 0.5f, 7.f}) {
    float expected = x < 0 ? 0 : x > 1 ? 1 : x;
    EXPECT_EQ(value_tensor(interpret(m, "clamp", {f32(x), f32(0), f32(1)})).as_double(), expected) << x;
  }
  for (int64_t n : {1, 6, 27, 97}) {
    int64_t steps = 0;
    for (int64_t k = n; k != 1; k = k % 2 == 0 ? k / 2 : 3 * k + 1) ++steps;
    EXPECT_EQ(as_i64(interpret(m, "collatz_steps", {i64(n), i64(0)})), steps) << n;
  }
}

TEST(Interpreter, MillionElementListBuiltAndDropped) {
  Module m = load("big_list.weft");
  int64_t n = 1000000;
  EXPECT_EQ(as_i64(run_main(m, {i64(n)})), n * (n + 1) / 2);
  // Returned to C++, read, then freed here, outside the interpreter's deep stack.
  Value list = interpret(m, "make", {i64(n)});
  std::vector<Value> elems = value_to_list(list);
  ASSERT_EQ(elems.size(), size_t(n));
  EXPECT_EQ(as_i64(elems.back()), n);
  EXPECT_EQ(value_str(list, 40).substr(0, 14), "Cons(i64[] [1]");
  elems.clear();
  list = Value();
}

// A 100,000-deep nested op call: add(add(...add(1, 1)..., 1), 1).
TEST(Interpreter, DeepNestedCallChain) {
  const int depth = 100000;
  std::string text = "def @main() -> i64[] {\n  ";
  for (int i = 0; i < depth; ++i) text += "add(";
  text += "0i64";
  for (int i = 0; i < depth; ++i) text += ", 1i64)";
  text += "\n}\n";
  Module m = parse_module(text, "deep_chain.weft");
  EXPECT_EQ(as_i64(run_main(m, {})), depth);
}

TEST(Interpreter, LongLetChain) {
  const int length = 100000;
  std::string text = "def @main(%x0: i64[]) -> i64[] {\n";
  for (int i = 1; i <= length; ++i) text += "  let %x" + std::to_string(i) + " = add(%x" + std::to_string(i - 1) + ", 2i64);\n";
  text += "  %x" + std::to_string(length) + "\n}\n";
  Module m = parse_module(text, "let_chain.weft");
  EXPECT_EQ(as_i64(run_main(m, {i64(7)})), 7 + 2 * int64_t(length));
}

TEST(Interpreter, NoMatchingClauseIsARuntimeErrorAtTheMatch) {
  Module m = load("errors.weft");
  std::string msg = runtime_error_of([&] { interpret(m, "no_clause", {}); });
  EXPECT_EQ(msg, interp_path("errors.weft") + ":4:3: no clause of the match matches None");
}

TEST(Interpreter, KernelErrorCarriesTheCallPosition) {
  Interpreter interp(load("errors.weft"));
  std::string msg = runtime_error_of([&] { interp.call("int_div", {i64(1), i64(0)}); });
  EXPECT_EQ(msg.rfind(interp_path("errors.weft") + ":14:3: ", 0), 0u) << msg;
  // The same interpreter runs on after an error.
  EXPECT_EQ(as_i64(interp.call("int_div", {i64(7), i64(2)})), 3);
}

TEST(Interpreter, NonBoolConditionIsARuntimeError) {
  Module m = load("errors.weft");
  std::string msg = runtime_error_of([&] { interpret(m, "bad_condition", {i64(1)}); });
  EXPECT_EQ(msg, interp_path("errors.weft") + ":19:3: the condition of an if must be a bool scalar, found i64[] [1]");
}

TEST(Interpreter, BadEntryCalls) {
  Module m = load("errors.weft");
  EXPECT_EQ(runtime_error_of([&] { interpret(m, "nope", {}); }), "the module has no function @nope");
  EXPECT_NE(runtime_error_of([&] { interpret(m, "unwrap", {}); }).find("called with 0 argument(s)"), std::string::npos);
}

// Deterministic, benign inputs for a parameter type: symbolic dims are 2, elements 1, 1.25, ...
Value sample_input(const Module& m, const Type& t) {
  if (auto* tt = as_tensor(t)) {
    std::vector<int64_t> shape;
    for (auto& d : tt->shape) shape.push_back(d.is_static() ? d.value() : 2);
    Tensor f(DType::F64, shape);
    for (int64_t i = 0; i < f.numel(); ++i) f.data<double>()[i] = tt->dtype == DType::Bool ? double(i % 2) : 1 + 0.25 * double(i % 7);
    return tensor_value(f.cast(tt->dtype));
  }
  if (auto* tu = as_tuple(t)) {
    std::vector<Value> fields;
    for (auto& f : tu->fields) fields.push_back(sample_input(m, f));
    return tuple_value(fields);
  }
  auto* adt = as_adt(t);
  if (adt && adt->name == "List") return list_value(m, {sample_input(m, adt->args.at(0)), sample_input(m, adt->args.at(0))});
  if (adt && adt->name == "Option") return some_value(m, sample_input(m, adt->args.at(0)));
  throw std::runtime_error("no sample input for " + type_str(t));
}

// Every module of the printer/parser corpus runs, and gives the same value whether or not
// types were inferred first (the interpreter must not depend on them).
TEST(Interpreter, RunsEveryCorpusModule) {
  int ran = 0;
  for (auto& entry : fs::directory_iterator(fs::path(WEFT_TEST_DATA_DIR) / "ir" / "modules")) {
    if (entry.path().extension() != ".weft") continue;
    SCOPED_TRACE(entry.path().filename().string());
    const std::string text = testing::read_text_file(entry.path().string());
    Module m = parse_module(text, entry.path().string());
    ASSERT_TRUE(m.main());
    std::vector<Value> args;
    for (auto& p : m.main()->params) args.push_back(sample_input(m, p->annotation));
    Value untyped = run_main(m, args);
    Module typed = parse_module(text, entry.path().string());
    infer_types(typed);
    EXPECT_TRUE(values_identical(untyped, run_main(typed, args))) << value_str(untyped, 200);
    ++ran;
  }
  EXPECT_GT(ran, 0);
}

// Built with the C++ factories: no spans, no types, a constructor used as a function.
TEST(Interpreter, FactoryBuiltProgram) {
  Module m;
  Var x = make_var("x");
  Constructor some = m.constructor("Some");
  // fn(%x) { match (Some(%x)) { Some(%y) => (%y, %y) } } applied via the constructor value.
  Var y = make_var("y");
  Expr body = make_match(make_call(some, {x}), {{pattern_constructor(some, {pattern_var(y)}), make_tuple({y, y})}});
  m.add_function("main", make_function({x}, nullptr, body));
  Value out = run_main(m, {i64(4)});
  EXPECT_EQ(value_str(out), "(i64[] [4], i64[] [4])");
  m.add_function("wrap", make_function({}, nullptr, some));
  Value ctor_fn = interpret(m, "wrap", {});
  EXPECT_EQ(value_str(Interpreter(m).apply(ctor_fn, {i64(2)})), "Some(i64[] [2])");
}

TEST(Value, StrAndEquality) {
  Module m;
  Value a = tuple_value({i64(1), list_value(m, {f32(2), f32(3)}), ref_value(unit_value())});
  EXPECT_EQ(value_str(a), "(i64[] [1], Cons(f32[] [2], Cons(f32[] [3], Nil)), ref(()))");
  EXPECT_EQ(value_str(tuple_value({i64(1)})), "(i64[] [1],)");
  Value b = tuple_value({i64(1), list_value(m, {f32(2), f32(3)}), ref_value(unit_value())});
  EXPECT_TRUE(values_identical(a, b));
  EXPECT_FALSE(values_identical(a, tuple_value({i64(1), list_value(m, {f32(2)}), ref_value(unit_value())})));
  std::vector<Value> many(2000000, i64(0));
  Value big = list_value(m, many);
  EXPECT_TRUE(values_identical(big, list_value(m, many)));
  EXPECT_LE(value_str(big, 100).size(), 130u);
}

}  // namespace
}  // namespace weft
