// shape_fn_shape_ops_test.cpp - the run-time shape functions (OpDef::shape_cpu) of the shape,
// slice and gather families in the normal (non-check) mode: @main has symbolic dims in several
// places, so the generated code sizes those results with the shape functions; compiled results
// are compared with the interpreter (floats rtol 1e-5, everything else exact), and bad run-time
// dims fail through the C API with a message naming the op.
#include <gtest/gtest.h>

#include "CompiledChecks.h"

namespace weft::testing {
namespace {

// ShapeOps.cpp: every result has a dim computed from n, h or w (or a shape operand) at run time.
const char* kViews = R"(
def @main(%x: f32[n, 4, h, w], %s: i64[3], %e: i64[5], %r: i64[4]) {
  let %u = unsqueeze(%x, axes=[1, -1]);
  (reshape(%x, const i64[2] [0, -1]), reshape(%x, %s), flatten(%x, axis=2), flatten(%x, axis=0),
   %u, squeeze(%u, axes=[1, 5]), transpose(%x, perm=[3, 0, 2, 1]), expand(%x, %e),
   depth_to_space(%x, blocksize=2), depth_to_space(%x, blocksize=2, mode="CRD"), space_to_depth(%x, blocksize=2),
   shape(%x), shape(%x, start=2), size(%x), tile(%x, %r))
})";

TEST(ShapeFnShapeOps, ViewsWithSymbolicDims) {
  Module m = parse_checked(kViews);
  CompiledModel lib(m, "shapefn_views");
  auto inputs = [](int64_t n, int64_t h, int64_t w, unsigned seed) {
    return std::vector<Tensor>{random_tensor(DType::F32, {n, 4, h, w}, seed), ints({n * 2, -1, w}), ints({2, 1, 1, 1, w}),
                               ints({1, 2, 1, 3})};
  };
  for (auto [n, h, w] : {std::tuple<int64_t, int64_t, int64_t>{1, 2, 2}, {2, 4, 6}, {3, 6, 2}})
    expect_same(m, lib, inputs(n, h, w, unsigned(n * 10 + h)));
  // Rejected by the shape functions before any kernel runs, with the kernels' messages.
  std::vector<Tensor> bad = inputs(2, 3, 4, 1);  // space_to_depth needs an even height
  expect_run_error(m, lib, bad, "space_to_depth: height 3 and width 4 must be divisible by blocksize 2");
  bad = inputs(2, 2, 4, 1);
  bad[1] = ints({5, -1, 4});
  expect_run_error(m, lib, bad, "reshape: cannot reshape [2, 4, 2, 4]");
}

// ShapeSliceOps.cpp: joins and cuts along symbolic axes, pads and slices from run-time operands.
const char* kSlices = R"(
def @main(%x: f32[n, k], %y: f32[m, k], %st: i64[2], %en: i64[2], %pads: i64[4], %sp: i64[2]) {
  let %c = concat(%x, %y, %x, axis=0);
  let %p = split(%c, axis=1, num_outputs=2);
  let %q = split(%x, %sp, axis=1);
  (%c, concat(%x, %x, axis=1), %p.0, %p.1, %q.0, %q.1, slice(%c, %st, %en), slice(%y, %st, %en, const i64[2] [1, 0], const i64[2] [2, -1]),
   pad(%x, %pads), pad(%y, %pads, mode="edge"), tile(%y, const i64[2] [2, 1]))
})";

TEST(ShapeFnShapeOps, ConcatSplitSlicePadWithSymbolicDims) {
  Module m = parse_checked(kSlices);
  CompiledModel lib(m, "shapefn_slices");
  auto inputs = [](int64_t n, int64_t mm, int64_t k, unsigned seed) {
    return std::vector<Tensor>{random_tensor(DType::F32, {n, k}, seed), random_tensor(DType::F32, {mm, k}, seed + 1),
                               ints({1, -2}), ints({100, k}), ints({0, 1, 2, -1}), ints({k - 1, 1})};
  };
  for (auto [n, mm, k] : {std::tuple<int64_t, int64_t, int64_t>{1, 1, 2}, {3, 2, 5}, {4, 6, 3}})
    expect_same(m, lib, inputs(n, mm, k, unsigned(n + mm + k)));
  std::vector<Tensor> bad = inputs(2, 3, 4, 5);
  bad[5] = ints({2, 1});  // does not add up to k = 4
  expect_run_error(m, lib, bad, "split: part sizes [2, 1] do not add up to the axis size 4");
  bad = inputs(2, 3, 4, 5);
  bad[4] = ints({0, 0, -3, 0});  // crops n = 2 rows by 3
  expect_run_error(m, lib, bad, "pad: pads [0, 0, -3, 0] crop dim 0");
}

// ShapeGatherOps.cpp: index tensors with their own symbolic dims.
const char* kGathers = R"(
def @main(%x: f32[n, c], %i: i64[j], %ie: i64[n, j], %u: f32[n, j], %nd: i64[j, 2], %nu: f32[j], %ge: i64[g, j]) {
  (gather(%x, %i, axis=1), gather(%x, %ie, axis=1), gather_elements(%x, %ge, axis=1), gather_nd(%x, %nd),
   gather_nd(%x, const i64[1, 1] [0]), scatter_elements(%x, %ie, %u, axis=1, reduction="add"), scatter_nd(%x, %nd, %nu))
})";

TEST(ShapeFnShapeOps, GatherScatterWithSymbolicDims) {
  Module m = parse_checked(kGathers);
  CompiledModel lib(m, "shapefn_gathers");
  auto inputs = [](int64_t n, int64_t c, int64_t j, unsigned seed, int64_t g) {
    Tensor nd = int_tensor({j, 2}, seed + 4);
    for (int64_t r = 0; r < j; ++r) nd.data<int64_t>()[2 * r] %= n;  // row indices within n, columns within c >= 5
    return std::vector<Tensor>{random_tensor(DType::F32, {n, c}, seed), int_tensor({j}, seed + 1, -c),
                               int_tensor({n, j}, seed + 2), random_tensor(DType::F32, {n, j}, seed + 3), nd,
                               random_tensor(DType::F32, {j}, seed + 5), int_tensor({g, j}, seed + 6)};
  };
  for (auto [n, c, j] : {std::tuple<int64_t, int64_t, int64_t>{1, 5, 1}, {3, 6, 4}, {5, 5, 5}})
    for (int64_t g : {int64_t(1), n}) expect_same(m, lib, inputs(n, c, j, unsigned(n * c + j + g), g));
  // g = 3 > n = 2 rows of indices for gather_elements: a bad dim, caught by its shape function.
  expect_run_error(m, lib, inputs(2, 5, 4, 1, 3), "gather_elements: indices [3, 4] exceed the data [2, 5] in dim 0");
}

}  // namespace
}  // namespace weft::testing
