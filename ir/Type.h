// Type.h - the types of the IR: tensors, tuples, functions, ADTs, references, type variables.
#pragma once

#include <string>
#include <vector>

#include "ir/DType.h"
#include "ir/Dim.h"
#include "ir/Ref.h"

namespace weft {

#define WEFT_FOR_EACH_TYPE(X) \
  X(TensorType)               \
  X(TupleType)                \
  X(FuncType)                 \
  X(AdtType)                  \
  X(RefType)                  \
  X(TypeVar)                  \
  X(IncompleteType)

enum class TypeKind {
#define X(n) n,
  WEFT_FOR_EACH_TYPE(X)
#undef X
};

class TypeNode : public RefCounted {
 public:
  explicit TypeNode(TypeKind k) : kind(k) {}
  const TypeKind kind;
};
using Type = Ref<TypeNode>;

// Tensor[dtype, shape]. Written `f32[batch, 3]`; a scalar is `f32[]`.
// A tensor of unknown rank is written `f32[*]`: its shape is empty and `unknown_rank` set.
// It is what a value typed only by its dtype gets (an ONNX sequence whose elements change
// rank); a tensor of any rank and the same dtype may flow into it (see Unifier.h), but an
// operator needs a known rank (type inference refuses one called on it).
struct TensorTypeNode : TypeNode {
  TensorTypeNode(DType d, Shape s, bool unranked = false)
      : TypeNode(TypeKind::TensorType), dtype(d), shape(std::move(s)), unknown_rank(unranked) {}
  DType dtype;
  Shape shape;
  bool unknown_rank = false;  // then `shape` is empty and means nothing
  // Callers that read `rank()` or `shape` must check `has_rank()` first where an unranked
  // tensor can reach them.
  bool has_rank() const { return !unknown_rank; }
  int rank() const { return int(shape.size()); }
};

// (T1, T2, ...); the empty tuple `()` is the unit type.
struct TupleTypeNode : TypeNode {
  explicit TupleTypeNode(std::vector<Type> f) : TypeNode(TypeKind::TupleType), fields(std::move(f)) {}
  std::vector<Type> fields;
};

// A type parameter of a polymorphic function or ADT (`T` in List[T]). Compared by identity.
struct TypeVarNode : TypeNode {
  explicit TypeVarNode(std::string n) : TypeNode(TypeKind::TypeVar), name(std::move(n)) {}
  std::string name;
};
using TypeVar = Ref<TypeVarNode>;

// fn[T...](params) -> ret
struct FuncTypeNode : TypeNode {
  FuncTypeNode(std::vector<TypeVar> tp, std::vector<Type> p, Type r)
      : TypeNode(TypeKind::FuncType), type_params(std::move(tp)), params(std::move(p)), ret(std::move(r)) {}
  std::vector<TypeVar> type_params;
  std::vector<Type> params;
  Type ret;
};

// An algebraic data type applied to arguments: List[f32[]], Option[i64[]].
struct AdtTypeNode : TypeNode {
  AdtTypeNode(std::string n, std::vector<Type> a) : TypeNode(TypeKind::AdtType), name(std::move(n)), args(std::move(a)) {}
  std::string name;
  std::vector<Type> args;
};

// Ref[T]: a mutable cell.
struct RefTypeNode : TypeNode {
  explicit RefTypeNode(Type t) : TypeNode(TypeKind::RefType), inner(std::move(t)) {}
  Type inner;
};

// A hole that type inference fills; never left in a checked module.
struct IncompleteTypeNode : TypeNode {
  explicit IncompleteTypeNode(int i) : TypeNode(TypeKind::IncompleteType), id(i) {}
  int id;
};

Type tensor_type(DType d, Shape s);
Type scalar_type(DType d);
Type unranked_tensor_type(DType d);  // `f32[*]`
Type tuple_type(std::vector<Type> fields);
Type unit_type();
Type func_type(std::vector<Type> params, Type ret, std::vector<TypeVar> type_params = {});
Type adt_type(std::string name, std::vector<Type> args = {});
Type ref_type(Type inner);
TypeVar type_var(std::string name);

// Downcasts; null when the type is of another kind.
inline const TensorTypeNode* as_tensor(const Type& t) { return t && t->kind == TypeKind::TensorType ? static_cast<const TensorTypeNode*>(t.get()) : nullptr; }
inline const TupleTypeNode* as_tuple(const Type& t) { return t && t->kind == TypeKind::TupleType ? static_cast<const TupleTypeNode*>(t.get()) : nullptr; }
inline const FuncTypeNode* as_func(const Type& t) { return t && t->kind == TypeKind::FuncType ? static_cast<const FuncTypeNode*>(t.get()) : nullptr; }
inline const AdtTypeNode* as_adt(const Type& t) { return t && t->kind == TypeKind::AdtType ? static_cast<const AdtTypeNode*>(t.get()) : nullptr; }
inline const RefTypeNode* as_ref(const Type& t) { return t && t->kind == TypeKind::RefType ? static_cast<const RefTypeNode*>(t.get()) : nullptr; }
inline const TypeVarNode* as_type_var(const Type& t) { return t && t->kind == TypeKind::TypeVar ? static_cast<const TypeVarNode*>(t.get()) : nullptr; }

// Structural equality; type variables by identity, dims by Dim::operator==.
bool type_equal(const Type& a, const Type& b);
// Replaces type variables per `subst` (by identity).
Type substitute(const Type& t, const std::vector<std::pair<TypeVar, Type>>& subst);
// Text form, as the parser reads it: `f32[batch, 3]`, `(f32[], List[i64[]])`, `fn(f32[]) -> f32[]`.
std::string type_str(const Type& t);
std::string tensor_type_str(const TensorTypeNode& t);  // `f32[batch, 3]`, `f32[*]`

}  // namespace weft
