// MiscOps.cpp - generators and masks: range, one_hot, non_zero, trilu; registers topk, sort, resize.
#include <cmath>
#include <cstring>

#include "ir/ops/AllOps.h"
#include "ir/ops/CpuEmit.h"
#include "ir/ops/NnGradients.h"
#include "ir/ops/ShapeCommon.h"

namespace weft {
using namespace shape_ops;
namespace {

// A scalar operand: rank 0 or a single-element 1-D tensor.
const TensorTypeNode& expect_scalar(const std::vector<ArgInfo>& args, size_t i, const std::string& op, const std::string& what) {
  const TensorTypeNode& t = expect_tensor(args, i, op);
  if (t.rank() > 1 || (t.rank() == 1 && t.shape[0] != Dim(1)))
    throw TypeRelationError(Msg() << op << ": " << what << " must be a scalar, found " << tensor_str(t));
  return t;
}

void check_scalar(const Tensor& t, const std::string& op, const std::string& what) {
  if (t.numel() != 1) throw RuntimeError(Msg() << op << ": " << what << " must hold one element, found " << shape_str(t.shape()));
}

// ---- range ----

int64_t range_length(const Tensor& start, const Tensor& limit, const Tensor& delta, bool runtime) {
  auto bad = [&](const std::string& m) {
    if (runtime) throw RuntimeError("range: " + m);
    throw TypeRelationError("range: " + m);
  };
  if (is_float(start.dtype())) {
    double s = start.as_double(), l = limit.as_double(), d = delta.as_double();
    if (d == 0 || !std::isfinite(s) || !std::isfinite(l) || !std::isfinite(d)) bad("start, limit and delta must be finite, delta != 0");
    return std::max<int64_t>(0, int64_t(std::ceil((l - s) / d)));
  }
  int64_t s = start.as_int(), l = limit.as_int(), d = delta.as_int();
  if (d == 0) bad("delta must not be 0");
  int64_t diff = l - s;
  if (d > 0) return diff > 0 ? (diff + d - 1) / d : 0;
  return diff < 0 ? (diff + d + 1) / d : 0;
}

Type range_rel(const std::vector<ArgInfo>& args, const Attrs&) {
  const char* names[] = {"start", "limit", "delta"};
  for (size_t i = 0; i < 3; ++i) expect_scalar(args, i, "range", names[i]);
  DType dt = expect_same_dtype(args, "range");
  if (dt == DType::Bool) throw TypeRelationError("range: expected a numeric dtype, found bool");
  if (args[0].value && args[1].value && args[2].value)
    return tensor_type(dt, {Dim(range_length(*args[0].value, *args[1].value, *args[2].value, false))});
  return tensor_type(dt, {Dim::unknown()});
}

std::vector<Tensor> range_kernel(const std::vector<Tensor>& in, const Attrs&) {
  for (size_t i = 0; i < 3; ++i) check_scalar(in[i], "range", "each operand");
  int64_t n = range_length(in[0], in[1], in[2], true);
  Tensor out(in[0].dtype(), {n});
  dispatch_dtype(in[0].dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    T* d = out.data<T>();
    if constexpr (std::is_integral_v<T>) {
      int64_t s = in[0].as_int(), step = in[2].as_int();
      for (int64_t i = 0; i < n; ++i) d[i] = T(s + i * step);
    } else {
      double s = in[0].as_double(), step = in[2].as_double();
      for (int64_t i = 0; i < n; ++i) d[i] = T(compute_t<T>(s + double(i) * step));
    }
  });
  return {out};
}

// ---- one_hot ----

Type one_hot_rel(const std::vector<ArgInfo>& args, const Attrs& attrs) {
  const TensorTypeNode& idx = expect_tensor(args, 0, "one_hot");
  const TensorTypeNode& depth = expect_scalar(args, 1, "one_hot", "depth");
  const TensorTypeNode& vals = expect_tensor(args, 2, "one_hot");
  if (idx.dtype == DType::Bool || depth.dtype == DType::Bool)
    throw TypeRelationError("one_hot: indices and depth must be numeric, found " + tensor_str(idx) + " and " + tensor_str(depth));
  if (vals.rank() != 1 || vals.shape[0] != Dim(2))
    throw TypeRelationError("one_hot: values must be [off, on], a 1-D tensor of 2 elements, found " + tensor_str(vals));
  int r = idx.rank() + 1;
  int64_t axis = attrs.get_int("axis");
  size_t a = size_t(normalize_axis(axis, r, "one_hot"));
  Dim d = Dim::unknown();
  if (args[1].value) {
    int64_t dv = int64_t(args[1].value->as_double());
    if (dv < 1) throw TypeRelationError(Msg() << "one_hot: depth must be >= 1, found " << dv);
    d = Dim(dv);
  }
  Shape out = idx.shape;
  out.insert(out.begin() + long(a), d);
  return tensor_type(vals.dtype, out);
}

std::vector<Tensor> one_hot_kernel(const std::vector<Tensor>& in, const Attrs& attrs) {
  const Tensor &idx = in[0], &vals = in[2];
  check_scalar(in[1], "one_hot", "depth");
  if (vals.numel() != 2) throw RuntimeError("one_hot: values must hold 2 elements [off, on]");
  int64_t depth = int64_t(in[1].as_double());
  if (depth < 1) throw RuntimeError(Msg() << "one_hot: depth must be >= 1, found " << depth);
  size_t a = size_t(normalize_axis_runtime(attrs.get_int("axis"), idx.rank() + 1, "one_hot"));
  std::vector<int64_t> shape = idx.shape();
  shape.insert(shape.begin() + long(a), depth);
  int64_t outer = 1, inner = 1;
  for (size_t k = 0; k < idx.shape().size(); ++k) (k < a ? outer : inner) *= idx.shape()[k];
  Tensor out(vals.dtype(), shape);
  dispatch_elem_size(dtype_size(vals.dtype()), [&](auto tag) {
    using U = typename decltype(tag)::type;
    const U* v = static_cast<const U*>(vals.raw());
    U* d = static_cast<U*>(out.raw());
    std::fill(d, d + out.numel(), v[0]);
    for (int64_t o = 0; o < outer; ++o)
      for (int64_t i = 0; i < inner; ++i) {
        int64_t k = int64_t(idx.as_double(o * inner + i));  // out-of-range indices leave the row "off" (ONNX)
        if (k < 0) k += depth;
        if (k >= 0 && k < depth) d[(o * depth + k) * inner + i] = v[1];
      }
  });
  return {out};
}

// ---- non_zero ----

Type non_zero_rel(const std::vector<ArgInfo>& args, const Attrs&) {
  const TensorTypeNode& x = expect_tensor(args, 0, "non_zero");
  Dim count = Dim::unknown();
  if (args[0].value) {
    int64_t n = 0;
    for (int64_t i = 0; i < args[0].value->numel(); ++i) n += args[0].value->as_double(i) != 0;
    count = Dim(n);
  }
  return tensor_type(DType::I64, {Dim(std::max(x.rank(), 1)), count});
}

std::vector<Tensor> non_zero_kernel(const std::vector<Tensor>& in, const Attrs&) {
  const Tensor& x = in[0];
  std::vector<int64_t> hits;
  dispatch_dtype(x.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T* p = x.data<T>();
    for (int64_t i = 0; i < x.numel(); ++i)
      if (compute_t<T>(p[i]) != compute_t<T>(0)) hits.push_back(i);
  });
  std::vector<int64_t> shape = x.rank() ? x.shape() : std::vector<int64_t>{1};
  const int64_t r = int64_t(shape.size()), n = int64_t(hits.size());
  Tensor out(DType::I64, {r, n});
  int64_t* o = out.data<int64_t>();
  std::vector<int64_t> st = contiguous_strides(shape);
  for (int64_t j = 0; j < n; ++j)
    for (int64_t k = 0; k < r; ++k) o[k * n + j] = (hits[size_t(j)] / st[size_t(k)]) % shape[size_t(k)];
  return {out};
}

