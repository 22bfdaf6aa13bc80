// Matmul.h - NumPy matmul (batched, broadcast batch dims) and ONNX Gemm over the blocked GEMM of Gemm.h.
#pragma once

#include <algorithm>
#include <type_traits>

#include "weft/rt/Elementwise.h"
#include "weft/rt/Gemm.h"
#include "weft/rt/NnCommon.h"
#include "weft/rt/PackedWeights.h"

namespace weft_rt {

// Operand shapes as matrices: a vector a is one row [1, K], a vector b one column [K, 1].
inline void matmul_as_matrices(const Tensor& a, const Tensor& b, Shape& as, Shape& bs) {
  as = a.shape(), bs = b.shape();
  if (as.empty() || bs.empty()) throw Error("matmul: operands must have rank >= 1");
  if (a.rank() == 1) as.insert(as.begin(), 1);
  if (b.rank() == 1) bs.push_back(1);
}

// matmul's result shape (the kernel's and the run-time shape function's): the broadcast
// batch dims, then M unless a is a vector, then N unless b is one.
inline Shape matmul_output_shape(const Tensor& a, const Tensor& b) {
  Shape as, bs;
  matmul_as_matrices(a, b, as, bs);
  const int64_t k = as.back();
  if (bs[bs.size() - 2] != k)
    throw Error("matmul: a has " + std::to_string(k) + " columns but b has " + std::to_string(bs[bs.size() - 2]) +
                " rows (shapes " + shape_str(a.shape()) + " and " + shape_str(b.shape()) + ")");
  Shape out = broadcast_shape(Shape(as.begin(), as.end() - 2), Shape(bs.begin(), bs.end() - 2), "matmul");
  if (a.rank() > 1) out.push_back(as[as.size() - 2]);
  if (b.rank() > 1) out.push_back(bs.back());
  return out;
}

// `epi` (Epilogue.h), when given, rewrites the result's tiles as the GEMM stores them.
template <typename T>
Tensor matmul(const Tensor& a, const Tensor& b, const Epilogue<T>& epi = {}) {
  Tensor out = Tensor::empty<T>(matmul_output_shape(a, b));
  epi.begin(out);
  Shape as, bs;
  matmul_as_matrices(a, b, as, bs);
  const int64_t m = as[as.size() - 2], k = as.back(), n = bs.back();
  const Shape abatch(as.begin(), as.end() - 2), bbatch(bs.begin(), bs.end() - 2);
  const Shape obatch = broadcast_shape(abatch, bbatch, "matmul");
  const Shape sa = broadcast_strides(abatch, obatch), sb = broadcast_strides(bbatch, obatch);
  const int64_t count = numel(obatch);
  // One b for every batch entry and a not broadcast: the batch is just more rows of one GEMM
  // ([count*m, k] x [k, n], a and out contiguous). A Linear over [seq, 1, d] (attention's
  // projections after batch_first's transpose) is otherwise `count` products with m = 1,
  // each streaming all of b from memory.
  if (count > 1 && numel(bbatch) == 1 && numel(abatch) == count) {
    gemm_blocked<T>(count * m, n, k, a.data<T>(), k, 1, b.data<T>(), n, 1, out.data<T>(), n, false, {},
                    constant_b_panels<T>(b.is_constant(), b.data<T>(), count * m, n, 1, k, n), nullptr, epi);
    return out;
  }
  // One b for every batch entry: its panels are packed once and shared by all of them.
  const GemmPackedB<gemm_acc_t<T>> bpacked =
      numel(bbatch) == 1 ? constant_b_panels<T>(b.is_constant(), b.data<T>(), m, n, 1, k, n) : GemmPackedB<gemm_acc_t<T>>{};
  Shape idx(obatch.size(), 0);
  int64_t offa = 0, offb = 0;  // in whole matrices
  for (int64_t t = 0; t < count; ++t) {
    gemm_blocked<T>(m, n, k, a.data<T>() + offa * m * k, k, 1, b.data<T>() + offb * k * n, n, 1, out.data<T>() + t * m * n,
                    n, false, {}, bpacked, nullptr, epi);
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
// c as a [rows, cols] matrix; empty unless c takes part (present, beta != 0).
inline Shape gemm_c_matrix(const Tensor& c, double beta) {
  if (!present(c) || beta == 0) return {};
  Shape cs = c.shape();
  while (cs.size() < 2) cs.insert(cs.begin(), 1);
  return cs;
}

// gemm's result shape [M, N] (the kernel's and the run-time shape function's), after checking
// that op(a) and op(b) multiply and that c, where it takes part, broadcasts to the result.
inline Shape gemm_output_shape(const Tensor& a, const Tensor& b, const Tensor& c, double beta, bool ta, bool tb) {
  if (a.rank() != 2 || b.rank() != 2)
    throw Error("gemm: a and b must be matrices, found " + shape_str(a.shape()) + " and " + shape_str(b.shape()));
  const int64_t m = a.dim(ta ? 1 : 0), k = a.dim(ta ? 0 : 1), kb = b.dim(tb ? 1 : 0), n = b.dim(tb ? 0 : 1);
  if (k != kb)
    throw Error("gemm: op(a) has " + std::to_string(k) + " columns but op(b) has " + std::to_string(kb) +
                " rows (shapes " + shape_str(a.shape()) + " and " + shape_str(b.shape()) + ")");
  if (present(c) && c.rank() > 2 && beta != 0) throw Error("gemm: c must have rank <= 2, found " + shape_str(c.shape()));
  const Shape cs = gemm_c_matrix(c, beta);
  if (!cs.empty() && ((cs[0] != 1 && cs[0] != m) || (cs[1] != 1 && cs[1] != n)))
    throw Error("gemm: c of shape " + shape_str(c.shape()) + " does not broadcast to the result " + shape_str({m, n}));
  return {m, n};
}

// With an epilogue (Epilogue.h), alpha and beta * c are applied in the tiles too, ahead of it:
// the same operations in the same order as the passes below.
template <typename T>
struct GemmScaleAndAdd {
  const Epilogue<T>* next;
  T alpha, beta;
  const T* c;           // null: no c
  int64_t c_rs, c_cs;   // c's strides as an [M, N] matrix (0 along a broadcast dim)
  const T* base;        // the result's data
  int64_t n;            // its columns

  static void apply(void* ctx, T* p, int64_t ldc, int64_t rows, int64_t cols) {
    const auto& s = *static_cast<const GemmScaleAndAdd*>(ctx);
    const int64_t at = p - s.base, i0 = at / s.n, j0 = at % s.n;
    for (int64_t r = 0; r < rows; ++r) {
      T* row = p + r * ldc;
      if (s.alpha != T(1))
        for (int64_t j = 0; j < cols; ++j) row[j] *= s.alpha;
      if (s.c) {
        const T* crow = s.c + (i0 + r) * s.c_rs + j0 * s.c_cs;
        for (int64_t j = 0; j < cols; ++j) row[j] += s.beta * crow[j * s.c_cs];
      }
    }
    (*s.next)(p, ldc, rows, cols);
  }
};

template <typename T>
Tensor gemm(const Tensor& a, const Tensor& b, const Tensor& c, double alpha_d, double beta_d, bool ta,
            bool tb, const Epilogue<T>& epi = {}) {
  const T alpha = T(alpha_d), beta = T(beta_d);
  // c takes part when beta is nonzero in T (as the interpreter computes); its shape is
  // checked under the same condition.
  Tensor out = Tensor::empty<T>(gemm_output_shape(a, b, c, beta != T(0) ? 1.0 : 0.0, ta, tb));
  const int64_t m = out.dim(0), n = out.dim(1), k = a.dim(ta ? 0 : 1);
  T* o = out.data<T>();
  const Shape cs = gemm_c_matrix(c, beta != T(0) ? 1.0 : 0.0);
  if (epi) {
    epi.begin(out);
    GemmScaleAndAdd<T> scale{&epi, alpha, beta, nullptr, 0, 0, o, n};
    if (!cs.empty()) scale.c = c.data<T>(), scale.c_rs = cs[0] == 1 ? 0 : cs[1], scale.c_cs = cs[1] == 1 ? 0 : 1;
    const bool plain = alpha == T(1) && !scale.c;
    const Epilogue<T> both{nullptr, &GemmScaleAndAdd<T>::apply, &scale};
    gemm_blocked<T>(m, n, k, a.data<T>(), ta ? 1 : k, ta ? m : 1, b.data<T>(), tb ? 1 : n, tb ? k : 1, o, n, false, {},
                    constant_b_panels<T>(b.is_constant(), b.data<T>(), m, tb ? 1 : n, tb ? k : 1, k, n), nullptr,
                    plain ? epi : both);
    return out;
  }
  gemm_blocked<T>(m, n, k, a.data<T>(), ta ? 1 : k, ta ? m : 1, b.data<T>(), tb ? 1 : n, tb ? k : 1, o, n, false, {},
                  constant_b_panels<T>(b.is_constant(), b.data<T>(), m, tb ? 1 : n, tb ? k : 1, k, n));
  if (alpha != T(1))
    for (int64_t i = 0; i < m * n; ++i) o[i] *= alpha;
  if (!cs.empty()) {
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
