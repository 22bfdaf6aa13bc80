// NnMatmul.cpp - matmul (NumPy semantics, batched, symbolic broadcast) and gemm (ONNX Gemm).
#include "ir/ops/NnCpuEmit.h"
#include "ir/ops/NnInternal.h"

namespace weft {
namespace {

// ---- matmul ---------------------------------------------------------------------------

Type matmul_type(const std::vector<ArgInfo>& args, const Attrs&) {
  const auto& a = expect_tensor(args, 0, "matmul");
  const auto& b = expect_tensor(args, 1, "matmul");
  DType dt = expect_same_dtype(args, "matmul");
  if (dt == DType::Bool) throw TypeRelationError("matmul: expected numeric tensors, found bool");
  if (a.rank() < 1 || b.rank() < 1)
    throw TypeRelationError(Msg() << "matmul: operands must have rank >= 1, found " << type_str(args[0].type) << " and "
                                  << type_str(args[1].type));
  Shape as = a.shape, bs = b.shape;
  if (a.rank() == 1) as.insert(as.begin(), Dim(1));
  if (b.rank() == 1) bs.push_back(Dim(1));
  const Dim& ka = as.back();
  const Dim& kb = bs[bs.size() - 2];
  if (dims_conflict(ka, kb))
    throw TypeRelationError(Msg() << "matmul: a has " << ka.str() << " columns but b has " << kb.str() << " rows (shapes "
                                  << shape_str(a.shape) << " and " << shape_str(b.shape) << ")");
  Shape out = broadcast_shapes(Shape(as.begin(), as.end() - 2), Shape(bs.begin(), bs.end() - 2), "matmul");
  if (a.rank() > 1) out.push_back(as[as.size() - 2]);
  if (b.rank() > 1) out.push_back(bs.back());
  return tensor_type(dt, out);
}

template <typename C>
Tensor matmul_impl(const Tensor& a, const Tensor& b) {
  std::vector<int64_t> as = a.shape(), bs = b.shape();
  if (a.rank() == 1) as.insert(as.begin(), 1);
  if (b.rank() == 1) bs.push_back(1);
  const int64_t m = as[as.size() - 2], k = as.back(), n = bs.back();
  if (bs[bs.size() - 2] != k)
    throw RuntimeError(Msg() << "matmul: a has " << k << " columns but b has " << bs[bs.size() - 2] << " rows (shapes "
                             << shape_str(a.shape()) << " and " << shape_str(b.shape()) << ")");
  std::vector<int64_t> abatch(as.begin(), as.end() - 2), bbatch(bs.begin(), bs.end() - 2);
  std::vector<int64_t> obatch = broadcast_shapes(abatch, bbatch, "matmul");
  std::vector<int64_t> oshape = obatch;
  if (a.rank() > 1) oshape.push_back(m);
  if (b.rank() > 1) oshape.push_back(n);

  ComputeIn<C> ai(a), bi(b);
  ComputeOut<C> out(a.dtype(), oshape);
  std::vector<int64_t> sa = broadcast_strides(abatch, obatch), sb = broadcast_strides(bbatch, obatch);
  const int64_t count = prod(obatch);
  std::vector<int64_t> idx(obatch.size(), 0);
  int64_t offa = 0, offb = 0;  // in matrices
  for (int64_t t = 0; t < count; ++t) {
    gemm_strided<C>(m, n, k, ai.data() + offa * m * k, k, 1, bi.data() + offb * k * n, n, 1, out.data() + t * m * n, n,
                    false);
    for (int d = int(obatch.size()) - 1; d >= 0; --d) {  // odometer over the batch dims
      size_t u = size_t(d);
      offa += sa[u];
      offb += sb[u];
      if (++idx[u] < obatch[u]) break;
      offa -= sa[u] * obatch[u];
      offb -= sb[u] * obatch[u];
      idx[u] = 0;
    }
  }
  return out.finish();
}

std::vector<Tensor> matmul_kernel(const std::vector<Tensor>& in, const Attrs&) {
  const Tensor &a = in[0], &b = in[1];
  if (a.dtype() != b.dtype())
    throw RuntimeError(Msg() << "matmul: operands must share one dtype, found " << dtype_name(a.dtype()) << " and "
                             << dtype_name(b.dtype()));
  if (a.rank() < 1 || b.rank() < 1) throw RuntimeError("matmul: operands must have rank >= 1");
  if (is_int(a.dtype())) return {matmul_impl<uint64_t>(a, b)};
  return {dispatch_float_compute(a.dtype(), "matmul", [&](auto tag) {
    using C = typename decltype(tag)::type;
    return matmul_impl<C>(a, b);
  })};
}

// ---- gemm -----------------------------------------------------------------------------

Type gemm_type(const std::vector<ArgInfo>& args, const Attrs& attrs) {
  const auto& a = expect_tensor(args, 0, "gemm");
  const auto& b = expect_tensor(args, 1, "gemm");
  expect_float(a, "gemm", 0);
  DType dt = expect_same_dtype(args, "gemm");
  if (a.rank() != 2 || b.rank() != 2)
    throw TypeRelationError(Msg() << "gemm: a and b must be matrices, found " << type_str(args[0].type) << " and "
                                  << type_str(args[1].type));
  bool ta = attrs.get_bool("trans_a"), tb = attrs.get_bool("trans_b");
  Dim m = a.shape[ta ? 1 : 0], ka = a.shape[ta ? 0 : 1];
  Dim kb = b.shape[tb ? 1 : 0], n = b.shape[tb ? 0 : 1];
  if (dims_conflict(ka, kb))
    throw TypeRelationError(Msg() << "gemm: op(a) has " << ka.str() << " columns but op(b) has " << kb.str()
                                  << " rows (trans_a=" << ta << ", trans_b=" << tb << ")");
  if (arg_present(args, 2)) {
    const auto& c = expect_tensor(args, 2, "gemm");
    if (c.rank() > 2) throw TypeRelationError(Msg() << "gemm: c must have rank <= 2, found " << type_str(args[2].type));
    Shape want = {m, n};
    for (int i = 0; i < c.rank(); ++i) {
      const Dim& d = c.shape[size_t(i)];
      const Dim& w = want[size_t(2 - c.rank() + i)];
      if (d.is_static() && d.value() != 1 && dims_conflict(d, w))
        throw TypeRelationError(Msg() << "gemm: c of shape " << shape_str(c.shape) << " does not broadcast to the result "
                                      << shape_str(want));
    }
  }
  return tensor_type(dt, {m, n});
}

template <typename C>
Tensor gemm_impl(const std::vector<Tensor>& in, const Attrs& attrs) {
  const Tensor &a = in[0], &b = in[1];
  bool ta = attrs.get_bool("trans_a"), tb = attrs.get_bool("trans_b");
  const C alpha = C(attrs.get_float("alpha")), beta = C(attrs.get_float("beta"));
  if (a.rank() != 2 || b.rank() != 2) throw RuntimeError("gemm: a and b must be matrices");
  int64_t m = a.dim(ta ? 1 : 0), k = a.dim(ta ? 0 : 1), kb = b.dim(tb ? 1 : 0), n = b.dim(tb ? 0 : 1);
  if (k != kb)
    throw RuntimeError(Msg() << "gemm: op(a) has " << k << " columns but op(b) has " << kb << " rows (shapes "
                             << shape_str(a.shape()) << " and " << shape_str(b.shape()) << ")");
  ComputeIn<C> ai(a), bi(b);
  ComputeOut<C> out(a.dtype(), {m, n});
  C* o = out.data();
  // A[i, kk] is a[i*K + kk] or, transposed, a[kk*M + i]; likewise B.
  gemm_strided<C>(m, n, k, ai.data(), ta ? 1 : k, ta ? m : 1, bi.data(), tb ? 1 : n, tb ? k : 1, o, n, false);
  if (alpha != C(1))
    for (int64_t i = 0; i < m * n; ++i) o[i] *= alpha;
  if (input_present(in, 2) && beta != C(0)) {
    const Tensor& c = in[2];
    std::vector<int64_t> cs = c.shape();
    if (cs.size() > 2) throw RuntimeError("gemm: c must have rank <= 2");
    while (cs.size() < 2) cs.insert(cs.begin(), 1);
    if ((cs[0] != 1 && cs[0] != m) || (cs[1] != 1 && cs[1] != n))
      throw RuntimeError(Msg() << "gemm: c of shape " << shape_str(c.shape()) << " does not broadcast to the result ["
                               << m << ", " << n << "]");
    ComputeIn<C> ci(c);
    const int64_t rs = cs[0] == 1 ? 0 : cs[1], cstride = cs[1] == 1 ? 0 : 1;
    for (int64_t i = 0; i < m; ++i) {
      const C* crow = ci.data() + i * rs;
      C* orow = o + i * n;
      for (int64_t j = 0; j < n; ++j) orow[j] += beta * crow[j * cstride];
    }
  }
  return out.finish();
}

std::vector<Tensor> gemm_kernel(const std::vector<Tensor>& in, const Attrs& attrs) {
  return {dispatch_float_compute(in[0].dtype(), "gemm", [&](auto tag) {
    using C = typename decltype(tag)::type;
    return gemm_impl<C>(in, attrs);
  })};
}

}  // namespace

void register_matmul_ops(OpRegistry& reg) {
  reg.add("matmul")
      .doc("matmul(a, b): NumPy matrix product; 1-D operands are promoted and the added dim dropped, "
           "leading (batch) dims broadcast; any numeric dtype (integers wrap)")
      .inputs(2)
      .pattern(OpPattern::OutFusable)
      .out_epilogue()
      .type_relation(matmul_type)
      .kernel(matmul_kernel)
      // The shape functions are the runtime's, which the kernels call too.
      .shape_cpu([](const CpuEmitArgs& a) {
        return cpu_shapes({"weft_rt::matmul_output_shape(" + a.args[0] + ", " + a.args[1] + ")"});
      })
      .emit_cpu([](const CpuEmitArgs& a) {
        return "weft_rt::matmul<" + cpu_ctype(a.result_dtype, "matmul") + ">(" + a.args[0] + ", " + a.args[1] + (a.epilogue.empty() ? "" : ", " + a.epilogue) + ")";
      });
  reg.add("gemm")
      .doc("gemm(a, b, c?): alpha * op(a) @ op(b) + beta * c for matrices, op transposing when trans_a/trans_b; "
           "c broadcasts to the [M, N] result (ONNX Gemm)")
      .inputs(2, 3)
      .attr("alpha", AttrKind::Float, 1.0, "scale of the product")
      .attr("beta", AttrKind::Float, 1.0, "scale of c")
      .attr("trans_a", AttrKind::Bool, false, "use a transposed")
      .attr("trans_b", AttrKind::Bool, false, "use b transposed")
      .pattern(OpPattern::OutFusable)
      .out_epilogue()
      .type_relation(gemm_type)
      .kernel(gemm_kernel)
      // beta as the kernel sees it: c's shape matters only where beta is nonzero in the
      // (widened) result type.
      .shape_cpu([](const CpuEmitArgs& a) {
        const Attrs& at = *a.attrs;
        const std::string t = a.result_dtype == DType::F64 ? "double" : "float";
        return cpu_shapes({"weft_rt::gemm_output_shape(" + a.args[0] + ", " + a.args[1] + ", " + cpu_shape_arg(a, 2) +
                           ", double(" + t + "(" + cpp_double(at.get_float("beta"), "gemm") + ")), " +
                           cpp_bool(at.get_bool("trans_a")) + ", " + cpp_bool(at.get_bool("trans_b")) + ")"});
      })
      .emit_cpu([](const CpuEmitArgs& a) {
        const Attrs& at = *a.attrs;
        return "weft_rt::gemm<" + cpu_ctype(a.result_dtype, "gemm") + ">(" + a.args[0] + ", " + a.args[1] + ", " +
               cpu_opt_arg(a, 2, a.result_dtype, "gemm") + ", " + cpp_double(at.get_float("alpha"), "gemm") + ", " +
               cpp_double(at.get_float("beta"), "gemm") + ", " + cpp_bool(at.get_bool("trans_a")) + ", " +
               cpp_bool(at.get_bool("trans_b")) + (a.epilogue.empty() ? "" : ", " + a.epilogue) + ")";
      });
}

}  // namespace weft
