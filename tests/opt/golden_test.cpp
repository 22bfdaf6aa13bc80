// golden_test.cpp - runs every pass golden case under tests/opt/: passes, expected module up to renaming, interpreter before and after.
#include <gtest/gtest.h>

#include <cctype>

#include "GoldenFile.h"
#include "GoldenInputs.h"
#include "ir/Interpreter.h"
#include "ir/Parser.h"
#include "ir/Printer.h"
#include "ir/StructuralEqual.h"
#include "ir/TypeInference.h"
#include "opt/Pass.h"
#include "opt/SpecializeInputs.h"
#include "tests/support/TestSupport.h"

namespace weft::testing {
namespace {

const std::string kGoldenDir = WEFT_OPT_GOLDEN_DIR;

// The discovered cases; a file that cannot be read becomes a case that fails with why.
struct Discovered {
  GoldenCase golden;
  std::string problem;
};

// gtest names a failing case by this, not by the bytes of the parameter.
void PrintTo(const Discovered& d, std::ostream* os) { *os << d.golden.file << ", case " << d.golden.name; }

std::vector<Discovered> discover() {
  std::vector<Discovered> out;
  for (const std::string& file : golden_files(kGoldenDir)) {
    try {
      for (GoldenCase& c : read_golden_file(file)) out.push_back({std::move(c), ""});
    } catch (const std::exception& e) {
      GoldenCase broken;
      broken.file = file;
      broken.name = "unreadable";
      out.push_back({broken, e.what()});
    }
  }
  return out;
}

// `specialize_inputs/shapes.weft`, case `conflict` -> specialize_inputs_shapes_conflict
std::string test_name(const ::testing::TestParamInfo<Discovered>& info) {
  std::string rel = info.param.golden.file.substr(kGoldenDir.size() + 1);
  rel = rel.substr(0, rel.size() - 5) + "_" + info.param.golden.name;
  for (char& c : rel)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  return rel;
}

std::string error_text(const CompileError& e) { return e.diagnostic().str(); }

// @main's result, or the run-time error it raised.
struct Outcome {
  Value value;
  std::string error;
};
Outcome run(const Module& m, const std::vector<Value>& args) {
  try {
    return {run_main(m, args), ""};
  } catch (const RuntimeError& e) {
    return {Value(), e.what()};
  }
}

// `args` for the module after bind-inputs, with the bound values put back in their places of
// the input module's @main.
std::vector<Value> with_bound_values(const Module& input, const std::vector<Value>& args, const std::vector<BoundInput>& bound) {
  if (bound.empty()) return args;
  std::vector<Value> out;
  size_t next = 0;
  for (const Var& p : input.function("main")->params) {
    const BoundInput* b = nullptr;
    for (const BoundInput& x : bound)
      if (x.name == p->name_hint) b = &x;
    out.push_back(b ? tensor_value(bound_value(*b, p)) : args.at(next++));
  }
  return out;
}

class PassGolden : public ::testing::TestWithParam<Discovered> {};

TEST_P(PassGolden, Case) {
  const Discovered& d = GetParam();
  ASSERT_EQ(d.problem, "");
  const GoldenCase& c = d.golden;
  SCOPED_TRACE(c.file + ":" + std::to_string(c.line) + ": case " + c.name);

  Module input = parse_module(c.input, c.file);
  infer_types(input);
  PassContext context;
  for (const std::string& s : c.input_shapes) context.input_shapes.push_back(parse_input_shape(s));  // as the command line reads it
  for (const std::string& b : c.binds) context.bound_inputs.push_back(parse_bound_input(b));

  if (!c.expect_error.empty()) {
    try {
      run_passes(input, c.passes, context);
    } catch (const CompileError& e) {
      EXPECT_NE(error_text(e).find(c.expect_error), std::string::npos) << "the error was: " << error_text(e);
      return;
    }
    FAIL() << "the passes succeeded; expected an error holding '" << c.expect_error << "'";
  }

  Module after = run_passes(input, c.passes, context);
  Module expected = parse_module(c.expected, c.file);
  std::string why;
  EXPECT_TRUE(structural_equal(after, expected, &why)) << why << "\n--- got:\n" << print_module(after) << "--- expected:\n"
                                                       << print_module(expected);
  // The result prints to text that reads back as the same module.
  EXPECT_TRUE(structural_equal(parse_module(print_module(after), "printed"), after, &why)) << why;

  // The interpreter gives the same result before and after, on inputs for the specialized signature.
  std::vector<Value> args = generate_main_inputs(after, 1234);
  Outcome before_run = run(input, with_bound_values(input, args, context.bound_inputs)), after_run = run(after, args);
  EXPECT_EQ(before_run.error, after_run.error);
  if (before_run.value && after_run.value) {
    EXPECT_EQ(values_close(after_run.value, before_run.value, "@main's result", c.rtol, 0), "");
  }
}

INSTANTIATE_TEST_SUITE_P(Opt, PassGolden, ::testing::ValuesIn(discover()), test_name);

// The suite cannot pass by finding nothing: the passes with golden tests must have cases.
TEST(PassGoldenFiles, EveryTestedPassHasCases) {
  for (const char* pass : {"specialize_inputs", "to_a_normal_form"}) {
    int n = 0;
    for (const Discovered& d : discover()) n += d.golden.file.find("/" + std::string(pass) + "/") != std::string::npos;
    EXPECT_GT(n, 0) << "no golden cases under tests/opt/" << pass;
  }
}

}  // namespace
}  // namespace weft::testing
