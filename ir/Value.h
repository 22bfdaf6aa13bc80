// Value.h - run-time values of the interpreter: tensors, tuples, closures, ADT values, references.
#pragma once

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "ir/Expr.h"
#include "ir/Ref.h"
#include "ir/Tensor.h"

namespace weft {

class Module;

enum class ValueKind { Tensor, Tuple, Closure, Adt, Ref };
const char* value_kind_name(ValueKind k);  // "tensor", "tuple", ...

// Values are immutable (except a RefValue's cell) and shared: passing a value around
// copies a pointer, never tensor data. They are RefCounted, so dropping the head of a
// 1,000,000-element list frees it with a flat loop, not a recursion.
class ValueNode : public RefCounted {
 public:
  explicit ValueNode(ValueKind k) : kind(k) {}
  const ValueKind kind;
};
using Value = Ref<ValueNode>;

struct TensorValueNode : ValueNode {
  explicit TensorValueNode(Tensor t) : ValueNode(ValueKind::Tensor), tensor(std::move(t)) {}
  Tensor tensor;
};

// (a, b, ...); the empty tuple is unit, what ref_write returns.
struct TupleValueNode : ValueNode {
  explicit TupleValueNode(std::vector<Value> f) : ValueNode(ValueKind::Tuple), fields(std::move(f)) {}
  std::vector<Value> fields;
};

// A variable captured by a closure, with its value at closure creation.
struct Capture {
  Var var;
  Value value;
};

// A function together with the values of its free variables. Globals are closures with
// an empty env. `self` is set for a closure bound by `let %f = fn ...` whose body calls
// %f: that capture is left null in `env` and means the closure itself, so a local
// recursive function does not keep itself alive through a reference cycle.
struct ClosureValueNode : ValueNode {
  ClosureValueNode(Function f, std::vector<Capture> e, Var s)
      : ValueNode(ValueKind::Closure), fn(std::move(f)), env(std::move(e)), self(std::move(s)) {}
  Function fn;
  std::vector<Capture> env;
  Var self;
};

// Ctor(fields...): a value of an algebraic data type.
struct AdtValueNode : ValueNode {
  AdtValueNode(Constructor c, std::vector<Value> f) : ValueNode(ValueKind::Adt), ctor(std::move(c)), fields(std::move(f)) {}
  Constructor ctor;
  std::vector<Value> fields;
};

// A mutable cell (ref_new / ref_read / ref_write). Thread-compatible: a cell shared by
// two threads needs outside synchronization, like any other mutable object.
struct RefValueNode : ValueNode {
  explicit RefValueNode(Value v) : ValueNode(ValueKind::Ref), value(std::move(v)) {}
  mutable Value value;
};

// Typed downcast: value_as<TupleValueNode>(v) is null unless v is a tuple.
template <typename N>
const N* value_as(const Value& v);
#define WEFT_VALUE_AS(N, K) \
  template <> inline const N* value_as<N>(const Value& v) { return v && v->kind == ValueKind::K ? static_cast<const N*>(v.get()) : nullptr; }
WEFT_VALUE_AS(TensorValueNode, Tensor)
WEFT_VALUE_AS(TupleValueNode, Tuple)
WEFT_VALUE_AS(ClosureValueNode, Closure)
WEFT_VALUE_AS(AdtValueNode, Adt)
WEFT_VALUE_AS(RefValueNode, Ref)
#undef WEFT_VALUE_AS

Value tensor_value(Tensor t);
Value tuple_value(std::vector<Value> fields);
Value unit_value();
Value closure_value(Function fn, std::vector<Capture> env = {}, Var self = Var());
Value adt_value(Constructor ctor, std::vector<Value> fields = {});
Value ref_value(Value initial);

// Scalar tensor values, for tests and drivers: scalar_value(3.5f), scalar_value(int64_t(7)).
template <typename T>
Value scalar_value(T v) { return tensor_value(Tensor::scalar<T>(v)); }

// The tensor inside `v`; RuntimeError saying what was found when v is not a tensor.
const Tensor& value_tensor(const Value& v);

// List values (the prelude's List[T]) to and from vectors; building is a loop from the
// back, reading a loop along the spine. value_to_list throws RuntimeError for a non-list.
Value list_value(const Module& m, const std::vector<Value>& elems);
std::vector<Value> value_to_list(const Value& list);
// Option values: some_value(m, v) / none_value(m).
Value some_value(const Module& m, Value v);
Value none_value(const Module& m);

// "i64[] [3]", "(f32[2] [1, 2], Nil)", "Cons(i64[] [1], Nil)", "ref(...)", "<fn(%x) +1 captured>".
// Output past `max_chars` is cut short with "..." (a long list prints its head only).
std::string value_str(const Value& v, size_t max_chars = 4096);

// Structural equality: same shape of values, tensors equal per `tensors_equal`, closures
// of the same function with equal captures, refs equal when their contents are. Iterative,
// so 1,000,000-element lists compare without deep recursion; reference cycles are cut.
bool values_equal(const Value& a, const Value& b, const std::function<bool(const Tensor&, const Tensor&)>& tensors_equal);
// Exact: same dtypes, shapes and bits.
bool values_identical(const Value& a, const Value& b);

}  // namespace weft
