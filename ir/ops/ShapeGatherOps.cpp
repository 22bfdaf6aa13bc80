// ShapeGatherOps.cpp - indexed reads and writes: gather, gather_elements, gather_nd,
// scatter_elements, scatter_nd (ONNX semantics; negative indices count from the end).
#include <cmath>
#include <cstring>

#include "ir/ops/CpuEmit.h"
#include "ir/ops/ShapeCommon.h"
#include "ir/ops/ShapeGradients.h"

namespace weft::shape_ops {
namespace {

const TensorTypeNode& expect_indices(const std::vector<ArgInfo>& args, size_t i, const std::string& op) {
  const TensorTypeNode& t = expect_tensor(args, i, op);
  if (t.dtype != DType::I64 && t.dtype != DType::I32)
    throw TypeRelationError(Msg() << op << ": indices must be i64 or i32, found " << tensor_str(t));
  return t;
}

std::vector<int64_t> runtime_indices(const Tensor& t, const std::string& op) { return int_operand(t, op, "indices"); }

// Index i of an axis of size d, wrapped if negative; RuntimeError when out of range.
inline int64_t wrap_index(int64_t i, int64_t d, const std::string& op, int axis) {
  if (i < -d || i >= d) index_error(op, i, d, axis);
  return i < 0 ? i + d : i;
}

int64_t prod(const std::vector<int64_t>& s, size_t b, size_t e) {
  int64_t p = 1;
  for (size_t i = b; i < e; ++i) p *= s[i];
  return p;
}

// ---- gather ----

Type gather_rel(const std::vector<ArgInfo>& args, const Attrs& attrs) {
  const TensorTypeNode& x = expect_tensor(args, 0, "gather");
  const TensorTypeNode& idx = expect_indices(args, 1, "gather");
  if (x.rank() == 0) throw TypeRelationError("gather: expected a tensor of rank >= 1, found " + tensor_str(x));
  size_t a = size_t(normalize_axis(attrs.get_int("axis"), x.rank(), "gather"));
  Shape out(x.shape.begin(), x.shape.begin() + long(a));
  out.insert(out.end(), idx.shape.begin(), idx.shape.end());
  out.insert(out.end(), x.shape.begin() + long(a) + 1, x.shape.end());
  return tensor_type(x.dtype, out);
}

std::vector<Tensor> gather_kernel(const std::vector<Tensor>& in, const Attrs& attrs) {
  const Tensor& x = in[0];
  std::vector<int64_t> idx = runtime_indices(in[1], "gather");
  size_t a = size_t(normalize_axis_runtime(attrs.get_int("axis"), x.rank(), "gather"));
  const auto& s = x.shape();
  std::vector<int64_t> out(s.begin(), s.begin() + long(a));
  out.insert(out.end(), in[1].shape().begin(), in[1].shape().end());
  out.insert(out.end(), s.begin() + long(a) + 1, s.end());
  Tensor r(x.dtype(), out);
  const int64_t outer = prod(s, 0, a), d = s[a];
  const size_t row = size_t(prod(s, a + 1, s.size())) * dtype_size(x.dtype());
  for (int64_t& i : idx) i = wrap_index(i, d, "gather", int(a));
  const auto* src = static_cast<const uint8_t*>(x.raw());
  auto* dst = static_cast<uint8_t*>(r.raw());
  if (row == 0) return {r};
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t i : idx) {
      std::memcpy(dst, src + size_t(o * d + i) * row, row);
      dst += row;
    }
  return {r};
}

// ---- gather_elements / scatter_elements: an index tensor as large as the result ----

// For each element of the index tensor (shape `is`), the flat offset into x (shape `xs`)
// it addresses: its own coordinates, with the axis coordinate replaced by the index.
std::vector<int64_t> element_offsets(const std::vector<int64_t>& xs, const std::vector<int64_t>& is,
                                     const std::vector<int64_t>& idx, size_t a, const std::string& op) {
  if (xs.size() != is.size())
    throw RuntimeError(Msg() << op << ": indices " << shape_str(is) << " must have the rank of the data " << shape_str(xs));
  for (size_t k = 0; k < xs.size(); ++k)
    if (k != a && is[k] > xs[k])
      throw RuntimeError(Msg() << op << ": indices " << shape_str(is) << " exceed the data " << shape_str(xs) << " in dim " << k);
  std::vector<int64_t> st = contiguous_strides(xs), offs(idx.size());
  std::vector<int64_t> c(is.size(), 0);
  int64_t base = 0;  // offset of c without the axis term
  for (size_t n = 0; n < idx.size(); ++n) {
    offs[n] = base + wrap_index(idx[n], xs[a], op, int(a)) * st[a];
    for (int k = int(is.size()) - 1; k >= 0; --k) {
      size_t u = size_t(k);
      if (u != a) base += st[u];
      if (++c[u] < is[u]) break;
      if (u != a) base -= st[u] * is[u];
      c[u] = 0;
    }
  }
  return offs;
}

Type gather_elements_rel(const std::vector<ArgInfo>& args, const Attrs& attrs) {
  const TensorTypeNode& x = expect_tensor(args, 0, "gather_elements");
  const TensorTypeNode& idx = expect_indices(args, 1, "gather_elements");
  if (x.rank() == 0 || idx.rank() != x.rank())
    throw TypeRelationError(Msg() << "gather_elements: indices must have the rank of the data (>= 1), found data "
                                  << tensor_str(x) << " and indices " << tensor_str(idx));
  normalize_axis(attrs.get_int("axis"), x.rank(), "gather_elements");
  return tensor_type(x.dtype, idx.shape);
}

std::vector<Tensor> gather_elements_kernel(const std::vector<Tensor>& in, const Attrs& attrs) {
  const Tensor& x = in[0];
  size_t a = size_t(normalize_axis_runtime(attrs.get_int("axis"), x.rank(), "gather_elements"));
  std::vector<int64_t> offs =
      element_offsets(x.shape(), in[1].shape(), runtime_indices(in[1], "gather_elements"), a, "gather_elements");
  Tensor r(x.dtype(), in[1].shape());
  dispatch_elem_size(dtype_size(x.dtype()), [&](auto tag) {
    using U = typename decltype(tag)::type;
    const U* s = static_cast<const U*>(x.raw());
    U* d = static_cast<U*>(r.raw());
    for (size_t n = 0; n < offs.size(); ++n) d[n] = s[offs[n]];
  });
  return {r};
}

// ---- gather_nd ----

Type gather_nd_rel(const std::vector<ArgInfo>& args, const Attrs& attrs) {
  const TensorTypeNode& x = expect_tensor(args, 0, "gather_nd");
  const TensorTypeNode& idx = expect_indices(args, 1, "gather_nd");
  int64_t b = attrs.get_int("batch_dims");
  if (idx.rank() < 1 || !idx.shape.back().is_static())
    throw TypeRelationError(Msg() << "gather_nd: indices must have a static last dim, found " << tensor_str(idx));
  int64_t k = idx.shape.back().value();
  if (b < 0 || b >= idx.rank() || b + k > x.rank())
    throw TypeRelationError(Msg() << "gather_nd: batch_dims " << b << " + index length " << k << " must be <= the rank of "
                                  << tensor_str(x) << ", with batch_dims < the rank of " << tensor_str(idx));
  for (int64_t i = 0; i < b; ++i)
    unify_dims(x.shape[size_t(i)], idx.shape[size_t(i)], "gather_nd", Msg() << "batch dim " << i << " of indices");
  Shape out(idx.shape.begin(), idx.shape.end() - 1);
  out.insert(out.end(), x.shape.begin() + long(b + k), x.shape.end());
  return tensor_type(x.dtype, out);
}

// Flat offsets (into x) of the slices addressed by index rows [.., k] with b batch dims.
std::vector<int64_t> nd_offsets(const std::vector<int64_t>& xs, const std::vector<int64_t>& is, const std::vector<int64_t>& idx,
                                size_t b, const std::string& op) {
  if (is.empty()) throw RuntimeError(op + ": indices must have rank >= 1");
  size_t k = size_t(is.back());
  if (b >= is.size() || b + k > xs.size())
    throw RuntimeError(Msg() << op << ": indices " << shape_str(is) << " do not fit data " << shape_str(xs));
  for (size_t i = 0; i < b; ++i)
    if (xs[i] != is[i]) throw RuntimeError(Msg() << op << ": batch dim " << i << " of indices " << shape_str(is)
                                                 << " differs from the data " << shape_str(xs));
  std::vector<int64_t> st = contiguous_strides(xs);
  const int64_t batches = prod(is, 0, b), per_batch = prod(is, b, is.size() - 1), batch_stride = prod(xs, b, xs.size());
  std::vector<int64_t> offs;
  offs.reserve(size_t(batches * per_batch));
  const int64_t* p = idx.data();
  for (int64_t bi = 0; bi < batches; ++bi)
    for (int64_t n = 0; n < per_batch; ++n) {
      int64_t off = bi * batch_stride;
      for (size_t j = 0; j < k; ++j) off += wrap_index(*p++, xs[b + j], op, int(b + j)) * st[b + j];
      offs.push_back(off);
    }
  return offs;
}

std::vector<Tensor> gather_nd_kernel(const std::vector<Tensor>& in, const Attrs& attrs) {
  const Tensor& x = in[0];
  const auto& is = in[1].shape();
  size_t b = size_t(attrs.get_int("batch_dims"));
  std::vector<int64_t> offs = nd_offsets(x.shape(), is, runtime_indices(in[1], "gather_nd"), b, "gather_nd");
  std::vector<int64_t> out(is.begin(), is.end() - 1);
  out.insert(out.end(), x.shape().begin() + long(b + size_t(is.back())), x.shape().end());
  Tensor r(x.dtype(), out);
  const size_t esz = dtype_size(x.dtype());
  const int64_t slice = prod(x.shape(), b + size_t(is.back()), x.shape().size());
  for (size_t n = 0; n < offs.size(); ++n)
    if (slice)
      std::memcpy(static_cast<uint8_t*>(r.raw()) + n * size_t(slice) * esz,
                  static_cast<const uint8_t*>(x.raw()) + size_t(offs[n]) * esz, size_t(slice) * esz);
  return {r};
}

// ---- scatter ----

void check_reduction(const std::string& r, const std::string& op) {
  if (r != "none" && r != "add" && r != "mul" && r != "max" && r != "min")
    throw TypeRelationError(op + ": reduction must be \"none\", \"add\", \"mul\", \"max\" or \"min\", found \"" + r + "\"");
}

template <typename C>
C combine(C a, C b, char r) {
  switch (r) {
    case 'a': return C(a + b);
    case 'm': return C(a * b);
    case 'x': return a != a ? a : b != b ? b : (a < b ? b : a);  // max, NaN propagates
    default: return a != a ? a : b != b ? b : (b < a ? b : a);   // min
  }
}

// out = x; then out[offs[n] + j] (op)= updates[n * len + j] for every update row n.
Tensor scatter_rows(const Tensor& x, const Tensor& upd, const std::vector<int64_t>& offs, int64_t len,
                    const std::string& reduction) {
  Tensor out = x.clone();
  if (reduction == "none") {
    dispatch_elem_size(dtype_size(x.dtype()), [&](auto tag) {
      using U = typename decltype(tag)::type;
      U* d = static_cast<U*>(out.raw());
      const U* u = static_cast<const U*>(upd.raw());
      for (size_t n = 0; n < offs.size(); ++n)
        for (int64_t j = 0; j < len; ++j) d[offs[n] + j] = u[int64_t(n) * len + j];
    });
    return out;
  }
  char r = reduction == "add" ? 'a' : reduction == "mul" ? 'm' : reduction == "max" ? 'x' : 'n';
  dispatch_dtype(x.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    using C = compute_t<T>;
    T* d = out.data<T>();
    const T* u = upd.data<T>();
    for (size_t n = 0; n < offs.size(); ++n)
      for (int64_t j = 0; j < len; ++j) {
        T& t = d[offs[n] + j];
        t = T(combine<C>(C(t), C(u[int64_t(n) * len + j]), r));
      }
  });
  return out;
}

