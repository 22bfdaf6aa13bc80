// half_compiled_test.cpp - f16 and bf16 in compiled code against the interpreter through the C API:
// elementwise ops, casts to and from every dtype (NaN, inf, subnormals, ties) and shape ops bit for
// bit; matmul, conv, reductions and softmax within one unit in the last place of the 16-bit type;
// and @main values of unknown rank (f32[*]: ndim -1 at the C API, any rank accepted).
#include <gtest/gtest.h>

#include <unistd.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <type_traits>

#include "CompiledModel.h"
#include "ValueRun.h"
#include "ir/NpyIO.h"
#include "tests/support/TestSupport.h"
#include "weft/rt/Half.h"

namespace weft::testing {
namespace {

// Bit-for-bit equality of two tensors (every NaN equal to every NaN, as the interpreter's
// NaN payloads pass through float).
std::string compare_bits(const Tensor& want, const Tensor& got) {
  if (want.dtype() != got.dtype()) return std::string("dtype ") + dtype_name(got.dtype()) + ", expected " + dtype_name(want.dtype());
  if (want.shape() != got.shape()) return "shape differs";
  const size_t width = dtype_size(want.dtype());
  for (int64_t i = 0; i < want.numel(); ++i) {
    if (is_float(want.dtype()) && std::isnan(want.as_double(i)) && std::isnan(got.as_double(i))) continue;
    if (std::memcmp(static_cast<const char*>(want.raw()) + i * width, static_cast<const char*>(got.raw()) + i * width, width) != 0)
      return "element " + std::to_string(i) + ": " + std::to_string(got.as_double(i)) + ", expected " + std::to_string(want.as_double(i));
  }
  return "";
}

// One unit in the last place of a value of magnitude ~1 of the output's dtype: matmul, conv
// and reductions sum in another order than the interpreter, so the rounded result may differ
// by that much (f32 outputs: 1e-5).
double ulp_tol(DType t) { return t == DType::F16 ? 1.0 / 1024 : t == DType::BF16 ? 1.0 / 128 : 1e-5; }

// Finite values around 1 and the cases conversions get wrong: NaN, infinities, f16's largest
// value and the first float rounding to inf, subnormals, ties (1 + 2^-11 rounds to even in
// f16, 1 + 2^-8 in bf16), negative zero, values out of every integer range.
Tensor special_f32() {
  const float inf = std::numeric_limits<float>::infinity();
  std::vector<float> v = {0.1f, -3.7f, 2.5f, -0.5f, std::numeric_limits<float>::quiet_NaN(), inf, -inf, 65504.0f, 65520.0f,
                          65519.0f, 1e-7f, -3e-8f, 6e-8f, 1.0f + 1.0f / 2048, 1.0f + 3.0f / 2048, 1.0f + 1.0f / 256, -0.0f,
                          1e10f, -1e10f, 3e38f, 200.7f, -129.5f, 255.9f, 1e-40f};
  return Tensor::from_vector(v, {int64_t(v.size())});
}

template <typename T>
Tensor from_f32(const Tensor& x) {
  std::vector<T> v;
  for (int64_t i = 0; i < x.numel(); ++i) v.push_back(T(x.data<float>()[i]));
  return Tensor::from_vector(v, {x.numel()});
}

// The interpreter's f16/bf16 are the runtime's types (weft/rt/scalar/Scalar.h), so they cannot
// disagree; their conversions are checked against independent oracles instead: the compiler's
// IEEE _Float16 for f16, and for bf16 the nearer of the two truncations around the float (ties
// to the even one), measured in double. Floats across the whole range: every 509th bit pattern,
// both signs, NaNs, infinities, subnormals of both formats.
static_assert(std::is_same_v<Half, weft_rt::half> && std::is_same_v<BFloat16, weft_rt::bfloat16>);

uint16_t f16_oracle(float f) {
  const _Float16 h = static_cast<_Float16>(f);
  uint16_t b;
  std::memcpy(&b, &h, 2);
  return b;
}
uint16_t bf16_oracle(float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  if (std::isnan(f)) return uint16_t((u >> 16) | 0x40);  // quiet, payload's top kept
  if (std::isinf(f)) return uint16_t(u >> 16);
  const uint32_t lo = u & 0xffff0000u, hi = lo + 0x10000u;
  // A bit pattern's value; past the largest finite the exponent field carries into infinity,
  // which rounding measures as 2^128 (the next power of two).
  auto value = [](uint32_t w) {
    if ((w & 0x7fffffffu) == 0x7f800000u) return std::copysign(std::ldexp(1.0, 128), (w >> 31) ? -1.0 : 1.0);
    float v;
    std::memcpy(&v, &w, 4);
    return double(v);
  };
  const double dlo = std::fabs(double(f) - value(lo)), dhi = std::fabs(value(hi) - double(f));
  if (dlo < dhi || (dlo == dhi && !((lo >> 16) & 1u))) return uint16_t(lo >> 16);
  return uint16_t(hi >> 16);
}

TEST(HalfRuntime, ConversionsMatchIndependentOracles) {
  for (uint64_t u = 0; u <= 0xffffffffull; u += 509) {
    float f;
    const uint32_t bits = uint32_t(u);
    std::memcpy(&f, &bits, 4);
    if (!std::isnan(f)) ASSERT_EQ(Half(f).bits, f16_oracle(f)) << "float bits " << bits;
    else ASSERT_TRUE(std::isnan(float(Half(f)))) << "float bits " << bits;
    ASSERT_EQ(BFloat16(f).bits, bf16_oracle(f)) << "float bits " << bits;
  }
  for (uint32_t b = 0; b < 0x10000u; ++b) {  // every f16 widens exactly, as _Float16 does
    const float got = float(weft_rt::half::from_bits(uint16_t(b)));
    _Float16 h;
    const uint16_t b16 = uint16_t(b);
    std::memcpy(&h, &b16, 2);
    const float want = float(h);
    if (std::isnan(want)) ASSERT_TRUE(std::isnan(got)) << "f16 bits " << b;
    else ASSERT_EQ(std::memcmp(&want, &got, 4), 0) << "f16 bits " << b;
  }
  // Ties and the edges, which a stride can miss.
  for (float f : {1.0f + 1.0f / 2048, 1.0f + 3.0f / 2048, 65504.0f, 65519.99f, 65520.0f, 5.9604645e-8f, 2.9802322e-8f, 2.98023259e-8f,
                  1.0f + 1.0f / 256, 1.0f + 3.0f / 256, 3.3895314e38f, 3.4028235e38f, 1e-45f}) {
    EXPECT_EQ(Half(f).bits, f16_oracle(f)) << f;
    EXPECT_EQ(BFloat16(f).bits, bf16_oracle(f)) << f;
  }
  EXPECT_EQ(float(std::numeric_limits<weft_rt::half>::max()), 65504.0f);
  EXPECT_EQ(float(std::numeric_limits<weft_rt::half>::lowest()), -65504.0f);
  EXPECT_TRUE(std::isinf(float(std::numeric_limits<weft_rt::bfloat16>::infinity())));
  EXPECT_EQ(float(std::numeric_limits<weft_rt::bfloat16>::max()), 3.3895314e38f);
  EXPECT_EQ(float(std::numeric_limits<weft_rt::half>::epsilon()), 1.0f / 1024);
  EXPECT_EQ(float(std::numeric_limits<weft_rt::bfloat16>::epsilon()), 1.0f / 128);
}

const char* kExact = R"(
def @main(%a: f16[batch, 4], %b: f16[batch, 4], %c: bf16[batch, 4], %d: bf16[4], %x: f32[n], %y: f64[n], %i: i64[n],
          %k: i32[n], %h: f16[n], %g: bf16[n]) {
  let %e = add(mul(%a, %b), const f16[4] [0.5, 1.5, -2, 65504]);
  (%e, div(%a, %b), sub(%c, %d), exp(%a), tanh(%c), sigmoid(%a), relu(%c), abs(%b), sqrt(abs(%a)), pow(%a, %b),
   pow(%c, 3i64), neg(%d), less(%a, %b), where(less(%c, %d), %c, %d), maximum(%a, %b),
   cast(%x, to=f16), cast(%x, to=bf16), cast(%y, to=f16), cast(%y, to=bf16), cast(%i, to=f16), cast(%i, to=bf16),
   cast(%k, to=f16), cast(%k, to=bf16), cast(less(%x, 0f32), to=f16), cast(%x, to=u8),
   cast(%h, to=f32), cast(%h, to=f64), cast(%h, to=i32), cast(%h, to=i64), cast(%h, to=u8), cast(%h, to=i8), cast(%h, to=bool),
   cast(%h, to=bf16), cast(%g, to=f32), cast(%g, to=f64), cast(%g, to=i64), cast(%g, to=u16), cast(%g, to=bool), cast(%g, to=f16),
   transpose(%a), reshape(%c, const i64[1] [-1]), concat(%a, %b, %a, axis=1), concat(%c, %c, axis=0),
   slice(%a, const i64[1] [1], const i64[1] [-1], const i64[1] [1]), unsqueeze(%d, axes=[0]), expand(%d, const i64[2] [3, 4]),
   gather(%h, const i64[3] [2, 0, 4], axis=0), %h, %g)
}
)";

TEST(HalfCompiled, ElementwiseCastsAndShapeOpsMatchTheInterpreterBitForBit) {
  Module m = parse_checked(kExact);
  CompiledModel lib(m, "half_exact");
  for (int64_t batch : {1, 3}) {
    const Tensor x = special_f32();
    std::vector<double> yd;
    std::vector<int64_t> id;
    std::vector<int32_t> kd;
    for (int64_t j = 0; j < x.numel(); ++j) {
      yd.push_back(double(x.data<float>()[j]) * (1 + 1e-9));  // doubles that round to float first
      id.push_back(int64_t(j * 7919 - 50000) * (j % 3 == 0 ? 1000003 : 1));  // past 2^24 and 65504
      kd.push_back(int32_t(j * 4099 - 70000));
    }
    const int64_t n = x.numel();
    std::vector<Tensor> in = {random_tensor(DType::F16, {batch, 4}, 1), random_tensor(DType::F16, {batch, 4}, 2),
                              random_tensor(DType::BF16, {batch, 4}, 3), random_tensor(DType::BF16, {4}, 4), x,
                              Tensor::from_vector(yd, {n}), Tensor::from_vector(id, {n}), Tensor::from_vector(kd, {n}),
                              from_f32<Half>(x), from_f32<BFloat16>(x)};
    std::vector<Tensor> want = interpret_flat(m, in), got = lib.run(in);
    ASSERT_EQ(want.size(), got.size());
    for (size_t i = 0; i < want.size(); ++i) EXPECT_EQ(compare_bits(want[i], got[i]), "") << "output " << i << ", batch " << batch;
  }
}

const char* kKernels = R"(
def @main(%a: f16[batch, 8], %w: f16[8, 5], %p: bf16[batch, 8], %v: bf16[8, 5], %img: f16[batch, 2, 6, 5], %k: f16[3, 2, 3, 3],
          %bias: f16[3], %bimg: bf16[batch, 2, 6, 5], %bk: bf16[3, 2, 3, 3]) {
  let %h = matmul(%a, %w);
  let %q = matmul(%p, %v);
  (%h, %q, softmax(%h, axis=-1), softmax(%q, axis=0), reduce_sum(%h, axes=[1], keepdims=false),
   reduce_mean(%q, axes=[0], keepdims=true), reduce_max(%h, axes=[0, 1], keepdims=false),
   conv(%img, %k, %bias, pads=[1, 1, 1, 1]), conv(%bimg, %bk, strides=[2, 1]),
   max_pool(%img, kernel_shape=[2, 2]), argmax(%q, axis=1))
}
)";