// ---- trilu ----

Type trilu_rel(const std::vector<ArgInfo>& args, const Attrs&) {
  const TensorTypeNode& x = expect_tensor(args, 0, "trilu");
  if (x.rank() < 2) throw TypeRelationError("trilu: expected a tensor of rank >= 2, found " + tensor_str(x));
  if (args.size() > 1) expect_int_operand(args, 1, "trilu", "k", true);
  return args[0].type;
}

std::vector<Tensor> trilu_kernel(const std::vector<Tensor>& in, const Attrs& attrs) {
  const Tensor& x = in[0];
  if (x.rank() < 2) throw RuntimeError("trilu: expected a tensor of rank >= 2, found " + shape_str(x.shape()));
  int64_t k = 0;
  if (in.size() > 1) {
    check_scalar(in[1], "trilu", "k");
    k = int_operand(in[1], "trilu", "k")[0];
  }
  bool upper = attrs.get_bool("upper");
  Tensor out = x.clone();
  const int64_t rows = x.dim(-2), cols = x.dim(-1), esz = int64_t(dtype_size(x.dtype()));
  const int64_t mats = rows * cols != 0 ? x.numel() / (rows * cols) : 0;
  auto* p = static_cast<uint8_t*>(out.raw());
  for (int64_t m = 0; m < mats; ++m)
    for (int64_t i = 0; i < rows; ++i) {
      // upper keeps j >= i + k; lower keeps j <= i + k. Zero bytes are 0 in every dtype.
      int64_t lo = upper ? 0 : std::clamp<int64_t>(i + k + 1, 0, cols);
      int64_t hi = upper ? std::clamp<int64_t>(i + k, 0, cols) : cols;
      if (hi > lo) std::memset(p + ((m * rows + i) * cols + lo) * esz, 0, size_t((hi - lo) * esz));
    }
  return {out};
}

}  // namespace