Type scatter_elements_rel(const std::vector<ArgInfo>& args, const Attrs& attrs) {
  const TensorTypeNode& x = expect_tensor(args, 0, "scatter_elements");
  const TensorTypeNode& idx = expect_indices(args, 1, "scatter_elements");
  const TensorTypeNode& upd = expect_tensor(args, 2, "scatter_elements");
  check_reduction(attrs.get_string("reduction"), "scatter_elements");
  if (upd.dtype != x.dtype)
    throw TypeRelationError(Msg() << "scatter_elements: updates must have the data's dtype " << dtype_name(x.dtype) << ", found "
                                  << tensor_str(upd));
  if (x.rank() == 0 || idx.rank() != x.rank() || upd.rank() != x.rank())
    throw TypeRelationError(Msg() << "scatter_elements: data, indices and updates must have one rank >= 1, found "
                                  << tensor_str(x) << ", " << tensor_str(idx) << " and " << tensor_str(upd));
  for (size_t k = 0; k < idx.shape.size(); ++k)
    unify_dims(idx.shape[k], upd.shape[k], "scatter_elements", Msg() << "dim " << k << " of updates");
  normalize_axis(attrs.get_int("axis"), x.rank(), "scatter_elements");
  return args[0].type;
}

std::vector<Tensor> scatter_elements_kernel(const std::vector<Tensor>& in, const Attrs& attrs) {
  const Tensor &x = in[0], &upd = in[2];
  size_t a = size_t(normalize_axis_runtime(attrs.get_int("axis"), x.rank(), "scatter_elements"));
  if (upd.shape() != in[1].shape() || upd.dtype() != x.dtype())
    throw RuntimeError(Msg() << "scatter_elements: updates " << dtype_name(upd.dtype()) << shape_str(upd.shape())
                             << " must match the indices' shape " << shape_str(in[1].shape()) << " and the data's dtype");
  std::vector<int64_t> offs =
      element_offsets(x.shape(), in[1].shape(), runtime_indices(in[1], "scatter_elements"), a, "scatter_elements");
  return {scatter_rows(x, upd, offs, 1, attrs.get_string("reduction"))};
}

