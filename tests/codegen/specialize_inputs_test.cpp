// specialize_inputs_test.cpp - opt/SpecializeInputs (weft compile --input-shape): which dims become static, and the errors.
#include <gtest/gtest.h>

#include "ir/Error.h"
#include "ir/Parser.h"
#include "ir/TypeInference.h"
#include "opt/SpecializeInputs.h"

namespace weft::testing {
namespace {

Module checked(const std::string& text) {
  Module m = parse_module(text, "test.weft");
  infer_types(m);
  return m;
}

const char* kModel =
    "def @twice(%v: f32[batch, ?]) -> f32[batch, ?] { add(%v, %v) }\n"
    "def @main(%a: f32[batch, ?], %b: f32[batch], %c: f32[k]) -> (f32[batch, ?], f32[batch], f32[k]) {\n"
    "  (@twice(%a), %b, %c)\n"
    "}\n";

std::string error_of(const Module& m, const std::vector<InputShape>& shapes) {
  try {
    specialize_inputs(m, shapes);
  } catch (const CompileError& e) {
    return e.what();
  }
  return "";
}

TEST(SpecializeInputs, SymbolsBecomeStaticEverywhereAndUnknownDimsInTheNamedInput) {
  Module m = specialize_inputs(checked(kModel), {parse_input_shape("a=2,7")});
  Function main = m.main();
  EXPECT_EQ(type_str(main->params[0]->checked_type), "f32[2, 7]");
  EXPECT_EQ(type_str(main->params[1]->checked_type), "f32[2]");  // shares `batch` with a
  EXPECT_EQ(type_str(main->params[2]->checked_type), "f32[k]");  // not given: stays symbolic
  EXPECT_EQ(type_str(m.function("twice")->params[0]->checked_type), "f32[2, ?]");  // symbols are module-wide
  // @twice and @main declare their results f32[batch, ?]: the `?` stays (a declared type is not narrowed).
  EXPECT_EQ(type_str(as_func(main->checked_type)->ret), "(f32[2, ?], f32[2], f32[k])");
}

TEST(SpecializeInputs, ParsesShapesAndScalars) {
  InputShape s = parse_input_shape("x=1,3,224,224");
  EXPECT_EQ(s.name, "x");
  EXPECT_EQ(s.dims, (std::vector<int64_t>{1, 3, 224, 224}));
  EXPECT_TRUE(parse_input_shape("steps=").dims.empty());
  for (const char* bad : {"x", "=1", "x=1,,2", "x=1,", "x=-1", "x=1.5"}) EXPECT_THROW(parse_input_shape(bad), CompileError) << bad;
}

TEST(SpecializeInputs, ConflictsNameTheInput) {
  Module m = checked(kModel);
  EXPECT_NE(error_of(m, {parse_input_shape("a=2,7"), parse_input_shape("b=3")}).find("dim 0 of input 'b' is 'batch', which input 'a' sets to 2, not 3"),
            std::string::npos);
  EXPECT_NE(error_of(m, {parse_input_shape("z=1")}).find("@main has no input named 'z' (its inputs: a, b, c)"), std::string::npos);
  EXPECT_NE(error_of(m, {parse_input_shape("c=1,2")}).find("of rank 1, but the shape gives 2 dims"), std::string::npos);
  Module expr = checked("def @main(%a: f32[n], %b: f32[n * 2]) -> f32[n * 2] { %b }\n");
  EXPECT_NE(error_of(expr, {parse_input_shape("b=6")}).find("an expression the given sizes do not determine"), std::string::npos);
  EXPECT_NE(error_of(expr, {parse_input_shape("a=3"), parse_input_shape("b=7")}).find("dim 0 is 'n*2' = 6, not 7"), std::string::npos)
      << error_of(expr, {parse_input_shape("a=3"), parse_input_shape("b=7")});
  EXPECT_EQ(error_of(expr, {parse_input_shape("a=3"), parse_input_shape("b=6")}), "");
}

}  // namespace
}  // namespace weft::testing
