// shape_ops_compiled_test.cpp - the CPU emitters of the shape, slice, gather, misc, sort, resize
// and elementwise families against the interpreter (floats rtol 1e-5, everything else exact),
// with a dynamic `batch` dim, several dtypes and bad run-time values that must fail with a message.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "CompiledChecks.h"

namespace weft::testing {
namespace {

// ---- ShapeOps.cpp: views and layout changes ----

const char* kViews = R"(
def @main(%x: f32[batch, 6, 4], %s: i64[2], %k: i64[batch, 3], %b: bool[batch, 3], %img: f32[batch, 8, 4, 6],
          %reps: i64[2], %eshape: i64[3]) {
  let %u = unsqueeze(%x, axes=[0, -1]);
  (reshape(%x, const i64[3] [0, -1, 2]), reshape(%x, %s), reshape(%k, const i32[2] [-1, 1]),
   reshape(%x, const i64[4] [0, 3, 0, -1], allowzero=false),
   flatten(%x, axis=0), flatten(%x, axis=-1), flatten(%x, axis=3), flatten(%b),
   %u, squeeze(%u, axes=[0, 4]), squeeze(unsqueeze(%k, axes=[1]), axes=[-2]), squeeze(const f32[1, 3, 1] [1, 2, 3]),
   transpose(%x, perm=[2, 0, 1]), transpose(%x), transpose(%k, perm=[1, 0]), transpose(%b), transpose(%x, perm=[0, 1, 2]),
   expand(%k, %eshape), expand(%b, const i64[2] [1, 3]), expand(%x, const i32[4] [2, 1, 1, 4]),
   shape(%x), shape(%x, start=1), shape(%x, start=-2, end=-1), shape(%x, start=5), size(%x), size(%b),
   depth_to_space(%img, blocksize=2), depth_to_space(cast(%img, to=i32), blocksize=2, mode="CRD"),
   space_to_depth(%img, blocksize=2), space_to_depth(cast(%img, to=f64), blocksize=1),
   tile(%b, %reps), tile(%x, const i64[3] [1, 2, 1]), tile(%k, const i64[2] [0, 2]))
})";

TEST(ShapeOpsCompiled, ViewsAndLayouts) {
  Module m = parse_checked(kViews);
  CompiledModel lib(m, "shape_views");
  auto inputs = [](int64_t batch, unsigned seed, Tensor s) {
    return std::vector<Tensor>{random_tensor(DType::F32, {batch, 6, 4}, seed), s, int_tensor({batch, 3}, seed + 1),
                               random_tensor(DType::Bool, {batch, 3}, seed + 2), random_tensor(DType::F32, {batch, 8, 4, 6}, seed + 3),
                               ints({2, 3}), ints({2, 1, 3})};
  };
  for (int64_t batch : {1, 2, 5}) expect_same(m, lib, inputs(batch, unsigned(batch), ints({-1, 8})));
  expect_same(m, lib, inputs(3, 9, ints({0, 24})));  // 0 copies the batch dim
  // Run-time shape operands that do not fit fail with the op's message, not a crash.
  expect_run_error(m, lib, inputs(1, 1, ints({5, -1})), "reshape: cannot reshape [1, 6, 4]");
  expect_run_error(m, lib, inputs(2, 1, ints({-1, -1})), "at most one -1");
  std::vector<Tensor> bad = inputs(2, 1, ints({-1, 8}));
  bad[6] = ints({2, 4, 3});  // batch 2 does not broadcast with 4
  expect_run_error(m, lib, bad, "expand: shapes");
  bad = inputs(2, 1, ints({-1, 8}));
  bad[5] = ints({2, -1});
  expect_run_error(m, lib, bad, "tile: repeats must be >= 0");
}

// ---- ShapeSliceOps.cpp: concat, split, slice, tile, pad ----

const char* kSlices = R"(
def @main(%x: f32[batch, 7], %y: f32[batch, 2], %k: i64[batch, 7], %b: bool[3, 4], %st: i64[2], %en: i64[2],
          %pads: i64[4], %sp: i64[2], %steps: i64[2], %pv: f32[]) {
  let %p = split(%x, axis=1, num_outputs=3);
  let %p2 = split(%k, const i64[3] [2, 0, 5], axis=-1);
  let %p3 = split(%x, %sp, axis=1);
  let %p4 = split(%b, axis=0, num_outputs=3);
  (concat(%x, %y, %x, axis=1), concat(%x, %x, axis=0), concat(%b, %b, %b, axis=-1), concat(cast(%k, to=i32), axis=1),
   %p.0, %p.1, %p.2, %p2.0, %p2.1, %p2.2, %p3.0, %p3.1, %p4.2,
   slice(%x, const i64[1] [1], const i64[1] [-1], const i64[1] [1]),
   slice(%x, const i64[2] [-1, 6], const i64[2] [-1000, 0], const i64[2] [1, 0], const i64[2] [-2, -1]),
   slice(%k, %st, %en), slice(%x, %st, %en, const i64[2] [1, 0], %steps),
   slice(%b, const i32[1] [1], const i32[1] [100], const i32[1] [1], const i32[1] [2]),
   slice(%x, const i64[1] [0], const i64[1] [3], const i64[0] [], const i64[0] []),
   pad(%x, %pads, %pv), pad(%x, const i64[4] [0, 3, 0, 9], mode="reflect"), pad(%k, const i64[4] [1, 2, 1, -1], mode="edge"),
   pad(%b, const i64[4] [1, 1, 1, 1]), pad(%k, %pads), pad(cast(%x, to=f64), const i64[4] [0, -1, 0, -3], mode="reflect"),
   tile(%k, const i64[2] [2, 3]), tile(%b, const i64[2] [1, 1]))
})";

