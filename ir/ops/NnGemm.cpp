// NnGemm.cpp - the cache-blocked GEMM behind matmul, gemm, conv and the rnns.
#include <algorithm>
#include <cstring>

#include "ir/ops/NnInternal.h"

namespace weft {

// Note on the GEMM.
// The classic Goto/BLIS loop nest: C is cut into NC-wide column blocks; for each, the
// K dimension into KC-deep slices; the KC x NC slice of B is packed into NR-wide
// panels (contiguous, zero-padded at the edge), then for each MC-tall row block of A
// the MC x KC slice of A is packed into MR-tall panels. A microkernel multiplies one
// MR x KC panel of A by one KC x NR panel of B into an MR x NR register tile, which is
// then added to (or stored into) C. Packing turns any operand strides into unit-stride
// streams, so transposes, im2col columns and strided batches all run the same code.
// Invariants: packed panels are always full MR (NR) wide; only the write-back of the
// tile looks at the true edge sizes. A faster microkernel (AVX2/AVX-512 FMA, wider
// tiles) replaces micro_kernel<T> and the MR/NR of Tile<T>; nothing else changes.
// Limits: single-threaded; a reference, not the production kernel (codegen has its own).

namespace {

template <typename T>
struct Tile {
  static constexpr int64_t MR = 4;
  static constexpr int64_t NR = 16 / sizeof(T) * 2;  // 8 floats, 4 doubles, 4 u64
  static constexpr int64_t MC = 64, KC = 256, NC = 512;
};

// acc[MR x NR] = sum_k a[k*MR + i] * b[k*NR + j]; a and b are packed panels.
template <typename T>
inline void micro_kernel(int64_t kc, const T* __restrict a, const T* __restrict b, T* __restrict acc) {
  constexpr int64_t MR = Tile<T>::MR, NR = Tile<T>::NR;
  T r[MR * NR] = {};
  for (int64_t k = 0; k < kc; ++k) {
    const T* ak = a + k * MR;
    const T* bk = b + k * NR;
    for (int64_t i = 0; i < MR; ++i)
      for (int64_t j = 0; j < NR; ++j) r[i * NR + j] += ak[i] * bk[j];
  }
  std::memcpy(acc, r, sizeof r);
}

// Packs A[i0 : i0+mc, k0 : k0+kc] into MR-tall panels: panel p holds rows p*MR.., k-major.
template <typename T>
void pack_a(const T* a, int64_t rs, int64_t cs, int64_t mc, int64_t kc, T* out) {
  constexpr int64_t MR = Tile<T>::MR;
  for (int64_t p = 0; p < mc; p += MR) {
    int64_t rows = std::min(MR, mc - p);
    for (int64_t k = 0; k < kc; ++k) {
      for (int64_t i = 0; i < rows; ++i) out[k * MR + i] = a[(p + i) * rs + k * cs];
      for (int64_t i = rows; i < MR; ++i) out[k * MR + i] = T(0);
    }
    out += kc * MR;
  }
}

// Packs B[k0 : k0+kc, j0 : j0+nc] into NR-wide panels, k-major within a panel.
template <typename T>
void pack_b(const T* b, int64_t rs, int64_t cs, int64_t kc, int64_t nc, T* out) {
  constexpr int64_t NR = Tile<T>::NR;
  for (int64_t p = 0; p < nc; p += NR) {
    int64_t cols = std::min(NR, nc - p);
    for (int64_t k = 0; k < kc; ++k) {
      const T* row = b + k * rs + p * cs;
      if (cs == 1 && cols == NR) {
        std::memcpy(out + k * NR, row, sizeof(T) * NR);
        continue;
      }
      for (int64_t j = 0; j < cols; ++j) out[k * NR + j] = row[j * cs];
      for (int64_t j = cols; j < NR; ++j) out[k * NR + j] = T(0);
    }
    out += kc * NR;
  }
}

}  // namespace

template <typename T>
void gemm_strided(int64_t m, int64_t n, int64_t kdim, const T* a, int64_t a_rs, int64_t a_cs, const T* b,
                  int64_t b_rs, int64_t b_cs, T* c, int64_t ldc, bool accumulate) {
  using G = Tile<T>;
  constexpr int64_t MR = G::MR, NR = G::NR;
  if (m <= 0 || n <= 0) return;
  if (kdim <= 0) {
    if (!accumulate)
      for (int64_t i = 0; i < m; ++i) std::fill(c + i * ldc, c + i * ldc + n, T(0));
    return;
  }
  std::vector<T> bpack(size_t(G::KC * ((std::min(G::NC, n) + NR - 1) / NR * NR)));
  std::vector<T> apack(size_t(G::KC * ((std::min(G::MC, m) + MR - 1) / MR * MR)));
  T tile[MR * NR];
  for (int64_t j0 = 0; j0 < n; j0 += G::NC) {
    int64_t nc = std::min(G::NC, n - j0);
    for (int64_t k0 = 0; k0 < kdim; k0 += G::KC) {
      int64_t kc = std::min(G::KC, kdim - k0);
      bool add = accumulate || k0 > 0;
      pack_b(b + k0 * b_rs + j0 * b_cs, b_rs, b_cs, kc, nc, bpack.data());
      for (int64_t i0 = 0; i0 < m; i0 += G::MC) {
        int64_t mc = std::min(G::MC, m - i0);
        pack_a(a + i0 * a_rs + k0 * a_cs, a_rs, a_cs, mc, kc, apack.data());
        for (int64_t jr = 0; jr < nc; jr += NR) {
          int64_t cols = std::min(NR, nc - jr);
          const T* bp = bpack.data() + (jr / NR) * kc * NR;
          for (int64_t ir = 0; ir < mc; ir += MR) {
            int64_t rows = std::min(MR, mc - ir);
            micro_kernel<T>(kc, apack.data() + (ir / MR) * kc * MR, bp, tile);
            T* cblk = c + (i0 + ir) * ldc + j0 + jr;
            for (int64_t i = 0; i < rows; ++i) {
              T* crow = cblk + i * ldc;
              const T* trow = tile + i * NR;
              if (add)
                for (int64_t j = 0; j < cols; ++j) crow[j] += trow[j];
              else
                for (int64_t j = 0; j < cols; ++j) crow[j] = trow[j];
            }
          }
        }
      }
    }
  }
}

template void gemm_strided<float>(int64_t, int64_t, int64_t, const float*, int64_t, int64_t, const float*, int64_t,
                                  int64_t, float*, int64_t, bool);
template void gemm_strided<double>(int64_t, int64_t, int64_t, const double*, int64_t, int64_t, const double*,
                                   int64_t, int64_t, double*, int64_t, bool);
template void gemm_strided<uint64_t>(int64_t, int64_t, int64_t, const uint64_t*, int64_t, int64_t, const uint64_t*,
                                     int64_t, int64_t, uint64_t*, int64_t, bool);

}  // namespace weft
