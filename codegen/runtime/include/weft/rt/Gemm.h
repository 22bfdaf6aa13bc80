// Gemm.h - the one cache-blocked GEMM that matmul, gemm, conv and the rnns share.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <type_traits>
#include <vector>

#include "weft/rt/Epilogue.h"
#include "weft/rt/GemmMicroF32.h"
#include "weft/rt/GemmSmall.h"
#include "weft/rt/ThreadPool.h"

namespace weft_rt {

// The loop nest is Goto/BLIS: C is cut into NC-wide column blocks, K into KC-deep slices;
// each KC x NC slice of B is packed into NR-wide panels and each MC x KC slice of A into
// MR-tall panels (contiguous, zero-padded at the edges), so any operand strides
// (transposes, im2col columns, strided batches) become unit-stride streams. The
// microkernel multiplies one MR x KC panel of A by one KC x NR panel of B into an MR x NR
// tile of C. f32 uses the ISA's FMA microkernel (GemmMicroF32.h) and writes full tiles
// straight into C; a few rows of A take GemmSmall.h's unpacked paths instead; other types
// use the portable gemm_micro below. With a thread pool in the run's context, C is split
// into column blocks (row blocks when it has too few columns), one per thread.
//
// Integers multiply with wrapping unsigned arithmetic of at least 32 bits (so uint16 * uint16
// never promotes to a signed int that overflows); truncating to T gives the same bits as
// the interpreter's 64-bit wrapping arithmetic.
template <typename T>
using gemm_acc_t = std::conditional_t<std::is_floating_point_v<T>, T,
                                      std::conditional_t<(sizeof(T) <= 4), uint32_t, uint64_t>>;

template <typename A>
struct GemmTile {
  static constexpr int64_t MR = 6;
  static constexpr int64_t NR = 64 / sizeof(A);  // one 64-byte vector
  static constexpr int64_t MC = 72, KC = 256, NC = 512;
};

// f32: a KC x NR panel of B (16 KiB AVX2 at KC 256, 24 KiB AVX-512 at KC 128) stays in a 32 KiB
// L1 while the MC rows of A (in L2) pass over it; the KC x NC block of B stays in L2/L3 for the
// next MC rows. NC is a multiple of NR so only the last column block has an edge panel. (On
// Zen 4, KC 256 with NR 48 lost up to 20% on convolutions against 128; MC 8 to 40 panels and NC
// 512 to 3072 were within noise for 512^3 and convolution shapes.) With AVX2 the B block is 16
// panels (256 KiB, inside a 512 KiB L2) instead of 64 (1 MiB): on an AVX2 EPYC that made
// resnet18's convolutions 4% faster (bench/conv_bench shapes, runs interleaved); KC 128 and
// NC 8 or 32 panels were within noise of it.
template <>
struct GemmTile<float> {
  static constexpr int64_t MR = kF32Mr, NR = kF32Nr;
  static constexpr int64_t MC = MR * 16, KC = NR > 16 ? 128 : 256, NC = NR * (NR > 16 ? 64 : 16);
};

// tile[MR x NR] = sum over k of a[k*MR + i] * b[k*NR + j]; a and b are packed panels. Each
// row of the tile is one 64-byte GCC/Clang vector (the portable kernel, for non-f32 types).
template <typename A>
inline void gemm_micro(int64_t kc, const A* __restrict a, const A* __restrict b, A* __restrict tile) {
  constexpr int64_t MR = GemmTile<A>::MR, NR = GemmTile<A>::NR;
  typedef A V __attribute__((vector_size(NR * sizeof(A))));
  V r[MR] = {};
  for (int64_t k = 0; k < kc; ++k) {
    V bk;
    std::memcpy(&bk, b + k * NR, sizeof bk);
    const A* ak = a + k * MR;
    for (int64_t i = 0; i < MR; ++i) r[i] += ak[i] * bk;
  }
  std::memcpy(tile, r, sizeof r);
}

// Packs rows [0, mc) x cols [0, kc) of A (element (i, k) at a[i*rs + k*cs]) into MR-tall panels,
// reading along whichever of rows (rs == 1, a transposed A) or k is unit-stride.
template <typename T, typename A>
void gemm_pack_a(const T* a, int64_t rs, int64_t cs, int64_t mc, int64_t kc, A* out) {
  constexpr int64_t MR = GemmTile<A>::MR;
  for (int64_t p = 0; p < mc; p += MR, out += kc * MR) {
    const int64_t rows = std::min(MR, mc - p);
    const T* src = a + p * rs;
    if (rs == 1) {
      for (int64_t k = 0; k < kc; ++k) {
        const T* s = src + k * cs;
        A* d = out + k * MR;
        for (int64_t i = 0; i < rows; ++i) d[i] = A(s[i]);
        for (int64_t i = rows; i < MR; ++i) d[i] = A(0);
      }
    } else {
      for (int64_t i = 0; i < rows; ++i) {
        const T* s = src + i * rs;
        for (int64_t k = 0; k < kc; ++k) out[k * MR + i] = A(s[k * cs]);
      }
      for (int64_t i = rows; i < MR; ++i)
        for (int64_t k = 0; k < kc; ++k) out[k * MR + i] = A(0);
    }
  }
}

// Packs rows [0, kc) x cols [0, nc) of B into NR-wide panels, k-major within a panel: row by
// row when rows are unit-stride (cs == 1), else column by column (unit-stride when rs == 1).
template <typename T, typename A>
void gemm_pack_b(const T* b, int64_t rs, int64_t cs, int64_t kc, int64_t nc, A* out) {
  constexpr int64_t NR = GemmTile<A>::NR;
  for (int64_t p = 0; p < nc; p += NR, out += kc * NR) {
    const int64_t cols = std::min(NR, nc - p);
    if (cs == 1) {
      for (int64_t k = 0; k < kc; ++k) {
        const T* row = b + k * rs + p;
        A* dst = out + k * NR;
        for (int64_t j = 0; j < cols; ++j) dst[j] = A(row[j]);
        for (int64_t j = cols; j < NR; ++j) dst[j] = A(0);
      }
    } else {
      for (int64_t j = 0; j < cols; ++j) {
        const T* col = b + (p + j) * cs;
        for (int64_t k = 0; k < kc; ++k) out[k * NR + j] = A(col[k * rs]);
      }
      for (int64_t j = cols; j < NR; ++j)
        for (int64_t k = 0; k < kc; ++k) out[k * NR + j] = A(0);
    }
  }
}

// A packed whole (gemm_pack_a_all): every KC-deep block of A's columns in turn, each block the
// MR-tall panels of all rows (rows rounded up to MR, zero-padded), so block k0 starts at
// k0 * rows_padded and panel p of it at p * kc * MR. `data` null: A is packed per call.
template <typename A>
struct GemmPackedA {
  const A* data = nullptr;
  int64_t rows_padded = 0;  // m rounded up to MR
  int64_t row0 = 0;         // the row of the whole A that this block's row 0 is (a multiple of MR)
};

// B packed whole (gemm_pack_b_all): every KC-deep block of B's rows in turn, each block the
// NR-wide panels of all columns (columns rounded up to NR, zero-padded), so block k0 starts at
// k0 * cols_padded and the panel of column j (a multiple of NR) at (j / NR) * kc * NR.
// `data` null: B is packed per call.
template <typename A>
struct GemmPackedB {
  const A* data = nullptr;
  int64_t cols_padded = 0;  // n rounded up to NR
};

// Elements gemm_pack_b_all writes for a k x n B.
template <typename A>
int64_t gemm_packed_b_size(int64_t k, int64_t n) {
  constexpr int64_t NR = GemmTile<A>::NR;
  return (n + NR - 1) / NR * NR * k;
}

// Packs all of B (element (p, j) at b[p*rs + j*cs]) into the GemmPackedB layout, once, for an
// operand that stays the same from call to call (a constant weight: PackedWeights.h).
template <typename T, typename A>
void gemm_pack_b_all(const T* b, int64_t rs, int64_t cs, int64_t k, int64_t n, A* out) {
  using G = GemmTile<A>;
  const int64_t padded = (n + G::NR - 1) / G::NR * G::NR;
  for (int64_t k0 = 0; k0 < k; k0 += G::KC) gemm_pack_b(b + k0 * rs, rs, cs, std::min(G::KC, k - k0), n, out + k0 * padded);
}

// Elements gemm_pack_a_all writes for an m x k A.
template <typename A>
int64_t gemm_packed_a_size(int64_t m, int64_t k) {
  constexpr int64_t MR = GemmTile<A>::MR;
  return (m + MR - 1) / MR * MR * k;
}

// Packs all of A (element (i, p) at a[i*rs + p*cs]) into the GemmPackedA layout, once, for an
// operand that stays the same from call to call (a constant filter: PackedWeights.h).
template <typename T, typename A>
void gemm_pack_a_all(const T* a, int64_t rs, int64_t cs, int64_t m, int64_t k, A* out) {
  using G = GemmTile<A>;
  const int64_t padded = (m + G::MR - 1) / G::MR * G::MR;
  for (int64_t k0 = 0; k0 < k; k0 += G::KC) gemm_pack_a(a + k0 * cs, rs, cs, m, std::min(G::KC, k - k0), out + k0 * padded);
}

namespace gemm_detail {

// 64-byte-aligned scratch of this thread (slot 0: A panels, 1: B panels): concurrent runs and
// pool workers each have their own, and a thread reuses its buffers from call to call.
template <typename A>
A* scratch(int slot, int64_t count) {
  thread_local std::vector<A> bufs[2];
  std::vector<A>& v = bufs[slot];
  const size_t want = size_t(count) + 64 / sizeof(A);
  if (v.size() < want) v.resize(want);
  const auto addr = reinterpret_cast<std::uintptr_t>(v.data());
  return reinterpret_cast<A*>((addr + 63) & ~std::uintptr_t(63));
}

// One MR x NR tile of C (rows x cols of it live) from packed panels, plus bias[i] on row i when
// bias is given.
template <typename T, typename A>
inline void tile(int64_t kc, const A* ap, const A* bp, int64_t ldb, T* c, int64_t ldc, int64_t rows, int64_t cols,
                 bool add, const T* bias, bool stream_a) {
  if constexpr (std::is_same_v<T, float>) {
    gemm_tile_f32(kc, ap, bp, ldb, c, ldc, rows, cols, add, bias, stream_a);
  } else {
    constexpr int64_t MR = GemmTile<A>::MR, NR = GemmTile<A>::NR;
    alignas(64) A t[MR * NR];
    gemm_micro<A>(kc, ap, bp, t);  // ldb is NR: other types always pack B
    for (int64_t i = 0; i < rows; ++i) {
      T* crow = c + i * ldc;
      const A* trow = t + i * NR;
      const A b = bias ? A(bias[i]) : A(0);
      if (add)
        for (int64_t j = 0; j < cols; ++j) crow[j] = T(A(crow[j]) + trow[j] + b);
      else
        for (int64_t j = 0; j < cols; ++j) crow[j] = T(trow[j] + b);
    }
  }
}

// The blocked product on this thread for C[0:m, 0:n], whose column 0 is column j_off of B as
// pack_b numbers them. b_rows (f32 only; nullptr otherwise): B itself, row-major with row
// stride b_rs from this block's column 0, read in place for full panels instead of packed
// (worth it when m is small: each element of B is used a few times at most). row_bias
// (nullptr: none): row_bias[i] is added to row i of C, by the tiles of the first K block; epi
// (empty: none) rewrites each tile after the last K block, while it is in L1.
template <typename T, typename PackB>
void serial(int64_t m, int64_t n, int64_t k, const T* a, int64_t a_rs, int64_t a_cs, PackB& pack_b, int64_t j_off,
            const T* b_rows, int64_t b_rs, T* c, int64_t ldc, bool accumulate, const GemmPackedA<gemm_acc_t<T>>& a_packed,
            const GemmPackedB<gemm_acc_t<T>>& b_packed, const T* row_bias, const Epilogue<T>& epi) {
  using A = gemm_acc_t<T>;
  using G = GemmTile<A>;
  constexpr int64_t MR = G::MR, NR = G::NR;
  A* apack = a_packed.data ? nullptr : scratch<A>(0, G::KC * ((std::min(G::MC, m) + MR - 1) / MR * MR));
  A* bpack = b_packed.data ? nullptr : scratch<A>(1, G::KC * ((std::min(G::NC, n) + NR - 1) / NR * NR));
  // Few columns: each panel of A serves at most 4 panels of B, and a constant A (a filter)
  // streams from memory, ahead of which the tile prefetches.
  const bool stream_a = a_packed.data && n <= 4 * NR;
  for (int64_t j0 = 0; j0 < n; j0 += G::NC) {
    const int64_t nc = std::min(G::NC, n - j0), full = nc / NR * NR;
    for (int64_t k0 = 0; k0 < k; k0 += G::KC) {
      const int64_t kc = std::min(G::KC, k - k0);
      const bool add = accumulate || k0 > 0;
      const T* bias = k0 == 0 ? row_bias : nullptr;
      const bool last = k0 + kc == k;
      // j_off + j0 is a multiple of NR (run() splits columns by whole panels), so a
      // pre-packed B's panels line up with this block's.
      if (b_packed.data) bpack = const_cast<A*>(b_packed.data) + k0 * b_packed.cols_padded + (j_off + j0) / NR * kc * NR;
      else if (!b_rows) pack_b(k0, j_off + j0, kc, nc, bpack);
      else if (full < nc) pack_b(k0, j_off + j0 + full, kc, nc - full, bpack + (full / NR) * kc * NR);
      for (int64_t i0 = 0; i0 < m; i0 += G::MC) {
        const int64_t mc = std::min(G::MC, m - i0);
        const A* ablock = apack;
        if (a_packed.data)
          ablock = a_packed.data + k0 * a_packed.rows_padded + (a_packed.row0 + i0) / MR * kc * MR;
        else
          gemm_pack_a(a + i0 * a_rs + k0 * a_cs, a_rs, a_cs, mc, kc, apack);
        for (int64_t jr = 0; jr < nc; jr += NR) {
          const int64_t cols = std::min(NR, nc - jr);
          const A* bp = bpack + (jr / NR) * kc * NR;
          int64_t ldb = NR;
          if constexpr (std::is_same_v<T, float>)
            if (b_rows && jr < full) bp = b_rows + k0 * b_rs + j0 + jr, ldb = b_rs;
          for (int64_t ir = 0; ir < mc; ir += MR) {
            T* ct = c + (i0 + ir) * ldc + j0 + jr;
            tile<T, A>(kc, ablock + (ir / MR) * kc * MR, bp, ldb, ct, ldc, std::min(MR, mc - ir), cols, add,
                       bias ? bias + i0 + ir : nullptr, stream_a);
          }
          // The epilogue rewrites the whole mc x NR column of tiles at once, still in L1 (at most
          // 96 x 16 floats with AVX2): per tile, its indirect call and short loops cost a third of
          // a small-K convolution, and its reloads waited on the tile's stores still in flight.
          if (epi && last) epi(c + i0 * ldc + j0 + jr, ldc, mc, cols);
        }
      }
    }
  }
}

// Threads worth using for an m x n x k product: one per ~2 MFLOP (tens of microseconds of
// work), so waking a worker pays for itself; at most the run's pool.
inline int threads_for(int64_t m, int64_t n, int64_t k) {
  const int avail = parallel_threads();
  if (avail <= 1) return 1;
  const double flops = 2.0 * double(m) * double(n) * double(k);
  return int(std::clamp(flops / 2e6, 1.0, double(avail)));
}

// The most of `len` (rows or columns, in panels of `unit`) that one of `parts` threads gets
// when run() splits it as it does below.
inline int64_t largest_part(int64_t len, int64_t unit, int64_t parts) {
  const int64_t panels = (len + unit - 1) / unit;
  parts = std::min(parts, panels);
  int64_t most = 0;
  for (int64_t t = 0; t < parts; ++t)
    most = std::max(most, std::min(len, panels * (t + 1) / parts * unit) - panels * t / parts * unit);
  return most;
}

// serial() over a grid of blocks of C, one per thread: column blocks first (B, the conv
// image or the weights, is usually the larger operand, and each thread then packs only its
// own part of it), rows when there are fewer column panels than threads or the columns split
// unevenly. pack_b is called from several threads at once, for disjoint columns.
template <typename T, typename PackB>
void run(int64_t m, int64_t n, int64_t k, const T* a, int64_t a_rs, int64_t a_cs, PackB& pack_b, const T* b_rows,
         int64_t b_rs, T* c, int64_t ldc, bool accumulate, const GemmPackedA<gemm_acc_t<T>>& a_packed,
         const GemmPackedB<gemm_acc_t<T>>& b_packed, const T* row_bias, const Epilogue<T>& epi) {
  using G = GemmTile<gemm_acc_t<T>>;
  const int threads = threads_for(m, n, k);
  if (threads <= 1) {
    serial(m, n, k, a, a_rs, a_cs, pack_b, 0, b_rows, b_rs, c, ldc, accumulate, a_packed, b_packed, row_bias, epi);
    return;
  }
  const int64_t npanels = (n + G::NR - 1) / G::NR, mpanels = (m + G::MR - 1) / G::MR;
  int64_t tn = std::min<int64_t>(threads, npanels), tm = std::min<int64_t>(std::max<int64_t>(1, threads / tn), mpanels);
  // Few column panels can split unevenly (a 7x7 conv output is 49 columns: one 48-wide panel
  // and one of a single column); the rows are split instead when that clearly gives the busiest
  // thread less work. A row split makes each thread pack all of B, counted as kPack multiply-adds
  // per element (packing, im2col's gather included, streams memory instead of FMAs).
  constexpr double kPack = 4;
  const double by_rows = double(largest_part(m, G::MR, threads)) * double(n) + (b_packed.data ? 0 : kPack) * double(n);
  const double by_cols = double(largest_part(n, G::NR, tn)) * (double(m) + kPack);
  if (tm == 1 && mpanels > 1 && by_rows * 1.15 < by_cols) {
    tn = 1;
    tm = std::min<int64_t>(threads, mpanels);
  }
  parallel_for(tn * tm, 1, [&](int64_t t0, int64_t t1) {
    for (int64_t t = t0; t < t1; ++t) {
      const int64_t jt = t % tn, it = t / tn;
      const int64_t jb = npanels * jt / tn * G::NR, je = std::min(n, npanels * (jt + 1) / tn * G::NR);
      const int64_t ib = mpanels * it / tm * G::MR, ie = std::min(m, mpanels * (it + 1) / tm * G::MR);
      GemmPackedA<gemm_acc_t<T>> rows = a_packed;
      rows.row0 += ib;
      if (jb < je && ib < ie)
        serial(ie - ib, je - jb, k, a + ib * a_rs, a_rs, a_cs, pack_b, jb, b_rows ? b_rows + jb : nullptr, b_rs,
               c + ib * ldc + jb, ldc, accumulate, rows, b_packed, row_bias ? row_bias + ib : nullptr, epi);
    }
  });
}

// f32 with a few rows of A and B read in place (GemmSmall.h), columns split over the pool;
// false when the operands' strides do not suit it.
inline bool small_f32(int64_t m, int64_t n, int64_t k, const float* a, int64_t a_rs, int64_t a_cs, const float* b,
                      int64_t b_rs, int64_t b_cs, float* c, int64_t ldc, bool accumulate) {
  const bool rows = m == 1 && b_cs == 1, cols = b_rs == 1 && a_cs == 1;
  if (m > kGemmSmallM || !(rows || cols)) return false;
  // B streams from memory once, at a few FMAs per element: its bytes, not the FMAs, bound the
  // time, so threads are counted as for 4 rows (a classifier's 1000 x 1024 weight, 4 MB, is
  // then split; an RNN decoder's 256 x 768 is not).
  const int threads = threads_for(std::max<int64_t>(m, 4), n, k);
  parallel_for(n, (n + threads - 1) / threads, [&](int64_t j0, int64_t j1) {
    if (rows) gemv_rows_f32(k, a, a_cs, b, b_rs, c, j0, j1, accumulate);
    else gemm_small_cols_f32(m, k, a, a_rs, b, b_cs, c, ldc, j0, j1, accumulate);
  });
  return true;
}

}  // namespace gemm_detail

// C[i, j] (+)= sum over p < k of A[i, p] * B[p, j] for i < m, j < n, with A[i, p] at
// a[i*a_rs + p*a_cs] and B given by its packer: pack_b(k0, j0, kc, nc, out) writes
// B[k0 : k0+kc, j0 : j0+nc] as gemm_pack_b does (NR-wide panels, k-major, zero-padded), so
// B can be an implicit matrix (conv's im2col) that is never materialized. pack_b may run on
// several threads at once (for disjoint column ranges): it must only write `out`. C is
// row-major with row stride ldc; `accumulate` adds to C instead of storing. `a_packed`, when
// given, is A already in the GemmPackedA layout (gemm_pack_a_all), read instead of packing A.
// (gemm_blocked also takes B pre-packed.) `row_bias`, when given, is added to C:
// C[i, j] (+)= row_bias[i] + (A B)[i, j] (a convolution's per-channel bias), in the tiles'
// write-back instead of a pass of its own. `epi`, when given, then rewrites C tile by tile
// (Epilogue.h): C[i, j] = epi(C[i, j]).
template <typename T, typename PackB>
void gemm_blocked_with(int64_t m, int64_t n, int64_t k, const T* a, int64_t a_rs, int64_t a_cs, PackB&& pack_b, T* c,
                       int64_t ldc, bool accumulate, const GemmPackedA<gemm_acc_t<T>>& a_packed = {},
                       const T* row_bias = nullptr, const Epilogue<T>& epi = {}) {
  if (m <= 0 || n <= 0) return;
  if (k <= 0) {
    for (int64_t i = 0; i < m; ++i) {
      T* row = c + i * ldc;
      const T b = row_bias ? row_bias[i] : T(0);
      for (int64_t j = 0; j < n; ++j) row[j] = accumulate ? T(row[j] + b) : b;
    }
    epilogue_rows(epi, c, ldc, m, n);
    return;
  }
  gemm_detail::run<T>(m, n, k, a, a_rs, a_cs, pack_b, nullptr, 0, c, ldc, accumulate, a_packed, {}, row_bias, epi);
}

// gemm_blocked_with for an explicit B: B[p, j] is b[p*b_rs + j*b_cs], so a transposed
// operand costs nothing. f32 with few rows of A skips packing (see GemmSmall.h). `b_packed`,
// when given, is B already in the GemmPackedB layout (gemm_pack_b_all), read instead of
// packing B (b must still be B itself, for the small-m paths that read it in place).
inline constexpr int64_t kInPlaceBRows = 16;  // up to this many rows of A, f32 reads B's full panels in place

template <typename T>
void gemm_blocked(int64_t m, int64_t n, int64_t k, const T* a, int64_t a_rs, int64_t a_cs, const T* b, int64_t b_rs,
                  int64_t b_cs, T* c, int64_t ldc, bool accumulate, const GemmPackedA<gemm_acc_t<T>>& a_packed = {},
                  const GemmPackedB<gemm_acc_t<T>>& b_packed = {}, const T* row_bias = nullptr, const Epilogue<T>& epi = {}) {
  auto pack_b = [=](int64_t k0, int64_t j0, int64_t kc, int64_t nc, gemm_acc_t<T>* out) {
    gemm_pack_b(b + k0 * b_rs + j0 * b_cs, b_rs, b_cs, kc, nc, out);
  };
  if (m <= 0 || n <= 0 || k <= 0)
    return gemm_blocked_with<T>(m, n, k, a, a_rs, a_cs, pack_b, c, ldc, accumulate, a_packed, row_bias, epi);
  const T* b_rows = nullptr;
  if constexpr (std::is_same_v<T, float>) {
    if (gemm_detail::small_f32(m, n, k, a, a_rs, a_cs, b, b_rs, b_cs, c, ldc, accumulate)) {
      if (row_bias)  // the small paths (a few rows) take no bias; one pass over those rows
        for (int64_t i = 0; i < m; ++i)
          for (int64_t j = 0; j < n; ++j) c[i * ldc + j] += row_bias[i];
      epilogue_rows(epi, c, ldc, m, n);  // a few rows of C, just written
      return;
    }
    // Up to 16 rows of A use each element of B at most three times (three 6-row panels with
    // AVX2): packing B, a read and a write of all of it, then costs more than reading its full
    // panels in place (squeezenet's and mobilenet's 1x1 convs to 16 channels: 14-16% faster).
    if (m <= kInPlaceBRows && b_cs == 1 && !b_packed.data) b_rows = b;
  }
  gemm_detail::run<T>(m, n, k, a, a_rs, a_cs, pack_b, b_rows, b_rs, c, ldc, accumulate, a_packed, b_packed, row_bias, epi);
}

}  // namespace weft_rt