Type scatter_nd_rel(const std::vector<ArgInfo>& args, const Attrs& attrs) {
  const TensorTypeNode& x = expect_tensor(args, 0, "scatter_nd");
  const TensorTypeNode& idx = expect_indices(args, 1, "scatter_nd");
  const TensorTypeNode& upd = expect_tensor(args, 2, "scatter_nd");
  check_reduction(attrs.get_string("reduction"), "scatter_nd");
  if (upd.dtype != x.dtype)
    throw TypeRelationError(Msg() << "scatter_nd: updates must have the data's dtype " << dtype_name(x.dtype) << ", found "
                                  << tensor_str(upd));
  if (idx.rank() < 1 || !idx.shape.back().is_static() || idx.shape.back().value() > x.rank())
    throw TypeRelationError(Msg() << "scatter_nd: indices must have a static last dim <= the data's rank, found data "
                                  << tensor_str(x) << " and indices " << tensor_str(idx));
  Shape want(idx.shape.begin(), idx.shape.end() - 1);
  want.insert(want.end(), x.shape.begin() + long(idx.shape.back().value()), x.shape.end());
  if (want.size() != upd.shape.size())
    throw TypeRelationError(Msg() << "scatter_nd: updates must have shape " << shape_str(want) << ", found " << tensor_str(upd));
  for (size_t k = 0; k < want.size(); ++k) unify_dims(want[k], upd.shape[k], "scatter_nd", Msg() << "dim " << k << " of updates");
  return args[0].type;
}

