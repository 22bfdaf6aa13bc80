// unranked_tensor_test.cpp - tensors of unknown rank (`f32[*]`): text form, unification, inference,
// and values of any rank flowing through them in the interpreter.
#include <gtest/gtest.h>

#include "ir/Interpreter.h"
#include "ir/Printer.h"
#include "ir/StructuralEqual.h"
#include "ir/Unifier.h"
#include "tests/ir/type_test_util.h"

namespace weft {
namespace {

using test::infer_error;
using test::inferred;
using test::main_type;
using test::var_type;

Type f32(Shape s) { return tensor_type(DType::F32, std::move(s)); }
Type any_f32() { return unranked_tensor_type(DType::F32); }

// A list of tensors whose rank changes from element to element, as an ONNX loop builds it.
const char kGrowingList[] = R"(
def @grow(%i: i64[], %n: i64[], %acc: List[f32[*]]) -> List[f32[*]] {
  if (less(%i, %n)) {
    let %row: f32[*] = cast(range(0i64, add(%i, 1i64), 1i64), to=f32);  // widened: see below
    @grow(add(%i, 1i64), %n, Cons(%row, %acc))
  } else {
    %acc
  }
}

def @main(%n: i64[], %start: f32[]) -> List[f32[*]] {
  @grow(0i64, %n, Cons(%start, Nil))
}
)";

TEST(UnrankedTensor, PrintsAndParsesAsStar) {
  EXPECT_EQ(type_str(any_f32()), "f32[*]");
  EXPECT_FALSE(type_equal(any_f32(), scalar_type(DType::F32)));
  EXPECT_TRUE(type_equal(any_f32(), unranked_tensor_type(DType::F32)));
  Module m = parse_module(kGrowingList, "grow.weft");
  std::string text = print_module(m);
  EXPECT_NE(text.find("%acc: List[f32[*]]"), std::string::npos) << text;
  Module again = parse_module(text, "again.weft");
  std::string why;
  EXPECT_TRUE(structural_equal(m, again, &why)) << why;
  EXPECT_EQ(print_module(again), text);
}

TEST(UnrankedTensor, ParserRejectsItWhereAStaticShapeIsNeeded) {
  try {
    parse_module("def @main() -> f32[*] { const f32[*] [1] }", "t.weft");
    FAIL() << "a constant of unknown rank was accepted";
  } catch (const CompileError& e) {
    EXPECT_NE(std::string(e.what()).find("static shape"), std::string::npos) << e.what();
  }
  try {
    parse_module("def @main(%x: f32[*, 3]) -> f32[*] { %x }", "t.weft");
    FAIL() << "`f32[*, 3]` was accepted";
  } catch (const CompileError& e) {
    EXPECT_NE(std::string(e.what()).find("f32[*]"), std::string::npos) << e.what();
  }
}

TEST(UnrankedTensor, UnifiesInTheSoundDirectionOnly) {
  Unifier u;
  Unifier::Conflict c;
  EXPECT_TRUE(u.unify(any_f32(), f32({3})));              // a known rank forgets itself
  EXPECT_TRUE(u.unify(any_f32(), scalar_type(DType::F32)));
  EXPECT_TRUE(u.unify(any_f32(), any_f32()));
  EXPECT_FALSE(u.unify(f32({3}), any_f32(), &c));         // the rank could be anything
  EXPECT_NE(c.why.find("unknown rank"), std::string::npos) << c.why;
  EXPECT_FALSE(u.unify(any_f32(), tensor_type(DType::I64, {3})));  // dtypes still agree
  // Immutable containers keep the direction; function parameters flip it; Ref fixes it.
  EXPECT_TRUE(u.unify(adt_type("List", {any_f32()}), adt_type("List", {f32({2, 2})})));
  EXPECT_FALSE(u.unify(adt_type("List", {f32({2, 2})}), adt_type("List", {any_f32()})));
  EXPECT_TRUE(u.unify(tuple_type({any_f32(), f32({})}), tuple_type({f32({4}), f32({})})));
  EXPECT_TRUE(u.unify(func_type({f32({3})}, f32({})), func_type({any_f32()}, f32({}))));
  EXPECT_FALSE(u.unify(func_type({any_f32()}, f32({})), func_type({f32({3})}, f32({}))));
  EXPECT_FALSE(u.unify(func_type({}, f32({3})), func_type({}, any_f32())));
  EXPECT_FALSE(u.unify(ref_type(any_f32()), ref_type(f32({3}))));
  EXPECT_FALSE(u.unify(ref_type(f32({3})), ref_type(any_f32())));
  // Branches meet from both sides; their join forgets the rank.
  EXPECT_TRUE(u.unify_branches(f32({3}), any_f32()));
  EXPECT_TRUE(u.unify_branches(any_f32(), f32({3})));
  EXPECT_EQ(type_str(u.join(f32({3}), any_f32())), "f32[*]");
  EXPECT_EQ(type_str(u.join(any_f32(), f32({3}))), "f32[*]");
  EXPECT_EQ(type_str(u.join(f32({3}), f32({4}))), "f32[?]");
  // A variable keeps the first type bound to it: bound to f32[*], it takes any rank later.
  Type v = u.fresh();
  EXPECT_TRUE(u.unify(v, any_f32()));
  EXPECT_TRUE(u.unify(v, f32({5, 5})));
  EXPECT_EQ(type_str(u.resolve(v)), "f32[*]");
}

TEST(UnrankedTensor, InferenceAcceptsEveryRankThroughPolymorphicLists) {
  Module m = inferred(R"(
def @id[T](%x: T) -> T { %x }

def @main(%xs: List[f32[*]], %x: f32[2, 3], %c: bool[]) -> (List[f32[*]], f32[*]) {
  let %wide: f32[*] = %x;
  let %ys = Cons(%wide, %xs);
  let %zs = @id(%ys);
  let %first = match (%zs) { Cons(%h, %_) => %h, Nil => %x };
  let %either = if (%c) { %x } else { %first };
  (Cons(%either, %zs), %either)
}
)");
  EXPECT_EQ(main_type(m), "fn(List[f32[*]], f32[2, 3], bool[]) -> (List[f32[*]], f32[*])");
  EXPECT_EQ(var_type(m, "ys"), "List[f32[*]]");
  EXPECT_EQ(var_type(m, "first"), "f32[*]");
  EXPECT_EQ(var_type(m, "either"), "f32[*]");
}

// No subtyping beyond unification: a type parameter takes the first type it meets, so a
// ranked value consed onto a list of unranked ones is widened first (as the ONNX importer does).
TEST(UnrankedTensor, ARankedValueIsWidenedBeforeItJoinsAnUnrankedList) {
  std::string err = infer_error(R"(
def @main(%xs: List[f32[*]], %x: f32[2, 3]) -> List[f32[*]] {
  Cons(%x, %xs)
}
)");
  EXPECT_NE(err.find("argument 1 of Cons: expected List[f32[2, 3]], found List[f32[*]]"), std::string::npos) << err;
}

TEST(UnrankedTensor, AnOperatorNeedsAKnownRank) {
  std::string err = infer_error(R"(
def @main(%x: f32[*]) -> f32[*] {
  add(%x, 1f32)
}
)");
  EXPECT_NE(err.find("add: argument 0 has unknown rank (f32[*])"), std::string::npos) << err;
  EXPECT_NE(err.find("add(%x, 1f32)"), std::string::npos) << err;
}

TEST(UnrankedTensor, InterpreterCarriesValuesOfEveryRank) {
  Module m = inferred(kGrowingList);
  Value out = run_main(m, {scalar_value<int64_t>(3), scalar_value<float>(7.f)});
  std::vector<Value> got = value_to_list(out);
  ASSERT_EQ(got.size(), 4u);
  // Newest first: [0, 1, 2], [0, 1], [0], then the scalar it started with.
  for (size_t k = 0; k < 3; ++k) {
    const Tensor& t = value_as<TensorValueNode>(got[k])->tensor;
    ASSERT_EQ(t.rank(), 1);
    ASSERT_EQ(t.shape()[0], int64_t(3 - k));
    for (int64_t j = 0; j < t.shape()[0]; ++j) EXPECT_EQ(t.data<float>()[j], float(j));
  }
  const Tensor& last = value_as<TensorValueNode>(got[3])->tensor;
  EXPECT_EQ(last.rank(), 0);
  EXPECT_EQ(last.data<float>()[0], 7.f);
}

}  // namespace
}  // namespace weft