TEST(ShapeOpsCompiled, ConcatSplitSlicePad) {
  Module m = parse_checked(kSlices);
  CompiledModel lib(m, "shape_slices");
  auto inputs = [](int64_t batch, unsigned seed) {
    return std::vector<Tensor>{random_tensor(DType::F32, {batch, 7}, seed), random_tensor(DType::F32, {batch, 2}, seed + 1),
                               int_tensor({batch, 7}, seed + 2, -2), random_tensor(DType::Bool, {3, 4}, seed + 3),
                               ints({0, -5}), ints({3, 100}), ints({1, 2, 0, 1}), ints({3, 4}), ints({2, 1}),
                               Tensor::scalar<float>(-7.5f)};
  };
  for (int64_t batch : {1, 3, 6}) expect_same(m, lib, inputs(batch, unsigned(batch)));
  std::vector<Tensor> in = inputs(4, 7);
  in[4] = ints({-2, 6});  // starts from the end, a start past a short end
  in[5] = ints({-3, 2});
  in[8] = ints({-1, 1});  // a negative step
  in[6] = ints({-1, 0, -1, 3});  // pads that crop
  expect_same(m, lib, in);
  in[7] = ints({7, 0});
  expect_same(m, lib, in);
  in[8] = ints({0, 1});
  expect_run_error(m, lib, in, "slice: steps must not be 0");
  in[8] = ints({1, 1});
  in[6] = ints({-5, 0, 0, 0});  // crops below zero
  expect_run_error(m, lib, in, "pad: pads [-5, 0, 0, 0] crop dim 0");
  in[6] = ints({1, 1, 1, 1});
  in[7] = ints({3, 3});
  expect_run_error(m, lib, in, "split: part sizes [3, 3] do not add up to the axis size 7");
}

// ---- ShapeGatherOps.cpp: gather*, scatter* ----