std::vector<Tensor> scatter_nd_kernel(const std::vector<Tensor>& in, const Attrs& attrs) {
  const Tensor &x = in[0], &upd = in[2];
  const auto& is = in[1].shape();
  std::vector<int64_t> offs = nd_offsets(x.shape(), is, runtime_indices(in[1], "scatter_nd"), 0, "scatter_nd");
  std::vector<int64_t> want(is.begin(), is.end() - 1);
  want.insert(want.end(), x.shape().begin() + long(is.back()), x.shape().end());
  if (upd.shape() != want || upd.dtype() != x.dtype())
    throw RuntimeError(Msg() << "scatter_nd: updates must be " << dtype_name(x.dtype()) << shape_str(want) << ", found "
                             << dtype_name(upd.dtype()) << shape_str(upd.shape()));
  return {scatter_rows(x, upd, offs, prod(x.shape(), size_t(is.back()), x.shape().size()), attrs.get_string("reduction"))};
}

// ---- CPU emitter pieces ----------------------------------------------------------------------
// Each op's shape function calls the runtime's <op>_shape (which checks the dims of the
// indices and updates; the kernel checks the index values), which its kernel calls too.

// "<float, int64_t>": the data and index element types of a gather/scatter call.
std::string data_index_types(const CpuEmitArgs& a, const std::string& op) {
  return "<" + cpu_ctype(a.arg_dtypes[0], op) + ", " + cpu_ctype(a.arg_dtypes[1], op) + ">";
}