void register_misc_ops(OpRegistry& reg) {
  reg.add("range")
      .no_gradient("a sequence computed from its scalar bounds; its values are not differentiated")
      .doc("range(start, limit, delta: scalars of one numeric dtype): start + i*delta for i < ceil((limit-start)/delta)")
      .raises_on_values("a zero delta")
      .inputs(3)
      .pattern(OpPattern::Opaque)
      .type_relation(range_rel)
      .kernel(range_kernel)
      // Shape functions (weft_rt::*_shape in rt/Misc.h) read the operands' element type as given:
      // f16/bf16 are not widened for them.
      .shape_cpu([](const CpuEmitArgs& a) {
        return cpu_shapes({"weft_rt::range_shape<" + cpu_ctype(a.arg_dtypes[0], "range") + ">(" + a.args[0] + ", " + a.args[1] +
                           ", " + a.args[2] + ")"});
      })
      .emit_cpu([](const CpuEmitArgs& a) {
        return "weft_rt::range<" + cpu_ctype(a.result_dtype, "range") + ">(" + a.args[0] + ", " + a.args[1] + ", " + a.args[2] + ")";
      });
  reg.add("one_hot")
      .gradient(vjp::one_hot_gradient())
      .doc("one_hot(indices, depth: scalar, values: [off, on]): on where the new axis equals the index, off elsewhere")
      .raises_on_values("a depth below 1")
      .inputs(3)
      .attr("axis", AttrKind::Int, int64_t(-1), "position of the new axis, in [-rank-1, rank]")
      .pattern(OpPattern::Injective)
      .type_relation(one_hot_rel)
      .kernel(one_hot_kernel)
      .shape_cpu([](const CpuEmitArgs& a) {
        return cpu_shapes({"weft_rt::one_hot_shape(" + a.args[0] + ", " + a.args[1] + ", " + a.args[2] + ", " +
                           std::to_string(cpu_axis(a.attrs->get_int("axis"), a.result_rank)) + ")"});
      })
      .emit_cpu([](const CpuEmitArgs& a) {
        return "weft_rt::one_hot<" + cpu_ctype(a.result_dtype, "one_hot") + ", " + cpu_ctype(a.arg_dtypes[0], "one_hot") + ">(" +
               a.args[0] + ", " + a.args[1] + ", " + a.args[2] + ", " +
               std::to_string(cpu_axis(a.attrs->get_int("axis"), a.result_rank)) + ")";
      });
  reg.add("non_zero")
      .no_gradient("its result is integer coordinates")
      .doc("non_zero(x): i64[rank, n], the coordinates of x's n nonzero elements in row-major order")
      .inputs(1)
      .pattern(OpPattern::Opaque)
      .type_relation(non_zero_rel)
      .kernel(non_zero_kernel)
      .shape_cpu([](const CpuEmitArgs& a) {
        return cpu_shapes({"weft_rt::non_zero_shape(" + a.args[0] + ", weft_rt::count_nonzero<" +
                           cpu_ctype(a.arg_dtypes[0], "non_zero") + ">(" + a.args[0] + "))"});
      })
      .emit_cpu([](const CpuEmitArgs& a) {
        return "weft_rt::non_zero<" + cpu_ctype(a.arg_dtypes[0], "non_zero") + ">(" + a.args[0] + ")";
      });
  reg.add("trilu")
      .gradient(vjp::trilu_gradient())
      .doc("trilu(x, k?: i64 scalar): the upper (j >= i+k) or lower (j <= i+k) triangle of the last two dims, 0 elsewhere")
      .inputs(1, 2)
      .attr("upper", AttrKind::Bool, true, "keep the upper triangle")
      .pattern(OpPattern::Injective)
      .type_relation(trilu_rel)
      .kernel(trilu_kernel)
      .shape_cpu([](const CpuEmitArgs& a) { return cpu_shape_same(a); }).emit_cpu([](const CpuEmitArgs& a) {
        return "weft_rt::trilu<" + cpu_ctype(a.arg_dtypes[0], "trilu") + ">(" + a.args[0] + ", " + cpu_optional_arg(a, 1) + ", " +
               (a.attrs->get_bool("upper") ? "true" : "false") + ")";
      });
  register_misc_sort_ops(reg);
  register_misc_resize_ops(reg);
}

}  // namespace weft
