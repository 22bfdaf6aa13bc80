// Matmul.h - NumPy matmul (batched, broadcast batch dims) over a small cache-blocked GEMM.
#pragma once

#include <algorithm>
#include <type_traits>

#include "weft/rt/Elementwise.h"

namespace weft_rt {

// C[m, n] = A[m, k] * B[k, n], all row-major and contiguous. Blocks of k and n keep a
// panel of B in cache while rows of A stream past; the innermost loop over j is a plain
// axpy the compiler vectorizes (with -march=native, FMA).
template <typename T>
void gemm(int64_t m, int64_t n, int64_t k, const T* a, const T* b, T* c) {
  constexpr int64_t KB = 256, NB = 512, MB = 64;
  std::fill(c, c + m * n, T(0));
  for (int64_t k0 = 0; k0 < k; k0 += KB) {
    const int64_t k1 = std::min(k, k0 + KB);
    for (int64_t j0 = 0; j0 < n; j0 += NB) {
      const int64_t j1 = std::min(n, j0 + NB);
      for (int64_t i0 = 0; i0 < m; i0 += MB) {
        const int64_t i1 = std::min(m, i0 + MB);
        for (int64_t i = i0; i < i1; ++i) {
          T* crow = c + i * n;
          for (int64_t p = k0; p < k1; ++p) {
            const T av = a[i * k + p];
            const T* brow = b + p * n;
            if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>)
              for (int64_t j = j0; j < j1; ++j) crow[j] = wrap_add(crow[j], wrap_mul(av, brow[j]));
            else
              for (int64_t j = j0; j < j1; ++j) crow[j] += av * brow[j];
          }
        }
      }
    }
  }
}

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
    gemm<T>(m, n, k, a.data<T>() + offa * m * k, b.data<T>() + offb * k * n, out.data<T>() + t * m * n);
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

}  // namespace weft_rt