TEST(HalfCompiled, MatmulConvReductionsAndSoftmaxMatchTheInterpreter) {
  Module m = parse_checked(kKernels);
  CompiledModel lib(m, "half_kernels");
  for (int64_t batch : {1, 4}) {
    std::vector<Tensor> in = {random_tensor(DType::F16, {batch, 8}, 11),      random_tensor(DType::F16, {8, 5}, 12),
                              random_tensor(DType::BF16, {batch, 8}, 13),     random_tensor(DType::BF16, {8, 5}, 14),
                              random_tensor(DType::F16, {batch, 2, 6, 5}, 15), random_tensor(DType::F16, {3, 2, 3, 3}, 16),
                              random_tensor(DType::F16, {3}, 17),             random_tensor(DType::BF16, {batch, 2, 6, 5}, 18),
                              random_tensor(DType::BF16, {3, 2, 3, 3}, 19)};
    std::vector<Tensor> want = interpret_flat(m, in), got = lib.run(in);
    ASSERT_EQ(want.size(), got.size());
    for (size_t i = 0; i < want.size(); ++i) {
      EXPECT_EQ(got[i].dtype(), want[i].dtype()) << "output " << i;
      EXPECT_EQ(compare(want[i], got[i], ulp_tol(want[i].dtype())), "") << "output " << i << ", batch " << batch;
    }
  }
}

