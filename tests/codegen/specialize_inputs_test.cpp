// specialize_inputs_test.cpp - opt/SpecializeInputs refine_input_types (--input-type); --input-shape specialization is golden cases in tests/opt/specialize_inputs/.
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
