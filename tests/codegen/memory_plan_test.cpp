// memory_plan_test.cpp - the compile-time memory plan: live ranges and frame offsets (codegen),
// frames at run time (runtime), and compiled models that use it, against the interpreter.
#include <gtest/gtest.h>

#include <thread>

#include "codegen/lower/MemoryPlan.h"
#include "tests/codegen/CompiledModel.h"
#include "weft/rt/Tensor.h"

namespace weft::testing {
namespace {

// A chain of static-shaped ops, each result read only by the next op: two slots suffice.
const char* kChain = R"(
def @main(%x: f32[64, 64], %y: f32[64, 64]) -> f32[64, 64] {
  let %a = add(%x, %y);
  let %b = mul(%a, %a);
  let %c = tanh(%b);
  let %d = sub(%c, %x);
  let %e = sigmoid(%d);
  relu(%e)
}
)";

lower::MemoryPlan plan_main(const Module& m) {
  return lower::plan_memory(m.main()->body, [](const Expr& e) { return e->checked_type; });
}

TEST(MemoryPlan, AChainSharesTwoSlotsAndReleasesEachValueAfterItsLastRead) {
  Module m = parse_checked(kChain);
  lower::MemoryPlan plan = plan_main(m);
  // a..e are planned (the returned relu is not: it leaves the function).
  ASSERT_EQ(plan.slots.size(), 5u);
  const size_t block = 64 * 64 * 4 + 64;
  EXPECT_EQ(plan.naive_bytes, 5 * block);
  EXPECT_EQ(plan.frame_bytes, 2 * block);  // each value dies as the next is made: two live at once
  for (size_t i = 0; i < plan.slots.size(); ++i) EXPECT_EQ(plan.slots[i].block, block);
  size_t released = 0;
  for (auto& [after, list] : plan.release_after) released += list.size();
  EXPECT_EQ(released, 5u);
}

TEST(MemoryPlan, ValuesThatLeaveTheFunctionOrAreSymbolicGetNoSlot) {
  Module m = parse_checked(R"(
def @id(%t: f32[4]) -> f32[4] { %t }
def @main(%x: f32[4], %n: f32[k]) -> (f32[4], f32[4], f32[k]) {
  let %a = add(%x, %x);
  let %b = neg(%x);
  let %c = @id(%b);
  let %f = fn (%u: f32[4]) -> f32[4] { mul(%u, %a) };
  let %s = exp(%n);
  let %t = log(%s);
  (%f(%x), %c, %t)
}
)");
  lower::MemoryPlan plan = plan_main(m);
  // %a is read by a closure, %b passed to a function: neither is ours to place. %s is released
  // after its last read but has a symbolic dim, so it comes from the pool.
  EXPECT_TRUE(plan.slots.empty());
  size_t released = 0;
  for (auto& [after, list] : plan.release_after) released += list.size();
  EXPECT_EQ(released, 1u);
}

// The same program with %v a view of %a (identity: its view_of facet) and with %v a copy (neg):
// a viewed buffer lives as long as its view, so %a cannot hand its block to %b in the first.
TEST(MemoryPlan, AViewKeepsItsArgumentAliveAndACopyDoesNot) {
  const std::string text = R"(
def @main(%x: f32[64, 64]) -> f32[64, 64] {
  let %a = exp(%x);
  let %v = OP(%a);
  let %b = tanh(%x);
  let %c = add(%v, %b);
  neg(%c)
}
)";
  auto plan_with = [&](const std::string& op) {
    std::string t = text;
    t.replace(t.find("OP"), 2, op);
    return plan_main(parse_checked(t));
  };
  const lower::MemoryPlan view = plan_with("identity"), copy = plan_with("neg");
  ASSERT_EQ(view.slots.size(), copy.slots.size());
  EXPECT_GT(view.frame_bytes, copy.frame_bytes) << "the view's argument must stay live until the view's last read";
}

TEST(MemoryPlan, AValueReadInABranchLivesUntilTheIfEnds) {
  Module m = parse_checked(R"(
def @main(%x: f32[16], %p: bool[]) -> f32[16] {
  let %a = exp(%x);
  let %r = if (%p) { let %t = neg(%a); relu(%t) } else { let %u = abs(%x); sqrt(%u) };
  let %z = add(%r, %x);
  tanh(%z)
}
)");
  lower::MemoryPlan plan = plan_main(m);
  // %a (read in the then-branch), %t and %u are placed; %a must not share bytes with %u, which
  // the else-branch computes after the then-branch's reads in program order.
  ASSERT_EQ(plan.slots.size(), 4u);  // a, t, u, z
  auto* let_a = as<LetNode>(m.main()->body);
  auto* let_r = as<LetNode>(let_a->body);
  auto* else_u = as<LetNode>(as<IfNode>(let_r->value)->else_branch);
  ASSERT_TRUE(let_a && let_r && else_u);
  ASSERT_TRUE(plan.slot_of.count(let_a->value.get()) && plan.slot_of.count(else_u->value.get()));
  const lower::PlannedSlot& a = plan.slots[size_t(plan.slot_of.at(let_a->value.get()))];
  const lower::PlannedSlot& u = plan.slots[size_t(plan.slot_of.at(else_u->value.get()))];
  EXPECT_TRUE(a.offset + a.block <= u.offset || u.offset + u.block <= a.offset) << "a and u overlap in the frame";
}

// ---- the runtime's frames ----

using weft_rt::PlanFrame;
using weft_rt::PlanSlot;
using weft_rt::Workspace;
using weft_rt::WorkspaceScope;