TEST(HalfCompiled, InfoDescribesHalfDtypes) {
  CompiledModel lib(parse_checked("def @main(%x: f16[2], %y: bf16[2]) -> (bf16[2], f16[2]) { (cast(%x, to=bf16), cast(%y, to=f16)) }"), "half_info");
  weft_tensor_info info;
  ASSERT_EQ(lib.api()->input_info(lib.model(), 0, &info), 0);
  EXPECT_EQ(info.dtype.code, kDLFloat);
  EXPECT_EQ(info.dtype.bits, 16);
  ASSERT_EQ(lib.api()->output_info(lib.model(), 0, &info), 0);
  EXPECT_EQ(info.dtype.code, kDLBfloat);
  EXPECT_EQ(info.dtype.bits, 16);
  // An f32 tensor where f16 is expected is a bad call, named.
  Tensor wrong = random_tensor(DType::F32, {2}, 1), y = random_tensor(DType::BF16, {2}, 2);
  DLTensor dl[2] = {as_dl(wrong), as_dl(y)};
  DLManagedTensor* outs[2] = {nullptr, nullptr};
  EXPECT_NE(lib.api()->run(lib.model(), dl, 2, outs, 2), 0);
  EXPECT_NE(std::string(lib.api()->last_error()).find("expected dtype f16, got f32"), std::string::npos) << lib.api()->last_error();
}

