// MiscSortOps.cpp - topk and sort along an axis: values plus i64 indices, ties to the lower index.
#include <algorithm>
#include <cmath>
#include <numeric>

#include "ir/ops/CpuEmit.h"
#include "ir/ops/NnGradients.h"
#include "ir/ops/ShapeCommon.h"

namespace weft::shape_ops {
namespace {

// NaN orders above every number (as torch does), so comparisons stay a strict weak order.
template <typename C>
bool less_nan_last(C a, C b) {
  if constexpr (std::is_floating_point_v<C>) {
    if (std::isnan(a)) return false;
    if (std::isnan(b)) return true;
  }
  return a < b;
}

// Sorts every lane of x along `axis` (descending or not; equal values keep index order) and
// writes the first k of each lane into values and indices.
void sort_lanes(const Tensor& x, int axis, int64_t k, bool descending, Tensor* values, Tensor* indices) {
  const auto& s = x.shape();
  int64_t outer = 1, inner = 1, d = s[size_t(axis)];
  for (size_t i = 0; i < s.size(); ++i)
    if (int(i) < axis) outer *= s[i];
    else if (int(i) > axis) inner *= s[i];
  std::vector<int64_t> os = s;
  os[size_t(axis)] = k;
  *values = Tensor(x.dtype(), os);
  *indices = Tensor(DType::I64, os);
  int64_t* oi = indices->data<int64_t>();
  dispatch_dtype(x.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    using C = compute_t<T>;
    const T* src = x.data<T>();
    T* ov = values->data<T>();
    std::vector<C> lane(static_cast<size_t>(d));
    std::vector<int64_t> order(static_cast<size_t>(d));
    auto before = [&](int64_t a, int64_t b) {
      C va = lane[size_t(a)], vb = lane[size_t(b)];
      bool lt = descending ? less_nan_last(vb, va) : less_nan_last(va, vb);
      bool gt = descending ? less_nan_last(va, vb) : less_nan_last(vb, va);
      return lt || (!gt && a < b);
    };
    for (int64_t o = 0; o < outer; ++o)
      for (int64_t i = 0; i < inner; ++i) {
        const int64_t base = o * d * inner + i;
        for (int64_t j = 0; j < d; ++j) lane[size_t(j)] = C(src[base + j * inner]);
        std::iota(order.begin(), order.end(), int64_t(0));
        if (k < d) std::partial_sort(order.begin(), order.begin() + k, order.end(), before);
        else std::sort(order.begin(), order.end(), before);
        const int64_t obase = o * k * inner + i;
        for (int64_t j = 0; j < k; ++j) {
          ov[obase + j * inner] = src[base + order[size_t(j)] * inner];
          oi[obase + j * inner] = order[size_t(j)];
        }
      }
  });
}

Type sorted_pair(DType dt, const Shape& s) { return tuple_type({tensor_type(dt, s), tensor_type(DType::I64, s)}); }

Type topk_rel(const std::vector<ArgInfo>& args, const Attrs& attrs) {
  const TensorTypeNode& x = expect_tensor(args, 0, "topk");
  const TensorTypeNode& kt = expect_int_operand(args, 1, "topk", "k", true);
  if (kt.rank() == 1 && kt.shape[0] != Dim(1))
    throw TypeRelationError("topk: k must be a scalar or a 1-element tensor, found " + tensor_str(kt));
  if (x.rank() == 0) throw TypeRelationError("topk: expected a tensor of rank >= 1, found " + tensor_str(x));
  size_t a = size_t(normalize_axis(attrs.get_int("axis"), x.rank(), "topk"));
  Shape out = x.shape;
  std::vector<int64_t> k;
  if (const_ints(args, 1, &k)) {
    if (k[0] < 0 || (out[a].is_static() && k[0] > out[a].value()))
      throw TypeRelationError(Msg() << "topk: k = " << k[0] << " must be in [0, " << out[a].str() << "] for axis " << a
                                    << " of " << tensor_str(x));
    out[a] = Dim(k[0]);
  } else {
    out[a] = Dim::unknown();
  }
  return sorted_pair(x.dtype, out);
}

std::vector<Tensor> topk_kernel(const std::vector<Tensor>& in, const Attrs& attrs) {
  const Tensor& x = in[0];
  int axis = normalize_axis_runtime(attrs.get_int("axis"), x.rank(), "topk");
  std::vector<int64_t> k = int_operand(in[1], "topk", "k");
  if (k.size() != 1) throw RuntimeError("topk: k must hold one element");
  if (k[0] < 0 || k[0] > x.shape()[size_t(axis)])
    throw RuntimeError(Msg() << "topk: k = " << k[0] << " is out of range for axis " << axis << " of size " << x.shape()[size_t(axis)]);
  Tensor v, i;
  sort_lanes(x, axis, k[0], attrs.get_bool("largest"), &v, &i);
  return {v, i};
}

Type sort_rel(const std::vector<ArgInfo>& args, const Attrs& attrs) {
  const TensorTypeNode& x = expect_tensor(args, 0, "sort");
  if (x.rank() == 0) throw TypeRelationError("sort: expected a tensor of rank >= 1, found " + tensor_str(x));
  normalize_axis(attrs.get_int("axis"), x.rank(), "sort");
  return sorted_pair(x.dtype, x.shape);
}

std::vector<Tensor> sort_kernel(const std::vector<Tensor>& in, const Attrs& attrs) {
  const Tensor& x = in[0];
  int axis = normalize_axis_runtime(attrs.get_int("axis"), x.rank(), "sort");
  Tensor v, i;
  sort_lanes(x, axis, x.shape()[size_t(axis)], attrs.get_bool("descending"), &v, &i);
  return {v, i};
}

}  // namespace

