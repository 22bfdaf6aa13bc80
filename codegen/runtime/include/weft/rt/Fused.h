// Fused.h - the loop drivers of generated fused kernels (one loop nest per fusion group, codegen/cpu/FusedLoop.h).
#pragma once

#include <array>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>

#include "weft/rt/Elementwise.h"
#include "weft/rt/Epilogue.h"

namespace weft_rt {

// The shape a fused group's inputs broadcast to: its result's, computed once per call. An
// Error names the group when they do not broadcast.
template <size_t N>
Shape fused_shape(const std::array<const Shape*, N>& in, const char* group) {
  Shape s = N ? *in[0] : Shape{};
  for (size_t k = 1; k < N; ++k) s = broadcast_shape(s, *in[k], group);
  return s;
}

// An input whose type says it has the result's shape is read at the result's own index; the
// types promise it, this checks it once per call.
inline void fused_check_same(const Shape& in, const Shape& out, const char* group, int input) {
  if (in != out)
    throw Error(std::string(group) + ": input " + std::to_string(input) + " has shape " + shape_str(in) + ", its type says " +
                shape_str(out));
}

namespace detail {

// Calls f(strides...) with each stride as a compile-time 0 or 1, so every combination gets its
// own loop, which the compiler vectorizes (a stride-0 read becomes a hoisted load).
template <size_t I, size_t N, typename F, typename... S>
void with_unit_strides(const std::array<int64_t, N>& s, F& f, S... st) {
  if constexpr (I == N) {
    f(st...);
  } else {
    if (s[I] == 0) with_unit_strides<I + 1, N>(s, f, st..., std::integral_constant<int64_t, 0>{});
    else with_unit_strides<I + 1, N>(s, f, st..., std::integral_constant<int64_t, 1>{});
  }
}

template <size_t N, typename F, size_t... I>
void with_runtime_strides(const std::array<int64_t, N>& s, F& f, std::index_sequence<I...>) {
  f(s[I]...);
}

}  // namespace detail

// Fused groups with at most this many broadcast inputs get one loop per stride combination.
inline constexpr size_t kFusedUnitStrideInputs = 3;

// For a fused group with N inputs that broadcast against its result (the others are read at
// the result's index or once): body(offsets, len, first, strides...) for each run of the
// result's innermost dim (after merge_dims), `first` its first element, offsets[k] input k's
// element at the start, strides[k] its step along the run. Along the innermost merged dim an
// input is contiguous or broadcast, so each stride is 0 or 1 (a compile-time constant for up
// to kFusedUnitStrideInputs inputs). Large results are split by runs over the run's pool, as
// map_rows splits elementwise maps.
template <size_t N, typename Body>
void fused_rows(const Shape& out, const std::array<const Shape*, N>& shapes, Body body) {
  map_rows<N>(out, shapes, [&](const std::array<int64_t, N>& off, int64_t len, const std::array<int64_t, N>& s, int64_t first) {
    auto row = [&](auto... st) { body(off, len, first, st...); };
    if constexpr (N <= kFusedUnitStrideInputs) detail::with_unit_strides<0, N>(s, row);
    else detail::with_runtime_strides<N>(s, row, std::make_index_sequence<N>{});
  });
}

// The broadcast inputs of an epilogue (Epilogue.h), which sees its output as contiguous spans
// (rows of tiles) rather than whole runs of the innermost dim: for the output elements
// [first, first + count), body(offsets, len, first, strides...) per piece of the span inside
// one run of the innermost merged dim, offsets[k] input k's element at the piece's start,
// strides as fused_rows gives them (0 or 1, compile-time for up to kFusedUnitStrideInputs).
template <size_t N>
class FusedSpans {
 public:
  FusedSpans(const Shape& out, const std::array<const Shape*, N>& shapes) : rw_(out, shapes) {}

