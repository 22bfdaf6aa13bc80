// Matmul.h - NumPy matmul (batched, broadcast batch dims) and ONNX Gemm over the blocked GEMM of Gemm.h.
#pragma once

#include <algorithm>
#include <type_traits>

#include "weft/rt/Elementwise.h"
#include "weft/rt/Gemm.h"
#include "weft/rt/NnCommon.h"

namespace weft_rt {

template <typename T>
Tensor matmul(const Tensor& a, const Tensor& b) {
  Shape as = a.shape(), bs = b.shape();
  if (as.empty() || bs.empty()) throw Error("matmul: operands must have rank >= 1");
  if (a.rank() == 1) as.insert(as.begin(), 1);
  if (b.rank() == 1) bs.push_back(1);
  const int64_t m = as[as.size() - 2], k = as.back(), n = bs.back();
  if (bs[bs.size() - 2] != k)
    throw Error("matmul: a has " + std::to_string(k) + " columns but b has " + std::to_string(bs[bs.size() - 2]) +
                " rows (shapes " + shape_str(a.shape()) + " and " + shape_str(b.shape()) + ")");
  Shape abatch(as.begin(), as.end() - 2), bbatch(bs.begin(), bs.end() - 2);
  Shape obatch = broadcast_shape(abatch, bbatch, "matmul");
  Shape oshape = obatch;
  if (a.rank() > 1) oshape.push_back(m);
  if (b.rank() > 1) oshape.push_back(n);
  Tensor out = Tensor::empty<T>(oshape);
  const Shape sa = broadcast_strides(abatch, obatch), sb = broadcast_strides(bbatch, obatch);
  const int64_t count = numel(obatch);
  Shape idx(obatch.size(), 0);
  int64_t offa = 0, offb = 0;  // in whole matrices
  for (int64_t t = 0; t < count; ++t) {
    gemm_blocked<T>(m, n, k, a.data<T>() + offa * m * k, k, 1, b.data<T>() + offb * k * n, n, 1, out.data<T>() + t * m * n,
                    n, false);
    for (int d = int(obatch.size()) - 1; d >= 0; --d) {  // odometer over the batch dims
      const size_t u = size_t(d);
      offa += sa[u];
      offb += sb[u];
      if (++idx[u] < obatch[u]) break;
      offa -= sa[u] * obatch[u];
      offb -= sb[u] * obatch[u];
      idx[u] = 0;
    }
  }
  return out;
}

// ONNX Gemm: alpha * op(a) @ op(b) + beta * c, op transposing when ta/tb; c (optional:
// absent() when not passed) broadcasts to the [M, N] result. Scaling happens after the
// product, in T, as the interpreter does.
template <typename T>
Tensor gemm(const Tensor& a, const Tensor& b, const Tensor& c, double alpha_d, double beta_d, bool ta,
            bool tb) {
  if (a.rank() != 2 || b.rank() != 2)
    throw Error("gemm: a and b must be matrices, found " + shape_str(a.shape()) + " and " + shape_str(b.shape()));
  const int64_t m = a.dim(ta ? 1 : 0), k = a.dim(ta ? 0 : 1), kb = b.dim(tb ? 1 : 0), n = b.dim(tb ? 0 : 1);
  if (k != kb)
    throw Error("gemm: op(a) has " + std::to_string(k) + " columns but op(b) has " + std::to_string(kb) +
                " rows (shapes " + shape_str(a.shape()) + " and " + shape_str(b.shape()) + ")");
  const T alpha = T(alpha_d), beta = T(beta_d);
  Tensor out = Tensor::empty<T>({m, n});
  T* o = out.data<T>();
  gemm_blocked<T>(m, n, k, a.data<T>(), ta ? 1 : k, ta ? m : 1, b.data<T>(), tb ? 1 : n, tb ? k : 1, o, n, false);
  if (alpha != T(1))
    for (int64_t i = 0; i < m * n; ++i) o[i] *= alpha;
  if (present(c) && beta != T(0)) {
    Shape cs = c.shape();
    if (cs.size() > 2) throw Error("gemm: c must have rank <= 2, found " + shape_str(cs));
    while (cs.size() < 2) cs.insert(cs.begin(), 1);
    if ((cs[0] != 1 && cs[0] != m) || (cs[1] != 1 && cs[1] != n))
      throw Error("gemm: c of shape " + shape_str(c.shape()) + " does not broadcast to the result " + shape_str({m, n}));
    const T* cd = c.data<T>();
    const int64_t rs = cs[0] == 1 ? 0 : cs[1];
    for (int64_t i = 0; i < m; ++i) {
      const T* crow = cd + i * rs;
      T* orow = o + i * n;
      if (cs[1] == 1)
        for (int64_t j = 0; j < n; ++j) orow[j] += beta * crow[0];
      else
        for (int64_t j = 0; j < n; ++j) orow[j] += beta * crow[j];
    }
  }
  return out;
}

}  // namespace weft_rt
