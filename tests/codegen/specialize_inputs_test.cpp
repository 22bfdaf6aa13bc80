// specialize_inputs_test.cpp - opt/SpecializeInputs (--input-shape, --input-type): which dims become static or refined, and the errors.
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
  Module m = specialize_inputs(checked(kModel), {InputShape{"a", {2, 7}}});
  Function main = m.main();
  EXPECT_EQ(type_str(main->params[0]->checked_type), "f32[2, 7]");
  EXPECT_EQ(type_str(main->params[1]->checked_type), "f32[2]");  // shares `batch` with a
  EXPECT_EQ(type_str(main->params[2]->checked_type), "f32[k]");  // not given: stays symbolic
  EXPECT_EQ(type_str(m.function("twice")->params[0]->checked_type), "f32[2, ?]");  // symbols are module-wide
  // @twice and @main declare their results f32[batch, ?]: the `?` stays (a declared type is not narrowed).
  EXPECT_EQ(type_str(as_func(main->checked_type)->ret), "(f32[2, ?], f32[2], f32[k])");
}

TEST(SpecializeInputs, ConflictsNameTheInput) {
  Module m = checked(kModel);
  EXPECT_NE(error_of(m, {InputShape{"a", {2, 7}}, InputShape{"b", {3}}}).find("dim 0 of input 'b' is 'batch', which input 'a' sets to 2, not 3"),
            std::string::npos);
  EXPECT_NE(error_of(m, {InputShape{"z", {1}}}).find("@main has no input named 'z' (its inputs: a, b, c)"), std::string::npos);
  EXPECT_NE(error_of(m, {InputShape{"c", {1, 2}}}).find("of rank 1, but the shape gives 2 dims"), std::string::npos);
  Module expr = checked("def @main(%a: f32[n], %b: f32[n * 2]) -> f32[n * 2] { %b }\n");
  EXPECT_NE(error_of(expr, {InputShape{"b", {6}}}).find("an expression the given sizes do not determine"), std::string::npos);
  EXPECT_NE(error_of(expr, {InputShape{"a", {3}}, InputShape{"b", {7}}}).find("dim 0 is 'n*2' = 6, not 7"), std::string::npos)
      << error_of(expr, {InputShape{"a", {3}}, InputShape{"b", {7}}});
  EXPECT_EQ(error_of(expr, {InputShape{"a", {3}}, InputShape{"b", {6}}}), "");
}

// --input-type: a type read as the weft parser reads any annotation.
InputType typed(const std::string& name, const std::string& text) {
  Module m = parse_module("def @t(%t: " + text + ") -> () { () }", "type");
  return {name, m.function("t")->params[0]->annotation, text};
}

std::string refine_error(const Module& m, const std::vector<InputType>& types) {
  try {
    refine_input_types(m, types);
  } catch (const CompileError& e) {
    return e.what();
  }
  return "";
}

TEST(RefineInputTypes, SizesBindSymbolsEverywhereAndSymbolsRename) {
  Module m = refine_input_types(checked(kModel), {typed("a", "f32[4, h]"), typed("c", "f32[n]")});
  Function main = m.main();
  EXPECT_EQ(type_str(main->params[0]->checked_type), "f32[4, h]");
  EXPECT_EQ(type_str(main->params[1]->checked_type), "f32[4]");  // shares `batch` with a
  EXPECT_EQ(type_str(main->params[2]->checked_type), "f32[n]");
  EXPECT_EQ(type_str(m.function("twice")->params[0]->checked_type), "f32[4, ?]");
  // `k` is renamed `n` in the declared result as well, so the module still type-checks.
  EXPECT_EQ(type_str(as_func(main->checked_type)->ret), "(f32[4, ?], f32[4], f32[n])");
}

TEST(RefineInputTypes, AnUnrankedDeclarationTakesAnyRank) {
  Module m = refine_input_types(checked("def @main(%x: f32[*]) -> f32[*] { %x }\n"), {typed("x", "f32[2, ?, k]")});
  EXPECT_EQ(type_str(m.main()->params[0]->checked_type), "f32[2, ?, k]");
}

TEST(RefineInputTypes, MismatchesNameTheInput) {
  Module m = checked(kModel);
  EXPECT_NE(refine_error(m, {typed("a", "f32[2]")}).find("--input-type a=f32[2]: input 'a' is declared f32[batch, ?], of rank 2, not 1"),
            std::string::npos)
      << refine_error(m, {typed("a", "f32[2]")});
  EXPECT_NE(refine_error(m, {typed("b", "i64[2]")}).find("input 'b' is declared f32[batch], whose element type is f32, not i64"),
            std::string::npos);
  EXPECT_NE(refine_error(m, {typed("a", "f32[2, 3]"), typed("b", "f32[5]")}).find("dim 0 is 'batch', which input 'a' sets to 2, not 5"),
            std::string::npos);
  EXPECT_NE(refine_error(m, {typed("z", "f32[1]")}).find("@main has no input named 'z' (its inputs: a, b, c)"), std::string::npos);
  EXPECT_NE(refine_error(m, {typed("a", "(f32[1], f32[1])")}).find("is not a tensor"), std::string::npos);
  Module fixed = checked("def @main(%x: f32[2, 3]) -> f32[2, 3] { %x }\n");
  EXPECT_NE(refine_error(fixed, {typed("x", "f32[2, 4]")}).find("whose dim 1 is 3, not 4"), std::string::npos);
  EXPECT_NE(refine_error(fixed, {typed("x", "f32[2, n]")}).find("whose dim 1 is 3, not n"), std::string::npos);
  EXPECT_EQ(refine_error(fixed, {typed("x", "f32[2, 3]")}), "");
}

}  // namespace
}  // namespace weft::testing
