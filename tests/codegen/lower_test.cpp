// lower_test.cpp - the lowered form (codegen/lower) of small modules, without printing C++: self tail calls,
// instances keyed by representation, fusion groups and the memory plan, and that the CPU emitter prints from it.
#include <gtest/gtest.h>

#include "codegen/cpu/EmitCpu.h"
#include "codegen/lower/Lowered.h"
#include "ir/ExprFunctor.h"
#include "tests/codegen/CompiledModel.h"

namespace weft::testing {
namespace {

lower::LoweredFunction lower_named(const Module& m, lower::Instances& instances, const std::string& name) {
  const Function fn = m.function(name);
  return lower::lower_function(m, instances.monomorphic(name, fn->span), instances);
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

const char* kTailCalls = R"(
def @count(%n: i64[]) -> i64[] { if (less_equal(%n, 0i64)) { 0i64 } else { add(@count(sub(%n, 1i64)), 1i64) } }
def @last(%xs: List[i64[]], %d: i64[]) -> i64[] { match (%xs) { Cons(%h, %t) => @last(%t, %h), Nil => %d } }
def @main(%x: f32[2]) -> f32[2] {
  let %loop = fn (%i: i64[], %v: f32[2]) -> f32[2] {
    if (less(%i, 3i64)) { %loop(add(%i, 1i64), mul(%v, 0.5f32)) } else { %v }
  };
  %loop(0i64, %x)
}
)";

TEST(Lower, ASelfCallInTailPositionIsALoopAndOneUnderAnOperatorIsNot) {
  Module m = parse_checked(kTailCalls);
  lower::Instances instances(m);
  const lower::LoweredFunction last = lower_named(m, instances, "last");
  ASSERT_EQ(last.tail_calls.calls.size(), 1u);  // through the match's Cons clause
  EXPECT_TRUE(last.tail_calls.loops.count(last.fn->body.get()));
  EXPECT_TRUE(contains(lower::dump(last), "self tail call @last: loop")) << lower::dump(last);

  const lower::LoweredFunction count = lower_named(m, instances, "count");
  EXPECT_TRUE(count.tail_calls.calls.empty()) << lower::dump(count);  // add(@count(...), 1) is not a tail call
  EXPECT_FALSE(contains(lower::dump(count), "self tail call"));
}

TEST(Lower, ALetBoundClosureLoopsThroughItsVariableButItsCallerDoesNot) {
  Module m = parse_checked(kTailCalls);
  lower::Instances instances(m);
  const lower::LoweredFunction main = lower_named(m, instances, "main");
  // The call in the closure's then-branch loops; @main's own tail call of %loop is a plain call.
  ASSERT_EQ(main.tail_calls.calls.size(), 1u) << lower::dump(main);
  const Expr closure = as<LetNode>(main.fn->body)->value;
  EXPECT_TRUE(main.tail_calls.loops.count(closure.get()));
  EXPECT_FALSE(main.tail_calls.loops.count(main.fn->body.get()));
  EXPECT_TRUE(contains(lower::dump(main), "self tail call %loop: loop")) << lower::dump(main);
  // The emitter prints the loop lowering found: the closure's body in a for (;;) with a continue.
  const std::string src = codegen::emit_cpu(m, "tail").source;
  EXPECT_TRUE(contains(src, "for (;;) {")) << src;
  EXPECT_TRUE(contains(src, "continue;  // tail call %loop")) << src;
}

// The GlobalVars of @main, each requested at the type it is used at, as an emitter does.
class RequestUses : public ExprVisitor {
 public:
  explicit RequestUses(lower::Instances& instances) : instances_(instances) {}

 protected:
  using ExprVisitor::visit_;
  void visit_(const GlobalVarNode* g) override { instances_.at_use(g->name, g->checked_type, g->span); }

 private:
  lower::Instances& instances_;
};

TEST(Lower, InstancesAreKeyedByRepresentationNotByTensorType) {
  Module m = parse_checked(R"(
def @id[T](%v: T) -> T { %v }
def @main(%x: f32[2], %n: i64[3]) -> (f32[2], i64[3], (f32[2], f32[2])) {
  (@id(%x), @id(%n), @id((%x, %x)))
}
)");
  lower::Instances instances(m);
  instances.monomorphic("main", m.main()->span);
  RequestUses(instances).visit(m.main()->body);
  // f32[2] and i64[3] are both one run-time tensor: one instance; a tuple of two is another.
  ASSERT_EQ(instances.all().size(), 3u);
  EXPECT_EQ(instances.all()[0].ordinal, -1);  // @main, monomorphic
  EXPECT_EQ(instances.all()[1].key, "id|tensor");
  EXPECT_EQ(instances.all()[1].ordinal, 0);
  EXPECT_EQ(instances.all()[2].key, "id|(tensor, tensor)");
  EXPECT_EQ(instances.all()[2].ordinal, 1);
  // The CPU source defines exactly those instances.
  const std::string src = codegen::emit_cpu(m, "inst").source;
  EXPECT_TRUE(contains(src, "fn_id__0(") && contains(src, "fn_id__1(")) << src;
  EXPECT_FALSE(contains(src, "fn_id__2(")) << src;
}

TEST(Lower, EachOperatorCallIsItsOwnGroupAndPlannedSlotsReachTheSource) {
  Module m = parse_checked(R"(
def @main(%x: f32[64, 64], %y: f32[64, 64]) -> f32[64, 64] {
  let %a = add(%x, %y);
  let %b = mul(%a, %a);
  let %c = tanh(%b);
  relu(%c)
}
)");
  lower::Instances instances(m);
  const lower::LoweredFunction main = lower_named(m, instances, "main");
  ASSERT_EQ(main.fusion.groups.size(), 4u);
  const Expr a = as<LetNode>(main.fn->body)->value;
  EXPECT_EQ(main.fusion.group_of.at(a.get()), 0);  // evaluation order
  for (const auto& g : main.fusion.groups) EXPECT_EQ(g.size(), 1u);
  // a, b, c are placed (relu's result is returned); the plan is the one plan_memory gives.
  const lower::MemoryPlan direct = lower::plan_memory(main.fn->body, [](const Expr& e) { return e->checked_type; });
  ASSERT_EQ(main.plan.slots.size(), direct.slots.size());
  EXPECT_EQ(main.plan.slots.size(), 3u);
  EXPECT_EQ(main.plan.frame_bytes, direct.frame_bytes);
  const std::string text = lower::dump(main);
  EXPECT_TRUE(contains(text, "op %a = add: group 0, slot ")) << text;
  EXPECT_TRUE(contains(text, "op %b = mul: group 1, slot ")) << text;
  EXPECT_TRUE(contains(text, "; release %a")) << text;
  EXPECT_TRUE(contains(text, "frame: 3 slots, " + std::to_string(main.plan.frame_bytes) + " bytes")) << text;
  const std::string src = codegen::emit_cpu(m, "plan").source;
  EXPECT_TRUE(contains(src, "Memory plan: " + std::to_string(main.plan.slots.size()) + " intermediates of static shape share a " +
                                std::to_string(main.plan.frame_bytes) + "-byte frame"))
      << src;
}

}  // namespace
}  // namespace weft::testing