const char* kGathers = R"(
def @main(%x: f32[batch, 5, 3], %i: i64[2, 2], %ie: i64[batch, 5, 2], %k: i64[6, 5], %u: f32[batch, 5, 2],
          %inb: i64[batch, 2, 1], %b: bool[4, 5]) {
  let %i32 = cast(%i, to=i32);
  (gather(%x, %i, axis=1), gather(%x, const i64[3] [-1, 0, 2], axis=-1), gather(%k, %i32, axis=0), gather(%x, 4i64, axis=1),
   gather(%b, %i, axis=1),
   gather_elements(%x, %ie, axis=1), gather_elements(%k, const i32[2, 1] [-1, 3], axis=0),
   gather_elements(%b, const i64[1, 3] [4, 0, -5], axis=1),
   gather_nd(%k, const i64[2, 2] [0, 1, 5, -1]), gather_nd(%k, const i64[3, 1] [2, -6, 0]),
   gather_nd(%x, %inb, batch_dims=1), gather_nd(%x, cast(%inb, to=i32), batch_dims=1),
   scatter_elements(%x, %ie, %u, axis=1), scatter_elements(%x, %ie, %u, axis=1, reduction="add"),
   scatter_elements(%x, %ie, %u, axis=1, reduction="max"), scatter_elements(%x, %ie, %u, axis=-2, reduction="min"),
   scatter_elements(%k, %i32, const i64[2, 2] [7, 8, 9, 10], axis=0, reduction="mul"),
   scatter_elements(%b, const i64[1, 2] [4, -5], const bool[1, 2] [true, false], axis=1),
   scatter_nd(%k, const i64[2, 1] [1, -2], const i64[2, 5] [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]),
   scatter_nd(%k, const i64[3, 2] [0, 0, 5, 4, 0, 0], const i64[3] [3, 4, 5], reduction="add"),
   scatter_nd(%k, const i64[2, 2] [1, 1, 1, 1], const i64[2] [3, 4], reduction="mul"),
   scatter_nd(%x, const i64[1, 3] [0, 4, 2], const f32[1] [100], reduction="max"))
})";

TEST(ShapeOpsCompiled, GatherAndScatter) {
  Module m = parse_checked(kGathers);
  CompiledModel lib(m, "shape_gathers");
  auto inputs = [](int64_t batch, unsigned seed) {
    return std::vector<Tensor>{random_tensor(DType::F32, {batch, 5, 3}, seed), int_tensor({2, 2}, seed + 1),
                               int_tensor({batch, 5, 2}, seed + 2, -2), int_tensor({6, 5}, seed + 3),
                               random_tensor(DType::F32, {batch, 5, 2}, seed + 4), int_tensor({batch, 2, 1}, seed + 5, -2),
                               random_tensor(DType::Bool, {4, 5}, seed + 6)};
  };
  for (int64_t batch : {1, 2, 7}) expect_same(m, lib, inputs(batch, unsigned(batch)));
  std::vector<Tensor> in = inputs(2, 3);
  in[1] = Tensor::from_vector(std::vector<int64_t>{0, 1, 5, 2}, {2, 2});
  expect_run_error(m, lib, in, "gather: index 5 is out of range for axis 1 of size 5");
  in = inputs(2, 3);
  in[2].data<int64_t>()[3] = -6;
  expect_run_error(m, lib, in, "gather_elements: index -6");
}

// ---- MiscOps.cpp, MiscSortOps.cpp, MiscResize.cpp ----