// ---- @main values of unknown rank ----

TEST(UnrankedIo, AnyRankIsAcceptedAndReportedAsNdimMinusOne) {
  Module m = parse_checked(R"(
def @main(%x: f32[*], %h: f16[*], %n: f32[2]) -> (f32[*], f16[*], f32[2]) {
  let %y: f32[*] = %n;
  (%x, %h, add(%n, %n))
}
)");
  CompiledModel lib(m, "unranked");
  weft_tensor_info info;
  ASSERT_EQ(lib.api()->input_info(lib.model(), 0, &info), 0);
  EXPECT_EQ(info.ndim, -1);
  EXPECT_EQ(info.shape, nullptr);
  EXPECT_EQ(info.dim_names, nullptr);
  ASSERT_EQ(lib.api()->output_info(lib.model(), 1, &info), 0);
  EXPECT_EQ(info.ndim, -1);
  ASSERT_EQ(lib.api()->input_info(lib.model(), 2, &info), 0);
  EXPECT_EQ(info.ndim, 1);
  for (std::vector<int64_t> shape : std::vector<std::vector<int64_t>>{{}, {3}, {2, 0, 4}, {1, 2, 3, 1, 2}}) {
    std::vector<Tensor> in = {random_tensor(DType::F32, shape, 1), random_tensor(DType::F16, shape, 2), random_tensor(DType::F32, {2}, 3)};
    std::vector<Tensor> want = interpret_flat(m, in), got = lib.run(in);
    ASSERT_EQ(got.size(), 3u);
    for (size_t i = 0; i < 3; ++i) EXPECT_EQ(compare_bits(want[i], got[i]), "") << "output " << i << ", rank " << shape.size();
  }
  // The ranked input is still checked.
  Tensor x = random_tensor(DType::F32, {2}, 1), h = random_tensor(DType::F16, {2}, 2), bad = random_tensor(DType::F32, {2, 1}, 3);
  DLTensor dl[3] = {as_dl(x), as_dl(h), as_dl(bad)};
  DLManagedTensor* outs[3] = {nullptr, nullptr, nullptr};
  EXPECT_NE(lib.api()->run(lib.model(), dl, 3, outs, 3), 0);
  EXPECT_NE(std::string(lib.api()->last_error()).find("expected rank 1, got 2"), std::string::npos) << lib.api()->last_error();
  // A negative ndim is a bad call even where any rank goes.
  Tensor good = random_tensor(DType::F32, {2}, 3);
  dl[2] = as_dl(good);
  dl[0].ndim = -2;
  EXPECT_NE(lib.api()->run(lib.model(), dl, 3, outs, 3), 0);
  EXPECT_NE(std::string(lib.api()->last_error()).find("ndim is negative"), std::string::npos) << lib.api()->last_error();
}

