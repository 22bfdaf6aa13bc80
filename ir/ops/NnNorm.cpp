// NnNorm.cpp - normalization ops: batch_norm (inference), layer_norm, instance_norm, group_norm, lrn.
#include <cmath>

#include "ir/ops/NnCpuEmit.h"
#include "ir/ops/NnGradients.h"
#include "ir/ops/NnInternal.h"
#include "ir/ops/PoolGradients.h"

namespace weft {
namespace {

// ---- type relations -------------------------------------------------------------------

const TensorTypeNode& expect_norm_input(const std::vector<ArgInfo>& args, const std::string& op, int min_rank,
                                        const char* layout) {
  const auto& x = expect_tensor(args, 0, op);
  expect_float(x, op, 0);
  if (x.rank() < min_rank)
    throw TypeRelationError(Msg() << op << ": x must be " << layout << ", found " << type_str(args[0].type));
  return x;
}

// Arguments first..args.size()-1 are per-channel vectors [channels] of a float dtype.
void expect_channel_params(const std::vector<ArgInfo>& args, size_t first, const Dim& channels, const std::string& op,
                           const std::vector<const char*>& names) {
  for (size_t i = first; i < args.size(); ++i) {
    const auto& p = expect_tensor(args, i, op);
    expect_float(p, op, i);
    const char* name = i - first < names.size() ? names[i - first] : "parameter";
    if (p.rank() != 1 || dims_conflict(p.shape[0], channels))
      throw TypeRelationError(Msg() << op << ": " << name << " must be [" << channels.str()
                                    << "] (one value per channel of x), found " << shape_str(p.shape));
  }
}

Type batch_norm_type(const std::vector<ArgInfo>& args, const Attrs&) {
  const auto& x = expect_norm_input(args, "batch_norm", 2, "[N, C, ...]");
  expect_channel_params(args, 1, x.shape[1], "batch_norm", {"scale", "bias", "mean", "var"});
  return args[0].type;
}

Type channel_norm_type(const std::vector<ArgInfo>& args, const Attrs& attrs, const std::string& op) {
  const auto& x = expect_norm_input(args, op, op == "lrn" ? 2 : 3, op == "lrn" ? "[N, C, ...]" : "[N, C, spatial...]");
  expect_channel_params(args, 1, x.shape[1], op, {"scale", "bias"});
  if (op == "group_norm") {
    int64_t g = attrs.get_int("num_groups");
    if (g < 1) throw TypeRelationError(Msg() << "group_norm: num_groups must be >= 1, found " << g);
    if (x.shape[1].is_static() && x.shape[1].value() % g != 0)
      throw TypeRelationError(Msg() << "group_norm: x has " << x.shape[1].value()
                                    << " channels, not a multiple of num_groups=" << g);
  }
  if (op == "lrn" && attrs.get_int("size") < 1)
    throw TypeRelationError(Msg() << "lrn: size must be >= 1, found " << attrs.get_int("size"));
  return args[0].type;
}

Type layer_norm_type(const std::vector<ArgInfo>& args, const Attrs& attrs) {
  const auto& x = expect_norm_input(args, "layer_norm", 1, "a tensor of rank >= 1");
  int axis = normalize_axis(attrs.get_int("axis"), x.rank(), "layer_norm");
  Shape norm(x.shape.begin() + axis, x.shape.end());
  for (size_t i = 1; i < args.size(); ++i) {
    if (i == 2 && !arg_present(args, 2)) continue;
    const auto& p = expect_tensor(args, i, "layer_norm");
    expect_float(p, "layer_norm", i);
    const char* name = i == 1 ? "scale" : "bias";
    bool ok = p.rank() <= int(norm.size());
    for (int j = 0; ok && j < p.rank(); ++j) {
      const Dim& d = p.shape[size_t(j)];
      ok = !(d.is_static() && d.value() != 1 && dims_conflict(d, norm[norm.size() - size_t(p.rank()) + size_t(j)]));
    }
    if (!ok)
      throw TypeRelationError(Msg() << "layer_norm: " << name << " must broadcast to the normalized shape "
                                    << shape_str(norm) << " (x's dims from axis " << axis << "), found "
                                    << shape_str(p.shape));
  }
  return args[0].type;
}

// ---- kernels --------------------------------------------------------------------------

// Mean and 1/sqrt(var + eps) of n values, two-pass in double.
template <typename C>
void mean_rstd(const C* p, int64_t n, double eps, double* mean, double* rstd) {
  double s = 0;
  for (int64_t i = 0; i < n; ++i) s += double(p[i]);
  double m = n ? s / double(n) : 0.0, v = 0;
  for (int64_t i = 0; i < n; ++i) v += (double(p[i]) - m) * (double(p[i]) - m);
  *mean = m;
  *rstd = 1.0 / std::sqrt((n ? v / double(n) : 0.0) + eps);
}

void expect_channel_vector(const std::vector<Tensor>& in, size_t i, int64_t c, const std::string& op) {
  if (in[i].numel() != c)
    throw RuntimeError(Msg() << op << ": argument " << i << " must have " << c << " values (one per channel), found "
                             << shape_str(in[i].shape()));
}

template <typename C>
Tensor batch_norm_impl(const std::vector<Tensor>& in, const Attrs& attrs) {
  const Tensor& x = in[0];
  if (x.rank() < 2) throw RuntimeError("batch_norm: x must be [N, C, ...]");
  const int64_t n = x.dim(0), c = x.dim(1), plane = prod(x.shape(), 2);
  for (size_t i = 1; i < 5; ++i) expect_channel_vector(in, i, c, "batch_norm");
  const double eps = attrs.get_float("epsilon");
  ComputeIn<C> xi(x), sc(in[1]), bi(in[2]), mu(in[3]), var(in[4]);
  ComputeOut<C> out(x.dtype(), x.shape());
  for (int64_t ch = 0; ch < c; ++ch) {
    const C a = C(double(sc.data()[ch]) / std::sqrt(double(var.data()[ch]) + eps));
    const C b = C(double(bi.data()[ch]) - double(mu.data()[ch]) * double(a));
    for (int64_t i = 0; i < n; ++i) {
      const C* src = xi.data() + (i * c + ch) * plane;
      C* dst = out.data() + (i * c + ch) * plane;
      for (int64_t j = 0; j < plane; ++j) dst[j] = src[j] * a + b;
    }
  }
  return out.finish();
}

// Normalizes `rows` rows of `len` values, then y = xhat * scale[j] + bias[j] with scale
// and bias already expanded to `len` entries (bias may be null).
template <typename C>
void normalize_rows(const C* x, C* y, int64_t rows, int64_t len, double eps, const C* scale, const C* bias) {
  for (int64_t r = 0; r < rows; ++r) {
    double mean, rstd;
    mean_rstd(x + r * len, len, eps, &mean, &rstd);
    const C m = C(mean), s = C(rstd);
    const C* src = x + r * len;
    C* dst = y + r * len;
    if (bias)
      for (int64_t j = 0; j < len; ++j) dst[j] = (src[j] - m) * s * scale[j] + bias[j];
    else
      for (int64_t j = 0; j < len; ++j) dst[j] = (src[j] - m) * s * scale[j];
  }
}

// A parameter broadcast (right-aligned) to `shape`, materialized.
template <typename C>
std::vector<C> expand_to(const Tensor& p, const std::vector<int64_t>& shape, const std::string& op) {
  std::vector<int64_t> ps = p.shape();
  bool ok = ps.size() <= shape.size();
  for (size_t i = 0; ok && i < ps.size(); ++i) ok = ps[i] == 1 || ps[i] == shape[shape.size() - ps.size() + i];
  if (!ok)
    throw RuntimeError(Msg() << op << ": parameter of shape " << shape_str(ps) << " does not broadcast to "
                             << shape_str(shape));
  ComputeIn<C> pi(p);
  std::vector<C> out(size_t(prod(shape)));
  std::vector<int64_t> st = broadcast_strides(ps, shape), idx(shape.size(), 0);
  for (size_t o = 0; o < out.size(); ++o) {
    int64_t off = 0;
    for (size_t d = 0; d < shape.size(); ++d) off += idx[d] * st[d];
    out[o] = pi.data()[off];
    for (int64_t d = int64_t(shape.size()) - 1; d >= 0; --d) {
      if (++idx[size_t(d)] < shape[size_t(d)]) break;
      idx[size_t(d)] = 0;
    }
  }
  return out;
}

template <typename C>
Tensor layer_norm_impl(const std::vector<Tensor>& in, const Attrs& attrs) {
  const Tensor& x = in[0];
  int axis = normalize_axis_runtime(attrs.get_int("axis"), x.rank(), "layer_norm");
  std::vector<int64_t> norm(x.shape().begin() + axis, x.shape().end());
  const int64_t len = prod(norm), rows = len ? x.numel() / len : 0;
  std::vector<C> scale = expand_to<C>(in[1], norm, "layer_norm"), bias;
  if (input_present(in, 2)) bias = expand_to<C>(in[2], norm, "layer_norm");
  ComputeIn<C> xi(x);
  ComputeOut<C> out(x.dtype(), x.shape());
  normalize_rows(xi.data(), out.data(), rows, len, attrs.get_float("epsilon"), scale.data(),
                 bias.empty() ? nullptr : bias.data());
  return out.finish();
}

// instance_norm (groups == 0: one group per channel) and group_norm: statistics over each
// (n, group) slab, then per-channel scale and bias.
template <typename C>
Tensor grouped_norm_impl(const std::vector<Tensor>& in, const Attrs& attrs, int64_t groups, const std::string& op) {
  const Tensor& x = in[0];
  if (x.rank() < 3) throw RuntimeError(Msg() << op << ": x must be [N, C, spatial...], found " << shape_str(x.shape()));
  const int64_t n = x.dim(0), c = x.dim(1), plane = prod(x.shape(), 2);
  if (groups == 0) groups = c;
  if (groups < 0 || c % groups != 0)
    throw RuntimeError(Msg() << op << ": x has " << c << " channels, not a multiple of num_groups=" << groups);
  expect_channel_vector(in, 1, c, op);
  expect_channel_vector(in, 2, c, op);
  const int64_t cg = c / groups, len = cg * plane;
  const double eps = attrs.get_float("epsilon");
  ComputeIn<C> xi(x), sc(in[1]), bi(in[2]);
  ComputeOut<C> out(x.dtype(), x.shape());
  for (int64_t i = 0; i < n * groups; ++i) {
    double mean, rstd;
    mean_rstd(xi.data() + i * len, len, eps, &mean, &rstd);
    for (int64_t k = 0; k < cg; ++k) {
      const int64_t ch = (i % groups) * cg + k;
      const C a = C(rstd * double(sc.data()[ch])), b = C(double(bi.data()[ch]) - mean * rstd * double(sc.data()[ch]));
      const C* src = xi.data() + i * len + k * plane;
      C* dst = out.data() + i * len + k * plane;
      for (int64_t j = 0; j < plane; ++j) dst[j] = src[j] * a + b;
    }
  }
  return out.finish();
}

// ONNX LRN: y = x / (bias + alpha/size * sum of x^2 over channels
// [c - floor((size-1)/2), c + ceil((size-1)/2)])^beta.
template <typename C>
Tensor lrn_impl(const Tensor& x, const Attrs& attrs) {
  if (x.rank() < 2) throw RuntimeError(Msg() << "lrn: x must be [N, C, ...], found " << shape_str(x.shape()));
  const int64_t size = attrs.get_int("size");
  if (size < 1) throw RuntimeError(Msg() << "lrn: size must be >= 1, found " << size);
  const int64_t n = x.dim(0), c = x.dim(1), plane = prod(x.shape(), 2);
  const int64_t lo = (size - 1) / 2, hi = size - 1 - lo;
  const C alpha = C(attrs.get_float("alpha") / double(size)), beta = C(attrs.get_float("beta")),
          bias = C(attrs.get_float("bias"));
  ComputeIn<C> xi(x);
  ComputeOut<C> out(x.dtype(), x.shape());
  std::vector<C> sq(static_cast<size_t>(plane));
  for (int64_t i = 0; i < n; ++i)
    for (int64_t ch = 0; ch < c; ++ch) {
      std::fill(sq.begin(), sq.end(), C(0));
      for (int64_t k = std::max<int64_t>(0, ch - lo); k <= std::min(c - 1, ch + hi); ++k) {
        const C* src = xi.data() + (i * c + k) * plane;
        for (int64_t j = 0; j < plane; ++j) sq[size_t(j)] += src[j] * src[j];
      }
      const C* src = xi.data() + (i * c + ch) * plane;
      C* dst = out.data() + (i * c + ch) * plane;
      for (int64_t j = 0; j < plane; ++j) dst[j] = src[j] / std::pow(bias + alpha * sq[size_t(j)], beta);
    }
  return out.finish();
}

template <typename F>
RefKernel float_kernel(std::string op, F impl) {
  return [op, impl](const std::vector<Tensor>& in, const Attrs& attrs) -> std::vector<Tensor> {
    return {dispatch_float_compute(in[0].dtype(), op, [&](auto tag) { return impl(tag, in, attrs); })};
  };
}

// ---- CPU emitter pieces ----------------------------------------------------------------------

// weft_rt::OP<T>(x, params as T..., TAIL): parameters of another float dtype are cast to x's.
std::string norm_call(const CpuEmitArgs& a, const std::string& op, size_t nargs, const std::string& tail) {
  std::string s = "weft_rt::" + op + "<" + cpu_ctype(a.result_dtype, op) + ">(" + a.args[0];
  for (size_t i = 1; i < nargs; ++i) s += ", " + cpu_opt_arg(a, i, a.result_dtype, op);
  return s + ", " + tail + ")";
}
// weft_rt::OP_output_shape(x, params..., TAIL): the runtime's shape function (the kernel's checks).
std::string norm_shape(const CpuEmitArgs& a, const std::string& op, size_t nargs, const std::string& tail) {
  std::string s = "weft_rt::" + op + "_output_shape(" + a.args[0];
  for (size_t i = 1; i < nargs; ++i) s += ", " + cpu_shape_arg(a, i);
  return cpu_shapes({s + tail + ")"});
}

}  // namespace

void register_norm_ops(OpRegistry& reg) {
  reg.add("batch_norm")
      .gradient(vjp::batch_norm_gradient())
      .doc("batch_norm(x, scale, bias, mean, var): inference-mode (x - mean) / sqrt(var + epsilon) * scale + bias "
           "per channel of x [N, C, ...]")
      .inputs(5)
      .attr("epsilon", AttrKind::Float, 1e-5, "added to the variance")
      .pattern(OpPattern::Broadcast)
      .no_scalar_expr("its parameters broadcast along x's channel dim (1), not NumPy's trailing dims")
      .type_relation(batch_norm_type)
      .kernel(float_kernel("batch_norm", [](auto tag, const std::vector<Tensor>& in, const Attrs& a) {
        return batch_norm_impl<typename decltype(tag)::type>(in, a);
      }))
      // Every result has x's shape; the shape functions are the runtime's parameter checks.
      .shape_cpu([](const CpuEmitArgs& a) { return norm_shape(a, "batch_norm", 5, ""); })
      .emit_cpu([](const CpuEmitArgs& a) {
        return norm_call(a, "batch_norm", 5, cpp_double(a.attrs->get_float("epsilon"), "batch_norm"));
      });
  reg.add("layer_norm")
      .gradient(vjp::layer_norm_gradient())
      .doc("layer_norm(x, scale, bias?): normalizes over x's dims axis..end, then * scale + bias, which broadcast "
           "to those dims (ONNX LayerNormalization, Y only)")
      .inputs(2, 3)
      .attr("axis", AttrKind::Int, int64_t(-1), "first normalized dim")
      .attr("epsilon", AttrKind::Float, 1e-5, "added to the variance")
      .pattern(OpPattern::OutFusable)
      .type_relation(layer_norm_type)
      .kernel(float_kernel("layer_norm", [](auto tag, const std::vector<Tensor>& in, const Attrs& a) {
        return layer_norm_impl<typename decltype(tag)::type>(in, a);
      }))
      .shape_cpu([](const CpuEmitArgs& a) {
        return norm_shape(a, "layer_norm", 3, ", " + std::to_string(cpu_axis(a.attrs->get_int("axis"), a.arg_ranks[0])));
      })
      .emit_cpu([](const CpuEmitArgs& a) {
        return norm_call(a, "layer_norm", 3,
                         std::to_string(cpu_axis(a.attrs->get_int("axis"), a.arg_ranks[0])) + ", " +
                             cpp_double(a.attrs->get_float("epsilon"), "layer_norm"));
      });
  reg.add("instance_norm")
      .gradient(vjp::instance_norm_gradient())
      .doc("instance_norm(x, scale, bias): normalizes each (n, c) plane of x [N, C, spatial...] over its spatial "
           "dims, then * scale[c] + bias[c]")
      .inputs(3)
      .attr("epsilon", AttrKind::Float, 1e-5, "added to the variance")
      .pattern(OpPattern::OutFusable)
      .type_relation([](const std::vector<ArgInfo>& args, const Attrs& attrs) {
        return channel_norm_type(args, attrs, "instance_norm");
      })
      .kernel(float_kernel("instance_norm", [](auto tag, const std::vector<Tensor>& in, const Attrs& a) {
        return grouped_norm_impl<typename decltype(tag)::type>(in, a, 0, "instance_norm");
      }))
      .shape_cpu([](const CpuEmitArgs& a) { return norm_shape(a, "instance_norm", 3, ""); })
      .emit_cpu([](const CpuEmitArgs& a) {
        return norm_call(a, "instance_norm", 3, cpp_double(a.attrs->get_float("epsilon"), "instance_norm"));
      });
  reg.add("group_norm")
      .gradient(vjp::group_norm_gradient())
      .doc("group_norm(x, scale, bias): splits the C channels of x [N, C, spatial...] into num_groups groups, "
           "normalizes each (n, group) over its channels and spatial dims, then * scale[c] + bias[c]")
      .inputs(3)
      .attr("num_groups", AttrKind::Int, std::nullopt, "number of channel groups; divides C")
      .attr("epsilon", AttrKind::Float, 1e-5, "added to the variance")
      .pattern(OpPattern::OutFusable)
      .type_relation([](const std::vector<ArgInfo>& args, const Attrs& attrs) {
        return channel_norm_type(args, attrs, "group_norm");
      })
      .kernel(float_kernel("group_norm", [](auto tag, const std::vector<Tensor>& in, const Attrs& a) {
        int64_t g = a.get_int("num_groups");
        if (g < 1) throw RuntimeError(Msg() << "group_norm: num_groups must be >= 1, found " << g);
        return grouped_norm_impl<typename decltype(tag)::type>(in, a, g, "group_norm");
      }))
      .shape_cpu([](const CpuEmitArgs& a) {
        return norm_shape(a, "group_norm", 3, ", " + std::to_string(a.attrs->get_int("num_groups")));
      })
      .emit_cpu([](const CpuEmitArgs& a) {
        return norm_call(a, "group_norm", 3,
                         std::to_string(a.attrs->get_int("num_groups")) + ", " +
                             cpp_double(a.attrs->get_float("epsilon"), "group_norm"));
      });
  reg.add("lrn")
      .gradient(vjp::lrn_gradient())
      .doc("lrn(x): local response normalization across channels of x [N, C, ...], "
           "x / (bias + alpha/size * sum of x^2 over `size` neighbouring channels)^beta (ONNX LRN)")
      .inputs(1)
      .attr("size", AttrKind::Int, std::nullopt, "number of channels summed")
      .attr("alpha", AttrKind::Float, 1e-4, "scale of the sum")
      .attr("beta", AttrKind::Float, 0.75, "exponent")
      .attr("bias", AttrKind::Float, 1.0, "added before the power")
      .pattern(OpPattern::OutFusable)
      .type_relation([](const std::vector<ArgInfo>& args, const Attrs& attrs) {
        return channel_norm_type(args, attrs, "lrn");
      })
      .kernel(float_kernel("lrn", [](auto tag, const std::vector<Tensor>& in, const Attrs& a) {
        return lrn_impl<typename decltype(tag)::type>(in[0], a);
      }))
      .shape_cpu([](const CpuEmitArgs& a) { return norm_shape(a, "lrn", 1, ""); })
      .emit_cpu([](const CpuEmitArgs& a) {
        const Attrs& at = *a.attrs;
        return "weft_rt::lrn<" + cpu_ctype(a.result_dtype, "lrn") + ">(" + a.args[0] + ", " + std::to_string(at.get_int("size")) +
               ", " + cpp_double(at.get_float("alpha"), "lrn") + ", " + cpp_double(at.get_float("beta"), "lrn") + ", " +
               cpp_double(at.get_float("bias"), "lrn") + ")";
      });
}

}  // namespace weft
