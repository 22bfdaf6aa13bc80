// Epilogue.h - an elementwise function the GEMM and convolution kernels apply to each output tile as they store it.
#pragma once

#include <algorithm>
#include <cstdint>

#include "weft/rt/Tensor.h"
#include "weft/rt/ThreadPool.h"

namespace weft_rt {

// A fused group "conv/matmul/gemm, then an elementwise tree over its result" (opt/FuseOps.h)
// runs as one kernel call: the kernel computes a tile of its result and, after the last K
// block, while the tile is still in L1, rewrites it in place through the epilogue. The
// generated code (codegen/cpu/FusedLoop.h) defines both functions:
//  - begin(ctx, out): once per kernel call, with the kernel's result allocated but not yet
//    written: checks the group's other inputs against the result's shape and keeps their
//    data pointers (the epilogue finds an element's index from its address in `out`);
//  - apply(ctx, c, ldc, rows, cols): rows x cols elements at c (row stride ldc), all inside
//    `out`, each replaced by the tree's value at that element. Called from the pool's threads
//    at once for disjoint tiles.
// The calls are indirect, once per tile (not per element), so the kernels stay plain
// functions; an empty Epilogue (the default) costs one predictable branch per tile.
template <typename T>
struct Epilogue {
  void (*begin_fn)(void* ctx, const Tensor& out) = nullptr;
  void (*apply_fn)(void* ctx, T* c, int64_t ldc, int64_t rows, int64_t cols) = nullptr;
  void* ctx = nullptr;

  explicit operator bool() const { return apply_fn != nullptr; }
  void begin(const Tensor& out) const {
    if (begin_fn) begin_fn(ctx, out);
  }
  void operator()(T* c, int64_t ldc, int64_t rows, int64_t cols) const { apply_fn(ctx, c, ldc, rows, cols); }
};

// Paths of a kernel that do not store tiles (a depthwise convolution, a matrix-vector
// product) apply the epilogue to their whole result afterwards, split over the pool by rows.
template <typename T>
void epilogue_rows(const Epilogue<T>& epi, T* c, int64_t ldc, int64_t rows, int64_t cols) {
  if (!epi || rows <= 0 || cols <= 0) return;
  const int64_t grain = std::max<int64_t>(1, (64 * 1024) / cols);
  parallel_for(rows, grain, [&](int64_t r0, int64_t r1) { epi(c + r0 * ldc, ldc, r1 - r0, cols); });
}

}  // namespace weft_rt
