// shape_fn_misc_ops_test.cpp - the run-time shape functions (OpDef::shape_cpu) of the reduction,
// argmax/softmax/cumsum, generator (range, one_hot, non_zero, trilu), sort and resize ops in
// compiled code built normally (no check_shapes): @main's dims are symbolic, so every call of
// these ops runs its shape function ahead of the kernel and the kernel's result is checked
// against it. Oracle: the interpreter (floats rtol 1e-5, everything else exact); f16 operands
// reach the shape functions unwidened. Bad run-time dims fail through the C API naming the op.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "CompiledChecks.h"

namespace weft::testing {
namespace {

// ---- ReductionOps.cpp, ReductionAxisOps.cpp ----

const char* kReductions = R"(
def @main(%x: f32[n, c, h], %k: i64[n, h]) {
  (reduce_sum(%x, axes=[1]), reduce_mean(%x, axes=[-1], keepdims=false), reduce_max(%x, axes=[]),
   reduce_min(%k, axes=[0], keepdims=false), reduce_prod(%x, axes=[0, 2]), reduce_l1(%x, axes=[2], keepdims=false),
   reduce_l2(%x, axes=[0, 1], keepdims=false), reduce_log_sum(exp(%x), axes=[1]), reduce_sum_square(%k, axes=[1]),
   reduce_log_sum_exp(%x, axes=[], keepdims=false), reduce_sum(%x, axes=[], noop_with_empty_axes=true),
   reduce_mean(cast(%x, to=f16), axes=[2], keepdims=false),
   argmax(%x, axis=1), argmin(%x, axis=-1, keepdims=false), argmax(%k, axis=0, keepdims=false, select_last_index=true),
   softmax(%x, axis=-1), log_softmax(%x, axis=1), cumsum(%x, axis=1), cumsum(%k, axis=0, exclusive=true, reverse=true))
})";

TEST(ShapeFnMiscCompiled, ReductionsWithSymbolicDims) {
  Module m = parse_checked(kReductions);
  CompiledModel lib(m, "shapefn_reductions");
  auto inputs = [](int64_t n, int64_t c, int64_t h, unsigned seed) {
    return std::vector<Tensor>{random_tensor(DType::F32, {n, c, h}, seed), int_tensor({n, h}, seed + 1, -2)};
  };
  expect_same(m, lib, inputs(2, 3, 4, 1));
  expect_same(m, lib, inputs(1, 5, 1, 2));
  expect_same(m, lib, inputs(4, 1, 7, 3));
  // argmax over an axis of size 0 is a bad run-time dim: its shape function says so first.
  expect_run_error(m, lib, inputs(2, 0, 3, 4), "argmax: cannot reduce an axis of size 0");
}

// ---- MiscOps.cpp, MiscSortOps.cpp, MiscResize.cpp ----

const char* kMisc = R"(
def @main(%x: f32[n, w], %ki: i64[n, 3], %lim: i64[], %hi: f32[], %k: i64[], %img: f32[1, c, h, w], %sizes: i64[4]) {
  let %t = topk(%x, %k, axis=1);
  let %s = sort(%ki, axis=0);
  let %hf = cast(%hi, to=f16);
  (range(0i64, %lim, 3i64), range(0.5f32, %hi, 0.75f32), range(cast(0.25f32, to=f16), %hf, cast(0.5f32, to=f16)),
   one_hot(%ki, %lim, const f32[2] [0, 1], axis=1), one_hot(%ki, 5i64, const i64[2] [3, 9]),
   non_zero(%ki), non_zero(cast(%x, to=f16)), non_zero(greater(%x, 0f32)),
   trilu(%x, %k), trilu(%img, -1i64, upper=false),
   %t.0, %t.1, %s.0, %s.1,
   resize(%img, const f32[0] [], const f32[4] [1, 1, 1.5, 0.5]),
   resize(%img, const f32[0] [], const f32[0] [], %sizes, mode="linear"),
   resize(cast(%img, to=f16), const f32[0] [], const f32[4] [1, 1, 2, 2], mode="linear"))
})";

TEST(ShapeFnMiscCompiled, GeneratorsSortAndResizeWithSymbolicDims) {
  Module m = parse_checked(kMisc);
  CompiledModel lib(m, "shapefn_misc");
  auto inputs = [](int64_t n, int64_t w, int64_t lim, float hi, int64_t k, int64_t c, int64_t h, unsigned seed) {
    return std::vector<Tensor>{random_tensor(DType::F32, {n, w}, seed), int_tensor({n, 3}, seed + 1, -1),
                               Tensor::scalar<int64_t>(lim), Tensor::scalar<float>(hi), Tensor::scalar<int64_t>(k),
                               random_tensor(DType::F32, {1, c, h, w}, seed + 2),
                               Tensor::from_vector(std::vector<int64_t>{1, c, 2 * h + 1, w + 2}, {4})};
  };
  expect_same(m, lib, inputs(3, 5, 7, 4.1f, 2, 2, 3, 1));
  expect_same(m, lib, inputs(1, 2, 1, -1.0f, 0, 1, 1, 2));
  expect_same(m, lib, inputs(5, 4, 10, 9.3f, 4, 3, 2, 3));
  // k past the symbolic dim w, and a depth of 0: each op's own message, ahead of its kernel.
  expect_run_error(m, lib, inputs(2, 3, 4, 1.0f, 4, 1, 2, 4), "topk: k = 4 is out of range for axis 1 of size 3");
  expect_run_error(m, lib, inputs(2, 3, 0, 1.0f, 1, 1, 2, 5), "one_hot: depth must be >= 1");
}

}  // namespace
}  // namespace weft::testing
