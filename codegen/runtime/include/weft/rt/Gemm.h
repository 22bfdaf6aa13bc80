// Gemm.h - the one cache-blocked GEMM that matmul, gemm, conv and the rnns share.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <type_traits>
#include <vector>

namespace weft_rt {

// The loop nest is Goto/BLIS: C is cut into NC-wide column blocks, K into KC-deep slices;
// each KC x NC slice of B is packed into NR-wide panels and each MC x KC slice of A into
// MR-tall panels (contiguous, zero-padded at the edges), so any operand strides
// (transposes, im2col columns, strided batches) become unit-stride streams. The
// microkernel multiplies one MR x KC panel of A by one KC x NR panel of B into an MR x NR
// tile. A faster microkernel (AVX2/AVX-512 FMA intrinsics, wider tiles, threads over the
// column blocks) replaces gemm_micro<A> and GemmTile<A> without touching any caller.
//
// Integers multiply with wrapping unsigned arithmetic of at least 32 bits (so uint16 * uint16
// never promotes to a signed int that overflows); truncating to T gives the same bits as
// the interpreter's 64-bit wrapping arithmetic.
template <typename T>
using gemm_acc_t = std::conditional_t<std::is_floating_point_v<T>, T,
                                      std::conditional_t<(sizeof(T) <= 4), uint32_t, uint64_t>>;

template <typename A>
struct GemmTile {
  static constexpr int64_t MR = 4;
  static constexpr int64_t NR = 64 / sizeof(A);  // 16 floats: two AVX2 vectors, one AVX-512 vector
  static constexpr int64_t MC = 64, KC = 256, NC = 512;
};

// tile[MR x NR] = sum over k of a[k*MR + i] * b[k*NR + j]; a and b are packed panels.
template <typename A>
inline void gemm_micro(int64_t kc, const A* __restrict a, const A* __restrict b, A* __restrict tile) {
  constexpr int64_t MR = GemmTile<A>::MR, NR = GemmTile<A>::NR;
  A r[MR * NR] = {};
  for (int64_t k = 0; k < kc; ++k) {
    const A* ak = a + k * MR;
    const A* bk = b + k * NR;
    for (int64_t i = 0; i < MR; ++i)
      for (int64_t j = 0; j < NR; ++j) r[i * NR + j] += ak[i] * bk[j];
  }
  std::memcpy(tile, r, sizeof r);
}

// Packs rows [0, mc) x cols [0, kc) of A (element (i, k) at a[i*rs + k*cs]) into MR-tall panels.
template <typename T, typename A>
void gemm_pack_a(const T* a, int64_t rs, int64_t cs, int64_t mc, int64_t kc, A* out) {
  constexpr int64_t MR = GemmTile<A>::MR;
  for (int64_t p = 0; p < mc; p += MR, out += kc * MR) {
    const int64_t rows = std::min(MR, mc - p);
    for (int64_t k = 0; k < kc; ++k) {
      for (int64_t i = 0; i < rows; ++i) out[k * MR + i] = A(a[(p + i) * rs + k * cs]);
      for (int64_t i = rows; i < MR; ++i) out[k * MR + i] = A(0);
    }
  }
}

// Packs rows [0, kc) x cols [0, nc) of B into NR-wide panels, k-major within a panel.
template <typename T, typename A>
void gemm_pack_b(const T* b, int64_t rs, int64_t cs, int64_t kc, int64_t nc, A* out) {
  constexpr int64_t NR = GemmTile<A>::NR;
  for (int64_t p = 0; p < nc; p += NR, out += kc * NR) {
    const int64_t cols = std::min(NR, nc - p);
    for (int64_t k = 0; k < kc; ++k) {
      const T* row = b + k * rs + p * cs;
      A* dst = out + k * NR;
      if (cs == 1)
        for (int64_t j = 0; j < cols; ++j) dst[j] = A(row[j]);
      else
        for (int64_t j = 0; j < cols; ++j) dst[j] = A(row[j * cs]);
      for (int64_t j = cols; j < NR; ++j) dst[j] = A(0);
    }
  }
}

// C[i, j] (+)= sum over p < k of A[i, p] * B[p, j] for i < m, j < n. A[i, p] is
// a[i*a_rs + p*a_cs] and B[p, j] is b[p*b_rs + j*b_cs], so a transposed operand costs
// nothing; C is row-major with row stride ldc. `accumulate` adds to C instead of storing.
template <typename T>
void gemm_blocked(int64_t m, int64_t n, int64_t k, const T* a, int64_t a_rs, int64_t a_cs, const T* b, int64_t b_rs,
                  int64_t b_cs, T* c, int64_t ldc, bool accumulate) {
  using A = gemm_acc_t<T>;
  using G = GemmTile<A>;
  constexpr int64_t MR = G::MR, NR = G::NR;
  if (m <= 0 || n <= 0) return;
  if (k <= 0) {
    if (!accumulate)
      for (int64_t i = 0; i < m; ++i) std::fill(c + i * ldc, c + i * ldc + n, T(0));
    return;
  }
  // Per-thread scratch: concurrent runs on one model each get their own panels.
  thread_local std::vector<A> apack, bpack;
  apack.resize(size_t(G::KC * ((std::min(G::MC, m) + MR - 1) / MR * MR)));
  bpack.resize(size_t(G::KC * ((std::min(G::NC, n) + NR - 1) / NR * NR)));
  alignas(64) A tile[MR * NR];
  for (int64_t j0 = 0; j0 < n; j0 += G::NC) {
    const int64_t nc = std::min(G::NC, n - j0);
    for (int64_t k0 = 0; k0 < k; k0 += G::KC) {
      const int64_t kc = std::min(G::KC, k - k0);
      const bool add = accumulate || k0 > 0;
      gemm_pack_b(b + k0 * b_rs + j0 * b_cs, b_rs, b_cs, kc, nc, bpack.data());
      for (int64_t i0 = 0; i0 < m; i0 += G::MC) {
        const int64_t mc = std::min(G::MC, m - i0);
        gemm_pack_a(a + i0 * a_rs + k0 * a_cs, a_rs, a_cs, mc, kc, apack.data());
        for (int64_t jr = 0; jr < nc; jr += NR) {
          const int64_t cols = std::min(NR, nc - jr);
          const A* bp = bpack.data() + (jr / NR) * kc * NR;
          for (int64_t ir = 0; ir < mc; ir += MR) {
            const int64_t rows = std::min(MR, mc - ir);
            gemm_micro<A>(kc, apack.data() + (ir / MR) * kc * MR, bp, tile);
            T* cblk = c + (i0 + ir) * ldc + j0 + jr;
            for (int64_t i = 0; i < rows; ++i) {
              T* crow = cblk + i * ldc;
              const A* trow = tile + i * NR;
              if (add)
                for (int64_t j = 0; j < cols; ++j) crow[j] = T(A(crow[j]) + trow[j]);
              else
                for (int64_t j = 0; j < cols; ++j) crow[j] = T(trow[j]);
            }
          }
        }
      }
    }
  }
}

}  // namespace weft_rt
