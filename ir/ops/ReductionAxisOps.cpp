// ReductionAxisOps.cpp - operators along one axis: argmax/argmin, softmax/log_softmax, cumsum.
#include <cmath>
#include <limits>

#include "ir/ops/CpuEmit.h"
#include "ir/ops/ElementwiseKernels.h"
#include "ir/ops/GradientHelpers.h"

namespace weft {
namespace {

// A tensor seen as [outer, n, inner] around `axis`: element (o, k, j) is at (o*n + k)*inner + j.
struct AxisView {
  int64_t outer = 1, n = 1, inner = 1;
  AxisView(const std::vector<int64_t>& shape, int axis) {
    for (int i = 0; i < int(shape.size()); ++i)
      (i < axis ? outer : i == axis ? n : inner) *= shape[size_t(i)];
  }
  int64_t at(int64_t o, int64_t k, int64_t j) const { return (o * n + k) * inner + j; }
};

// ---- argmax / argmin -------------------------------------------------------------------------

// Index of the max (or min) along `axis`; the first NaN counts as the extreme, as in NumPy.
template <typename T>
void arg_extreme_kernel(const Tensor& in, Tensor& out, int axis, bool want_max, bool last, const std::string& op) {
  using C = compute_t<T>;
  AxisView v(in.shape(), axis);
  if (v.n == 0 && v.outer * v.inner > 0) throw RuntimeError(Msg() << op << ": cannot reduce an axis of size 0");
  const T* src = in.data<T>();
  int64_t* dst = out.data<int64_t>();
  for (int64_t o = 0; o < v.outer; ++o)
    for (int64_t j = 0; j < v.inner; ++j) {
      C best = C(src[v.at(o, 0, j)]);
      int64_t bi = 0;
      for (int64_t k = 1; k < v.n; ++k) {
        C x = C(src[v.at(o, k, j)]);
        bool take;
        if (is_nan_value(best)) take = last && is_nan_value(x);
        else if (is_nan_value(x)) take = true;
        else if (x == best) take = last;
        else take = want_max ? best < x : x < best;
        if (take) best = x, bi = k;
      }
      dst[o * v.inner + j] = bi;
    }
}

void add_arg_extreme(OpRegistry& reg, const std::string& name, bool want_max) {
  reg.add(name).doc(want_max ? "index of the largest element along axis (first NaN wins)"
                             : "index of the smallest element along axis (first NaN wins)")
      .inputs(1).pattern(OpPattern::Reduction)
      .attr("axis", AttrKind::Int, int64_t(0), "axis to reduce")
      .attr("keepdims", AttrKind::Bool, true, "keep the axis as a size-1 dim")
      .attr("select_last_index", AttrKind::Bool, false, "on ties, the last index instead of the first")
      .no_gradient("its result is an integer index")
      .type_relation([name](const std::vector<ArgInfo>& args, const Attrs& attrs) -> Type {
        const TensorTypeNode& t = expect_tensor_of(args, 0, Kinds::Any, name);
        int axis = normalize_axis(attrs.get_int("axis"), t.rank(), name);
        Shape s = t.shape;
        if (attrs.get_bool("keepdims")) s[size_t(axis)] = Dim(1);
        else s.erase(s.begin() + axis);
        return tensor_type(DType::I64, s);
      })
      .kernel([name, want_max](const std::vector<Tensor>& in, const Attrs& attrs) {
        int axis = normalize_axis_runtime(attrs.get_int("axis"), in[0].rank(), name);
        std::vector<int64_t> s = in[0].shape();
        if (attrs.get_bool("keepdims")) s[size_t(axis)] = 1;
        else s.erase(s.begin() + axis);
        Tensor out(DType::I64, s);
        const bool last = attrs.get_bool("select_last_index");
        dispatch_kinds<Kinds::Any>(in[0].dtype(), name, [&](auto tag) {
          arg_extreme_kernel<typename decltype(tag)::type>(in[0], out, axis, want_max, last, name);
        });
        return std::vector<Tensor>{out};
      })
      .shape_cpu([name](const CpuEmitArgs& a) {
        return cpu_shapes({"weft_rt::arg_extreme_shape(" + a.args[0] + ".shape(), " +
                           std::to_string(cpu_axis(a.attrs->get_int("axis"), a.arg_ranks[0])) + ", " +
                           (a.attrs->get_bool("keepdims") ? "true" : "false") + ", \"" + name + "\")"});
      })
      .emit_cpu([name](const CpuEmitArgs& a) {
        const Attrs& at = *a.attrs;
        return "weft_rt::" + name + "<" + cpu_ctype(a.arg_dtypes[0], name) + ">(" + a.args[0] + ", " +
               std::to_string(cpu_axis(at.get_int("axis"), a.arg_ranks[0])) + ", " +
               (at.get_bool("keepdims") ? "true" : "false") + ", " + (at.get_bool("select_last_index") ? "true" : "false") +
               ")";
      });
}

// ---- softmax / log_softmax -------------------------------------------------------------------

// e^(x - max) / sum, or (x - max) - log(sum), along `axis`; sums in double.
template <typename T>
void softmax_kernel(const Tensor& in, Tensor& out, int axis, bool log) {
  using C = compute_t<T>;
  AxisView v(in.shape(), axis);
  const T* src = in.data<T>();
  T* dst = out.data<T>();
  for (int64_t o = 0; o < v.outer; ++o)
    for (int64_t j = 0; j < v.inner; ++j) {
      double m = -std::numeric_limits<double>::infinity();
      for (int64_t k = 0; k < v.n; ++k) m = std::fmax(m, double(C(src[v.at(o, k, j)])));
      double s = 0;
      for (int64_t k = 0; k < v.n; ++k) s += std::exp(double(C(src[v.at(o, k, j)])) - m);
      const double ls = std::log(s);
      for (int64_t k = 0; k < v.n; ++k) {
        const double d = double(C(src[v.at(o, k, j)])) - m;
        dst[v.at(o, k, j)] = store<T>(log ? d - ls : std::exp(d) / s);
      }
    }
}

void add_softmax(OpRegistry& reg, const std::string& name, bool log) {
  reg.add(name).doc(log ? "log(softmax(x)) along axis, computed stably" : "e^x / sum(e^x) along axis, computed stably")
      .inputs(1).pattern(OpPattern::Opaque)
      .attr("axis", AttrKind::Int, int64_t(-1), "axis to normalize over")
      // softmax: y (dy - sum(dy y)); log_softmax: dy - e^y sum(dy), sums along axis.
      .gradient(vjp::first_arg_only([log](const GradientCall& c) {
        using namespace vjp;
        const Expr &y = c.result, &dy = c.cotangent;
        const Attrs sum{{"axes", std::vector<int64_t>{c.attrs->get_int("axis")}}, {"keepdims", true}};
        if (log) return sub(dy, mul(call("exp", {y}), call("reduce_sum", {dy}, sum)));
        return mul(y, sub(dy, call("reduce_sum", {mul(dy, y)}, sum)));
      }))
      .type_relation([name](const std::vector<ArgInfo>& args, const Attrs& attrs) -> Type {
        const TensorTypeNode& t = expect_tensor_of(args, 0, Kinds::Float, name);
        normalize_axis(attrs.get_int("axis"), t.rank(), name);
        return args[0].type;
      })
      .kernel([name, log](const std::vector<Tensor>& in, const Attrs& attrs) {
        int axis = normalize_axis_runtime(attrs.get_int("axis"), in[0].rank(), name);
        Tensor out(in[0].dtype(), in[0].shape());
        dispatch_kinds<Kinds::Float>(in[0].dtype(), name, [&](auto tag) {
          softmax_kernel<typename decltype(tag)::type>(in[0], out, axis, log);
        });
        return std::vector<Tensor>{out};
      })
      .shape_cpu(cpu_shape_of_arg(0))
      .emit_cpu([name](const CpuEmitArgs& a) {
        return "weft_rt::" + name + "<" + cpu_ctype(a.arg_dtypes[0], name) + ">(" + a.args[0] + ", " +
               std::to_string(cpu_axis(a.attrs->get_int("axis"), a.arg_ranks[0])) + ")";
      });
}

// ---- cumsum ----------------------------------------------------------------------------------

// Running sum along `axis` (floats accumulate in double, integers wrap).
template <typename T>
void cumsum_kernel(const Tensor& in, Tensor& out, int axis, bool exclusive, bool reverse) {
  using C = compute_t<T>;
  using A = std::conditional_t<std::is_floating_point_v<C>, double, uint64_t>;
  AxisView v(in.shape(), axis);
  const T* src = in.data<T>();
  T* dst = out.data<T>();
  for (int64_t o = 0; o < v.outer; ++o)
    for (int64_t j = 0; j < v.inner; ++j) {
      A acc = 0;
      for (int64_t i = 0; i < v.n; ++i) {
        const int64_t p = v.at(o, reverse ? v.n - 1 - i : i, j);
        const A x = A(C(src[p]));
        if (!exclusive) acc += x;
        dst[p] = store<T>(acc);
        if (exclusive) acc += x;
      }
    }
}

void add_cumsum(OpRegistry& reg) {
  reg.add("cumsum").doc("running sum along axis").inputs(1).pattern(OpPattern::Opaque)
      .attr("axis", AttrKind::Int, int64_t(0), "axis to sum along")
      .attr("exclusive", AttrKind::Bool, false, "each sum leaves out its own element")
      .attr("reverse", AttrKind::Bool, false, "sum from the end of the axis")
      // Each element's cotangent sums the cotangents of the running sums it is part of: the same
      // running sum taken from the other end.
      .gradient(vjp::first_arg_only([](const GradientCall& c) {
        Attrs back = *c.attrs;
        back.set("reverse", !c.attrs->get_bool("reverse"));
        return vjp::call("cumsum", {c.cotangent}, back);
      }))
      .type_relation([](const std::vector<ArgInfo>& args, const Attrs& attrs) -> Type {
        const TensorTypeNode& t = expect_tensor_of(args, 0, Kinds::Numeric, "cumsum");
        normalize_axis(attrs.get_int("axis"), t.rank(), "cumsum");
        return args[0].type;
      })
      .kernel([](const std::vector<Tensor>& in, const Attrs& attrs) {
        int axis = normalize_axis_runtime(attrs.get_int("axis"), in[0].rank(), "cumsum");
        Tensor out(in[0].dtype(), in[0].shape());
        dispatch_kinds<Kinds::Numeric>(in[0].dtype(), "cumsum", [&](auto tag) {
          cumsum_kernel<typename decltype(tag)::type>(in[0], out, axis, attrs.get_bool("exclusive"), attrs.get_bool("reverse"));
        });
        return std::vector<Tensor>{out};
      })
      .shape_cpu(cpu_shape_of_arg(0))
      .emit_cpu([](const CpuEmitArgs& a) {
        const Attrs& at = *a.attrs;
        return "weft_rt::cumsum<" + cpu_ctype(a.arg_dtypes[0], "cumsum") + ">(" + a.args[0] + ", " +
               std::to_string(cpu_axis(at.get_int("axis"), a.arg_ranks[0])) + ", " +
               (at.get_bool("exclusive") ? "true" : "false") + ", " + (at.get_bool("reverse") ? "true" : "false") + ")";
      });
}

}  // namespace

void register_reduction_axis_ops(OpRegistry& reg) {
  add_arg_extreme(reg, "argmax", true);
  add_arg_extreme(reg, "argmin", false);
  add_softmax(reg, "softmax", false);
  add_softmax(reg, "log_softmax", true);
  add_cumsum(reg);
}

}  // namespace weft
