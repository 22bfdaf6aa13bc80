// PoolGradients.cpp - the gradient facets of windowed ops: max/avg/lp pooling, lrn, group_norm.
//
// Note on pooling gradients. A pool reads, for output position o and kernel offset k, the
// padded input at o*s + k*d. Slicing the padded input from k*d with step s gives, for one k,
// that element for every o: the "column" of offset k, of the output's shape; stacked over k,
// the columns are [K, N, C, out...]. Each pool is an elementwise function of its columns
// (max, mean, p-norm), so its cotangent per column element is elementwise too, and
// gather_like sums those back to the input elements they were read from (building the same
// columns from the input's flat indices). Padded positions read index 0, so their cotangent
// must be, and is, zero: padding never wins a max, is masked out of a mean, and adds |0|^p.
#include "ir/ops/PoolGradients.h"

#include <climits>
#include <cmath>

#include "ir/ops/GradientHelpers.h"

namespace weft::vjp {
namespace {

struct PoolWindow {
  std::vector<int64_t> kernel, strides, dilations, begins, ends;  // per spatial dim
  int rank = 0;
};

std::vector<int64_t> or_fill(std::vector<int64_t> v, size_t n, int64_t fill) {
  if (v.empty()) v.assign(n, fill);
  return v;
}

PoolWindow pool_window(const GradientCall& c, const char* op) {
  const TensorTypeNode& x = tensor_of(c.arg_types[0]);
  const TensorTypeNode& y = tensor_of(c.result_type);
  PoolWindow w;
  w.rank = x.rank();
  const size_t nsp = size_t(w.rank - 2);
  w.kernel = c.attrs->get_ints("kernel_shape");
  w.strides = or_fill(c.attrs->get_ints("strides"), nsp, 1);
  w.dilations = or_fill(c.attrs->get_ints("dilations"), nsp, 1);
  std::vector<int64_t> pads = or_fill(c.attrs->get_ints("pads"), 2 * nsp, 0);
  w.begins.assign(pads.begin(), pads.begin() + long(nsp));
  w.ends.assign(pads.begin() + long(nsp), pads.end());
  if (c.attrs->get_bool("ceil_mode")) {
    // Rounding up reads past the end padding: pad further, so every window is inside.
    for (size_t i = 0; i < nsp; ++i) {
      const Dim &in = x.shape[2 + i], &out = y.shape[2 + i];
      if (!in.is_static() || !out.is_static())
        throw CompileError(Msg() << "the gradient of " << op << " with ceil_mode needs static spatial sizes, found "
                                 << type_str(c.arg_types[0]));
      const int64_t need = w.strides[i] * (out.value() - 1) + w.dilations[i] * (w.kernel[i] - 1) + 1;
      w.ends[i] += std::max<int64_t>(0, need - (in.value() + w.begins[i] + w.ends[i]));
    }
  }
  return w;
}

// [K, N, C, out...]: t padded with `fill` (a scalar of t's dtype), one strided slice per kernel
// offset (row-major over the kernel's dims), stacked along a new leading dim.
Expr window_columns(const Expr& t, const Expr& fill, const PoolWindow& w) {
  const size_t nsp = w.kernel.size();
  std::vector<int64_t> pads(2 * size_t(w.rank), 0), axes;
  for (size_t i = 0; i < nsp; ++i) pads[2 + i] = w.begins[i], pads[size_t(w.rank) + 2 + i] = w.ends[i], axes.push_back(int64_t(2 + i));
  Expr padded = call("pad", {t, ints(pads), fill});
  std::vector<Expr> cols;
  std::vector<int64_t> k(nsp, 0);
  for (;;) {
    // The column of offset k ends (K - 1 - k) * d before the padded end, so every slice has
    // the output's length, known statically or not.
    std::vector<int64_t> starts, ends;
    for (size_t i = 0; i < nsp; ++i) {
      starts.push_back(k[i] * w.dilations[i]);
      const int64_t back = (w.kernel[i] - 1 - k[i]) * w.dilations[i];
      ends.push_back(back == 0 ? INT64_MAX : -back);
    }
    Expr col = call("slice", {padded, ints(starts), ints(ends), ints(axes), ints(w.strides)});
    cols.push_back(call("unsqueeze", {col}, Attrs{{"axes", std::vector<int64_t>{0}}}));
    size_t i = nsp;
    while (i-- > 0 && ++k[i] == w.kernel[i]) k[i] = 0;
    if (i == size_t(-1)) break;
  }
  return cols.size() == 1 ? cols[0] : call("concat", cols, Attrs{{"axis", int64_t(0)}});
}

// The input's cotangent from the columns' cotangent `g` [K, N, C, out...].
Expr from_columns(const GradientCall& c, const Expr& g, const PoolWindow& w) {
  return gather_like(c.args[0], c.arg_types[0], g,
                     [&](Expr iota) { return window_columns(iota, scalar(0, DType::I64), w); });
}

Expr ones_like(const Expr& x, const Type& t) { return call("expand", {scalar(1, elem_dtype(t)), shape_of(x, tensor_of(t).shape)}); }

Expr is_equal(const Expr& a, const Expr& b, DType d) { return call("cast", {call("equal", {a, b})}, Attrs{{"to", d}}); }

}  // namespace

// The first maximum of each window (in the kernel's row-major order) takes the cotangent.
GradientFn max_pool_gradient() {
  return first_arg_only([](const GradientCall& c) {
    const PoolWindow w = pool_window(c, "max_pool");
    const DType d = elem_dtype(c.arg_types[0]);
    Expr cols = window_columns(c.args[0], scalar(-INFINITY, d), w);
    Expr hit = is_equal(cols, c.result, d);
    Expr first = mul(hit, is_equal(call("cumsum", {hit}, Attrs{{"axis", int64_t(0)}}), scalar(1, d), d));
    return from_columns(c, mul(first, c.cotangent), w);
  });
}

// y = sum over the window's real taps / divisor; 1/divisor = avg_pool(ones) / (real taps), so
// the rule follows whatever divisor the op uses (count_include_pad, ceil_mode's clipped windows).
GradientFn avg_pool_gradient() {
  return first_arg_only([](const GradientCall& c) {
    const PoolWindow w = pool_window(c, "avg_pool");
    const DType d = elem_dtype(c.arg_types[0]);
    Expr ones = ones_like(c.args[0], c.arg_types[0]);
    Expr real = window_columns(ones, scalar(0, d), w);
    Expr taps = call("reduce_sum", {real}, Attrs{{"axes", std::vector<int64_t>{0}}, {"keepdims", false}});
    Expr safe_taps = where(call("equal", {taps, scalar(0, d)}), scalar(1, d), taps);
    Expr per_tap = div(call("avg_pool", {ones}, *c.attrs), safe_taps);
    return from_columns(c, mul(real, mul(c.cotangent, per_tap)), w);
  });
}

// y = (sum |x|^p)^(1/p): dy/dx = sign(x) |x|^(p-1) y^(1-p) per tap (0 where y is 0).
GradientFn lp_pool_gradient() {
  return first_arg_only([](const GradientCall& c) {
    const PoolWindow w = pool_window(c, "lp_pool");
    const DType d = elem_dtype(c.arg_types[0]);
    const double p = double(c.attrs->get_int("p"));
    Expr cols = window_columns(c.args[0], scalar(0, d), w);
    Expr slope = p == 1 ? call("sign", {cols}) : mul(call("sign", {cols}), call("pow", {call("abs", {cols}), scalar(p - 1, d)}));
    Expr y = c.result;
    Expr scale = where(call("equal", {y, scalar(0, d)}), scalar(0, d), call("pow", {y, scalar(1 - p, d)}));
    return from_columns(c, mul(slope, mul(c.cotangent, scale)), w);
  });
}

namespace {

// out[c] = sum of t[j] for j in [c - before, c + after] along dim 1 (zeros outside).
Expr channel_window_sum(const Expr& t, int rank, int64_t before, int64_t after) {
  std::vector<int64_t> pads(2 * size_t(rank), 0);
  pads[1] = before, pads[size_t(rank) + 1] = after;
  Expr padded = call("pad", {t, ints(pads)});
  Expr sum;
  for (int64_t k = 0; k <= before + after; ++k) {
    const int64_t back = before + after - k;
    Expr part = call("slice", {padded, ints({k}), ints({back == 0 ? INT64_MAX : -back}), ints({1})});
    sum = sum ? add(sum, part) : part;
  }
  return sum;
}

}  // namespace

// y = x s^-beta, s = bias + alpha/size * (sum of x^2 over channels [c - lo, c + hi]),
// lo = floor((size-1)/2), hi = ceil((size-1)/2): dx = dy s^-beta + 2x * W^T(u), u = -alpha beta /
// size * dy x s^(-beta-1), W^T the window sum mirrored ([c - hi, c + lo]).
GradientFn lrn_gradient() {
  return first_arg_only([](const GradientCall& c) {
    const int rank = tensor_of(c.arg_types[0]).rank();
    const DType d = elem_dtype(c.arg_types[0]);
    const int64_t size = c.attrs->get_int("size"), lo = (size - 1) / 2, hi = size - 1 - lo;
    const double alpha = c.attrs->get_float("alpha"), beta = c.attrs->get_float("beta"), bias = c.attrs->get_float("bias");
    const Expr &x = c.args[0], &dy = c.cotangent;
    Expr s = add(scalar(bias, d), mul(scalar(alpha / double(size), d), channel_window_sum(mul(x, x), rank, lo, hi)));
    Expr u = mul(mul(dy, x), mul(scalar(-2 * alpha * beta / double(size), d), call("pow", {s, scalar(-beta - 1, d)})));
    return add(mul(dy, call("pow", {s, scalar(-beta, d)})), mul(x, channel_window_sum(u, rank, hi, lo)));
  });
}

// Per (n, group): layer_norm's rule over the group's channels and spatial dims, g = dy scale[c];
// dscale = sum(dy xhat), dbias = sum(dy) over every dim but the channel.
GradientFn group_norm_gradient() {
  return [](const GradientCall& c) {
    std::vector<Expr> out(3);
    if (!is_float_type(c.arg_types[0])) return out;
    const TensorTypeNode& t = tensor_of(c.arg_types[0]);
    const int rank = t.rank();
    const DType d = elem_dtype(c.arg_types[0]);
    const int64_t groups = c.attrs->get_int("num_groups");
    std::vector<int64_t> trailing, all_but_channel{0};
    for (int i = 2; i < rank; ++i) trailing.push_back(i - 1), all_but_channel.push_back(i);
    auto per_channel = [&](Expr v) { return trailing.empty() ? v : call("unsqueeze", {v}, Attrs{{"axes", trailing}}); };
    auto grouped = [&](Expr v) { return call("reshape", {std::move(v), ints({0, groups, -1})}); };
    auto mean_of = [&](Expr v) {
      return call("reduce_mean", {std::move(v)}, Attrs{{"axes", std::vector<int64_t>{2}}, {"keepdims", true}});
    };
    const Expr &dy = c.cotangent;
    Expr xg = grouped(c.args[0]);
    Expr centered = sub(xg, mean_of(xg));
    Expr r = call("rsqrt", {add(mean_of(mul(centered, centered)), scalar(c.attrs->get_float("epsilon"), d))});
    Expr xhat = mul(centered, r);
    Expr g = grouped(mul(dy, per_channel(c.args[1])));
    Expr dxg = mul(r, sub(sub(g, mean_of(g)), mul(xhat, mean_of(mul(g, xhat)))));
    Expr shape = shape_of(c.args[0], t.shape);
    out[0] = call("reshape", {dxg, shape});
    const Attrs sums{{"axes", all_but_channel}, {"keepdims", false}};
    out[1] = call("reduce_sum", {mul(dy, call("reshape", {xhat, shape}))}, sums);
    out[2] = call("reduce_sum", {dy}, sums);
    return out;
  };
}

}  // namespace weft::vjp
