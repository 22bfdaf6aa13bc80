// NnConv.cpp - N-d convolution and transposed convolution (NCHW / OIHW), via im2col + GEMM.
#include <algorithm>

#include "ir/ops/NnCpuEmit.h"
#include "ir/ops/NnGradients.h"
#include "ir/ops/NnInternal.h"

namespace weft {
namespace {

// ---- type relations -------------------------------------------------------------------

// conv(x, w, b?) and conv_transpose(x, w, b?): checks shared by both; returns x's type.
const TensorTypeNode& check_conv_args(const std::vector<ArgInfo>& args, const std::string& op) {
  const auto& x = expect_tensor(args, 0, op);
  const auto& w = expect_tensor(args, 1, op);
  expect_float(x, op, 0);
  if (x.dtype != w.dtype)
    throw TypeRelationError(Msg() << op << ": weight must have x's dtype " << dtype_name(x.dtype) << ", found "
                                  << dtype_name(w.dtype));
  if (x.rank() < 3)
    throw TypeRelationError(Msg() << op << ": x must be [N, C, spatial...] with at least one spatial dim, found "
                                  << type_str(args[0].type));
  if (w.rank() != x.rank())
    throw TypeRelationError(Msg() << op << ": weight must have rank " << x.rank() << " like x, found "
                                  << type_str(args[1].type));
  return x;
}

void check_bias(const std::vector<ArgInfo>& args, const Dim& channels, const std::string& op) {
  if (!arg_present(args, 2)) return;
  const auto& b = expect_tensor(args, 2, op);
  const auto& x = expect_tensor(args, 0, op);
  if (b.dtype != x.dtype)
    throw TypeRelationError(Msg() << op << ": bias must have x's dtype " << dtype_name(x.dtype) << ", found "
                                  << dtype_name(b.dtype));
  if (b.rank() != 1 || dims_conflict(b.shape[0], channels))
    throw TypeRelationError(Msg() << op << ": bias must be [" << channels.str() << "] (one per output channel), found "
                                  << shape_str(b.shape));
}

int64_t groups_attr(const Attrs& attrs, const std::string& op, Stage stage) {
  int64_t g = attrs.get_int("groups");
  if (g < 1) nn_fail(stage, Msg() << op << ": groups must be >= 1, found " << g);
  return g;
}

Type conv_type(const std::vector<ArgInfo>& args, const Attrs& attrs) {
  const auto& x = check_conv_args(args, "conv");
  const auto& w = expect_tensor(args, 1, "conv");
  size_t nsp = size_t(x.rank() - 2);
  WindowAttrs wa = window_attrs(attrs, nsp, "conv", Stage::Type);
  int64_t g = groups_attr(attrs, "conv", Stage::Type);
  const Dim &c = x.shape[1], &cg = w.shape[1], &m = w.shape[0];
  if (c.is_static() && cg.is_static() && cg.value() * g != c.value())
    throw TypeRelationError(Msg() << "conv: weight has " << cg.value() << " input channels per group but x has "
                                  << c.value() << " channels with groups=" << g);
  if (m.is_static() && m.value() % g != 0)
    throw TypeRelationError(Msg() << "conv: weight has " << m.value() << " output channels, not a multiple of groups="
                                  << g);
  check_bias(args, m, "conv");
  Shape out = {x.shape[0], m};
  for (size_t i = 0; i < nsp; ++i) {
    Dim o = window_out_dim(x.shape[2 + i], w.shape[2 + i], wa.strides[i], wa.pads_begin[i], wa.pads_end[i],
                           wa.dilations[i]);
    if (o.is_static() && o.value() < 1)
      throw TypeRelationError(Msg() << "conv: spatial dim " << i << " of x (" << x.shape[2 + i].str()
                                    << ", padded by " << wa.pads_begin[i] << "+" << wa.pads_end[i]
                                    << ") is smaller than the dilated kernel (" << w.shape[2 + i].str()
                                    << ", dilation " << wa.dilations[i] << ")");
    out.push_back(o);
  }
  return tensor_type(x.dtype, out);
}

Type conv_transpose_type(const std::vector<ArgInfo>& args, const Attrs& attrs) {
  const auto& x = check_conv_args(args, "conv_transpose");
  const auto& w = expect_tensor(args, 1, "conv_transpose");
  size_t nsp = size_t(x.rank() - 2);
  WindowAttrs wa = window_attrs(attrs, nsp, "conv_transpose", Stage::Type);
  auto opad = spatial_attr(attrs, "output_padding", nsp, 0, "conv_transpose", Stage::Type);
  int64_t g = groups_attr(attrs, "conv_transpose", Stage::Type);
  if (dims_conflict(x.shape[1], w.shape[0]))
    throw TypeRelationError(Msg() << "conv_transpose: weight is [C_in, C_out/groups, k...] with C_in = "
                                  << w.shape[0].str() << " but x has " << x.shape[1].str() << " channels");
  if (w.shape[0].is_static() && w.shape[0].value() % g != 0)
    throw TypeRelationError(Msg() << "conv_transpose: weight has " << w.shape[0].value()
                                  << " input channels, not a multiple of groups=" << g);
  Dim m = w.shape[1] * Dim(g);
  check_bias(args, m, "conv_transpose");
  Shape out = {x.shape[0], m};
  for (size_t i = 0; i < nsp; ++i) {
    if (opad[i] < 0 || (opad[i] >= wa.strides[i] && opad[i] >= wa.dilations[i]))
      throw TypeRelationError(Msg() << "conv_transpose: output_padding " << opad[i]
                                    << " must be >= 0 and smaller than the stride or the dilation");
    Dim o = Dim(wa.strides[i]) * (x.shape[2 + i] - Dim(1)) + Dim(opad[i] + 1 - wa.pads_begin[i] - wa.pads_end[i]) +
            Dim(wa.dilations[i]) * (w.shape[2 + i] - Dim(1));
    if (o.is_static() && o.value() < 1)
      throw TypeRelationError(Msg() << "conv_transpose: spatial dim " << i << " of the output would be " << o.value());
    out.push_back(o);
  }
  return tensor_type(x.dtype, out);
}

// ---- kernels --------------------------------------------------------------------------

// Moves data between an image (channels x `image` grid) and its column matrix (channels*K
// rows x `grid` columns, K = kernel positions): the element of column row (c, kidx) at
// grid position p corresponds to image position p*stride - pad_begin + kidx*dilation.
// Gather (im2col, conv): col[row][p] = image value or 0 in the padding.
// Scatter (col2im, conv_transpose): image += col[row][p] where that position exists.
template <typename C, bool Scatter>
void col_image(std::conditional_t<Scatter, const C*, C*> col, std::conditional_t<Scatter, C*, const C*> img,
               int64_t channels, const std::vector<int64_t>& grid, const std::vector<int64_t>& image,
               const std::vector<int64_t>& kernel, const WindowAttrs& w) {
  const size_t nsp = grid.size(), last = nsp - 1;
  const int64_t ks = prod(kernel), gs = prod(grid), is = prod(image);
  const int64_t glast = grid[last], ilast = image[last], outer = gs / glast;
  std::vector<int64_t> kidx(nsp), gidx(nsp);
  for (int64_t c = 0; c < channels; ++c) {
    auto* im = img + c * is;
    for (int64_t kf = 0; kf < ks; ++kf) {
      for (int64_t d = int64_t(last), r = kf; d >= 0; --d) {
        kidx[size_t(d)] = r % kernel[size_t(d)];
        r /= kernel[size_t(d)];
      }
      auto* row = col + (c * ks + kf) * gs;
      const int64_t s = w.strides[last], off = kidx[last] * w.dilations[last] - w.pads_begin[last];
      // valid p along the last dim: 0 <= p*s + off < ilast
      const int64_t p_lo = std::min(glast, off >= 0 ? 0 : (-off + s - 1) / s);
      const int64_t p_hi = std::max(p_lo, std::min(glast, ilast - off <= 0 ? 0 : (ilast - off - 1) / s + 1));
      std::fill(gidx.begin(), gidx.end(), 0);
      for (int64_t r = 0; r < outer; ++r, row += glast) {
        bool valid = true;
        int64_t base = 0;
        for (size_t d = 0; d < last; ++d) {
          int64_t t = gidx[d] * w.strides[d] - w.pads_begin[d] + kidx[d] * w.dilations[d];
          valid = valid && t >= 0 && t < image[d];
          base = base * image[d] + t;
        }
        const int64_t at = base * ilast + off;  // image index of grid position p is at + p*s
        if constexpr (!Scatter) {
          if (!valid) {
            std::fill(row, row + glast, C(0));
          } else {
            std::fill(row, row + p_lo, C(0));
            for (int64_t p = p_lo; p < p_hi; ++p) row[p] = im[at + p * s];
            std::fill(row + p_hi, row + glast, C(0));
          }
        } else if (valid) {
          for (int64_t p = p_lo; p < p_hi; ++p) im[at + p * s] += row[p];
        }
        for (int64_t d = int64_t(last) - 1; d >= 0; --d) {  // odometer over all but the last grid dim
          if (++gidx[size_t(d)] < grid[size_t(d)]) break;
          gidx[size_t(d)] = 0;
        }
      }
    }
  }
}

template <typename C>
void add_bias_channels(const std::vector<Tensor>& in, int64_t n, int64_t m, int64_t plane, C* out, const char* op) {
  if (!input_present(in, 2)) return;
  if (in[2].numel() != m)
    throw RuntimeError(Msg() << op << ": bias must have " << m << " values (one per output channel), found "
                             << shape_str(in[2].shape()));
  ComputeIn<C> b(in[2]);
  for (int64_t i = 0; i < n; ++i)
    for (int64_t c = 0; c < m; ++c) {
      C* p = out + (i * m + c) * plane;
      const C v = b.data()[c];
      for (int64_t j = 0; j < plane; ++j) p[j] += v;
    }
}

template <typename C>
Tensor conv_impl(const std::vector<Tensor>& in, const Attrs& attrs) {
  const Tensor &x = in[0], &wt = in[1];
  if (x.rank() < 3 || wt.rank() != x.rank())
    throw RuntimeError(Msg() << "conv: x must be [N, C, spatial...] and the weight of the same rank, found "
                             << shape_str(x.shape()) << " and " << shape_str(wt.shape()));
  const size_t nsp = size_t(x.rank() - 2);
  WindowAttrs wa = window_attrs(attrs, nsp, "conv", Stage::Run);
  const int64_t g = groups_attr(attrs, "conv", Stage::Run);
  const int64_t n = x.dim(0), cin = x.dim(1), cout = wt.dim(0), cin_g = wt.dim(1);
  if (cin_g * g != cin || cout % g != 0)
    throw RuntimeError(Msg() << "conv: weight " << shape_str(wt.shape()) << " does not fit x " << shape_str(x.shape())
                             << " with groups=" << g);
  std::vector<int64_t> isp(x.shape().begin() + 2, x.shape().end()), ksp(wt.shape().begin() + 2, wt.shape().end()), osp;
  for (size_t i = 0; i < nsp; ++i) {
    int64_t o = window_out_len(isp[i], ksp[i], wa.strides[i], wa.pads_begin[i], wa.pads_end[i], wa.dilations[i], false);
    if (o < 1) throw RuntimeError(Msg() << "conv: input " << shape_str(x.shape()) << " is smaller than the kernel");
    osp.push_back(o);
  }
  std::vector<int64_t> oshape = {n, cout};
  oshape.insert(oshape.end(), osp.begin(), osp.end());
  const int64_t is = prod(isp), ks = prod(ksp), os = prod(osp), cout_g = cout / g, kk = cin_g * ks;
  bool pointwise = ks == 1;
  for (size_t i = 0; i < nsp; ++i)
    pointwise = pointwise && wa.strides[i] == 1 && wa.pads_begin[i] == 0 && wa.pads_end[i] == 0;

  ComputeIn<C> xi(x), wi(wt);
  ComputeOut<C> out(x.dtype(), oshape);
  std::vector<C> col(pointwise ? 0 : size_t(kk * os));
  for (int64_t b = 0; b < n; ++b)
    for (int64_t gi = 0; gi < g; ++gi) {
      const C* xg = xi.data() + (b * cin + gi * cin_g) * is;
      const C* cols = xg;
      if (!pointwise) {
        col_image<C, false>(col.data(), xg, cin_g, osp, isp, ksp, wa);
        cols = col.data();
      }
      gemm_strided<C>(cout_g, os, kk, wi.data() + gi * cout_g * kk, kk, 1, cols, os, 1,
                      out.data() + (b * cout + gi * cout_g) * os, os, false);
    }
  add_bias_channels(in, n, cout, os, out.data(), "conv");
  return out.finish();
}

template <typename C>
Tensor conv_transpose_impl(const std::vector<Tensor>& in, const Attrs& attrs) {
  const Tensor &x = in[0], &wt = in[1];
  if (x.rank() < 3 || wt.rank() != x.rank())
    throw RuntimeError(Msg() << "conv_transpose: x must be [N, C, spatial...] and the weight of the same rank, found "
                             << shape_str(x.shape()) << " and " << shape_str(wt.shape()));
  const size_t nsp = size_t(x.rank() - 2);
  WindowAttrs wa = window_attrs(attrs, nsp, "conv_transpose", Stage::Run);
  auto opad = spatial_attr(attrs, "output_padding", nsp, 0, "conv_transpose", Stage::Run);
  const int64_t g = groups_attr(attrs, "conv_transpose", Stage::Run);
  const int64_t n = x.dim(0), cin = x.dim(1), cout_g = wt.dim(1), cout = cout_g * g;
  if (wt.dim(0) != cin || cin % g != 0)
    throw RuntimeError(Msg() << "conv_transpose: weight " << shape_str(wt.shape()) << " does not fit x "
                             << shape_str(x.shape()) << " with groups=" << g);
  const int64_t cin_g = cin / g;
  std::vector<int64_t> isp(x.shape().begin() + 2, x.shape().end()), ksp(wt.shape().begin() + 2, wt.shape().end()), osp;
  for (size_t i = 0; i < nsp; ++i) {
    int64_t o = wa.strides[i] * (isp[i] - 1) + opad[i] + wa.dilations[i] * (ksp[i] - 1) + 1 - wa.pads_begin[i] -
                wa.pads_end[i];
    if (o < 1) throw RuntimeError(Msg() << "conv_transpose: output spatial dim " << i << " would be " << o);
    osp.push_back(o);
  }
  std::vector<int64_t> oshape = {n, cout};
  oshape.insert(oshape.end(), osp.begin(), osp.end());
  const int64_t is = prod(isp), ks = prod(ksp), os = prod(osp), rows = cout_g * ks;

  ComputeIn<C> xi(x), wi(wt);
  ComputeOut<C> out(x.dtype(), oshape);
  std::vector<C> col(size_t(rows * is));
  for (int64_t b = 0; b < n; ++b)
    for (int64_t gi = 0; gi < g; ++gi) {
      // col[cout_g*K, is] = W_g^T @ x_g, where W_g is the [cin_g, cout_g*K] slab of the weight.
      gemm_strided<C>(rows, is, cin_g, wi.data() + gi * cin_g * rows, 1, rows, xi.data() + (b * cin + gi * cin_g) * is,
                      is, 1, col.data(), is, false);
      col_image<C, true>(col.data(), out.data() + (b * cout + gi * cout_g) * os, cout_g, isp, osp, ksp, wa);
    }
  add_bias_channels(in, n, cout, os, out.data(), "conv_transpose");
  return out.finish();
}

std::vector<Tensor> conv_kernel(const std::vector<Tensor>& in, const Attrs& attrs) {
  return {dispatch_float_compute(in[0].dtype(), "conv", [&](auto tag) {
    return conv_impl<typename decltype(tag)::type>(in, attrs);
  })};
}

std::vector<Tensor> conv_transpose_kernel(const std::vector<Tensor>& in, const Attrs& attrs) {
  return {dispatch_float_compute(in[0].dtype(), "conv_transpose", [&](auto tag) {
    return conv_transpose_impl<typename decltype(tag)::type>(in, attrs);
  })};
}

}  // namespace

void register_conv_ops(OpRegistry& reg) {
  using Ints = std::vector<int64_t>;
  reg.add("conv")
      .gradient(vjp::conv_gradient())
      .doc("conv(x, w, b?): N-d cross-correlation, x [N, C, spatial...], w [M, C/groups, k...], b [M] "
           "(ONNX Conv without auto_pad)")
      .inputs(2, 3)
      .attr("strides", AttrKind::Ints, Ints{}, "per spatial dim; [] = all 1")
      .attr("pads", AttrKind::Ints, Ints{}, "[begin..., end...]; [] = no padding")
      .attr("dilations", AttrKind::Ints, Ints{}, "per spatial dim; [] = all 1")
      .attr("groups", AttrKind::Int, int64_t(1), "channel groups; C and M must be multiples of it")
      .pattern(OpPattern::OutFusable)
      .out_epilogue()
      .type_relation(conv_type)
      .kernel(conv_kernel)
      // The shape functions are the runtime's, which the kernels call too.
      .shape_cpu([](const CpuEmitArgs& a) {
        const size_t nsp = size_t(a.arg_ranks[0] - 2);
        return cpu_shapes({"weft_rt::conv_output_shape(" + a.args[0] + ", " + a.args[1] + ", " + cpu_shape_arg(a, 2) + ", " +
                           cpu_window(*a.attrs, nsp, "conv") + ", " + std::to_string(a.attrs->get_int("groups")) + ")"});
      })
      .emit_cpu([](const CpuEmitArgs& a) {
        const size_t nsp = size_t(a.arg_ranks[0] - 2);
        return "weft_rt::conv<" + cpu_ctype(a.result_dtype, "conv") + ">(" + a.args[0] + ", " + a.args[1] + ", " +
               cpu_opt_arg(a, 2, a.result_dtype, "conv") + ", " + cpu_window(*a.attrs, nsp, "conv") + ", " +
               std::to_string(a.attrs->get_int("groups")) + (a.epilogue.empty() ? "" : ", " + a.epilogue) + ")";
      });
  reg.add("conv_transpose")
      .gradient(vjp::conv_transpose_gradient())
      .doc("conv_transpose(x, w, b?): N-d transposed convolution, x [N, C, spatial...], w [C, M/groups, k...], "
           "b [M]; out = stride*(in-1) + output_padding + dilation*(k-1) + 1 - pad_begin - pad_end")
      .inputs(2, 3)
      .attr("strides", AttrKind::Ints, Ints{}, "per spatial dim; [] = all 1")
      .attr("pads", AttrKind::Ints, Ints{}, "[begin..., end...]; [] = no padding")
      .attr("dilations", AttrKind::Ints, Ints{}, "per spatial dim; [] = all 1")
      .attr("groups", AttrKind::Int, int64_t(1), "channel groups")
      .attr("output_padding", AttrKind::Ints, Ints{}, "extra size at the end of each spatial dim; [] = 0")
      .pattern(OpPattern::OutFusable)
      .type_relation(conv_transpose_type)
      .kernel(conv_transpose_kernel)
      .shape_cpu([](const CpuEmitArgs& a) {
        const size_t nsp = size_t(a.arg_ranks[0] - 2);
        const auto opad = spatial_attr(*a.attrs, "output_padding", nsp, 0, "conv_transpose", Stage::Type);
        return cpu_shapes({"weft_rt::conv_transpose_output_shape(" + a.args[0] + ", " + a.args[1] + ", " + cpu_shape_arg(a, 2) +
                           ", " + cpu_window(*a.attrs, nsp, "conv_transpose") + ", " + cpp_ints(opad) + ", " +
                           std::to_string(a.attrs->get_int("groups")) + ")"});
      })
      .emit_cpu([](const CpuEmitArgs& a) {
        const size_t nsp = size_t(a.arg_ranks[0] - 2);
        const auto opad = spatial_attr(*a.attrs, "output_padding", nsp, 0, "conv_transpose", Stage::Type);
        return "weft_rt::conv_transpose<" + cpu_ctype(a.result_dtype, "conv_transpose") + ">(" + a.args[0] + ", " + a.args[1] +
               ", " + cpu_opt_arg(a, 2, a.result_dtype, "conv_transpose") + ", " + cpu_window(*a.attrs, nsp, "conv_transpose") +
               ", " + cpp_ints(opad) + ", " + std::to_string(a.attrs->get_int("groups")) + ")";
      });
}

}  // namespace weft
