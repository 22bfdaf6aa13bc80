// NnMatmul.cpp - matmul (NumPy semantics, batched, symbolic broadcast) and gemm (ONNX Gemm).
#include "ir/ops/NnCpuEmit.h"
#include "ir/ops/GradientHelpers.h"
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

// ---- gradients -----------------------------------------------------------------------------

// x with its last two dims swapped.
Expr swap_last_two(const Expr& x, int rank) {
  std::vector<int64_t> perm;
  for (int i = 0; i < rank; ++i) perm.push_back(i);
  std::swap(perm[size_t(rank - 2)], perm[size_t(rank - 1)]);
  return vjp::call("transpose", {x}, Attrs{{"perm", perm}});
}

// With 1-D operands promoted to matrices (a to [1, k], b to [k, 1]) and dy to [..., m, n]:
// da = dy @ b^T and db = a^T @ dy, each summed over the batch dims its operand broadcast, then
// the promoted dims dropped again.
std::vector<Expr> matmul_gradient(const GradientCall& c) {
  using namespace vjp;
  std::vector<Expr> out(2);
  if (!is_float_type(c.arg_types[0])) return out;
  Shape as = tensor_of(c.arg_types[0]).shape, bs = tensor_of(c.arg_types[1]).shape;
  const Shape& rs = tensor_of(c.result_type).shape;
  const bool a_vec = as.size() == 1, b_vec = bs.size() == 1;
  Expr a = c.args[0], b = c.args[1], dy = c.cotangent;
  Shape batch(rs.begin(), rs.end() - (a_vec ? 0 : 1) - (b_vec ? 0 : 1));
  if (a_vec) a = call("unsqueeze", {a}, Attrs{{"axes", std::vector<int64_t>{0}}}), as.insert(as.begin(), Dim(1));
  if (b_vec) b = call("unsqueeze", {b}, Attrs{{"axes", std::vector<int64_t>{1}}}), bs.push_back(Dim(1));
  const int64_t dy_rank = int64_t(rs.size());
  if (b_vec) dy = call("unsqueeze", {dy}, Attrs{{"axes", std::vector<int64_t>{dy_rank}}});
  if (a_vec) dy = call("unsqueeze", {dy}, Attrs{{"axes", std::vector<int64_t>{dy_rank + (b_vec ? 1 : 0) - 1}}});
  const Dim m = as[as.size() - 2], k = as.back(), n = bs.back();
  Shape da_shape = batch, db_shape = batch;
  da_shape.insert(da_shape.end(), {m, k});
  db_shape.insert(db_shape.end(), {k, n});
  Expr da = unbroadcast(call("matmul", {dy, swap_last_two(b, int(bs.size()))}), da_shape, a, as);
  Expr db = unbroadcast(call("matmul", {swap_last_two(a, int(as.size())), dy}), db_shape, b, bs);
  if (a_vec) da = call("squeeze", {da}, Attrs{{"axes", std::vector<int64_t>{0}}});
  if (b_vec) db = call("squeeze", {db}, Attrs{{"axes", std::vector<int64_t>{1}}});
  return {da, db};
}

// y = alpha op(a) op(b) + beta c: d op(a) = alpha dy op(b)^T, d op(b) = alpha op(a)^T dy, each
// written as one gemm that also undoes its operand's transposition; dc = beta dy, summed to c.
std::vector<Expr> gemm_gradient(const GradientCall& c) {
  using namespace vjp;
  std::vector<Expr> out(c.args.size());
  if (!is_float_type(c.arg_types[0])) return out;
  const Attrs& at = *c.attrs;
  const bool ta = at.get_bool("trans_a"), tb = at.get_bool("trans_b");
  const double alpha = at.get_float("alpha"), beta = at.get_float("beta");
  const Expr &a = c.args[0], &b = c.args[1], &dy = c.cotangent;
  auto gemm = [alpha](Expr x, Expr y, bool tx, bool ty) {
    return call("gemm", {std::move(x), std::move(y)}, Attrs{{"alpha", alpha}, {"trans_a", tx}, {"trans_b", ty}});
  };
  out[0] = ta ? gemm(b, dy, tb, true) : gemm(dy, b, false, !tb);
  out[1] = tb ? gemm(dy, a, true, ta) : gemm(a, dy, !ta, false);
  if (c.args.size() == 3 && beta != 0) {
    bool empty = false;
    for (const Dim& d : tensor_of(c.arg_types[2]).shape) empty = empty || (d.is_static() && d.value() == 0);
    if (!empty) out[2] = unbroadcast_to_arg(c, mul(dy, scalar(beta, elem_dtype(c.result_type))), 2);
  }
  return out;
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
      .gradient(matmul_gradient)
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
      .gradient(gemm_gradient)
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
