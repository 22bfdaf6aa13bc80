// PackedWeights.h - constant GEMM operands (conv filters) packed into the microkernel's panels once and kept for the library's lifetime.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <map>
#include <memory>
#include <mutex>
#include <tuple>

#include "weft/rt/Gemm.h"
#include "weft/rt/Tensor.h"

namespace weft_rt {

// The A operand [m, k] (row-major, row stride k) at `a`, a slice of a constant tensor
// (Tensor::is_constant: its bytes never change while the library is loaded), in the
// GemmPackedA layout. The first call for an (address, m, k) packs it; later calls, from any
// run or thread, reuse that copy, so a filter is packed once instead of once per run (the
// price: a second copy of the filters, as large as the first). The cache is a static of this
// library (the runtime's symbols are hidden: each model library has its own), so it is freed
// with the constants it was made from.
template <typename A>
GemmPackedA<A> packed_constant_a(const A* a, int64_t m, int64_t k) {
  struct Free {
    void operator()(A* p) const { std::free(p); }
  };
  static std::mutex mu;
  static std::map<std::tuple<const A*, int64_t, int64_t>, std::unique_ptr<A, Free>> cache;
  const int64_t padded = (m + GemmTile<A>::MR - 1) / GemmTile<A>::MR * GemmTile<A>::MR;
  std::lock_guard<std::mutex> lock(mu);  // held while packing: a second run waits for the first's copy
  auto& slot = cache[{a, m, k}];
  if (!slot) {
    const size_t bytes = (size_t(gemm_packed_a_size<A>(m, k)) * sizeof(A) + 63) / 64 * 64;
    A* p = static_cast<A*>(std::aligned_alloc(64, bytes ? bytes : 64));
    if (!p) throw Error("out of memory packing a constant filter of " + std::to_string(m) + " x " + std::to_string(k));
    gemm_pack_a_all(a, k, 1, m, k, p);
    slot.reset(p);
  }
  return GemmPackedA<A>{slot.get(), padded, 0};
}

}  // namespace weft_rt
