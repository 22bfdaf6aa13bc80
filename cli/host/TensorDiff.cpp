// TensorDiff.cpp - the elementwise comparison behind `weft check` (see TensorDiff.h).
#include "cli/host/TensorDiff.h"

#include <cmath>

namespace weft::host {

Tolerance default_tolerance(DType t) {
  switch (t) {
    case DType::F16: return {1e-2, 1e-3};
    case DType::BF16: return {5e-2, 1e-2};
    case DType::F32: return {1e-4, 1e-5};
    case DType::F64: return {1e-7, 1e-9};
    default: return {0, 0};
  }
}

namespace {

// The row-major index of flat element `i` of `shape`.
std::vector<int64_t> unravel(int64_t i, const std::vector<int64_t>& shape) {
  std::vector<int64_t> index(shape.size());
  for (size_t d = shape.size(); d-- > 0;) {
    index[d] = shape[d] ? i % shape[d] : 0;
    i = shape[d] ? i / shape[d] : 0;
  }
  return index;
}

}  // namespace

TensorDiff diff_tensors(const Tensor& got, const Tensor& want, Tolerance tol) {
  TensorDiff d;
  if (got.dtype() != want.dtype()) {
    d.mismatch = std::string("dtype ") + dtype_name(got.dtype()) + ", the oracle's " + dtype_name(want.dtype());
    return d;
  }
  if (got.shape() != want.shape()) {
    d.mismatch = "shape " + shape_str(got.shape()) + ", the oracle's " + shape_str(want.shape());
    return d;
  }
  d.elements = got.numel();
  int64_t worst = -1;
  double worst_score = -1;  // how far outside tolerance (excess / allowed), or the abs error when inside
  bool worst_outside = false;
  for (int64_t i = 0; i < d.elements; ++i) {
    const double g = got.as_double(i), w = want.as_double(i);
    bool outside = false;
    double score = 0;
    if (std::isnan(g) || std::isnan(w)) {
      if (std::isnan(g) != std::isnan(w)) ++d.nan_mismatches, outside = true, score = INFINITY;
    } else if (std::isinf(g) || std::isinf(w)) {
      if (g != w) ++d.inf_mismatches, outside = true, score = INFINITY;
    } else {
      const double err = std::fabs(g - w), allowed = tol.atol + tol.rtol * std::fabs(w);
      d.max_abs = std::max(d.max_abs, err);
      if (w != 0) d.max_rel = std::max(d.max_rel, err / std::fabs(w));
      outside = err > allowed;
      score = outside ? (allowed > 0 ? err / allowed : INFINITY) : err;
    }
    if (outside) ++d.outside;
    // An element outside tolerance always beats one inside; then the larger score wins.
    if (worst < 0 || (outside && !worst_outside) || (outside == worst_outside && score > worst_score)) {
      worst = i, worst_score = score, worst_outside = outside;
    }
  }
  if (worst >= 0) {
    d.worst_index = unravel(worst, got.shape());
    d.worst_got = got.as_double(worst);
    d.worst_want = want.as_double(worst);
  }
  return d;
}

}  // namespace weft::host