// "weft_rt::<op><T, I>(x, indices, axis)": gather and gather_elements.
std::string gather_call(const CpuEmitArgs& a, const std::string& op) {
  return "weft_rt::" + op + data_index_types(a, op) + "(" + a.args[0] + ", " + a.args[1] + ", " +
         std::to_string(cpu_axis(a.attrs->get_int("axis"), a.arg_ranks[0])) + ")";
}

std::string scatter_reduce(const Attrs& attrs) {
  const std::string& r = attrs.get_string("reduction");
  const char* e = r == "add" ? "Add" : r == "mul" ? "Mul" : r == "max" ? "Max" : r == "min" ? "Min" : "None";
  return std::string("weft_rt::ScatterReduce::") + e;
}

const auto cpu_axis_of = [](const CpuEmitArgs& a) { return std::to_string(cpu_axis(a.attrs->get_int("axis"), a.arg_ranks[0])); };
// "weft_rt::Shapes{weft_rt::<op>_shape(x.shape(), idx.shape()[, upd.shape()], <last>)}".
const auto cpu_shapes_of = [](const CpuEmitArgs& a, const std::string& op, size_t n, const std::string& last) {
  std::string s = "weft_rt::" + op + "_shape(";
  for (size_t i = 0; i < n; ++i) s += a.args[i] + ".shape(), ";
  return cpu_shapes({last.empty() ? s.substr(0, s.size() - 2) + ")" : s + last + ")"});
};

}  // namespace