// Lists of tensors of unknown rank (ONNX sequences: test_identity_sequence, test_sequence_insert_*)
// hold elements of different ranks through run_values.
TEST(UnrankedIo, ListsOfUnrankedTensorsTakeElementsOfAnyRank) {
  Module m = parse_checked("def @main(%xs: List[f32[*]], %h: bf16[*]) -> (List[f32[*]], bf16[*]) { (%xs, %h) }");
  auto list = [&](std::vector<std::vector<int64_t>> shapes) {
    std::vector<Value> elems;
    for (size_t i = 0; i < shapes.size(); ++i) elems.push_back(tensor_value(random_tensor(DType::F32, shapes[i], unsigned(i))));
    return list_value(m, elems);
  };
  expect_compiled_matches(m, "unranked_list",
                          {{list({{2, 3}, {4}, {}}), tensor_value(random_tensor(DType::BF16, {3, 1}, 9))},
                           {list({}), tensor_value(random_tensor(DType::BF16, {}, 8))},
                           {list({{1, 1, 1, 2}}), tensor_value(random_tensor(DType::BF16, {0, 2}, 7))}});
}

// `weft run lib.so` reads and writes f16 as .npy '<f2', writes bf16 results as f32 (NumPy has
// no bf16), and takes inputs of any rank where @main says f16[*], as `weft run model.weft` does.
TEST(HalfCompiled, WeftRunOfALibraryReadsAndWritesHalfNpy) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("weft_half_cli_" + std::to_string(getpid()));
  fs::create_directories(dir);
  auto path = [&](const std::string& p) { return (dir / p).string(); };
  std::ofstream(path("half.weft")) << "def @main(%x: f16[2, 3], %y: f16[3], %u: f16[*]) -> (f16[2, 3], bf16[2, 3], f16[*]) {\n"
                                      "  (mul(%x, %x), add(cast(%x, to=bf16), cast(%y, to=bf16)), %u)\n}\n";
  write_npy(path("x.npy"), random_tensor(DType::F16, {2, 3}, 1));
  write_npy(path("y.npy"), random_tensor(DType::F16, {3}, 2));
  write_npy(path("u.npy"), random_tensor(DType::F16, {2, 1, 2}, 3));
  auto weft = [](const std::string& args) { return run_command(std::string(WEFT_BINARY) + " " + args); };
  CommandResult c = weft("compile " + path("half.weft") + " -o " + path("libhalf.so"));
  ASSERT_EQ(c.status, 0) << c.output;
  const std::string inputs = " --input x=" + path("x.npy") + " --input y=" + path("y.npy") + " --input u=" + path("u.npy");
  CommandResult lib = weft("run " + path("libhalf.so") + inputs + " --out " + path("out_so"));
  ASSERT_EQ(lib.status, 0) << lib.output;
  CommandResult ir = weft("run " + path("half.weft") + inputs + " --out " + path("out_ir"));
  ASSERT_EQ(ir.status, 0) << ir.output;
  for (const char* f : {"0.npy", "1.npy", "2.npy"})
    EXPECT_EQ(compare_bits(read_npy(path("out_ir/") + f), read_npy(path("out_so/") + f)), "") << f;
  EXPECT_EQ(read_npy(path("out_so/0.npy")).dtype(), DType::F16);
  EXPECT_EQ(read_npy(path("out_so/1.npy")).dtype(), DType::F32);
  EXPECT_EQ(read_npy(path("out_so/2.npy")).shape(), (std::vector<int64_t>{2, 1, 2}));
  fs::remove_all(dir);
}

}  // namespace
}  // namespace weft::testing
