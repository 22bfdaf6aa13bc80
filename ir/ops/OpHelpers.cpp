// OpHelpers.cpp - shared type-relation checks and broadcasting.
#include "ir/ops/OpHelpers.h"

namespace weft {

const TensorTypeNode& expect_tensor(const std::vector<ArgInfo>& args, size_t i, const std::string& op) {
  if (i >= args.size()) throw TypeRelationError(Msg() << op << ": missing argument " << i);
  const TensorTypeNode* t = as_tensor(args[i].type);
  if (!t) throw TypeRelationError(Msg() << op << ": argument " << i << " must be a tensor, found " << type_str(args[i].type));
  return *t;
}

void expect_dtype(const TensorTypeNode& t, std::initializer_list<DType> allowed, const std::string& op, size_t i) {
  for (DType d : allowed)
    if (t.dtype == d) return;
  std::string names;
  for (DType d : allowed) names += (names.empty() ? "" : ", ") + std::string(dtype_name(d));
  throw TypeRelationError(Msg() << op << ": argument " << i << " must have dtype " << names << ", found " << dtype_name(t.dtype));
}

void expect_float(const TensorTypeNode& t, const std::string& op, size_t i) {
  if (!is_float(t.dtype))
    throw TypeRelationError(Msg() << op << ": argument " << i << " must be a floating-point tensor, found " << dtype_name(t.dtype));
}

DType expect_same_dtype(const std::vector<ArgInfo>& args, const std::string& op) {
  DType d = expect_tensor(args, 0, op).dtype;
  for (size_t i = 1; i < args.size(); ++i) {
    DType e = expect_tensor(args, i, op).dtype;
    if (e != d)
      throw TypeRelationError(Msg() << op << ": arguments must share one dtype, argument 0 is " << dtype_name(d)
                                    << " and argument " << i << " is " << dtype_name(e));
  }
  return d;
}

Shape broadcast_shapes(const Shape& a, const Shape& b, const std::string& op) {
  size_t rank = std::max(a.size(), b.size());
  Shape out(rank);
  for (size_t i = 0; i < rank; ++i) {
    // right-aligned
    const Dim* x = i < rank - a.size() ? nullptr : &a[i - (rank - a.size())];
    const Dim* y = i < rank - b.size() ? nullptr : &b[i - (rank - b.size())];
    if (!x) { out[i] = *y; continue; }
    if (!y) { out[i] = *x; continue; }
    if (*x == *y) out[i] = *x;
    else if (x->is_static() && x->value() == 1) out[i] = *y;
    else if (y->is_static() && y->value() == 1) out[i] = *x;
    else if (x->is_static() && y->is_static())
      throw TypeRelationError(Msg() << op << ": shapes " << shape_str(a) << " and " << shape_str(b) << " do not broadcast");
    else if (x->is_static()) out[i] = *x;
    else if (y->is_static()) out[i] = *y;
    else out[i] = Dim::unknown();
  }
  return out;
}

std::vector<int64_t> broadcast_shapes(const std::vector<int64_t>& a, const std::vector<int64_t>& b, const std::string& op) {
  size_t rank = std::max(a.size(), b.size());
  std::vector<int64_t> out(rank);
  for (size_t i = 0; i < rank; ++i) {
    int64_t x = i < rank - a.size() ? 1 : a[i - (rank - a.size())];
    int64_t y = i < rank - b.size() ? 1 : b[i - (rank - b.size())];
    if (x == y || y == 1) out[i] = x;
    else if (x == 1) out[i] = y;
    else throw RuntimeError(Msg() << op << ": shapes " << shape_str(a) << " and " << shape_str(b) << " do not broadcast");
  }
  return out;
}

int normalize_axis(int64_t axis, int rank, const std::string& op) {
  if (axis < -rank || axis >= rank)
    throw TypeRelationError(Msg() << op << ": axis " << axis << " is out of range for rank " << rank);
  return int(axis < 0 ? axis + rank : axis);
}

int normalize_axis_runtime(int64_t axis, int rank, const std::string& op) {
  if (axis < -rank || axis >= rank) throw RuntimeError(Msg() << op << ": axis " << axis << " is out of range for rank " << rank);
  return int(axis < 0 ? axis + rank : axis);
}

std::vector<int64_t> contiguous_strides(const std::vector<int64_t>& shape) {
  std::vector<int64_t> s(shape.size(), 1);
  for (int i = int(shape.size()) - 2; i >= 0; --i) s[size_t(i)] = s[size_t(i) + 1] * shape[size_t(i) + 1];
  return s;
}

std::vector<int64_t> broadcast_strides(const std::vector<int64_t>& in, const std::vector<int64_t>& out) {
  std::vector<int64_t> s(out.size(), 0);
  std::vector<int64_t> cs = contiguous_strides(in);
  size_t off = out.size() - in.size();
  for (size_t i = 0; i < in.size(); ++i) s[off + i] = in[i] == 1 ? 0 : cs[i];
  return s;
}

bool const_int_values(const ArgInfo& a, std::vector<int64_t>* out) {
  if (!a.value) return false;
  *out = a.value->to_int_vector();
  return true;
}

}  // namespace weft