  template <typename Body>
  void span(int64_t first, int64_t count, Body body) const {
    const int r = int(rw_.out.size());
    while (count > 0) {
      const int64_t at = first % rw_.inner, len = std::min(count, rw_.inner - at);
      std::array<int64_t, N> off{};
      for (size_t j = 0; j < N; ++j) off[j] = at * rw_.inner_st[j];
      for (int64_t d = r - 2, rest = first / rw_.inner; d >= 0; --d) {
        const int64_t i = rest % rw_.out[size_t(d)];
        rest /= rw_.out[size_t(d)];
        for (size_t j = 0; j < N; ++j) off[j] += i * rw_.st[j][size_t(d)];
      }
      auto piece = [&](auto... st) { body(off, len, first, st...); };
      if constexpr (N <= kFusedUnitStrideInputs) detail::with_unit_strides<0, N>(rw_.inner_st, piece);
      else detail::with_runtime_strides<N>(rw_.inner_st, piece, std::make_index_sequence<N>{});
      first += len;
      count -= len;
    }
  }

  // The rows x cols tile at output elements first + r * ldc + [0, cols), as span() would give
  // it row by row. When each row lies inside one run of the innermost dim and ldc is a whole
  // number of runs (a GEMM tile of a matmul, gemm or convolution result: ldc is its row length),
  // the offsets are found by division once per tile and stepped from row to row, and the stride
  // dispatch is made once: span()'s divisions per row cost as much as a 16-wide row's arithmetic.
  template <typename Body>
  void tile(int64_t first, int64_t ldc, int64_t rows, int64_t cols, Body body) const {
    constexpr int kMaxOuter = 8;
    const int outer = int(rw_.out.size()) - 1;  // the dims the odometer steps
    if (rows <= 0 || cols <= 0) return;  // else the output is not empty, and inner > 0
    const int64_t at = first % rw_.inner;
    if (outer < 0 || outer > kMaxOuter || at + cols > rw_.inner || ldc % rw_.inner != 0) {
      for (int64_t r = 0; r < rows; ++r) span(first + r * ldc, cols, body);
      return;
    }
    std::array<int64_t, kMaxOuter> idx{};
    std::array<int64_t, N> off{};
    for (size_t j = 0; j < N; ++j) off[j] = at * rw_.inner_st[j];
    for (int64_t d = outer - 1, rest = first / rw_.inner; d >= 0; --d) {
      idx[size_t(d)] = rest % rw_.out[size_t(d)];
      rest /= rw_.out[size_t(d)];
      for (size_t j = 0; j < N; ++j) off[j] += idx[size_t(d)] * rw_.st[j][size_t(d)];
    }
    const int64_t runs_per_row = ldc / rw_.inner;
    auto all_rows = [&](auto... st) {
      for (int64_t r = 0;; ++r) {
        body(off, cols, first + r * ldc, st...);
        if (r + 1 == rows) break;
        for (int64_t q = 0; q < runs_per_row; ++q)  // the odometer of RowWalk::walk, one run per step
          for (int d = outer - 1; d >= 0; --d) {
            for (size_t j = 0; j < N; ++j) off[j] += rw_.st[j][size_t(d)];
            if (++idx[size_t(d)] < rw_.out[size_t(d)]) break;
            for (size_t j = 0; j < N; ++j) off[j] -= rw_.st[j][size_t(d)] * rw_.out[size_t(d)];
            idx[size_t(d)] = 0;
          }
      }
    };
    if constexpr (N <= kFusedUnitStrideInputs) detail::with_unit_strides<0, N>(rw_.inner_st, all_rows);
    else detail::with_runtime_strides<N>(rw_.inner_st, all_rows, std::make_index_sequence<N>{});
  }

 private:
  RowWalk<N> rw_;
};

// An epilogue input whose type says it broadcasts to the output: it must, to the output's shape.
template <size_t N>
void fused_check_broadcast(const Shape& out, const std::array<const Shape*, N>& in, const char* group) {
  for (size_t k = 0; k < N; ++k)
    if (broadcast_shape(out, *in[k], group) != out)
      throw Error(std::string(group) + ": input of shape " + shape_str(*in[k]) + " does not broadcast to the result " + shape_str(out));
}

}  // namespace weft_rt