TEST(PlanFrame, PlacesOutputsAtTheirOffsetsAndStepsAsideForAHeldSlot) {
  const size_t block = 256 * 4 + 64;
  static const PlanSlot slots[] = {{0, block, weft_rt::dl_dtype<float>()}, {0, block, weft_rt::dl_dtype<float>()}};
  auto ws = std::make_shared<Workspace>();
  weft_rt::Tensor keep;
  {
    WorkspaceScope scope(ws);
    PlanFrame frame(slots, 2, block);
    weft_rt::Tensor a = frame.into(0, [] { return weft_rt::Tensor::empty<float>({256}); });
    weft_rt::Tensor b = frame.into(1, [] { return weft_rt::Tensor::empty<float>({256}); });  // a still holds the bytes
    EXPECT_NE(a.data<float>(), b.data<float>());
    a = weft_rt::Tensor();
    weft_rt::Tensor c = frame.into(1, [] { return weft_rt::Tensor::empty<float>({16, 16}); });  // free again
    b = weft_rt::Tensor();
    weft_rt::Tensor d = frame.into(0, [] { return weft_rt::Tensor::empty<int32_t>({256}); });  // another dtype: not this slot
    c.data<float>()[255] = 7.0f;
    keep = c;  // outlives the frame and the run
  }
  EXPECT_EQ(keep.data<float>()[255], 7.0f);
  EXPECT_EQ(ws->stats().planned, 2u);
  EXPECT_EQ(ws->stats().plan_missed, 1u);
  std::thread([k = std::move(keep)]() mutable { k = weft_rt::Tensor(); }).join();
}

// ---- compiled models ----

weft_memory_stats stats_of(const CompiledModel& lib) {
  weft_memory_stats s{};
  EXPECT_GE(lib.api()->version, 3u);
  EXPECT_EQ(lib.api()->memory_stats(lib.model(), &s), 0) << lib.api()->last_error();
  return s;
}

TEST(MemoryPlanCompiled, AStaticChainRunsInItsFrameAndMatchesTheInterpreter) {
  Module m = parse_checked(kChain);
  CompiledModel lib(m, "planned_chain");
  std::vector<Tensor> in = {random_tensor(DType::F32, {64, 64}, 1), random_tensor(DType::F32, {64, 64}, 2)};
  const std::vector<Tensor> want = interpret_flat(m, in);
  for (int run = 1; run <= 2; ++run) {
    std::vector<Tensor> got = lib.run(in);
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(compare(want[0], got[0]), "");
    weft_memory_stats s = stats_of(lib);
    EXPECT_EQ(s.runs, uint64_t(run));
    EXPECT_EQ(s.planned, 5u);
    EXPECT_EQ(s.plan_missed, 0u);
    EXPECT_EQ(s.fresh + s.pooled, 2u);  // the frame and the output: nothing else is allocated
  }
  EXPECT_NE(lib.api()->memory_stats(nullptr, nullptr), 0);
  EXPECT_NE(std::string(lib.api()->last_error()).find("memory_stats"), std::string::npos);
}

TEST(MemoryPlanCompiled, ALoopReusesItsFrameAcrossIterationsAndThreadsAgree) {
  Module m = parse_checked(R"(
def @loop(%h: f32[32, 32], %w: f32[32, 32], %n: i64[]) -> f32[32, 32] {
  if (less_equal(%n, 0i64)) {
    %h
  } else {
    let %z = matmul(%h, %w);
    let %s = tanh(add(mul(%z, 0.01f32), %h));
    @loop(mul(%s, 0.5f32), %w, sub(%n, 1i64))
  }
}
def @main(%x: f32[32, 32], %w: f32[32, 32]) -> f32[32, 32] {
  @loop(%x, %w, 20i64)
}
)");
  CompiledModel lib(m, "planned_loop");
  std::vector<Tensor> in = {random_tensor(DType::F32, {32, 32}, 3), random_tensor(DType::F32, {32, 32}, 4)};
  const std::vector<Tensor> want = interpret_flat(m, in);
  EXPECT_EQ(compare(want[0], lib.run(in)[0], 1e-5), "");
  weft_memory_stats s = stats_of(lib);
  // A small step keeps the map contractive, so float rounding (FMA or not) does not grow.
  EXPECT_EQ(s.planned, 20u * 4u);  // matmul, mul, add, tanh in each of 20 iterations
  EXPECT_EQ(s.plan_missed, 0u);
  EXPECT_LT(s.fresh, 10u);  // the frame once; the loop's carried values cycle through the pool
  std::vector<std::thread> threads;
  std::vector<std::string> errors(8);
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&, t] {
      for (int r = 0; r < 20; ++r) {
        std::string e = compare(want[0], lib.run(in)[0], 1e-5);
        if (!e.empty()) errors[size_t(t)] = e;
      }
    });
  for (auto& th : threads) th.join();
  for (auto& e : errors) EXPECT_EQ(e, "");
}

TEST(MemoryPlanCompiled, AViewThatLeavesTheFunctionKeepsItsBytes) {
  Module m = parse_checked(R"(
def @main(%x: f32[4, 6]) -> (f32[24], f32[4, 6]) {
  let %a = exp(%x);
  let %v = reshape(%a, const i64[1] [24]);
  let %b = neg(%x);
  let %c = add(%b, %b);
  (%v, %c)
}
)");
  CompiledModel lib(m, "planned_view");
  std::vector<Tensor> in = {random_tensor(DType::F32, {4, 6}, 5)};
  const std::vector<Tensor> want = interpret_flat(m, in);
  std::vector<Tensor> got = lib.run(in);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(compare(want[0], got[0]), "");
  EXPECT_EQ(compare(want[1], got[1]), "");
}

}  // namespace
}  // namespace weft::testing