const char* kMisc = R"(
def @main(%x: f32[batch, 6], %n: i64[], %lim: f32[], %ki: i64[batch, 3], %k: i64[], %img: f32[1, 2, 4, 5], %sizes: i64[4]) {
  let %t1 = topk(%x, 3i64);
  let %t2 = topk(%ki, %k, largest=false);
  let %t3 = topk(%x, 1i64, axis=0);
  let %s1 = sort(%x, axis=0, descending=true);
  let %s2 = sort(%ki);
  let %s3 = sort(cast(%ki, to=i32), descending=true);
  let %none = const f32[0] [];
  (range(0i64, %n, 2i64), range(1.5f32, %lim, 0.25f32), range(10i32, 0i32, -3i32), range(%n, 0i64, -1i64),
   range(0.5f64, -1f64, -0.5f64), range(3i64, 3i64, 1i64),
   one_hot(%ki, 4i64, const f32[2] [0, 1]), one_hot(sub(%ki, 2i64), %n, const i64[2] [-1, 7], axis=0),
   one_hot(cast(%ki, to=f32), 3i64, const bool[2] [false, true], axis=1),
   non_zero(%ki), non_zero(relu(%x)), non_zero(5f32), non_zero(const bool[2, 2] [true, false, false, true]),
   trilu(%x), trilu(%x, 1i64, upper=false), trilu(%ki, %k), trilu(%img, -1i64), trilu(cast(%ki, to=bool), upper=false),
   %t1.0, %t1.1, %t2.0, %t2.1, %t3.0, %t3.1, %s1.0, %s1.1, %s2.0, %s2.1, %s3.0, %s3.1,
   resize(%img, %none, const f32[4] [1, 1, 2, 1.5]),
   resize(%img, %none, const f32[4] [1, 1, 1.5, 0.6], mode="linear", coordinate_transformation_mode="align_corners"),
   resize(%img, %none, const f32[4] [1, 1, 2, 2], mode="linear"),
   resize(%img, %none, const f32[4] [1, 1, 3, 0.5], mode="linear", coordinate_transformation_mode="pytorch_half_pixel"),
   resize(%img, %none, const f32[0] [], %sizes, mode="cubic"),
   resize(%img, %none, const f32[0] [], %sizes, mode="cubic", exclude_outside=1, cubic_coeff_a=-0.5),
   resize(%img, %none, const f32[4] [1, 1, 1.7, 2.3], coordinate_transformation_mode="asymmetric", nearest_mode="floor"),
   resize(%img, %none, const f32[4] [1, 1, 1.7, 2.3], coordinate_transformation_mode="tf_half_pixel_for_nn", nearest_mode="ceil"),
   resize(%img, %none, const f32[4] [1, 1, 3, 3], nearest_mode="round_prefer_ceil"),
   resize(%img, const f32[8] [0, 0, 0.1, 0.2, 1, 1, 0.9, 1.3], const f32[0] [], const i64[4] [1, 2, 3, 3], mode="linear",
          coordinate_transformation_mode="tf_crop_and_resize", extrapolation_value=-1),
   resize(%ki, %none, const f32[2] [2, 0.7]), resize(cast(%img, to=f64), %none, const f32[0] [], %sizes, mode="linear"))
})";

TEST(ShapeOpsCompiled, MiscSortAndResize) {
  Module m = parse_checked(kMisc);
  CompiledModel lib(m, "misc_ops");
  auto inputs = [](int64_t batch, unsigned seed, int64_t n, int64_t k) {
    std::vector<Tensor> in = {random_tensor(DType::F32, {batch, 6}, seed), Tensor::scalar<int64_t>(n), Tensor::scalar<float>(3.2f),
                              int_tensor({batch, 3}, seed + 1), Tensor::scalar<int64_t>(k),
                              random_tensor(DType::F32, {1, 2, 4, 5}, seed + 2), ints({1, 2, 7, 3})};
    in[0].data<float>()[0] = std::numeric_limits<float>::quiet_NaN();  // NaN sorts above every number
    return in;
  };
  for (int64_t batch : {1, 3, 8}) expect_same(m, lib, inputs(batch, unsigned(batch), 7, 2));
  expect_same(m, lib, inputs(4, 11, 1, 0));
  expect_same(m, lib, inputs(2, 12, 3, 3));
  expect_run_error(m, lib, inputs(2, 1, 7, 4), "topk: k = 4 is out of range");
  expect_run_error(m, lib, inputs(2, 1, 0, 2), "one_hot: depth must be >= 1");
  std::vector<Tensor> in = inputs(2, 1, 7, 2);
  in[6] = ints({1, 2, -1, 3});
  expect_run_error(m, lib, in, "resize: sizes must be >= 0");
}

// ---- ElementwiseOps.cpp, ElementwiseBinaryOps.cpp ----

