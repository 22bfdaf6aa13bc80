// GemmMicroF32.h - the f32 GEMM microkernel: an MR x NR register tile of FMAs over packed panels.
#pragma once

#include <algorithm>
#include <cstdint>

#include "weft/rt/SimdF32.h"

namespace weft_rt {

// Register tile per ISA (NR = kF32Vecs vectors): AVX2 6x16 keeps 12 ymm accumulators, two B
// vectors and one broadcast in the 16 registers; AVX-512 8x48 keeps 24 zmm accumulators, three
// B vectors and a broadcast of 32 (8 rows divide the channel counts of real convolutions, where
// 12x32 wasted a third of a panel at m = 64; measured ~10% faster on 1x1 and first-layer convs on
// Zen 4). Each k step loads NR floats of B and broadcasts MR floats of A: MR*kF32Vecs FMAs
// per (kF32Vecs loads + MR broadcasts), enough to keep two FMA pipes busy.
#if defined(__AVX512F__)
inline constexpr int kF32Mr = 8, kF32Vecs = 3;
#elif defined(__AVX2__) && defined(__FMA__)
inline constexpr int kF32Mr = 6, kF32Vecs = 2;
#else  // 16-byte vectors: 4x8, 8 accumulators, fits SSE's 16 registers
inline constexpr int kF32Mr = 4, kF32Vecs = 2;
#endif
inline constexpr int kF32Nr = kF32Vecs * simd::kLanes;

// c[i*ldc + j] = (add ? c[i*ldc + j] : 0) + (bias ? bias[i] : 0) + sum over p < kc of
// a[p*MR + i] * b[p*ldb + j], for i < MR, j < NR (the bias, a conv's per-channel one, is where
// the accumulators start, so it costs no pass over C). a is a packed MR-tall panel; b is a
// packed NR-wide panel (ldb = NR) or, for small m, rows of B itself (ldb = its row stride). The accumulators live in registers for the
// whole k loop (the loops over i and v unroll fully); C is read and written once.
//
// PrefetchA: prefetch A 64 k steps ahead. Worth it where A (a constant filter, packed) serves
// few panels of B, so that it streams from memory: resnet18's 3x3 convolutions over 7x7 outputs
// (49 columns) ran 8% faster with it on an AVX2 EPYC; where A is reused the extra instruction
// cost 2-5%.
// One k step of an MR x NR microkernel: acc[i][v] += a[i] * the NR floats at b (a row of a packed
// panel here, a row read in place from a padded image in ConvPadded.h). Always inlined, so the
// accumulators stay in registers across the k loop.
template <int MR, int NV>
[[gnu::always_inline]] inline void micro_fma_step(const float* __restrict a, const float* __restrict b, simd::VF (&acc)[MR][NV]) {
  using namespace simd;
  VF bv[NV];
#pragma GCC unroll 4
  for (int v = 0; v < NV; ++v) bv[v] = vload(b + v * kLanes);
#pragma GCC unroll 16
  for (int i = 0; i < MR; ++i) {
    const VF ai = vbroadcast(a + i);
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v) acc[i][v] = vfma(ai, bv[v], acc[i][v]);
  }
}

template <int MR, int NV, bool PrefetchA = false>
inline void gemm_micro_f32(int64_t kc, const float* __restrict a, const float* __restrict b, int64_t ldb,
                           float* __restrict c, int64_t ldc, bool add, const float* bias) {
  using namespace simd;
  VF acc[MR][NV];
#pragma GCC unroll 16
  for (int i = 0; i < MR; ++i) {
    const VF start = bias ? vbroadcast(bias + i) : vzero();
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v) acc[i][v] = start;
  }
#pragma GCC unroll 2
  for (int64_t p = 0; p < kc; ++p) {
    if constexpr (PrefetchA) __builtin_prefetch(a + MR * 64);
    micro_fma_step<MR, NV>(a, b, acc);
    a += MR;
    b += ldb;
  }
#pragma GCC unroll 16
  for (int i = 0; i < MR; ++i)
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v) {
      float* cp = c + i * ldc + v * kLanes;
      vstore(cp, add ? vadd(vload(cp), acc[i][v]) : acc[i][v]);
    }
}

// One tile of C: a full MR x NR tile goes straight into C; an edge tile (rows < MR or
// cols < NR) is computed into a temporary and only its live part is stored or added. An edge
// panel runs only the vectors its live columns need: with NR 48, the 49 positions of a 7x7
// convolution would otherwise cost two full panels (96 columns) instead of 48 + 16. `bias`
// (nullptr: none) holds the tile's `rows` per-row values. `stream_a`: A serves few panels of B
// (see PrefetchA).
inline void gemm_tile_f32(int64_t kc, const float* a, const float* b, int64_t ldb, float* c, int64_t ldc, int64_t rows,
                          int64_t cols, bool add, const float* bias = nullptr, bool stream_a = false) {
  if (rows == kF32Mr && cols == kF32Nr) {
    if (stream_a) gemm_micro_f32<kF32Mr, kF32Vecs, true>(kc, a, b, ldb, c, ldc, add, bias);
    else gemm_micro_f32<kF32Mr, kF32Vecs>(kc, a, b, ldb, c, ldc, add, bias);
    return;
  }
  alignas(64) float padded[kF32Mr] = {};  // the bias of a tile with fewer live rows, zero-padded
  if (bias && rows < kF32Mr) bias = std::copy(bias, bias + rows, padded) - rows;
  alignas(64) float tile[kF32Mr * kF32Nr];
  const int64_t vecs = (cols + simd::kLanes - 1) / simd::kLanes;
  if (vecs == 1)
    gemm_micro_f32<kF32Mr, 1>(kc, a, b, ldb, tile, kF32Nr, false, bias);
  else if (vecs == 2 && kF32Vecs > 2)
    gemm_micro_f32<kF32Mr, (kF32Vecs > 2 ? 2 : kF32Vecs)>(kc, a, b, ldb, tile, kF32Nr, false, bias);
  else
    gemm_micro_f32<kF32Mr, kF32Vecs>(kc, a, b, ldb, tile, kF32Nr, false, bias);
  for (int64_t i = 0; i < rows; ++i) {
    float* crow = c + i * ldc;
    const float* trow = tile + i * kF32Nr;
    if (add)
      for (int64_t j = 0; j < cols; ++j) crow[j] += trow[j];
    else
      for (int64_t j = 0; j < cols; ++j) crow[j] = trow[j];
  }
}

}  // namespace weft_rt
