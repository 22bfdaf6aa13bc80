// NnGradients.cpp - the gradient facets of the nn and misc families.
#include "ir/ops/NnGradients.h"

#include "ir/ops/GradientHelpers.h"

namespace weft::vjp {
namespace {

Attrs sum_over(std::vector<int64_t> axes, bool keepdims) { return Attrs{{"axes", std::move(axes)}, {"keepdims", keepdims}}; }

std::vector<int64_t> all_but_channel(int rank) {
  std::vector<int64_t> axes{0};
  for (int i = 2; i < rank; ++i) axes.push_back(i);
  return axes;
}

std::vector<int64_t> spatial_or(const Attrs& attrs, const char* name, size_t n, int64_t fallback) {
  std::vector<int64_t> v = attrs.get_ints(name);
  if (v.empty()) v.assign(n, fallback);
  return v;
}

std::vector<int64_t> static_dims(const GradientCall& c, size_t arg) {
  std::vector<int64_t> dims;
  for (const Dim& d : tensor_of(c.arg_types[arg]).shape) {
    if (!d.is_static())
      throw CompileError(Msg() << "the gradient of conv needs static shapes, found " << type_str(c.arg_types[arg]));
    dims.push_back(d.value());
  }
  return dims;
}

Expr channels(const Expr& t, int64_t begin, int64_t end) {
  return call("slice", {t, ints({begin}), ints({end}), ints({1})});
}

// The window of a convolution's weight gradient: the forward op's strides, dilations and pads.
struct Window {
  std::vector<int64_t> strides, dilations, pads;
};

// The weight gradient both convolutions share. Per group g, with batch and channels swapped
// (transpose 0<->1), conv(input_g, weight_g) with the window's strides and dilations exchanged,
// cropped to the kernel's spatial size `ws[2:]` and swapped back; the groups joined along
// dim 0. `input` has `input_per_group` channels per group, `weight` `weight_per_group`.
Expr grouped_weight_gradient(const Expr& input, int64_t input_per_group, const Expr& weight, int64_t weight_per_group, int64_t groups,
                             const std::vector<int64_t>& ws, const Window& window) {
  const size_t rank = ws.size(), nsp = rank - 2;
  std::vector<int64_t> swap01{1, 0}, spatial_axes, zeros(nsp, 0), kernel(ws.begin() + 2, ws.end());
  for (size_t i = 2; i < rank; ++i) swap01.push_back(int64_t(i)), spatial_axes.push_back(int64_t(i));
  std::vector<Expr> parts;
  for (int64_t g = 0; g < groups; ++g) {
    Expr in = groups == 1 ? input : channels(input, g * input_per_group, (g + 1) * input_per_group);
    Expr wt = groups == 1 ? weight : channels(weight, g * weight_per_group, (g + 1) * weight_per_group);
    Expr full = call("conv", {call("transpose", {in}, Attrs{{"perm", swap01}}), call("transpose", {wt}, Attrs{{"perm", swap01}})},
                     Attrs{{"strides", window.dilations}, {"pads", window.pads}, {"dilations", window.strides}});
    Expr cropped = call("slice", {full, ints(zeros), ints(kernel), ints(spatial_axes)});
    parts.push_back(call("transpose", {cropped}, Attrs{{"perm", swap01}}));
  }
  return groups == 1 ? parts[0] : call("concat", parts, Attrs{{"axis", int64_t(0)}});
}

}  // namespace

// y[n, m, o] = sum_{c, k} x[n, c, o s + k d - p_begin] w[m, c, k] (per group):
// - dx: conv_transpose(dy, w) with the same window, output_padding making up the input size
//   that the conv's floor division lost;
// - dw[m, c, k] = sum_{n, o} dy[n, m, o] x[n, c, o s + k d - p]: a conv over x with batch and
//   channels swapped, dy (swapped likewise) as the weight, strides and dilations exchanged,
//   cropped to the kernel size; one per group, joined;
// - db = dy summed over every dim but the channel.
GradientFn conv_gradient() {
  return [](const GradientCall& c) {
    std::vector<Expr> out(c.args.size());
    if (!is_float_type(c.arg_types[0])) return out;
    const std::vector<int64_t> xs = static_dims(c, 0), ws = static_dims(c, 1);
    const std::vector<int64_t> ys = [&] {
      std::vector<int64_t> dims;
      for (const Dim& d : tensor_of(c.result_type).shape) dims.push_back(d.is_static() ? d.value() : -1);
      return dims;
    }();
    const size_t nsp = xs.size() - 2;
    const std::vector<int64_t> strides = spatial_or(*c.attrs, "strides", nsp, 1), dil = spatial_or(*c.attrs, "dilations", nsp, 1);
    const std::vector<int64_t> pads = spatial_or(*c.attrs, "pads", 2 * nsp, 0);
    const int64_t groups = c.attrs->get_int("groups");
    const Expr &x = c.args[0], &w = c.args[1], &dy = c.cotangent;
    std::vector<int64_t> opad(nsp);
    for (size_t i = 0; i < nsp; ++i)
      opad[i] = xs[2 + i] - (strides[i] * (ys[2 + i] - 1) + dil[i] * (ws[2 + i] - 1) + 1 - pads[i] - pads[nsp + i]);
    out[0] = call("conv_transpose", {dy, w},
                  Attrs{{"strides", strides}, {"pads", pads}, {"dilations", dil}, {"groups", groups}, {"output_padding", opad}});

    const int64_t cg = xs[1] / groups, mg = ws[0] / groups;
    out[1] = grouped_weight_gradient(x, cg, dy, mg, groups, ws, {strides, dil, pads});
    if (c.args.size() == 3) out[2] = call("reduce_sum", {dy}, sum_over(all_but_channel(int(xs.size())), false));
    return out;
  };
}

// y[n, m, i s + k d - p] += x[n, c, i] w[c, m, k] (per group): the conv rule read backwards:
// - dx = conv(dy, w) with the same window (w's [C, M/groups, k] is a conv weight giving C);
// - dw[c, m, k] = sum_{n, i} x[n, c, i] dy[n, m, i s + k d - p]: a conv over dy with batch and
//   channels swapped, x (swapped likewise) as the weight, strides and dilations exchanged,
//   cropped to the kernel size; one per group, joined;
// - db = dy summed over every dim but the channel.
GradientFn conv_transpose_gradient() {
  return [](const GradientCall& c) {
    std::vector<Expr> out(c.args.size());
    if (!is_float_type(c.arg_types[0])) return out;
    const std::vector<int64_t> xs = static_dims(c, 0), ws = static_dims(c, 1);
    const size_t nsp = xs.size() - 2;
    const std::vector<int64_t> strides = spatial_or(*c.attrs, "strides", nsp, 1), dil = spatial_or(*c.attrs, "dilations", nsp, 1);
    const std::vector<int64_t> pads = spatial_or(*c.attrs, "pads", 2 * nsp, 0);
    const int64_t groups = c.attrs->get_int("groups");
    const Expr &x = c.args[0], &w = c.args[1], &dy = c.cotangent;
    out[0] = call("conv", {dy, w}, Attrs{{"strides", strides}, {"pads", pads}, {"dilations", dil}, {"groups", groups}});
    const int64_t cg = xs[1] / groups, mg = ws[1];
    out[1] = grouped_weight_gradient(dy, mg, x, cg, groups, ws, {strides, dil, pads});
    if (c.args.size() == 3) out[2] = call("reduce_sum", {dy}, sum_over(all_but_channel(int(xs.size())), false));
    return out;
  };
}

// y = (x - mean) s scale + bias, s = 1/sqrt(var + eps), per channel (dim 1):
// dx = dy scale s; dscale = sum(dy xhat); dbias = sum(dy); dmean = -sum(dy) scale s;
// dvar = -sum(dy (x - mean)) scale s^3 / 2, the sums over every dim but the channel.
GradientFn batch_norm_gradient() {
  return [](const GradientCall& c) {
    std::vector<Expr> out(5);
    if (!is_float_type(c.arg_types[0])) return out;
    const int rank = tensor_of(c.arg_types[0]).rank();
    const DType d = elem_dtype(c.arg_types[0]);
    const Expr &x = c.args[0], &scale = c.args[1], &mean = c.args[3], &var = c.args[4], &dy = c.cotangent;
    std::vector<int64_t> trailing;  // [C] -> [C, 1, ...] to broadcast along dim 1
    for (int i = 2; i < rank; ++i) trailing.push_back(i - 1);
    auto per_channel = [&](Expr v) { return trailing.empty() ? v : call("unsqueeze", {v}, Attrs{{"axes", trailing}}); };
    Expr s = call("rsqrt", {add(var, scalar(c.attrs->get_float("epsilon"), d))});
    Expr centered = sub(x, per_channel(mean));
    const Attrs sums = sum_over(all_but_channel(rank), false);
    Expr dy_sum = call("reduce_sum", {dy}, sums);
    Expr dy_centered = call("reduce_sum", {mul(dy, centered)}, sums);
    out[0] = mul(dy, per_channel(mul(scale, s)));
    out[1] = mul(dy_centered, s);
    out[2] = dy_sum;
    out[3] = neg(mul(dy_sum, mul(scale, s)));
    out[4] = mul(mul(dy_centered, scale), mul(scalar(-0.5, d), mul(s, mul(s, s))));
    return out;
  };
}

// xhat = (x - mu) r over dims axis..end, r = 1/sqrt(var + eps); y = xhat scale + bias:
// dx = r (g - mean(g) - xhat mean(g xhat)), g = dy scale; dscale = dy xhat and dbias = dy, each
// summed to its own shape.
GradientFn layer_norm_gradient() {
  return [](const GradientCall& c) {
    std::vector<Expr> out(c.args.size());
    if (!is_float_type(c.arg_types[0])) return out;
    const int rank = tensor_of(c.arg_types[0]).rank();
    const DType d = elem_dtype(c.arg_types[0]);
    int64_t axis = c.attrs->get_int("axis");
    axis = axis < 0 ? axis + rank : axis;
    std::vector<int64_t> axes;
    for (int64_t i = axis; i < rank; ++i) axes.push_back(i);
    const Attrs mean_attrs = sum_over(axes, true);
    auto mean_of = [&](Expr e) { return call("reduce_mean", {std::move(e)}, mean_attrs); };
    const Expr &x = c.args[0], &dy = c.cotangent;
    Expr centered = sub(x, mean_of(x));
    Expr r = call("rsqrt", {add(mean_of(mul(centered, centered)), scalar(c.attrs->get_float("epsilon"), d))});
    Expr xhat = mul(centered, r);
    Expr g = mul(dy, c.args[1]);
    out[0] = mul(r, sub(sub(g, mean_of(g)), mul(xhat, mean_of(mul(g, xhat)))));
    out[1] = unbroadcast_to_arg(c, mul(dy, xhat), 1);
    if (c.args.size() == 3) out[2] = unbroadcast_to_arg(c, dy, 2);
    return out;
  };
}

// Each (n, c) plane normalized over the spatial dims, then * scale[c] + bias[c]: layer_norm's
// rule over those dims, g = dy scale[c].
GradientFn instance_norm_gradient() {
  return [](const GradientCall& c) {
    std::vector<Expr> out(3);
    if (!is_float_type(c.arg_types[0])) return out;
    const int rank = tensor_of(c.arg_types[0]).rank();
    const DType d = elem_dtype(c.arg_types[0]);
    std::vector<int64_t> spatial, trailing;
    for (int i = 2; i < rank; ++i) spatial.push_back(i), trailing.push_back(i - 1);
    auto per_channel = [&](Expr v) { return trailing.empty() ? v : call("unsqueeze", {v}, Attrs{{"axes", trailing}}); };
    const Attrs mean_attrs = sum_over(spatial, true);
    auto mean_of = [&](Expr e) { return call("reduce_mean", {std::move(e)}, mean_attrs); };
    const Expr &x = c.args[0], &dy = c.cotangent;
    Expr centered = sub(x, mean_of(x));
    Expr r = call("rsqrt", {add(mean_of(mul(centered, centered)), scalar(c.attrs->get_float("epsilon"), d))});
    Expr xhat = mul(centered, r);
    Expr g = mul(dy, per_channel(c.args[1]));
    out[0] = mul(r, sub(sub(g, mean_of(g)), mul(xhat, mean_of(mul(g, xhat)))));
    const Attrs sums = sum_over(all_but_channel(rank), false);
    out[1] = call("reduce_sum", {mul(dy, xhat)}, sums);
    out[2] = call("reduce_sum", {dy}, sums);
    return out;
  };
}

GradientFn global_pool_gradient(bool take_max) {
  return first_arg_only([take_max](const GradientCall& c) {
    const TensorTypeNode& t = tensor_of(c.arg_types[0]);
    std::vector<int64_t> spatial;
    for (int i = 2; i < t.rank(); ++i) spatial.push_back(i);
    const Expr &x = c.args[0], &y = c.result, &dy = c.cotangent;
    Expr dx;
    if (take_max) {
      Expr hit = call("cast", {call("equal", {x, y})}, Attrs{{"to", t.dtype}});
      dx = mul(dy, div(hit, call("reduce_sum", {hit}, sum_over(spatial, true))));
    } else {
      Expr count = call("cast", {div(call("size", {x}), call("size", {y}))}, Attrs{{"to", t.dtype}});
      dx = div(dy, count);
    }
    return call("expand", {dx, shape_of(x, t.shape)});
  });
}

GradientFn sorted_values_gradient() {
  return first_arg_only([](const GradientCall& c) {
    Expr indices = make_tuple_get(c.result, 1);
    Expr dvalues = make_tuple_get(c.cotangent, 0);
    Attrs scatter{{"axis", c.attrs->get_int("axis")}, {"reduction", std::string("add")}};
    return call("scatter_elements", {zeros_like(c.args[0], c.arg_types[0]), indices, dvalues}, scatter);
  });
}

GradientFn trilu_gradient() {
  return first_arg_only([](const GradientCall& c) {
    std::vector<Expr> args = c.args;
    args[0] = c.cotangent;
    return call("trilu", std::move(args), *c.attrs);
  });
}

// y = off + (on - off) m, m the 0/1 mask: d off = sum(dy (1 - m)), d on = sum(dy m).
GradientFn one_hot_gradient() {
  return [](const GradientCall& c) {
    std::vector<Expr> out(3);
    if (!is_float_type(c.arg_types[2])) return out;
    const DType d = elem_dtype(c.arg_types[2]);
    Expr unit = make_constant(Tensor::from_vector<double>({0, 1}, {2}).cast(d));
    Expr m = call("one_hot", {c.args[0], c.args[1], unit}, *c.attrs);
    const Attrs all{{"keepdims", false}};
    Expr on = call("reduce_sum", {mul(c.cotangent, m)}, all);
    Expr off = sub(call("reduce_sum", {c.cotangent}, all), on);
    out[2] = call("concat", {call("reshape", {off, ints({1})}), call("reshape", {on, ints({1})})}, Attrs{{"axis", int64_t(0)}});
    return out;
  };
}

}  // namespace weft::vjp
