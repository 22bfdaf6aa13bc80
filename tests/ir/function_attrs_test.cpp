// function_attrs_test.cpp - attributes on functions: printed, parsed, compared, and kept by the mutator.
#include <gtest/gtest.h>

#include "ir/ExprFunctor.h"
#include "ir/Parser.h"
#include "ir/Printer.h"
#include "ir/StructuralEqual.h"

namespace weft {
namespace {

std::string parse_error(const std::string& text) {
  try {
    parse_module(text, "t.weft");
  } catch (const CompileError& e) {
    return e.what();
  }
  return "";
}

TEST(FunctionAttrs, PrintedInNameOrderAfterTheResultTypeAndOnlyWhenPresent) {
  Module m = parse_module(
      "def @main(%x: f32[2]) -> f32[2] attrs(primitive=1, inline=\"never\") {\n"
      "  let %g = fn (%a: f32[2]) attrs(inline=\"always\") { neg(%a) };\n"
      "  %g(relu(%x))\n"
      "}\n",
      "t.weft");
  EXPECT_EQ(m.main()->attrs.get_int(kFunctionAttrPrimitive), 1);
  EXPECT_EQ(m.main()->attrs.get_string(kFunctionAttrInline), "never");
  EXPECT_EQ(print_module(m),
            "def @main(%x: f32[2]) -> f32[2] attrs(inline=\"never\", primitive=1) {\n"
            "  let %g = fn (%a: f32[2]) attrs(inline=\"always\") { neg(%a) };\n"
            "  %g(relu(%x))\n"
            "}\n");
  EXPECT_EQ(print_module(parse_module("def @main(%x: f32[2]) -> f32[2] { %x }\n", "t.weft")), "def @main(%x: f32[2]) -> f32[2] {\n  %x\n}\n");
}

TEST(FunctionAttrs, ParseErrorsSayWhat) {
  EXPECT_NE(parse_error("def @f(%x: f32[]) attrs(a=1, a=2) { %x }").find("attribute 'a' is given twice"), std::string::npos);
  EXPECT_NE(parse_error("def @f(%x: f32[]) attrs(a) { %x }").find("after the attribute name 'a'"), std::string::npos);
  EXPECT_NE(parse_error("def @f(%x: f32[]) attrs { %x }").find("after 'attrs'"), std::string::npos);
}

TEST(FunctionAttrs, StructuralEqualityComparesThem) {
  auto m = [](const std::string& attrs) { return parse_module("def @main(%x: f32[]) -> f32[] " + attrs + " { %x }\n", "t.weft"); };
  std::string why;
  EXPECT_TRUE(structural_equal(m("attrs(primitive=1)"), m("attrs(primitive=1)")));
  EXPECT_FALSE(structural_equal(m("attrs(primitive=1)"), m(""), &why));
  EXPECT_NE(why.find("different attributes"), std::string::npos) << why;
  EXPECT_FALSE(structural_equal(m("attrs(primitive=1)"), m("attrs(primitive=2)")));
}

TEST(FunctionAttrs, TheMutatorKeepsThemWhenItRebuildsAFunction) {
  Module m = parse_module("def @main(%x: f32[]) -> f32[] attrs(primitive=1) { neg(%x) }\n", "t.weft");
  Expr rebuilt = rewrite_with(Expr(m.main()), [](auto* self, const CallNode* call) -> Expr {
    if (called_op_name(Expr(call)) != "neg") return self->mutate_default(call);
    return make_op_call("relu", {self->mutate(call->args[0])});
  });
  auto* fn = as<FunctionNode>(rebuilt);
  ASSERT_TRUE(fn);
  EXPECT_FALSE(rebuilt.same_as(Expr(m.main())));
  EXPECT_EQ(fn->attrs.get_int(kFunctionAttrPrimitive), 1);
}

}  // namespace
}  // namespace weft
