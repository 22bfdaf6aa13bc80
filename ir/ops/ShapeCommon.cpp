// ShapeCommon.cpp - operand checks and element-size-generic copy kernels for shape/misc ops.
#include "ir/ops/ShapeCommon.h"

#include <algorithm>
#include <cstring>
#include <set>

namespace weft::shape_ops {

const TensorTypeNode& expect_int_operand(const std::vector<ArgInfo>& args, size_t i, const std::string& op,
                                         const std::string& what, bool allow_scalar) {
  const TensorTypeNode& t = expect_tensor(args, i, op);
  if (t.dtype != DType::I64 && t.dtype != DType::I32)
    throw TypeRelationError(Msg() << op << ": " << what << " must be an i64 or i32 tensor, found " << tensor_str(t));
  if (t.rank() > 1 || (t.rank() == 0 && !allow_scalar))
    throw TypeRelationError(Msg() << op << ": " << what << " must be a 1-D tensor" << (allow_scalar ? " or a scalar" : "")
                                  << ", found " << tensor_str(t));
  return t;
}

int64_t static_length(const TensorTypeNode& t, const std::string& op, const std::string& what) {
  if (t.rank() == 0) return 1;
  if (!t.shape[0].is_static())
    throw TypeRelationError(Msg() << op << ": the length of " << what << " must be static to know the result's rank, found "
                                  << tensor_str(t));
  return t.shape[0].value();
}

bool const_ints(const std::vector<ArgInfo>& args, size_t i, std::vector<int64_t>* out) {
  return i < args.size() && const_int_values(args[i], out);
}

bool arg_present(const std::vector<ArgInfo>& args, size_t i) {
  if (i >= args.size()) return false;
  const TensorTypeNode* t = as_tensor(args[i].type);
  if (!t) return true;
  for (const Dim& d : t->shape)
    if (d.is_static() && d.value() == 0) return false;
  return true;
}

Dim dim_product(const Shape& s, size_t begin, size_t end) {
  Dim p(1);
  for (size_t i = begin; i < end; ++i) p = p * s[i];
  return p;
}

Shape static_shape(const std::vector<int64_t>& s) {
  Shape out;
  for (int64_t d : s) out.push_back(Dim(d));
  return out;
}

Shape unknown_shape(size_t rank) { return Shape(rank, Dim::unknown()); }

std::string tensor_str(const TensorTypeNode& t) { return std::string(dtype_name(t.dtype)) + shape_str(t.shape); }

Dim unify_dims(const Dim& a, const Dim& b, const std::string& op, const std::string& what) {
  if (a.is_static() && b.is_static() && a.value() != b.value())
    throw TypeRelationError(Msg() << op << ": " << what << ": expected " << a.str() << ", found " << b.str());
  if (a.is_unknown() || b.is_static()) return b;
  return a;  // static, or a symbol that must equal b at run time
}

std::vector<int> normalize_axes(const std::vector<int64_t>& axes, int rank, const std::string& op) {
  std::vector<int> out;
  std::set<int> seen;
  for (int64_t a : axes) {
    int n = normalize_axis(a, rank, op);
    if (!seen.insert(n).second) throw TypeRelationError(Msg() << op << ": axis " << a << " is given twice");
    out.push_back(n);
  }
  return out;
}

std::vector<int64_t> int_operand(const Tensor& t, const std::string& op, const std::string& what) {
  if (t.dtype() != DType::I64 && t.dtype() != DType::I32)
    throw RuntimeError(Msg() << op << ": " << what << " must be an i64 or i32 tensor, found " << dtype_name(t.dtype())
                             << shape_str(t.shape()));
  return t.to_int_vector();
}

bool input_present(const std::vector<Tensor>& in, size_t i) { return i < in.size() && in[i].defined() && in[i].numel() > 0; }

void index_error(const std::string& op, int64_t index, int64_t bound, int axis) {
  throw RuntimeError(Msg() << op << ": index " << index << " is out of range for axis " << axis << " of size " << bound
                           << " (expected " << -bound << " <= index < " << bound << ")");
}

Tensor strided_copy(const Tensor& src, int64_t offset, const std::vector<int64_t>& out_shape,
                    const std::vector<int64_t>& strides) {
  Tensor out(src.dtype(), out_shape);
  const int64_t total = out.numel();
  if (total == 0) return out;
  const size_t rank = out_shape.size();
  const size_t esz = dtype_size(src.dtype());
  const int64_t inner = rank ? out_shape.back() : 1;
  const int64_t istride = rank ? strides.back() : 0;
  dispatch_elem_size(esz, [&](auto tag) {
    using U = typename decltype(tag)::type;
    const U* s = static_cast<const U*>(src.raw());
    U* d = static_cast<U*>(out.raw());
    std::vector<int64_t> idx(rank, 0);
    int64_t off = offset;
    for (int64_t o = 0; o < total; o += inner) {
      if (istride == 1) std::memcpy(d + o, s + off, size_t(inner) * sizeof(U));
      else
        for (int64_t j = 0; j < inner; ++j) d[o + j] = s[off + j * istride];
      for (int k = int(rank) - 2; k >= 0; --k) {  // advance the outer index
        off += strides[size_t(k)];
        if (++idx[size_t(k)] < out_shape[size_t(k)]) break;
        off -= strides[size_t(k)] * out_shape[size_t(k)];
        idx[size_t(k)] = 0;
      }
    }
  });
  return out;
}

Tensor axis_map_copy(const Tensor& src, const std::vector<int64_t>& out_shape,
                     const std::vector<std::vector<int64_t>>& maps, const void* fill) {
  Tensor out(src.dtype(), out_shape);
  const int64_t total = out.numel();
  if (total == 0) return out;
  const size_t rank = out_shape.size();
  const std::vector<int64_t> ss = contiguous_strides(src.shape());
  dispatch_elem_size(dtype_size(src.dtype()), [&](auto tag) {
    using U = typename decltype(tag)::type;
    const U* s = static_cast<const U*>(src.raw());
    U* d = static_cast<U*>(out.raw());
    U fv;
    std::memcpy(&fv, fill, sizeof(U));
    if (rank == 0) { d[0] = s[0]; return; }
    const std::vector<int64_t>& last = maps[rank - 1];
    const int64_t inner = out_shape[rank - 1];
    std::vector<int64_t> idx(rank, 0);
    for (int64_t o = 0; o < total; o += inner) {
      int64_t base = 0;
      bool filled = false;
      for (size_t k = 0; k + 1 < rank; ++k) {
        int64_t c = maps[k][size_t(idx[k])];
        if (c < 0) { filled = true; break; }
        base += c * ss[k];
      }
      if (filled)
        std::fill(d + o, d + o + inner, fv);
      else
        for (int64_t j = 0; j < inner; ++j) d[o + j] = last[size_t(j)] < 0 ? fv : s[base + last[size_t(j)]];
      for (int k = int(rank) - 2; k >= 0; --k) {
        if (++idx[size_t(k)] < out_shape[size_t(k)]) break;
        idx[size_t(k)] = 0;
      }
    }
  });
  return out;
}

}  // namespace weft::shape_ops
