// ReductionOps.cpp - reduce_* operators over a set of axes (sum, mean, max, norms, log-sum-exp).
#include <cmath>
#include <limits>
#include <map>
#include <optional>
#include <string>

#include "ir/ops/AllOps.h"
#include "ir/ops/CpuEmit.h"
#include "ir/ops/ElementwiseKernels.h"
#include "ir/ops/GradientHelpers.h"

namespace weft {
namespace {

// Which axes a reduce_* call reduces. ONNX semantics: empty `axes` means every axis, unless
// noop_with_empty_axes, when the op is the identity.
struct ReducePlan {
  std::vector<bool> reduced;  // per input dim
  bool identity = false;
};

ReducePlan plan_reduce(const Attrs& attrs, int rank, const std::string& op, bool type_time) {
  const std::vector<int64_t>& axes = attrs.get_ints("axes");
  ReducePlan plan;
  plan.reduced.assign(size_t(rank), axes.empty());
  plan.identity = axes.empty() && attrs.get_bool("noop_with_empty_axes");
  if (plan.identity) plan.reduced.assign(size_t(rank), false);
  std::vector<bool> seen(size_t(rank), false);
  for (int64_t a : axes) {
    int ax = type_time ? normalize_axis(a, rank, op) : normalize_axis_runtime(a, rank, op);
    if (seen[size_t(ax)]) {
      std::string msg = Msg() << op << ": axis " << a << " is listed twice in axes";
      if (type_time) throw TypeRelationError(msg);
      throw RuntimeError(msg);
    }
    seen[size_t(ax)] = plan.reduced[size_t(ax)] = true;
  }
  return plan;
}

// The result dims: reduced dims become 1 (keepdims) or go; the others pass through.
template <typename D>
std::vector<D> reduced_shape(const std::vector<D>& in, const std::vector<bool>& reduced, bool keepdims) {
  std::vector<D> out;
  for (size_t i = 0; i < in.size(); ++i)
    if (!reduced[i]) out.push_back(in[i]);
    else if (keepdims) out.push_back(D(1));
  return out;
}

// Calls f(o, x) for every input element x (as compute_t<T>), o the flat index of the output
// element it reduces into. Iterates the input in order, row by row.
template <typename T, typename F>
void for_each_reduced(const Tensor& in, const std::vector<bool>& reduced, F&& f) {
  const std::vector<int64_t>& shape = in.shape();
  std::vector<int64_t> kept = shape;
  for (size_t i = 0; i < shape.size(); ++i)
    if (reduced[i]) kept[i] = 1;
  std::vector<int64_t> out_strides = contiguous_strides(kept);
  for (size_t i = 0; i < shape.size(); ++i)
    if (reduced[i]) out_strides[i] = 0;
  const int64_t dout = shape.empty() ? 0 : out_strides.back();
  const T* src = in.data<T>();
  for_each_broadcast_row(shape, {contiguous_strides(shape), out_strides},
                         [&](int64_t i0, const std::vector<int64_t>& off, int64_t len) {
                           for (int64_t i = 0; i < len; ++i) f(off[1] + i * dout, static_cast<compute_t<T>>(src[i0 + i]));
                         });
}

// ---- accumulators --------------------------------------------------------------------------

// Sums accumulate floats in double and integers in uint64 (wrapping, as the result does).
template <typename C>
using Sum_acc = std::conditional_t<std::is_floating_point_v<C>, double, uint64_t>;
template <typename C>
using Self_acc = C;

template <typename A, typename C>
A abs_acc(C x) {
  if constexpr (std::is_unsigned_v<C>) return A(x);
  else return x < C(0) ? A(0) - A(x) : A(x);
}
// Integer means divide the (signed) sum, truncating as ONNX Runtime does.
template <typename C, typename A>
auto mean_of(A sum, int64_t n) {
  if constexpr (std::is_floating_point_v<C>) return sum / double(n);
  else if constexpr (std::is_signed_v<C>) return n ? int64_t(sum) / n : int64_t(0);
  else return n ? sum / uint64_t(n) : uint64_t(0);
}
template <typename A>
A lowest_of() {
  return std::numeric_limits<A>::has_infinity ? -std::numeric_limits<A>::infinity() : std::numeric_limits<A>::lowest();
}
template <typename A>
A highest_of() {
  return std::numeric_limits<A>::has_infinity ? std::numeric_limits<A>::infinity() : std::numeric_limits<A>::max();
}
// NaN wins, as in NumPy's max/min.
template <typename A>
A max_nan(A a, A x) { return is_nan_value(a) || !(is_nan_value(x) || a < x) ? a : x; }
template <typename A>
A min_nan(A a, A x) { return is_nan_value(a) || !(is_nan_value(x) || x < a) ? a : x; }

// X(name, doc, dtype kinds, accumulator (Sum or Self), initial value, step on `a` with `x`,
//   final value from `a` and the count `n`). A is the accumulator type, C the compute type.
#define WEFT_REDUCE_OPS(X)                                                                                     \
  X(reduce_sum, "sum over axes", Kinds::Numeric, Sum, A(0), a += A(x), a)                                      \
  X(reduce_prod, "product over axes", Kinds::Numeric, Sum, A(1), a *= A(x), a)                                 \
  X(reduce_mean, "mean over axes (integers truncate)", Kinds::Numeric, Sum, A(0), a += A(x), mean_of<C>(a, n)) \
  X(reduce_l1, "sum of |x| over axes", Kinds::Numeric, Sum, A(0), a += abs_acc<A>(x), a)                       \
  X(reduce_l2, "sqrt of the sum of x^2 over axes", Kinds::Float, Sum, A(0), a += A(x) * A(x), std::sqrt(a))    \
  X(reduce_log_sum, "log of the sum over axes", Kinds::Float, Sum, A(0), a += A(x), std::log(a))               \
  X(reduce_sum_square, "sum of x^2 over axes", Kinds::Numeric, Sum, A(0), a += A(x) * A(x), a)                 \
  X(reduce_max, "maximum over axes (NaN wins; -inf or lowest when empty)", Kinds::Numeric, Self,               \
    lowest_of<A>(), a = max_nan(a, A(x)), a)                                                                   \
  X(reduce_min, "minimum over axes (NaN wins; inf or highest when empty)", Kinds::Numeric, Self,               \
    highest_of<A>(), a = min_nan(a, A(x)), a)

#define X(name, doc, kinds, accum, init, step, finish)                                                    \
  struct name##_reducer {                                                                                 \
    template <typename C> using acc = accum##_acc<C>;                                                     \
    template <typename A> static A start() { return init; }                                               \
    template <typename A, typename C> static void add(A& a, C x) { step; }                                \
    template <typename C, typename A> static auto end(A a, [[maybe_unused]] int64_t n) { return finish; } \
  };
WEFT_REDUCE_OPS(X)
#undef X

// out[o] = R's reduction of the input elements that map to o.
template <typename T, typename R>
void reduce_kernel(const Tensor& in, Tensor& out, const std::vector<bool>& reduced) {
  using C = compute_t<T>;
  using A = typename R::template acc<C>;
  int64_t n = 1;
  for (size_t i = 0; i < reduced.size(); ++i)
    if (reduced[i]) n *= in.shape()[i];
  std::vector<A> acc(size_t(out.numel()), R::template start<A>());
  for_each_reduced<T>(in, reduced, [&](int64_t o, C x) { R::add(acc[size_t(o)], x); });
  T* dst = out.data<T>();
  for (size_t o = 0; o < acc.size(); ++o) dst[o] = store<T>(R::template end<C>(acc[o], n));
}

// log(sum(exp(x))) as max + log(sum(exp(x - max))), so large inputs do not overflow.
template <typename T>
void log_sum_exp_kernel(const Tensor& in, Tensor& out, const std::vector<bool>& reduced) {
  using C = compute_t<T>;
  std::vector<double> m(size_t(out.numel()), -std::numeric_limits<double>::infinity());
  for_each_reduced<T>(in, reduced, [&](int64_t o, C x) { m[size_t(o)] = max_nan(m[size_t(o)], double(x)); });
  std::vector<double> s(m.size(), 0.0);
  for_each_reduced<T>(in, reduced, [&](int64_t o, C x) { s[size_t(o)] += std::exp(double(x) - m[size_t(o)]); });
  T* dst = out.data<T>();
  for (size_t o = 0; o < m.size(); ++o) dst[o] = store<T>(std::isfinite(m[o]) ? m[o] + std::log(s[o]) : m[o]);
}

Type reduce_type(const std::vector<ArgInfo>& args, const Attrs& attrs, unsigned kinds, const std::string& op) {
  const TensorTypeNode& t = expect_tensor_of(args, 0, kinds, op);
  ReducePlan plan = plan_reduce(attrs, t.rank(), op, true);
  if (plan.identity) return args[0].type;
  return tensor_type(t.dtype, reduced_shape(t.shape, plan.reduced, attrs.get_bool("keepdims")));
}

// The reduced axes (normalized, ascending) as a C++ list "{0, 2}"; nullopt for a no-op
// (empty axes with noop_with_empty_axes), whose result is x itself.
std::optional<std::string> cpu_reduced_axes(const CpuEmitArgs& a) {
  const int rank = a.arg_ranks[0];
  std::vector<int64_t> axes = a.attrs->get_ints("axes");
  if (axes.empty() && a.attrs->get_bool("noop_with_empty_axes")) return std::nullopt;
  std::vector<bool> reduced(size_t(rank), axes.empty());
  for (int64_t ax : axes) reduced[size_t(cpu_axis(ax, rank))] = true;
  std::string list;
  for (int i = 0; i < rank; ++i)
    if (reduced[size_t(i)]) list += (list.empty() ? "" : ", ") + std::to_string(i);
  return "{" + list + "}";
}

// One reduce_* entry; `run` is run_kernel<R> or the log-sum-exp kernel, instantiated per dtype.
template <unsigned K, typename Run>
void add_reduce(OpRegistry& reg, const std::string& name, const std::string& doc, Run run, vjp::ReduceDx dx) {
  reg.add(name).doc(doc).inputs(1).pattern(OpPattern::Reduction)
      .gradient(vjp::reduce_gradient(std::move(dx)))
      .attr("axes", AttrKind::Ints, std::vector<int64_t>{}, "axes to reduce; [] = all (or none, see noop_with_empty_axes)")
      .attr("keepdims", AttrKind::Bool, true, "keep reduced axes as size-1 dims")
      .attr("noop_with_empty_axes", AttrKind::Bool, false, "with axes = []: return the input unchanged")
      .type_relation([name](const std::vector<ArgInfo>& args, const Attrs& attrs) { return reduce_type(args, attrs, K, name); })
      .kernel([name, run](const std::vector<Tensor>& in, const Attrs& attrs) {
        ReducePlan plan = plan_reduce(attrs, in[0].rank(), name, false);
        if (plan.identity) return std::vector<Tensor>{in[0]};
        Tensor out(in[0].dtype(), reduced_shape(in[0].shape(), plan.reduced, attrs.get_bool("keepdims")));
        dispatch_kinds<K>(in[0].dtype(), name, [&](auto tag) { run(tag, in[0], out, plan.reduced); });
        return std::vector<Tensor>{out};
      })
      .view_of(0)  // a no-op reduction (empty axes, noop_with_empty_axes) is x itself
      // weft_rt::reduce_sum/mean/max in Reduce.h, the others in ReduceMore.h; the shape
      // function is weft_rt::reduce_shape (Reduce.h).
      .shape_cpu([](const CpuEmitArgs& a) {
        const std::optional<std::string> axes = cpu_reduced_axes(a);
        if (!axes) return cpu_shape_same(a);
        return cpu_shapes({"weft_rt::reduce_shape(" + a.args[0] + ".shape(), " + *axes + ", " +
                           (a.attrs->get_bool("keepdims") ? "true" : "false") + ")"});
      })
      .emit_cpu([name](const CpuEmitArgs& a) -> std::string {
        const std::optional<std::string> axes = cpu_reduced_axes(a);
        if (!axes) return a.args[0];
        return "weft_rt::" + name + "<" + cpu_ctype(a.arg_dtypes[0], name) + ">(" + a.args[0] + ", " + *axes + ", " +
               (a.attrs->get_bool("keepdims") ? "true" : "false") + ")";
      });
}

// Each reduction's derivative: dx in terms of x, yk, dyk (the result and its cotangent with the
// reduced dims kept) and u (vjp::ReduceVjp), broadcast to x's shape by the facet.
#define WEFT_REDUCE_DX(e)                                                 \
  [](const vjp::ReduceVjp& u) -> Expr {                                   \
    using namespace vjp;                                                  \
    [[maybe_unused]] const Expr &x = u.x, &yk = u.yk, &dyk = u.dyk;       \
    return e;                                                             \
  }
// A maximum or minimum sends dy to the elements equal to it, split evenly among ties (torch.amax).
Expr extremum_dx(const vjp::ReduceVjp& u) {
  using namespace vjp;
  Expr hit = call("cast", {call("equal", {u.x, u.yk})}, Attrs{{"to", u.dtype}});
  Expr ties = call("reduce_sum", {hit}, Attrs{{"axes", u.axes}, {"keepdims", true}, {"noop_with_empty_axes", true}});
  return mul(u.dyk, div(hit, ties));
}

const std::map<std::string, vjp::ReduceDx>& reduce_dx_rows() {
  static const std::map<std::string, vjp::ReduceDx> rows = {
      {"reduce_sum", WEFT_REDUCE_DX(dyk)},
      {"reduce_mean", WEFT_REDUCE_DX(div(dyk, u.count()))},
      {"reduce_max", extremum_dx},
      {"reduce_min", extremum_dx},
      {"reduce_prod", WEFT_REDUCE_DX(mul(dyk, div(yk, x)))},
      {"reduce_l1", WEFT_REDUCE_DX(mul(dyk, call("sign", {x})))},
      {"reduce_l2", WEFT_REDUCE_DX(mul(dyk, div(x, yk)))},
      {"reduce_log_sum", WEFT_REDUCE_DX(div(dyk, call("exp", {yk})))},
      {"reduce_log_sum_exp", WEFT_REDUCE_DX(mul(dyk, call("exp", {sub(x, yk)})))},
      {"reduce_sum_square", WEFT_REDUCE_DX(mul(dyk, mul(u.k(2), x)))},
  };
  return rows;
}

void register_reduce_ops(OpRegistry& reg) {
#define X(name, doc, kinds, accum, init, step, finish)                                                         \
  add_reduce<kinds>(reg, #name, doc, [](auto tag, const Tensor& in, Tensor& out, const std::vector<bool>& r) { \
    reduce_kernel<typename decltype(tag)::type, name##_reducer>(in, out, r);                                   \
  }, reduce_dx_rows().at(#name));
  WEFT_REDUCE_OPS(X)
#undef X
  add_reduce<Kinds::Float>(reg, "reduce_log_sum_exp", "log of the sum of e^x over axes, computed stably",
                           [](auto tag, const Tensor& in, Tensor& out, const std::vector<bool>& r) {
                             log_sum_exp_kernel<typename decltype(tag)::type>(in, out, r);
                           }, reduce_dx_rows().at("reduce_log_sum_exp"));
}

}  // namespace

void register_reduction_ops(OpRegistry& reg) {
  register_reduce_ops(reg);
  register_reduction_axis_ops(reg);
}

}  // namespace weft
