// compiled_cases_test.cpp - the batch harness itself (tests/support/CompiledCases.h): merged batches give each case
// its own outputs, and a failing, erroring, hanging or unsupported case is attributed to itself alone.
#include <gtest/gtest.h>

#include "ir/Interpreter.h"
#include "ir/Parser.h"
#include "ir/TypeInference.h"
#include "ir/WellFormed.h"
#include "tests/support/BatchMerge.h"
#include "tests/support/CompiledCases.h"
#include "tests/support/TestSupport.h"

namespace weft::testing {
namespace {

Module parse(const std::string& text) {
  Module m = parse_module(text, "test.weft");
  check_well_formed(m);
  infer_types(m);
  return m;
}

// @main's result flattened, as the C API returns it.
std::vector<Value> interpret(const Module& m, const std::vector<Value>& inputs) { return flatten_result(run_main(m, inputs)); }

Value floats(std::vector<float> v) { return tensor_value(Tensor::from_vector(v, {int64_t(v.size())})); }

// A case checked against the interpreter running `oracle` (by default the case's own module).
CompiledCase make_case(const std::string& name, const std::string& text, std::vector<std::vector<Value>> sets,
                       const std::string& oracle_text = "", const std::string& group = "") {
  CompiledCase c{name, group, false, parse(text), sets, {}};
  Module oracle = oracle_text.empty() ? c.module : parse(oracle_text);
  std::vector<std::vector<Value>> want;
  for (auto& s : sets) want.push_back(interpret(oracle, s));
  c.check = [want](size_t set, const std::vector<Value>& got) { return outputs_close(got, want[set], 1e-6, 1e-6); };
  return c;
}

const char* kAdd = "def @main(%a: f32[3], %b: f32[3]) -> f32[3] { add(%a, %b) }";
const char* kSub = "def @main(%a: f32[3], %b: f32[3]) -> f32[3] { sub(%a, %b) }";

TEST(MergeModules, OutputsFollowCaseOrderAndFunctionsAreRenamedApart) {
  Module a = parse("def @f(%x: f32[2]) -> f32[2] { neg(%x) }\ndef @main(%x: f32[2]) -> (f32[2], f32[2]) { (@f(%x), %x) }");
  Module b = parse("def @f(%x: f32[2]) -> f32[2] { add(%x, %x) }\ndef @main(%y: f32[2]) -> f32[2] { @f(%y) }");
  Module m = merge_modules({&a, &b});
  EXPECT_EQ(flat_output_count(m), 3u);
  Value x = floats({1, 2}), y = floats({3, 4});
  std::vector<Value> got = interpret(m, {x, y});
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(values_close(got[0], interpret(a, {x})[0], "0", 0, 0), "");
  EXPECT_EQ(values_close(got[1], x, "1", 0, 0), "");
  EXPECT_EQ(values_close(got[2], interpret(b, {y})[0], "2", 0, 0), "");
  EXPECT_EQ(module_symbols(parse("def @main(%x: f32[n, 3]) -> f32[n, 3] { %x }")), std::set<std::string>{"n"});
}

TEST(RunCompiled, EachCaseGetsItsOwnOutcome) {
  const Value x = floats({1, -2, 3}), y = floats({0.5f, 4, -1});
  const Module prelude;
  std::vector<CompiledCase> cases = {
      make_case("add", kAdd, {{x, y}, {y, x}}),
      make_case("tuple", "def @main(%a: f32[3]) -> (f32[3], f32[3]) { (neg(%a), mul(%a, %a)) }", {{x}}),
      // Checked against sub: must fail with its own output, not disturb the others.
      make_case("wrong", kAdd, {{x, y}}, kSub),
      // Unknown dims that disagree at run time: the library reports an error, which breaks the
      // batch's run; the batch is split until this case is alone.
      make_case("run_error", "def @main(%a: f32[?], %b: f32[?]) -> f32[?] { add(%a, %b) }", {{x, floats({1, 2})}},
                "def @main(%a: f32[?], %b: f32[?]) -> f32[?] { %a }"),
      // Two cases using the symbol `n` at different sizes cannot share a batch.
      make_case("sym2", "def @main(%a: f32[n]) -> f32[n] { neg(%a) }", {{floats({1, 2})}}),
      make_case("sym3", "def @main(%a: f32[n]) -> f32[n] { neg(%a) }", {{x}}),
      // Lists and optionals in and out, through run_values.
      make_case("list", "def @main(%a: f32[3], %o: Option[f32[3]]) -> (List[f32[3]], Option[f32[3]]) { (Cons(%a, Cons(%a, Nil)), %o) }",
                {{x, some_value(prelude, y)}, {y, none_value(prelude)}}),
      // A closure result has no C API form.
      make_case("closure", "def @main(%a: f32[3]) -> fn(f32[3]) -> f32[3] { fn(%b: f32[3]) -> f32[3] { add(%a, %b) } }", {{x}},
                "def @main(%a: f32[3]) -> f32[3] { %a }"),
      // Never returns: the run timeout ends it (alone in its group, so no bisection).
      make_case("hang",
                "def @spin(%i: i64[]) -> i64[] { if (greater(%i, 5i64)) { %i } else { @spin(sub(1i64, %i)) } }\n"
                "def @main(%i: i64[]) -> i64[] { @spin(%i) }",
                {{scalar_value(int64_t(0))}}, "def @main(%i: i64[]) -> i64[] { %i }", "hang"),
  };
  BatchOptions options;
  options.run_timeout_s = 3;
  options.progress = false;
  std::vector<CompiledOutcome> got = run_compiled(cases, options);
  ASSERT_EQ(got.size(), cases.size());
  auto status = [&](size_t i) { return std::string(compiled_status_name(got[i].status)); };
  EXPECT_EQ(status(0), "pass") << got[0].reason;
  EXPECT_EQ(status(1), "pass") << got[1].reason;
  EXPECT_EQ(status(2), "fail");
  EXPECT_NE(got[2].reason.find("output 0"), std::string::npos) << got[2].reason;
  EXPECT_EQ(status(3), "fail");
  EXPECT_NE(got[3].reason.find("run"), std::string::npos) << got[3].reason;
  EXPECT_EQ(status(4), "pass") << got[4].reason;
  EXPECT_EQ(status(5), "pass") << got[5].reason;
  auto planned = [&](size_t i) { return got[i].batch.substr(0, got[i].batch.find('.')); };  // before any split
  EXPECT_NE(planned(4), planned(5)) << "sym2 and sym3 share the symbol n";
  EXPECT_EQ(planned(0), planned(4)) << "batches fill in order";
  EXPECT_EQ(status(6), "pass") << got[6].reason;
  EXPECT_EQ(status(7), "unsupported") << got[7].reason;
  EXPECT_EQ(status(8), "fail");
  EXPECT_NE(got[8].reason.find("timed out"), std::string::npos) << got[8].reason;
}

}  // namespace
}  // namespace weft::testing
