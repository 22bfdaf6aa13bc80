// target_seam_test.cpp - the host emitter (codegen/EmitModule.h) asks its target (codegen/Target.h) for every
// operator call, frame, release, tensor type and condition: with a stand-in target no CPU spelling is left.
#include <gtest/gtest.h>

#include "codegen/EmitModule.h"
#include "tests/codegen/CompiledModel.h"

namespace weft::testing {
namespace {

// Prints markers instead of code; records what it was asked.
class MarkerTarget : public codegen::Target {
 public:
  std::vector<std::string> calls;
  std::string name() const override { return "Marker"; }
  void check_operator(const OpDef& def) const override {
    if (def.name == "sigmoid") throw codegen::Unsupported{"operator 'sigmoid' here"};
  }
  std::string group_call(const std::vector<codegen::OperatorCall>& group) override {
    std::string s = "MARK_CALL_" + group.at(0).def->name + "(";
    for (const std::string& a : group[0].args) s += a + ",";
    calls.push_back(group[0].def->name);
    return s + ")";
  }
  std::string frame(const lower::MemoryPlan& plan) const override {
    return plan.slots.empty() ? "" : "  MARK_FRAME(" + std::to_string(plan.slots.size()) + ");\n";
  }
  std::string in_slot(int slot, const std::string& expr) const override { return "MARK_SLOT(" + std::to_string(slot) + ", " + expr + ")"; }
  std::string release(const std::string& var) const override { return "MARK_RELEASE(" + var + ");"; }
  std::string tensor_type(DType) const override { return "MarkTensor"; }
  std::string element_type(DType d) const override { return std::string("mark_") + dtype_name(d); }
  std::string condition(const std::string& scalar) const override { return "MARK_COND(" + scalar + ")"; }
  std::string prologue() const override { return "// MARK_PROLOGUE\n"; }
  std::string file_scope() const override { return "// MARK_FILE_SCOPE\n"; }
  codegen::BuildRecipe build_recipe(const std::string&) const override { return {}; }
};

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST(TargetSeam, EveryTensorSpellingComesFromTheTarget) {
  Module m = parse_checked(R"(
def @main(%x: f32[8], %p: bool[], %xs: List[f32[8]]) -> (f32[8], List[f32[8]]) {
  let %a = exp(%x);
  let %b = neg(%a);
  let %f = fn (%v: f32[8]) -> f32[8] { mul(%v, %b) };
  let %r = if (%p) { %f(%x) } else { tanh(%x) };
  (add(%r, %x), Cons(%r, %xs))
}
)");
  MarkerTarget target;
  const std::string src = codegen::emit_module(m, "seam", target).source;
  // Each operator call went to the target once, in evaluation order.
  EXPECT_EQ(target.calls, (std::vector<std::string>{"exp", "neg", "mul", "tanh", "add"}));
  for (const char* mark : {"MARK_PROLOGUE", "MARK_FILE_SCOPE", "MARK_FRAME(", "MARK_SLOT(", "MARK_RELEASE(", "MarkTensor", "mark_f32",
                           "MARK_COND(", "MARK_CALL_exp("})
    EXPECT_TRUE(contains(src, mark)) << mark << " missing in\n" << src;
  // Nothing of the CPU target is printed by the host emitter itself.
  for (const char* cpu : {"weft_rt::Tensor", "item<bool>", "weft_plan", "PlanFrame", "weft_rt::unary", "weft/runtime.h"})
    EXPECT_FALSE(contains(src, cpu)) << cpu << " in\n" << src;
}

TEST(TargetSeam, WhatTheTargetCannotDoIsReportedWhereItIs) {
  Module m = parse_checked("def @main(%x: f32[3]) -> f32[3] { let %y = sigmoid(%x); %y }");
  MarkerTarget target;
  try {
    codegen::emit_module(m, "seam", target);
    FAIL() << "sigmoid was accepted";
  } catch (const CompileError& e) {
    const std::string msg = e.what();
    EXPECT_TRUE(contains(msg, "Marker code generation does not support operator 'sigmoid' here yet, in @main")) << msg;
  }
}

}  // namespace
}  // namespace weft::testing
