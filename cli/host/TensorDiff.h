// TensorDiff.h - one output of a run against the same output of an oracle: error figures, tolerance, the worst element.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ir/Tensor.h"

namespace weft::host {

// NumPy allclose: |got - want| <= atol + rtol * |want|.
struct Tolerance {
  double rtol = 0;
  double atol = 0;
};
// The defaults per dtype of `weft check`: f32 1e-4 / 1e-5, f64 1e-7 / 1e-9, f16 and bf16
// looser (their own rounding is 1e-3 and 8e-3), integers and bools exact.
Tolerance default_tolerance(DType t);

// What differs between two tensors. NaN matches only NaN and an infinity only itself; a
// NaN or infinity on one side alone counts as a mismatch of that kind (and as outside).
struct TensorDiff {
  std::string mismatch;  // non-empty when dtype or shape differ: then no element is compared
  int64_t elements = 0;
  int64_t outside = 0;  // elements outside tolerance
  double max_abs = 0;   // over finite pairs
  double max_rel = 0;   // |got - want| / |want| over finite pairs with want != 0
  int64_t nan_mismatches = 0;
  int64_t inf_mismatches = 0;
  // The element furthest outside its tolerance (or, when all are inside, the one of the
  // largest absolute error); empty index when there are no elements.
  std::vector<int64_t> worst_index;
  double worst_got = 0, worst_want = 0;

  bool ok() const { return mismatch.empty() && outside == 0; }
};

// Compares `got` (the library's) with `want` (the oracle's) elementwise as doubles.
TensorDiff diff_tensors(const Tensor& got, const Tensor& want, Tolerance tol);

}  // namespace weft::host
