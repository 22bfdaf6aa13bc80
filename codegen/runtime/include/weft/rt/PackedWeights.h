// PackedWeights.h - constant GEMM operands (conv filters, Linear/MatMul weights) packed into the microkernel's panels once and kept for the library's lifetime.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <tuple>
#include <type_traits>

#include "weft/rt/Gemm.h"
#include "weft/rt/Tensor.h"

namespace weft_rt {

// A constant operand (Tensor::is_constant: its bytes never change while the library is loaded)
// packed by `pack` into `elems` elements of 64-byte-aligned memory. The first call for a key
// (the operand's address, its dims and strides, which side of the product it is) packs it;
// later calls, from any run or thread, reuse that copy, so a weight is packed once instead of
// once per run (the price: a second copy of the weights, as large as the first). The cache is
// a static of this library (the runtime's symbols are hidden: each model library has its own),
// so it is freed with the constants it was made from.
template <typename A, typename Pack>
const A* packed_constant(const void* key, int64_t d0, int64_t d1, int64_t s0, int64_t s1, char side, int64_t elems,
                         Pack&& pack) {
  struct Free {
    void operator()(A* p) const { std::free(p); }
  };
  static std::mutex mu;
  static std::map<std::tuple<const void*, int64_t, int64_t, int64_t, int64_t, char>, std::unique_ptr<A, Free>> cache;
  std::lock_guard<std::mutex> lock(mu);  // held while packing: a second run waits for the first's copy
  auto& slot = cache[{key, d0, d1, s0, s1, side}];
  if (!slot) {
    const size_t bytes = (size_t(elems) * sizeof(A) + 63) / 64 * 64;
    A* p = static_cast<A*>(std::aligned_alloc(64, bytes ? bytes : 64));
    if (!p)
      throw Error("out of memory packing a constant weight of " + std::to_string(d0) + " x " + std::to_string(d1));
    pack(p);
    slot.reset(p);
  }
  return slot.get();
}

// The A operand [m, k] (row-major, row stride k) at `a`, a slice of a constant tensor, in the
// GemmPackedA layout (a conv filter).
template <typename A>
GemmPackedA<A> packed_constant_a(const A* a, int64_t m, int64_t k) {
  const int64_t padded = (m + GemmTile<A>::MR - 1) / GemmTile<A>::MR * GemmTile<A>::MR;
  const A* p = packed_constant<A>(a, m, k, k, 1, 'a', gemm_packed_a_size<A>(m, k),
                                  [&](A* out) { gemm_pack_a_all(a, k, 1, m, k, out); });
  return GemmPackedA<A>{p, padded, 0};
}

// The B operand [k, n] (element (p, j) at b[p*rs + j*cs]) of a constant tensor in the
// GemmPackedB layout (a MatMul or Gemm weight, transposed or not).
template <typename A>
GemmPackedB<A> packed_constant_b(const A* b, int64_t rs, int64_t cs, int64_t k, int64_t n) {
  const int64_t padded = (n + GemmTile<A>::NR - 1) / GemmTile<A>::NR * GemmTile<A>::NR;
  const A* p = packed_constant<A>(b, k, n, rs, cs, 'b', gemm_packed_b_size<A>(k, n),
                                  [&](A* out) { gemm_pack_b_all(b, rs, cs, k, n, out); });
  return GemmPackedB<A>{p, padded};
}

// B (at b, from a constant tensor when `constant`) in the GEMM's panels, packed once for the
// library's lifetime, when it is f32 and the product takes the packed path: more rows of A
// than the small-m paths (which read B in place) handle. Otherwise none: packed per call.
template <typename T>
GemmPackedB<gemm_acc_t<T>> constant_b_panels(bool constant, const T* b, int64_t rows, int64_t rs, int64_t cs, int64_t k,
                                             int64_t n) {
  if constexpr (std::is_same_v<T, float>)
    if (constant && rows > kGemmSmallM) return packed_constant_b(b, rs, cs, k, n);
  return {};
}

}  // namespace weft_rt
