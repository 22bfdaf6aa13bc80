// tensor_diff_test.cpp - the comparison behind `weft check`: tolerance, counts, the worst element, NaN and Inf, dtype and shape mismatches.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "cli/host/TensorDiff.h"

namespace weft::host {
namespace {

Tensor f32(std::vector<float> v, std::vector<int64_t> shape) { return Tensor::from_vector<float>(v, std::move(shape)); }

TEST(TensorDiff, WithinToleranceIsOkAndReportsTheLargestError) {
  // allclose: |got - want| <= atol + rtol * |want|; 1e-5 + 1e-4 * 100 = 0.01001 admits 0.01 at 100.
  const TensorDiff d = diff_tensors(f32({1.0f, 100.01f, -3.0f}, {3}), f32({1.0f, 100.0f, -3.0f}, {3}), {1e-4, 1e-5});
  EXPECT_TRUE(d.ok());
  EXPECT_EQ(d.elements, 3);
  EXPECT_EQ(d.outside, 0);
  EXPECT_NEAR(d.max_abs, 0.01, 1e-5);
  EXPECT_EQ(d.worst_index, (std::vector<int64_t>{1}));
}

TEST(TensorDiff, CountsOutsideAndPointsAtTheWorstByItsRowMajorIndex) {
  // Element [1, 0] is 1.0 off at 2.0 (far outside); [0, 1] is 0.1 off at 1000 (inside rtol 1e-3).
  const Tensor want = f32({0.0f, 1000.0f, 2.0f, 4.0f}, {2, 2});
  const Tensor got = f32({0.5f, 1000.1f, 3.0f, 4.0f}, {2, 2});
  const TensorDiff d = diff_tensors(got, want, {1e-3, 1e-6});
  EXPECT_FALSE(d.ok());
  EXPECT_EQ(d.outside, 2);  // [0, 0] (0.5 off at 0) and [1, 0]
  // The worst is the furthest outside its own tolerance: 0.5 at want 0 (allowed 1e-6).
  EXPECT_EQ(d.worst_index, (std::vector<int64_t>{0, 0}));
  EXPECT_EQ(d.worst_got, 0.5);
  EXPECT_EQ(d.worst_want, 0.0);
  EXPECT_NEAR(d.max_abs, 1.0, 1e-6);
  EXPECT_NEAR(d.max_rel, 0.5, 1e-6);  // 1.0 / 2.0; want 0 has no relative error
}

TEST(TensorDiff, NanMatchesOnlyNanAndInfinityOnlyItself) {
  const float nan = std::numeric_limits<float>::quiet_NaN(), inf = std::numeric_limits<float>::infinity();
  EXPECT_TRUE(diff_tensors(f32({nan, inf, -inf}, {3}), f32({nan, inf, -inf}, {3}), {1e-4, 1e-5}).ok());
  const TensorDiff d = diff_tensors(f32({nan, 1.0f, inf, -inf}, {4}), f32({1.0f, nan, -inf, -inf}, {4}), {1e-4, 1e-5});
  EXPECT_EQ(d.nan_mismatches, 2);
  EXPECT_EQ(d.inf_mismatches, 1);
  EXPECT_EQ(d.outside, 3);
  EXPECT_EQ(d.max_abs, 0.0);  // over finite pairs only
  EXPECT_TRUE(std::isnan(d.worst_got));
}

TEST(TensorDiff, DtypeOrShapeMismatchComparesNothing) {
  const TensorDiff shape = diff_tensors(f32({1, 2, 3, 4}, {2, 2}), f32({1, 2, 3, 4}, {4}), {1e-4, 1e-5});
  EXPECT_FALSE(shape.ok());
  EXPECT_EQ(shape.mismatch, "shape [2, 2], the oracle's [4]");
  const TensorDiff dtype = diff_tensors(f32({1}, {1}), Tensor::from_vector<int64_t>({1}, {1}), {1e-4, 1e-5});
  EXPECT_FALSE(dtype.ok());
  EXPECT_EQ(dtype.mismatch, "dtype f32, the oracle's i64");
}

TEST(TensorDiff, IntegersAreExactByDefault) {
  const Tolerance t = default_tolerance(DType::I64);
  EXPECT_EQ(t.rtol, 0);
  EXPECT_EQ(t.atol, 0);
  const TensorDiff d = diff_tensors(Tensor::from_vector<int64_t>({1, 2, 3}, {3}), Tensor::from_vector<int64_t>({1, 2, 4}, {3}), t);
  EXPECT_EQ(d.outside, 1);
  EXPECT_EQ(d.worst_index, (std::vector<int64_t>{2}));
  EXPECT_EQ(default_tolerance(DType::F32).rtol, 1e-4);
  EXPECT_EQ(default_tolerance(DType::F32).atol, 1e-5);
}

TEST(TensorDiff, AnEmptyTensorAgrees) {
  const TensorDiff d = diff_tensors(Tensor(DType::F32, {0, 3}), Tensor(DType::F32, {0, 3}), {1e-4, 1e-5});
  EXPECT_TRUE(d.ok());
  EXPECT_EQ(d.elements, 0);
  EXPECT_TRUE(d.worst_index.empty());
}

}  // namespace
}  // namespace weft::host