void register_misc_sort_ops(OpRegistry& reg) {
  reg.add("topk")
      .gradient(vjp::sorted_values_gradient())
      .doc("topk(x, k: i64 scalar): (values, indices: i64) of the k largest (or smallest) along axis, in order")
      .raises_on_values("k outside [0, the axis size]")
      .inputs(2)
      .attr("axis", AttrKind::Int, int64_t(-1), "in [-rank, rank)")
      .attr("largest", AttrKind::Bool, true, "the largest (else the smallest) k")
      .attr("sorted", AttrKind::Bool, true, "the result is always sorted; equal values keep the lower index first")
      .pattern(OpPattern::Opaque)
      .type_relation(topk_rel)
      .kernel(topk_kernel)
      .shape_cpu([](const CpuEmitArgs& a) {
        return "weft_rt::topk_shapes(" + a.args[0] + ", " + a.args[1] + ", " +
               std::to_string(cpu_axis(a.attrs->get_int("axis"), a.arg_ranks[0])) + ")";
      })
      .emit_cpu([](const CpuEmitArgs& a) {
        return "weft_rt::topk<" + cpu_ctype(a.arg_dtypes[0], "topk") + ">(" + a.args[0] + ", " + a.args[1] + ", " +
               std::to_string(cpu_axis(a.attrs->get_int("axis"), a.arg_ranks[0])) + ", " +
               (a.attrs->get_bool("largest") ? "true" : "false") + ")";
      });
  reg.add("sort")
      .gradient(vjp::sorted_values_gradient())
      .doc("sort(x): (values, indices: i64) along axis; NaN sorts above every number")
      .inputs(1)
      .attr("axis", AttrKind::Int, int64_t(-1), "in [-rank, rank)")
      .attr("descending", AttrKind::Bool, false, "largest first")
      .attr("stable", AttrKind::Bool, true, "equal values keep their order (always the case here)")
      .pattern(OpPattern::Opaque)
      .type_relation(sort_rel)
      .kernel(sort_kernel)
      .shape_cpu([](const CpuEmitArgs& a) { return cpu_shape_same(a); }).emit_cpu([](const CpuEmitArgs& a) {
        return "weft_rt::sort<" + cpu_ctype(a.arg_dtypes[0], "sort") + ">(" + a.args[0] + ", " +
               std::to_string(cpu_axis(a.attrs->get_int("axis"), a.arg_ranks[0])) + ", " +
               (a.attrs->get_bool("descending") ? "true" : "false") + ")";
      });
}

}  // namespace weft::shape_ops
