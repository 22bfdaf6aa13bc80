// split_body_test.cpp - SplitBody: long straight-line bodies become noinline chunks; anything else stays as printed.
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

TEST(SplitBody, LongChainBecomesChunksWithHoistedTensors) {
  const std::string out = split_body(chain(10), 4);
  // 10 bindings + 9 releases = 19 statements, 4 per chunk: 5 chunks.
  EXPECT_EQ(count(out, "[&]() __attribute__((noinline)) {\n"), 5u) << out;
  EXPECT_EQ(count(out, "  }();\n"), 5u) << out;
  EXPECT_EQ(out.find("  weft_rt::Tensor v1;\n"), 0u) << out;  // declarations first, in order
  EXPECT_NE(out.find("  weft_rt::Tensor v10;\n"), std::string::npos) << out;
  EXPECT_NE(out.find("    v3 = f(v2);  // node\n"), std::string::npos) << out;
  EXPECT_EQ(count(out, "weft_rt::Tensor v3"), 1u) << out;  // declared once, assigned in its chunk
  EXPECT_EQ(out.substr(out.size() - 14), "  return v10;\n") << out;
  // Every statement kept, in order.
  size_t at = 0;
  for (int i = 1; i <= 10; ++i) {
    size_t next = out.find("v" + std::to_string(i) + " = f(", at);
    ASSERT_NE(next, std::string::npos) << i;
    at = next;
  }
}

// Tuples of tensors (an operator with several results, e.g. split) are default-constructible
// too: a model full of them (RAFT's unrolled refinement loop) is split like any other.
TEST(SplitBody, TuplesOfTensorsAreHoisted) {
  const std::string tuple = "  std::tuple<weft_rt::Tensor, std::tuple<weft_rt::Tensor, weft_rt::Tensor>> t = g();\n" + chain(10);
  const std::string out = split_body(tuple, 4);
  EXPECT_EQ(out.find("  std::tuple<weft_rt::Tensor, std::tuple<weft_rt::Tensor, weft_rt::Tensor>> t;\n"), 0u) << out;
  EXPECT_NE(out.find("    t = g();\n"), std::string::npos) << out;
  EXPECT_EQ(count(out, "[&]() __attribute__((noinline)) {\n"), 5u) << out;  // 20 statements, 4 per chunk
}

TEST(SplitBody, TensorDeclaredBeforeAnIfIsHoistedWithTheOthers) {
  // The emitter declares an if's result before the if; the chunk after the one holding the if
  // still reads it (ONNX ReduceSum with axes as an input emits exactly this).
  const std::string body = "  weft_rt::Tensor r;\n  if (c.item<bool>()) {\n    r = a;\n  } else {\n    r = b;\n  }\n" + chain(10);
  const std::string out = split_body(body, 4);
  EXPECT_EQ(out.find("  weft_rt::Tensor r;\n"), 0u) << out;
  EXPECT_EQ(count(out, "weft_rt::Tensor r;"), 1u) << out;
  EXPECT_NE(out.find("      r = a;\n"), std::string::npos) << out;  // the if, inside the first chunk
  // A bare declaration of any type is default-constructed where it stands, so it moves up as it is.
  const std::string list = "  weft_rt::List<int64_t> l;\n" + chain(10);
  EXPECT_EQ(split_body(list, 4).find("  weft_rt::List<int64_t> l;\n"), 0u);
}

// An if's result is declared without a value at the top level and assigned in its branches;
// a later chunk reads it, so the declaration goes first with the tensors (swin_t scripted).
TEST(SplitBody, DeclarationsWithoutValueAreHoisted) {
  const std::string decl = "  std::tuple<weft_rt::Tensor, weft_rt::Tensor> if_v;\n";
  const std::string body = decl + "  if (c.item<bool>()) {\n    if_v = a;\n  } else {\n    if_v = b;\n  }\n" + chain(10);
  const std::string out = split_body(body, 4);
  EXPECT_EQ(out.find(decl), 0u) << out;
  EXPECT_EQ(count(out, "if_v;"), 1u) << out;
  EXPECT_LT(out.find(decl), out.find("[&]() __attribute__((noinline)) {\n")) << out;
  EXPECT_NE(out.find("    if (c.item<bool>()) {\n      if_v = a;\n"), std::string::npos) << out;
}

TEST(SplitBody, OtherBodiesStayAsPrinted) {
  EXPECT_EQ(split_body(chain(3), 40), chain(3));  // short
  // A return other than the last one would return from a chunk, not the function.
  const std::string early = "  if (c.item<bool>()) {\n    return a;\n  }\n" + chain(10);
  EXPECT_EQ(split_body(early, 4), early);
  // A declaration of another type may not be default-constructible.
  const std::string adt = "  weft_rt::Adt t = g();\n" + chain(10);
  EXPECT_EQ(split_body(adt, 4), adt);
  const std::string tuple_of_adt = "  std::tuple<weft_rt::Tensor, weft_rt::Adt> t = g();\n" + chain(10);
  EXPECT_EQ(split_body(tuple_of_adt, 4), tuple_of_adt);
  // An `if` in tail position (no final return at the top level).
  const std::string tail_if = chain(10).substr(0, chain(10).rfind("  return")) + "  if (c) {\n    return a;\n  }\n";
  EXPECT_EQ(split_body(tail_if, 4), tail_if);
}

}  // namespace
}  // namespace weft::codegen
