// GemmSmall.h - f32 GEMM for a few rows of A (batch-1 Linear, RNN cells): no packing, B streamed once.
#pragma once

#include <algorithm>
#include <cstdint>

#include "weft/rt/SimdF32.h"

namespace weft_rt {

// With m this small each element of B is used m times at most, so packing B (a full read
// and write of it) costs as much as the product; these kernels read B where it lies instead.
// Both compute C[i, j] (+)= sum over p < k of A[i, p] * B[p, j] for columns j in [j0, j1).
inline constexpr int64_t kGemmSmallM = 8;  // up to this many rows of A take the dot-product path

// m == 1, B row-major (B[p, j] = b[p*b_rs + j]): y (+)= sum_p a_p * B[p, :], four rows of B per
// pass over y so y's loads and stores are amortized and B streams as four unit-stride rows.
inline void gemv_rows_f32(int64_t k, const float* a, int64_t a_cs, const float* b, int64_t b_rs, float* y, int64_t j0,
                          int64_t j1, bool accumulate) {
  using namespace simd;
  if (!accumulate) std::fill(y + j0, y + j1, 0.0f);
  int64_t p = 0;
  for (; p + 4 <= k; p += 4) {
    const float a0 = a[p * a_cs], a1 = a[(p + 1) * a_cs], a2 = a[(p + 2) * a_cs], a3 = a[(p + 3) * a_cs];
    const float *b0 = b + p * b_rs, *b1 = b0 + b_rs, *b2 = b1 + b_rs, *b3 = b2 + b_rs;
    const VF v0 = vbroadcast(&a0), v1 = vbroadcast(&a1), v2 = vbroadcast(&a2), v3 = vbroadcast(&a3);
    int64_t j = j0;
    for (; j + kLanes <= j1; j += kLanes) {
      VF acc = vfma(v0, vload(b0 + j), vload(y + j));
      acc = vfma(v1, vload(b1 + j), acc);
      acc = vfma(v2, vload(b2 + j), acc);
      vstore(y + j, vfma(v3, vload(b3 + j), acc));
    }
    for (; j < j1; ++j) y[j] += a0 * b0[j] + a1 * b1[j] + a2 * b2[j] + a3 * b3[j];
  }
  for (; p < k; ++p) {
    const float ap = a[p * a_cs];
    const float* bp = b + p * b_rs;
    const VF v = vbroadcast(&ap);
    int64_t j = j0;
    for (; j + kLanes <= j1; j += kLanes) vstore(y + j, vfma(v, vload(bp + j), vload(y + j)));
    for (; j < j1; ++j) y[j] += ap * bp[j];
  }
}

// R rows of A (unit stride along k) times C columns of B stored column-contiguous (B[p, j] =
// b[j*b_cs + p], the x W^T of Linear and RNN cells): R*C dot products at once, vectorized along k.
template <int R, int C>
inline void gemm_dots_f32(int64_t k, const float* a, int64_t a_rs, const float* b, int64_t b_cs, float* c, int64_t ldc,
                          bool accumulate) {
  using namespace simd;
  VF acc[R][C];
#pragma GCC unroll 4
  for (int i = 0; i < R; ++i)
#pragma GCC unroll 4
    for (int j = 0; j < C; ++j) acc[i][j] = vzero();
  int64_t p = 0;
  for (; p + kLanes <= k; p += kLanes) {
    VF av[R];
#pragma GCC unroll 4
    for (int i = 0; i < R; ++i) av[i] = vload(a + i * a_rs + p);
#pragma GCC unroll 4
    for (int j = 0; j < C; ++j) {
      const VF bv = vload(b + j * b_cs + p);
#pragma GCC unroll 4
      for (int i = 0; i < R; ++i) acc[i][j] = vfma(av[i], bv, acc[i][j]);
    }
  }
#pragma GCC unroll 4
  for (int i = 0; i < R; ++i)
#pragma GCC unroll 4
    for (int j = 0; j < C; ++j) {
      float s = vsum(acc[i][j]);
      for (int64_t q = p; q < k; ++q) s += a[i * a_rs + q] * b[j * b_cs + q];
      float& out = c[i * ldc + j];
      out = accumulate ? out + s : s;
    }
}

// Rows [0, m) (m <= kGemmSmallM) of A times columns [j0, j1) of a column-contiguous B: four
// columns at a time (they stay in L1 while every row of A passes over them), two rows at a time.
inline void gemm_small_cols_f32(int64_t m, int64_t k, const float* a, int64_t a_rs, const float* b, int64_t b_cs,
                                float* c, int64_t ldc, int64_t j0, int64_t j1, bool accumulate) {
  int64_t j = j0;
  for (; j + 4 <= j1; j += 4) {
    int64_t i = 0;
    for (; i + 2 <= m; i += 2) gemm_dots_f32<2, 4>(k, a + i * a_rs, a_rs, b + j * b_cs, b_cs, c + i * ldc + j, ldc, accumulate);
    if (i < m) gemm_dots_f32<1, 4>(k, a + i * a_rs, a_rs, b + j * b_cs, b_cs, c + i * ldc + j, ldc, accumulate);
  }
  for (; j < j1; ++j)
    for (int64_t i = 0; i < m; ++i) gemm_dots_f32<1, 1>(k, a + i * a_rs, a_rs, b + j * b_cs, b_cs, c + i * ldc + j, ldc, accumulate);
}

}  // namespace weft_rt