const char* kElementwise = R"(
def @main(%x: f32[batch, 5], %y: f32[batch, 5], %d: f64[5], %k: i64[batch, 5], %kd: i64[batch, 5], %sp: f32[8]) {
  let %j = cast(sub(%k, 2i64), to=i32);
  let %u8 = cast(%k, to=u8);
  let %u32 = cast(%kd, to=u32);
  let %bx = greater(%x, 0f32);
  let %by = less(%y, 0.5f32);
  (exp(%x), log(%x), sqrt(%x), rsqrt(%x), reciprocal(%x), sin(%x), cos(%x), tan(%x), asin(%x), acos(%x), atan(%x),
   sinh(%x), cosh(%x), tanh(%x), asinh(%x), acosh(%x), atanh(%x), sigmoid(%x), erf(%x), floor(%x), ceil(%x),
   round(mul(%x, 2f32)), softplus(%x), softsign(%x), silu(%x), mish(%x), hard_swish(mul(%x, 3f32)),
   exp(%d), sin(%d), erf(%d), softplus(%d), round(mul(%d, 2f64)), gelu(%d), selu(%d),
   neg(%x), abs(%x), sign(%sp), relu(%sp), neg(%j), abs(%j), sign(%j), relu(%j), abs(sub(%k, 2i64)), cast(sign(%u8), to=i64),
   hard_sigmoid(%x), hard_sigmoid(%x, alpha=0.3, beta=0.1), leaky_relu(%x), leaky_relu(%x, alpha=0.2), elu(%x, alpha=0.7),
   selu(%x), celu(%x, alpha=1.5), thresholded_relu(%x, alpha=0.3), gelu(%x), gelu(%x, approximate="tanh"),
   is_nan(%sp), is_inf(%sp), is_inf(%sp, detect_positive=false), is_inf(%sp, detect_negative=false), identity(%x),
   identity(%k), logical_not(%bx), bitwise_not(%j), cast(bitwise_not(%u8), to=i64),
   clip(%x, -0.5f32, 0.7f32), clip(%x, const f32[0] [], 1f32), clip(%x), clip(%sp, -1f32, 1f32), clip(%k, 1i64, 3i64),
   clip(%j, -1i32), cast(clip(%u8, const u8[0] [], 2u8), to=i64),
   atan2(%x, %y), mod(%x, %y), mod(%x, %y, fmod=1), mod(%d, sub(%d, 0.3f64)), mod(%k, %kd), mod(sub(%k, 2i64), sub(0i64, %kd)),
   mod(%j, cast(%kd, to=i32), fmod=1), cast(mod(%u8, cast(%kd, to=u8)), to=i64), mod(%d, 0f64),
   pow(%x, %y), pow(abs(%x), %d), pow(%x, 2i64), pow(%k, %kd), pow(%j, 3f32), cast(pow(%u8, 2u8), to=i64),
   cast(bit_shift(%u8, %u8, direction="left"), to=i64),
   cast(bit_shift(cast(add(%k, 250i64), to=u8), add(%u8, 5u8), direction="left"), to=i64),
   cast(bit_shift(%u32, %u8x, direction="right"), to=i64), cast(bit_shift(%u32, %u32, direction="left"), to=i64),
   prelu(%x, const f32[5] [0.1, -0.2, 0.3, 2, 0]), prelu(%x, const f32[1] [0.25]), prelu(%j, const i32[5] [1, 2, 3, -4, 5]),
   bitwise_and(%k, 3i64), bitwise_or(%j, 8i32), cast(bitwise_xor(%u8, 6u8), to=i64), bitwise_and(%bx, %by), bitwise_xor(%bx, %by),
   logical_and(%bx, %by), logical_or(%bx, %by), logical_xor(%bx, %by))
})";

TEST(ShapeOpsCompiled, ElementwiseFamilies) {
  std::string text = kElementwise;
  text.replace(text.find("%u8x"), 4, "cast(add(%k, 30i64), to=u32)");  // shifts past 32 bits give 0
  Module m = parse_checked(text);
  CompiledModel lib(m, "elementwise_more");
  const float inf = std::numeric_limits<float>::infinity(), nan = std::numeric_limits<float>::quiet_NaN();
  auto inputs = [&](int64_t batch, unsigned seed) {
    return std::vector<Tensor>{random_tensor(DType::F32, {batch, 5}, seed), random_tensor(DType::F32, {batch, 5}, seed + 1),
                               random_tensor(DType::F64, {5}, seed + 2), int_tensor({batch, 5}, seed + 3),
                               int_tensor({batch, 5}, seed + 4, 1),
                               Tensor::from_vector(std::vector<float>{nan, inf, -inf, 0.f, -0.f, 1.5f, -2.5f, 3e38f}, {8})};
  };
  for (int64_t batch : {1, 4, 0}) expect_same(m, lib, inputs(batch, unsigned(batch) + 40));
  std::vector<Tensor> in = inputs(2, 5);
  in[4].data<int64_t>()[7] = 0;
  expect_run_error(m, lib, in, "mod: integer division by zero");
}

}  // namespace
}  // namespace weft::testing
