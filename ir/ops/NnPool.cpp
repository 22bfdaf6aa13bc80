// NnPool.cpp - N-d max / average / Lp pooling (ONNX output sizes, ceil mode) and global pools.
#include <cmath>
#include <limits>

#include "ir/ops/NnCpuEmit.h"
#include "ir/ops/NnGradients.h"
#include "ir/ops/NnInternal.h"
#include "ir/ops/PoolGradients.h"

namespace weft {
namespace {

// ---- type relations -------------------------------------------------------------------

std::vector<int64_t> kernel_shape_attr(const Attrs& attrs, size_t nsp, const std::string& op, Stage stage) {
  const auto& k = attrs.get_ints("kernel_shape");
  if (k.size() != nsp)
    nn_fail(stage, Msg() << op << ": kernel_shape needs " << nsp << " values (one per spatial dim of x), found "
                         << attr_value_str(k));
  for (auto v : k)
    if (v < 1) nn_fail(stage, Msg() << op << ": kernel_shape entries must be >= 1, found " << attr_value_str(k));
  return k;
}

// Pooled length, symbolic where it can be. In ceil mode the window count is
// ceil(a/s) + 1 with a = in + pb + pe - ek (ek = dilated kernel), minus one when the last
// window would start in the end padding: when ceil(a/s)*s - a >= ek - pe. That slack lies
// in [0, s-1], so the answer is known without `in` unless 0 < ek - pe <= s - 1.
Dim pool_out_dim(const Dim& in, int64_t k, int64_t s, int64_t pb, int64_t pe, int64_t d, bool ceil_mode) {
  if (in.is_static()) return Dim(window_out_len(in.value(), k, s, pb, pe, d, ceil_mode));
  if (!ceil_mode) return window_out_dim(in, Dim(k), s, pb, pe, d);
  const int64_t ek = d * (k - 1) + 1;
  Dim out = (in + Dim(pb + pe - ek + s - 1)).floordiv(Dim(s)) + Dim(1);
  if (ek - pe > s - 1) return out;
  if (ek - pe <= 0) return out - Dim(1);
  return Dim::unknown();
}

const TensorTypeNode& expect_pool_input(const std::vector<ArgInfo>& args, const std::string& op) {
  const auto& x = expect_tensor(args, 0, op);
  expect_float(x, op, 0);
  if (x.rank() < 3)
    throw TypeRelationError(Msg() << op << ": x must be [N, C, spatial...] with at least one spatial dim, found "
                                  << type_str(args[0].type));
  return x;
}

TypeRelation pool_type(std::string op) {
  return [op](const std::vector<ArgInfo>& args, const Attrs& attrs) -> Type {
    const auto& x = expect_pool_input(args, op);
    const size_t nsp = size_t(x.rank() - 2);
    auto k = kernel_shape_attr(attrs, nsp, op, Stage::Type);
    WindowAttrs wa = window_attrs(attrs, nsp, op, Stage::Type);
    bool ceil_mode = attrs.has("ceil_mode") && attrs.get_bool("ceil_mode");
    Shape out = {x.shape[0], x.shape[1]};
    for (size_t i = 0; i < nsp; ++i) {
      Dim o = pool_out_dim(x.shape[2 + i], k[i], wa.strides[i], wa.pads_begin[i], wa.pads_end[i], wa.dilations[i],
                           ceil_mode);
      if (o.is_static() && o.value() < 1)
        throw TypeRelationError(Msg() << op << ": spatial dim " << i << " of x (" << x.shape[2 + i].str()
                                      << ", padded by " << wa.pads_begin[i] << "+" << wa.pads_end[i]
                                      << ") is smaller than the window (" << k[i] << ", dilation " << wa.dilations[i]
                                      << ")");
      out.push_back(o);
    }
    return tensor_type(x.dtype, out);
  };
}

TypeRelation global_pool_type(std::string op) {
  return [op](const std::vector<ArgInfo>& args, const Attrs&) -> Type {
    const auto& x = expect_pool_input(args, op);
    Shape out = {x.shape[0], x.shape[1]};
    out.resize(size_t(x.rank()), Dim(1));
    return tensor_type(x.dtype, out);
  };
}

// ---- kernels --------------------------------------------------------------------------

// Where each window lies, per spatial dim and output index: the first in-bounds input
// coordinate, how many in-bounds taps follow (dilation apart), and how many taps fall
// inside the padded extent [-pad_begin, in + pad_end) (count_include_pad's divisor).
struct PoolGeom {
  std::vector<int64_t> in, out, dil;
  std::vector<std::vector<int64_t>> first, valid, padded;
};

PoolGeom pool_geom(const Tensor& x, const Attrs& attrs, const std::string& op) {
  if (x.rank() < 3) throw RuntimeError(Msg() << op << ": x must be [N, C, spatial...], found " << shape_str(x.shape()));
  const size_t nsp = size_t(x.rank() - 2);
  auto k = kernel_shape_attr(attrs, nsp, op, Stage::Run);
  WindowAttrs wa = window_attrs(attrs, nsp, op, Stage::Run);
  bool ceil_mode = attrs.has("ceil_mode") && attrs.get_bool("ceil_mode");
  PoolGeom g;
  g.in.assign(x.shape().begin() + 2, x.shape().end());
  g.dil = wa.dilations;
  g.first.resize(nsp);
  g.valid.resize(nsp);
  g.padded.resize(nsp);
  for (size_t d = 0; d < nsp; ++d) {
    const int64_t s = wa.strides[d], dl = wa.dilations[d], n = g.in[d];
    int64_t o = window_out_len(n, k[d], s, wa.pads_begin[d], wa.pads_end[d], dl, ceil_mode);
    if (o < 1) throw RuntimeError(Msg() << op << ": input " << shape_str(x.shape()) << " is smaller than the window");
    g.out.push_back(o);
    for (int64_t i = 0; i < o; ++i) {
      const int64_t t0 = i * s - wa.pads_begin[d];
      int64_t first = -1, valid = 0, padded = 0;
      for (int64_t j = 0; j < k[d]; ++j) {
        int64_t t = t0 + j * dl;
        if (t < n + wa.pads_end[d]) ++padded;
        if (t < 0 || t >= n) continue;
        if (first < 0) first = t;
        ++valid;
      }
      g.first[d].push_back(first < 0 ? 0 : first);
      g.valid[d].push_back(valid);
      g.padded[d].push_back(padded);
    }
  }
  return g;
}

// For each output position: collects the window's in-plane offsets, then for each of the
// `planes` (N*C) planes stores reduce(plane_data, offsets, count, padded_count).
template <typename C, typename Reduce>
void pool_planes(const C* x, C* y, int64_t planes, const PoolGeom& g, Reduce&& reduce) {
  const size_t nsp = g.in.size();
  const int64_t is = prod(g.in), os = prod(g.out);
  std::vector<int64_t> oidx(nsp, 0), widx(nsp), offs;
  for (int64_t o = 0; o < os; ++o) {
    int64_t total = 1, padded = 1;
    for (size_t d = 0; d < nsp; ++d) {
      total *= g.valid[d][size_t(oidx[d])];
      padded *= g.padded[d][size_t(oidx[d])];
    }
    offs.clear();
    std::fill(widx.begin(), widx.end(), 0);
    for (int64_t w = 0; w < total; ++w) {
      int64_t off = 0;
      for (size_t d = 0; d < nsp; ++d) off = off * g.in[d] + g.first[d][size_t(oidx[d])] + widx[d] * g.dil[d];
      offs.push_back(off);
      for (int64_t d = int64_t(nsp) - 1; d >= 0; --d) {
        if (++widx[size_t(d)] < g.valid[size_t(d)][size_t(oidx[size_t(d)])]) break;
        widx[size_t(d)] = 0;
      }
    }
    for (int64_t p = 0; p < planes; ++p) y[p * os + o] = reduce(x + p * is, offs.data(), total, padded);
    for (int64_t d = int64_t(nsp) - 1; d >= 0; --d) {
      if (++oidx[size_t(d)] < g.out[size_t(d)]) break;
      oidx[size_t(d)] = 0;
    }
  }
}

template <typename C>
inline C max_of(const C* p, const int64_t* offs, int64_t n) {
  C m = -std::numeric_limits<C>::infinity();
  for (int64_t i = 0; i < n; ++i) {
    C v = p[offs[i]];
    if (v > m || std::isnan(v)) m = v;
    if (std::isnan(m)) break;
  }
  return m;
}

// max_pool, avg_pool or lp_pool (per `op`) over x.
template <typename C>
Tensor pool_impl(const Tensor& x, const Attrs& attrs, const std::string& op) {
  PoolGeom g = pool_geom(x, attrs, op);
  std::vector<int64_t> oshape = {x.dim(0), x.dim(1)};
  oshape.insert(oshape.end(), g.out.begin(), g.out.end());
  ComputeIn<C> xi(x);
  ComputeOut<C> out(x.dtype(), oshape);
  const int64_t planes = x.dim(0) * x.dim(1);
  if (op == "max_pool") {
    pool_planes(xi.data(), out.data(), planes, g,
                [](const C* p, const int64_t* offs, int64_t n, int64_t) { return max_of(p, offs, n); });
  } else if (op == "avg_pool") {
    const bool include_pad = attrs.get_bool("count_include_pad");
    pool_planes(xi.data(), out.data(), planes, g, [include_pad](const C* p, const int64_t* offs, int64_t n, int64_t np) {
      C s = 0;
      for (int64_t i = 0; i < n; ++i) s += p[offs[i]];
      return s / C(include_pad ? np : n);
    });
  } else {  // lp_pool
    const int64_t pw = attrs.get_int("p");
    if (pw < 1) throw RuntimeError(Msg() << "lp_pool: p must be >= 1, found " << pw);
    const C pf = C(pw), inv = C(1) / pf;
    pool_planes(xi.data(), out.data(), planes, g, [pw, pf, inv](const C* p, const int64_t* offs, int64_t n, int64_t) {
      C s = 0;
      if (pw == 2) {
        for (int64_t i = 0; i < n; ++i) s += p[offs[i]] * p[offs[i]];
        return std::sqrt(s);
      }
      for (int64_t i = 0; i < n; ++i) s += std::pow(std::fabs(p[offs[i]]), pf);
      return std::pow(s, inv);
    });
  }
  return out.finish();
}

template <typename C>
Tensor global_pool_impl(const Tensor& x, bool is_max, const std::string& op) {
  if (x.rank() < 3) throw RuntimeError(Msg() << op << ": x must be [N, C, spatial...], found " << shape_str(x.shape()));
  std::vector<int64_t> oshape = {x.dim(0), x.dim(1)};
  oshape.resize(size_t(x.rank()), 1);
  const int64_t planes = x.dim(0) * x.dim(1), is = prod(x.shape(), 2);
  ComputeIn<C> xi(x);
  ComputeOut<C> out(x.dtype(), oshape);
  for (int64_t p = 0; p < planes; ++p) {
    const C* src = xi.data() + p * is;
    if (is_max) {
      C m = -std::numeric_limits<C>::infinity();
      for (int64_t i = 0; i < is; ++i)
        if (src[i] > m || std::isnan(src[i])) m = src[i];
      out.data()[p] = m;
    } else {
      C s = 0;
      for (int64_t i = 0; i < is; ++i) s += src[i];
      out.data()[p] = s / C(is);
    }
  }
  return out.finish();
}

RefKernel pool_kernel(std::string op) {
  return [op](const std::vector<Tensor>& in, const Attrs& attrs) -> std::vector<Tensor> {
    return {dispatch_float_compute(in[0].dtype(), op, [&](auto tag) {
      return pool_impl<typename decltype(tag)::type>(in[0], attrs, op);
    })};
  };
}

RefKernel global_pool_kernel(std::string op, bool is_max) {
  return [op, is_max](const std::vector<Tensor>& in, const Attrs&) -> std::vector<Tensor> {
    return {dispatch_float_compute(in[0].dtype(), op, [&](auto tag) {
      return global_pool_impl<typename decltype(tag)::type>(in[0], is_max, op);
    })};
  };
}

OpDefBuilder window_attrs_spec(OpDefBuilder b) {
  using Ints = std::vector<int64_t>;
  return b.attr("kernel_shape", AttrKind::Ints, std::nullopt, "window size per spatial dim")
      .attr("strides", AttrKind::Ints, Ints{}, "per spatial dim; [] = all 1")
      .attr("pads", AttrKind::Ints, Ints{}, "[begin..., end...]; [] = no padding")
      .attr("dilations", AttrKind::Ints, Ints{}, "per spatial dim; [] = all 1")
      .attr("ceil_mode", AttrKind::Bool, false,
            "round the output size up; a window starting in the end padding is dropped");
}

// ---- CPU emitter pieces: the shape functions are the runtime's, which the kernels call too --------

// max_pool, avg_pool and lp_pool.
CpuShapeEmitter pool_shape_cpu(const std::string& op) {
  return [op](const CpuEmitArgs& a) {
    const Attrs& at = *a.attrs;
    const size_t nsp = size_t(a.arg_ranks[0] - 2);
    return cpu_shapes({"weft_rt::pool_output_shape(" + a.args[0] + ", " + cpp_ints(kernel_shape_attr(at, nsp, op, Stage::Type)) +
                       ", " + cpu_window(at, nsp, op) + ", " + cpp_bool(at.get_bool("ceil_mode")) + ", \"" + op + "\")"});
  };
}
CpuEmitter pool_emit_cpu(const std::string& op) {
  return [op](const CpuEmitArgs& a) {
    const Attrs& at = *a.attrs;
    const size_t nsp = size_t(a.arg_ranks[0] - 2);
    std::string extra;
    if (op == "avg_pool") extra = ", " + cpp_bool(at.get_bool("count_include_pad"));
    if (op == "lp_pool") {
      if (at.get_int("p") < 1) throw CompileError(Msg() << "lp_pool: p must be >= 1, found " << at.get_int("p"));
      extra = ", " + std::to_string(at.get_int("p"));
    }
    return "weft_rt::" + op + "<" + cpu_ctype(a.result_dtype, op) + ">(" + a.args[0] + ", " +
           cpp_ints(kernel_shape_attr(at, nsp, op, Stage::Type)) + ", " + cpu_window(at, nsp, op) + ", " +
           cpp_bool(at.get_bool("ceil_mode")) + extra + ")";
  };
}
// global_avg_pool and global_max_pool.
CpuShapeEmitter global_pool_shape_cpu(const std::string& op) {
  return [op](const CpuEmitArgs& a) { return cpu_shapes({"weft_rt::global_pool_output_shape(" + a.args[0] + ", \"" + op + "\")"}); };
}
CpuEmitter global_pool_emit_cpu(const std::string& op) {
  return [op](const CpuEmitArgs& a) { return "weft_rt::" + op + "<" + cpu_ctype(a.result_dtype, op) + ">(" + a.args[0] + ")"; };
}

}  // namespace

void register_pool_ops(OpRegistry& reg) {
  window_attrs_spec(reg.add("max_pool"))
      .gradient(vjp::max_pool_gradient())
      .doc("max_pool(x): N-d max over windows of x [N, C, spatial...]; padding never wins (ONNX MaxPool, "
           "values only)")
      .inputs(1)
      .pattern(OpPattern::OutFusable)
      .type_relation(pool_type("max_pool"))
      .kernel(pool_kernel("max_pool"))
      .shape_cpu(pool_shape_cpu("max_pool"))
      .emit_cpu(pool_emit_cpu("max_pool"));
  window_attrs_spec(reg.add("avg_pool"))
      .gradient(vjp::avg_pool_gradient())
      .doc("avg_pool(x): N-d mean over windows; the divisor counts in-bounds taps, or with count_include_pad every "
           "tap inside the padded extent (ONNX AveragePool)")
      .inputs(1)
      .attr("count_include_pad", AttrKind::Bool, false, "divide by taps in padding too")
      .pattern(OpPattern::OutFusable)
      .type_relation(pool_type("avg_pool"))
      .kernel(pool_kernel("avg_pool"))
      .shape_cpu(pool_shape_cpu("avg_pool"))
      .emit_cpu(pool_emit_cpu("avg_pool"));
  window_attrs_spec(reg.add("lp_pool"))
      .gradient(vjp::lp_pool_gradient())
      .doc("lp_pool(x): N-d (sum |x|^p)^(1/p) over windows; padding contributes 0 (ONNX LpPool)")
      .inputs(1)
      .attr("p", AttrKind::Int, int64_t(2), "the norm's exponent, >= 1")
      .pattern(OpPattern::OutFusable)
      .type_relation(pool_type("lp_pool"))
      .kernel(pool_kernel("lp_pool"))
      .shape_cpu(pool_shape_cpu("lp_pool"))
      .emit_cpu(pool_emit_cpu("lp_pool"));
  reg.add("global_avg_pool")
      .gradient(vjp::global_pool_gradient(false))
      .doc("global_avg_pool(x): mean over all spatial dims of x [N, C, spatial...], kept as size 1")
      .inputs(1)
      .pattern(OpPattern::OutFusable)
      .type_relation(global_pool_type("global_avg_pool"))
      .kernel(global_pool_kernel("global_avg_pool", false))
      .shape_cpu(global_pool_shape_cpu("global_avg_pool"))
      .emit_cpu(global_pool_emit_cpu("global_avg_pool"));
  reg.add("global_max_pool")
      .gradient(vjp::global_pool_gradient(true))
      .doc("global_max_pool(x): max over all spatial dims of x [N, C, spatial...], kept as size 1")
      .inputs(1)
      .pattern(OpPattern::OutFusable)
      .type_relation(global_pool_type("global_max_pool"))
      .kernel(global_pool_kernel("global_max_pool", true))
      .shape_cpu(global_pool_shape_cpu("global_max_pool"))
      .emit_cpu(global_pool_emit_cpu("global_max_pool"));
}

}  // namespace weft
