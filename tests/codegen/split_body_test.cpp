// split_body_test.cpp - SplitBody: long straight-line bodies become noinline chunk functions over a frame; anything else stays as printed.
#include <gtest/gtest.h>

#include "codegen/SplitBody.h"

namespace weft::codegen {
namespace {

// n statements `weft_rt::Tensor vI = f(vI-1);`, each with a comment line and a release, then a return.
std::string chain(int n) {
  std::string s;
  for (int i = 1; i <= n; ++i) {
    s += "  // %v" + std::to_string(i) + " = f(%v" + std::to_string(i - 1) + ")\n";
    s += "  weft_rt::Tensor v" + std::to_string(i) + " = f(v" + std::to_string(i - 1) + ");  // node\n";
    if (i > 1) s += "  v" + std::to_string(i - 1) + " = weft_rt::Tensor();  // last use\n";
  }
  return s + "  return v" + std::to_string(n) + ";\n";
}

size_t count(const std::string& s, const std::string& what) {
  size_t n = 0;
  for (size_t at = s.find(what); at != std::string::npos; at = s.find(what, at + 1)) ++n;
  return n;
}

// split_body with no prefix and no parameters, for function `fn`.
SplitFunction split(const std::string& body, size_t per_chunk) { return split_body("", body, {}, "fn", per_chunk); }

// The whole text split_body hands the emitter: frame, chunks, body.
std::string text(const SplitFunction& s) {
  std::string all = s.frame + s.chunk_declarations;
  for (const std::string& c : s.chunks) all += c;
  return all + s.body;
}

TEST(SplitBody, LongChainBecomesChunkFunctionsOverAFrame) {
  const SplitFunction out = split(chain(10), 4);
  ASSERT_TRUE(out.split);
  // 10 bindings + 9 releases = 19 statements, 4 per chunk: 5 chunks, each called once in order.
  ASSERT_EQ(out.chunks.size(), 5u) << text(out);
  EXPECT_EQ(count(out.chunk_declarations, "void weft_chunk"), 5u) << out.chunk_declarations;
  for (int i = 0; i < 5; ++i) {
    const std::string name = "weft_chunk" + std::to_string(i) + "_fn";
    EXPECT_EQ(out.chunks[size_t(i)].find("__attribute__((noinline)) void " + name + "(weft_frame_fn& weft_f) {\n"), 0u) << out.chunks[size_t(i)];
    EXPECT_EQ(count(out.body, "  " + name + "(weft_f);\n"), 1u) << out.body;
  }
  EXPECT_NE(out.frame.find("struct weft_frame_fn {\n  weft_rt::Tensor v0[10];\n};\n"), std::string::npos) << out.frame;
  // A chunk binds the members it names, and only those, then runs its statements.
  const std::string& second = out.chunks[1];
  EXPECT_NE(second.find("  weft_rt::Tensor& v3 = weft_f.v0[2];\n"), std::string::npos) << second;
  EXPECT_NE(second.find("  v4 = f(v3);  // node\n"), std::string::npos) << second;
  EXPECT_EQ(second.find("weft_f.v0[8]"), std::string::npos) << second;
  EXPECT_EQ(count(text(out), "weft_rt::Tensor v3"), 0u) << text(out);  // an element of the frame, no declaration
  EXPECT_EQ(out.body.find("  weft_frame_fn weft_f;\n"), 0u) << out.body;
  const std::string end = "  weft_rt::Tensor& v10 = weft_f.v0[9];\n  return v10;\n";
  EXPECT_EQ(out.body.rfind(end), out.body.size() - end.size()) << out.body;
  // Every statement kept, in order.
  std::string chunks;
  for (const std::string& c : out.chunks) chunks += c;
  size_t at = 0;
  for (int i = 1; i <= 10; ++i) {
    size_t next = chunks.find("v" + std::to_string(i) + " = f(", at);
    ASSERT_NE(next, std::string::npos) << i;
    at = next;
  }
}

// The prefix's variables (the memory plan's frame) and the parameters reach every chunk by reference.
TEST(SplitBody, ChunksTakeThePrefixVariablesAndParameters) {
  const std::string prefix = "  static const weft_rt::PlanSlot weft_plan_slots[] = {{0, 64, d}};\n  weft_rt::PlanFrame weft_plan(weft_plan_slots, 1, 64);\n";
  const SplitFunction out = split_body(prefix, chain(10), {"weft_rt::Tensor x", "std::tuple<weft_rt::Tensor, weft_rt::Tensor> t"}, "fn_main", 4);
  ASSERT_TRUE(out.split);
  EXPECT_EQ(out.body.find(prefix + "  weft_frame_fn_main weft_f;\n"), 0u) << out.body;
  EXPECT_NE(out.body.find("  weft_chunk0_fn_main(weft_f, weft_plan, x, t);\n"), std::string::npos) << out.body;
  EXPECT_EQ(out.chunks[0].find("__attribute__((noinline)) void weft_chunk0_fn_main(weft_frame_fn_main& weft_f, weft_rt::PlanFrame& weft_plan, "
                               "weft_rt::Tensor& x, std::tuple<weft_rt::Tensor, weft_rt::Tensor>& t) {\n"),
            0u)
      << out.chunks[0];
}

// Tuples of tensors (an operator with several results, e.g. split) are default-constructible
// too: a model full of them (RAFT's unrolled refinement loop) is split like any other.
TEST(SplitBody, TuplesOfTensorsAreMembers) {
  const std::string tuple = "  std::tuple<weft_rt::Tensor, std::tuple<weft_rt::Tensor, weft_rt::Tensor>> t = g();\n" + chain(10);
  const SplitFunction out = split(tuple, 4);
  EXPECT_NE(out.frame.find("  std::tuple<weft_rt::Tensor, std::tuple<weft_rt::Tensor, weft_rt::Tensor>> v0[1];\n  weft_rt::Tensor v1[10];\n"),
            std::string::npos)
      << out.frame;
  EXPECT_NE(out.chunks[0].find("  std::tuple<weft_rt::Tensor, std::tuple<weft_rt::Tensor, weft_rt::Tensor>>& t = weft_f.v0[0];\n"), std::string::npos)
      << out.chunks[0];
  EXPECT_NE(out.chunks[0].find("  t = g();\n"), std::string::npos) << out.chunks[0];
  EXPECT_EQ(out.chunks.size(), 5u) << text(out);  // 20 statements, 4 per chunk
}

TEST(SplitBody, TensorDeclaredBeforeAnIfIsAMemberWithTheOthers) {
  // The emitter declares an if's result before the if; the chunk after the one holding the if
  // still reads it (ONNX ReduceSum with axes as an input emits exactly this).
  const std::string body = "  weft_rt::Tensor r;\n  if (c.item<bool>()) {\n    r = a;\n  } else {\n    r = b;\n  }\n" + chain(10);
  const SplitFunction out = split(body, 4);
  EXPECT_NE(out.frame.find("{\n  weft_rt::Tensor v0[11];\n"), std::string::npos) << out.frame;
  EXPECT_EQ(count(text(out), "weft_rt::Tensor& r = weft_f.v0[0];"), 1u) << text(out);  // in the chunk with the if
  EXPECT_NE(out.chunks[0].find("    r = a;\n"), std::string::npos) << out.chunks[0];  // the if, inside the first chunk
  // A bare declaration of any type is default-constructed where it stands, so it becomes a member as it is.
  const std::string list = "  weft_rt::List<int64_t> l;\n" + chain(10);
  EXPECT_NE(split(list, 4).frame.find("{\n  weft_rt::List<int64_t> v0[1];\n"), std::string::npos);
}

// An if's result is declared without a value at the top level and assigned in its branches;
// a later chunk reads it, so the declaration is a frame member like the tensors (swin_t scripted).
TEST(SplitBody, DeclarationsWithoutValueAreMembers) {
  const std::string decl = "  std::tuple<weft_rt::Tensor, weft_rt::Tensor> if_v;\n";
  const std::string body = decl + "  if (c.item<bool>()) {\n    if_v = a;\n  } else {\n    if_v = b;\n  }\n" + chain(10);
  const SplitFunction out = split(body, 4);
  EXPECT_NE(out.frame.find("  std::tuple<weft_rt::Tensor, weft_rt::Tensor> v0[1];\n"), std::string::npos) << out.frame;
  EXPECT_NE(out.chunks[0].find("  std::tuple<weft_rt::Tensor, weft_rt::Tensor>& if_v = weft_f.v0[0];\n"), std::string::npos) << out.chunks[0];
  EXPECT_NE(out.chunks[0].find("  if (c.item<bool>()) {\n    if_v = a;\n"), std::string::npos) << out.chunks[0];
}

TEST(SplitBody, OtherBodiesStayAsPrinted) {
  auto unchanged = [](const std::string& body, size_t per_chunk) {
    const SplitFunction out = split_body("  P p(1);\n", body, {"weft_rt::Tensor x"}, "fn", per_chunk);
    EXPECT_FALSE(out.split) << text(out);
    EXPECT_TRUE(out.chunks.empty() && out.frame.empty());
    EXPECT_EQ(out.body, "  P p(1);\n" + body);
  };
  unchanged(chain(3), 40);  // short
  // A return other than the last one would return from a chunk, not the function.
  unchanged("  if (c.item<bool>()) {\n    return a;\n  }\n" + chain(10), 4);
  // A declaration of another type may not be default-constructible.
  unchanged("  weft_rt::Adt t = g();\n" + chain(10), 4);
  unchanged("  std::tuple<weft_rt::Tensor, weft_rt::Adt> t = g();\n" + chain(10), 4);
  // An `if` in tail position (no final return at the top level).
  unchanged(chain(10).substr(0, chain(10).rfind("  return")) + "  if (c) {\n    return a;\n  }\n", 4);
}

}  // namespace
}  // namespace weft::codegen
