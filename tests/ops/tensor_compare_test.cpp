// tensor_compare_test.cpp - the shared tolerance check every suite relies on can fail.
#include <gtest/gtest.h>

#include <cmath>

#include "tests/support/TestSupport.h"

namespace weft {
namespace {

TEST(TensorsClose, AcceptsWithinToleranceAndMatchingNaN) {
  Tensor want = Tensor::from_vector<float>({1.0f, NAN, INFINITY}, {3});
  Tensor got = Tensor::from_vector<float>({1.0f + 1e-6f, NAN, INFINITY}, {3});
  EXPECT_TRUE(testing::tensors_close(got, want, 1e-5, 1e-6));
}

TEST(TensorsClose, RejectsEachKindOfDifference) {
  Tensor want = Tensor::from_vector<float>({1.0f, 2.0f}, {2});
  EXPECT_FALSE(testing::tensors_close(Tensor::from_vector<float>({1.0f, 2.1f}, {2}), want, 1e-5, 1e-6));
  EXPECT_FALSE(testing::tensors_close(Tensor::from_vector<float>({1.0f, NAN}, {2}), want, 1e-5, 1e-6));
  EXPECT_FALSE(testing::tensors_close(Tensor::from_vector<float>({1.0f, 2.0f}, {1, 2}), want, 1e-5, 1e-6));
  EXPECT_FALSE(testing::tensors_close(Tensor::from_vector<double>({1.0, 2.0}, {2}), want, 1e-5, 1e-6));
  EXPECT_FALSE(testing::tensors_close(Tensor::from_vector<int64_t>({1, 3}, {2}), Tensor::from_vector<int64_t>({1, 2}, {2}), 1, 1));
  ::testing::AssertionResult r = testing::tensors_close(Tensor::from_vector<float>({1.5f, 2.0f}, {2}), want, 1e-5, 1e-6);
  EXPECT_NE(std::string(r.message()).find("1 of 2 elements differ; element 0"), std::string::npos) << r.message();
}

TEST(RunCommand, ReportsStatusAndOutput) {
  testing::CommandResult r = testing::run_command("echo out; echo err >&2; exit 3");
  EXPECT_EQ(r.status, 3);
  EXPECT_EQ(r.output, "out\nerr\n");
}

}  // namespace
}  // namespace weft
