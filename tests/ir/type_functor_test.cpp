// type_functor_test.cpp - ir/TypeFunctor.h: dispatch, the visitor's walk, and the mutator's rebuild-only-on-change.
#include <gtest/gtest.h>

#include "ir/TypeFunctor.h"

namespace weft {
namespace {

// Counts tensor types and type variables wherever they occur.
class Counter : public TypeVisitor {
 public:
  int tensors = 0, vars = 0;

 protected:
  using TypeVisitor::visit_;
  void visit_(const TensorTypeNode*) override { ++tensors; }
  void visit_(const TypeVarNode*) override { ++vars; }
};

// Binds symbol `n` to 4 in every dim.
class BindN : public TypeMutator {
 public:
  Dim mutate_dim(const Dim& d) override {
    auto v = d.evaluate({{"n", 4}});
    return v ? Dim(*v) : d;
  }
};

TEST(TypeFunctor, TheVisitorReachesEveryNestedType) {
  TypeVar t = type_var("T");
  Type ty = func_type({tuple_type({scalar_type(DType::F32), adt_type("List", {t})}), ref_type(tensor_type(DType::I64, {Dim(2)}))},
                      tensor_type(DType::F32, {Dim::symbol("n")}), {t});
  Counter c;
  c.visit(ty);
  c.visit(Type());  // null: an omitted annotation, skipped
  EXPECT_EQ(c.tensors, 3);
  EXPECT_EQ(c.vars, 1);
}

TEST(TypeFunctor, TheMutatorRebuildsOnlyWhatChanged) {
  Type fixed = tensor_type(DType::F32, {Dim(3)});
  Type symbolic = tensor_type(DType::F32, {Dim::symbol("n"), Dim::unknown()});
  Type ty = tuple_type({fixed, ref_type(symbolic), unranked_tensor_type(DType::F16)});
  BindN bind;
  EXPECT_TRUE(bind.mutate(fixed).same_as(fixed));
  EXPECT_TRUE(bind.mutate(Type()).same_as(Type()));
  Type out = bind.mutate(ty);
  EXPECT_EQ(type_str(out), "(f32[3], Ref[f32[4, ?]], f16[*])");
  auto* tup = as_tuple(out);
  ASSERT_TRUE(tup);
  EXPECT_TRUE(tup->fields[0].same_as(fixed));  // untouched fields stay shared
  EXPECT_TRUE(tup->fields[2].same_as(as_tuple(ty)->fields[2]));
  EXPECT_TRUE(bind.mutate(unranked_tensor_type(DType::F32)).get() != nullptr);
  EXPECT_FALSE(as_tensor(bind.mutate(unranked_tensor_type(DType::F32)))->has_rank());
}

TEST(TypeFunctor, SubstituteKeepsWhatHasNoTypeVariable) {
  TypeVar t = type_var("T");
  Type plain = tuple_type({scalar_type(DType::F32)});
  Type ty = tuple_type({plain, adt_type("List", {t})});
  Type out = substitute(ty, {{t, scalar_type(DType::I64)}});
  EXPECT_EQ(type_str(out), "((f32[],), List[i64[]])");
  EXPECT_TRUE(as_tuple(out)->fields[0].same_as(plain));
  EXPECT_TRUE(substitute(plain, {{t, scalar_type(DType::I64)}}).same_as(plain));
}

}  // namespace
}  // namespace weft