void register_shape_gather_ops(OpRegistry& reg) {
  reg.add("gather")
      .gradient(vjp::pick_gradient("gather"))
      .doc("gather(x, indices: i64): x's slices along axis at indices; the result is x[:axis] + indices + x[axis+1:]")
      .raises_on_values("an index out of range")
      .inputs(2)
      .attr("axis", AttrKind::Int, int64_t(0), "in [-rank, rank)")
      .pattern(OpPattern::Injective)
      .type_relation(gather_rel)
      .kernel(gather_kernel)
      .shape_cpu([](const CpuEmitArgs& a) { return cpu_shapes_of(a, "gather", 2, cpu_axis_of(a)); })
      .emit_cpu([](const CpuEmitArgs& a) { return gather_call(a, "gather"); });
  reg.add("gather_elements")
      .gradient(vjp::pick_gradient("gather_elements"))
      .doc("gather_elements(x, indices: i64, same rank): out[i] = x[i with i[axis] = indices[i]]")
      .raises_on_values("an index out of range")
      .inputs(2)
      .attr("axis", AttrKind::Int, int64_t(0), "in [-rank, rank)")
      .pattern(OpPattern::Injective)
      .type_relation(gather_elements_rel)
      .kernel(gather_elements_kernel)
      .shape_cpu([](const CpuEmitArgs& a) { return cpu_shapes_of(a, "gather_elements", 2, cpu_axis_of(a)); })
      .emit_cpu([](const CpuEmitArgs& a) { return gather_call(a, "gather_elements"); });
  reg.add("gather_nd")
      .gradient(vjp::pick_gradient("gather_nd"))
      .doc("gather_nd(x, indices: i64[..., k]): x's slices at the k-tuples of indices (ONNX GatherND)")
      .raises_on_values("an index out of range")
      .inputs(2)
      .attr("batch_dims", AttrKind::Int, int64_t(0), "leading dims shared by x and indices")
      .pattern(OpPattern::Injective)
      .type_relation(gather_nd_rel)
      .kernel(gather_nd_kernel)
      .shape_cpu([](const CpuEmitArgs& a) { return cpu_shapes_of(a, "gather_nd", 2, std::to_string(a.attrs->get_int("batch_dims"))); })
      .emit_cpu([](const CpuEmitArgs& a) {
        return "weft_rt::gather_nd" + data_index_types(a, "gather_nd") + "(" + a.args[0] + ", " + a.args[1] + ", " +
               std::to_string(a.attrs->get_int("batch_dims")) + ")";
      });
  reg.add("scatter_elements")
      .gradient(vjp::scatter_gradient("gather_elements"))
      .doc("scatter_elements(x, indices: i64, updates): x with x[i with i[axis] = indices[i]] (reduction)= updates[i]")
      .raises_on_values("an index out of range")
      .inputs(3)
      .attr("axis", AttrKind::Int, int64_t(0), "in [-rank, rank)")
      .attr("reduction", AttrKind::String, std::string("none"), "\"none\", \"add\", \"mul\", \"max\" or \"min\"")
      .pattern(OpPattern::Opaque)
      .type_relation(scatter_elements_rel)
      .kernel(scatter_elements_kernel)
      .shape_cpu([](const CpuEmitArgs& a) { return cpu_shapes_of(a, "scatter_elements", 3, cpu_axis_of(a)); })
      .emit_cpu([](const CpuEmitArgs& a) {
        return "weft_rt::scatter_elements" + data_index_types(a, "scatter_elements") + "(" + a.args[0] + ", " + a.args[1] + ", " + a.args[2] +
               ", " + cpu_axis_of(a) + ", " + scatter_reduce(*a.attrs) + ")";
      });
  reg.add("scatter_nd")
      .gradient(vjp::scatter_gradient("gather_nd"))
      .doc("scatter_nd(x, indices: i64[..., k], updates): x with its slices at the k-tuples (reduction)= updates")
      .raises_on_values("an index out of range")
      .inputs(3)
      .attr("reduction", AttrKind::String, std::string("none"), "\"none\", \"add\", \"mul\", \"max\" or \"min\"")
      .pattern(OpPattern::Opaque)
      .type_relation(scatter_nd_rel)
      .kernel(scatter_nd_kernel)
      .shape_cpu([](const CpuEmitArgs& a) { return cpu_shapes_of(a, "scatter_nd", 3, ""); })
      .emit_cpu([](const CpuEmitArgs& a) {
        return "weft_rt::scatter_nd" + data_index_types(a, "scatter_nd") + "(" + a.args[0] + ", " + a.args[1] + ", " + a.args[2] + ", " +
               scatter_reduce(*a.attrs) + ")";
      });
}

}  // namespace weft::shape_ops
