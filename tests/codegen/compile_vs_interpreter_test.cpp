// compile_vs_interpreter_test.cpp - compiled libraries give the interpreter's outputs (float32 rtol 1e-5).
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "CompiledChecks.h"
#include "ir/NpyIO.h"

namespace weft::testing {
namespace {

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(CompileVsInterpreter, RecurrentExample) {
  Module m = parse_checked(read_text(std::string(WEFT_REPO_DIR) + "/models/examples/recurrent.weft"));
  CompiledModel lib(m, "recurrent");
  const std::string dir = std::string(WEFT_REPO_DIR) + "/models/examples/";
  expect_same(m, lib, {read_npy(dir + "x.npy"), read_npy(dir + "steps.npy")});
  for (int64_t batch : {1, 5, 33})
    for (int64_t steps : {0, 1, 7})
      expect_same(m, lib, {random_tensor(DType::F32, {batch, 4}, unsigned(batch)), Tensor::scalar<int64_t>(steps)});
}

TEST(CompileVsInterpreter, BroadcastingElementwise) {
  Module m = parse_checked(R"(
def @main(%a: f32[2, 3], %b: f32[3], %c: f32[2, 1], %k: i64[2, 3]) -> (f32[2, 3], bool[2, 3], f32[2, 3], i64[2, 3], f32[]) {
  let %s = add(mul(%a, %b), %c);
  let %d = div(sub(%s, %c), maximum(%b, 0.5f32));
  let %m = minimum(%d, neg(%a));
  let %e = add(exp(tanh(%m)), sigmoid(%a));
  let %l = log(add(sqrt(relu(%a)), 1f32));
  let %cmp = greater(%a, %c);
  let %int = add(mul(%k, 3i64), div(%k, 2i64));
  (where(%cmp, %e, %l), %cmp, cast(cast(%e, to=i32), to=f32), where(less_equal(%k, 2i64), %int, neg(%k)),
   reduce_sum(%e, axes=[], keepdims=false))
})");
  CompiledModel lib(m, "broadcasting");
  for (unsigned seed : {1u, 2u, 3u})
    expect_same(m, lib, {random_tensor(DType::F32, {2, 3}, seed), random_tensor(DType::F32, {3}, seed + 10),
                         random_tensor(DType::F32, {2, 1}, seed + 20), random_tensor(DType::I64, {2, 3}, seed + 30)});
}

TEST(CompileVsInterpreter, IfAndTuples) {
  Module m = parse_checked(R"(
def @pair(%a: f32[3], %b: f32[3]) -> (f32[3], f32[3]) {
  (add(%a, %b), sub(%a, %b))
}
def @main(%x: f32[3], %flag: bool[]) -> (f32[3], f32[3]) {
  let %p = @pair(%x, mul(%x, 2f32));
  let %y = if (%flag) {
    mul(%p.0, %p.1)
  } else if (less(reduce_sum(%x, axes=[0], keepdims=false), 0f32)) {
    neg(%x)
  } else {
    %x
  };
  (%y, %p.1)
})");
  CompiledModel lib(m, "if_tuples");
  for (unsigned seed = 0; seed < 6; ++seed)
    expect_same(m, lib, {random_tensor(DType::F32, {3}, seed), Tensor::scalar<bool>(seed % 2 == 0)});
}

TEST(CompileVsInterpreter, TailRecursiveLoop) {
  Module m = parse_checked(R"(
def @sum_to(%i: i64[], %acc: i64[]) -> i64[] {
  if (less_equal(%i, 0i64)) { %acc } else { @sum_to(sub(%i, 1i64), add(%acc, %i)) }
}
def @decay(%x: f32[n], %k: i64[], %acc: f32[n]) -> f32[n] {
  if (equal(%k, 0i64)) {
    %acc
  } else {
    let %next = add(mul(%acc, 0.5f32), %x);
    @decay(%x, sub(%k, 1i64), %next)
  }
}
def @main(%x: f32[n], %k: i64[]) -> (i64[], f32[n]) {
  (@sum_to(%k, 0i64), @decay(%x, %k, %x))
})");
  CompiledModel lib(m, "loop");
  for (int64_t k : {0, 1, 10, 100000})
    expect_same(m, lib, {random_tensor(DType::F32, {7}, unsigned(k)), Tensor::scalar<int64_t>(k)});
}

TEST(CompileVsInterpreter, LoopSwappingAndRepeatingParameters) {
  // Tail calls that pass parameters crosswise, one value twice, and a projection of a parameter.
  Module m = parse_checked(R"(
def @spin(%a: f32[2], %b: f32[2], %t: (f32[2], f32[2]), %k: i64[]) -> (f32[2], f32[2]) {
  if (less_equal(%k, 0i64)) {
    (add(%a, %t.0), sub(%b, %t.1))
  } else {
    let %c = mul(%a, 0.5f32);
    if (equal(%k, 3i64)) { @spin(%c, %c, (%b, %a), sub(%k, 1i64)) } else { @spin(%b, %a, (%t.1, %c), sub(%k, 1i64)) }
  }
}
def @main(%x: f32[2], %y: f32[2], %k: i64[]) -> (f32[2], f32[2]) {
  @spin(%x, %y, (%y, %x), %k)
})");
  CompiledModel lib(m, "swap");
  for (int64_t k : {0, 1, 2, 5, 8})
    expect_same(m, lib, {random_tensor(DType::F32, {2}, 1), random_tensor(DType::F32, {2}, 2), Tensor::scalar<int64_t>(k)});
}

TEST(CompileVsInterpreter, NamesThatCollideInCpp) {
  // IR names that are C++ keywords or types, or that the renaming scheme itself produces.
  Module m = parse_checked(R"(
def @main(%x: f32[2], %x_1: f32[2], %int64_t: f32[2], %if: f32[2]) -> f32[2] {
  let %x_2 = add(%x, %x_1);
  let %float = mul(%x_2, %int64_t);
  let %x = sub(%float, %if);
  let %x_1 = cast(greater(%x, 0f32), to=i64);
  let %main = where(equal(%x_1, 1i64), neg(%x), %x);
  %main
})");
  CompiledModel lib(m, "names");
  expect_same(m, lib, {random_tensor(DType::F32, {2}, 1), random_tensor(DType::F32, {2}, 2), random_tensor(DType::F32, {2}, 3),
                       random_tensor(DType::F32, {2}, 4)});
}

const char* kSymbolic = R"(
def @main(%x: f32[batch, 8], %w: f32[8, 5], %bias: f32[5], %scale: f32[batch]) -> (f32[batch, 5], f32[batch], f32[5], f32[batch, 1]) {
  let %h = add(matmul(%x, %w), %bias);
  (softmax(%h, axis=1), mul(reduce_max(%h, axes=[-1], keepdims=false), %scale), reduce_mean(%h, axes=[0], keepdims=false),
   reduce_sum(%h, axes=[1], keepdims=true))
})";

TEST(CompileVsInterpreter, SymbolicBatch) {
  Module m = parse_checked(kSymbolic);
  CompiledModel lib(m, "symbolic");
  for (int64_t batch : {1, 3, 17, 0})
    expect_same(m, lib, {random_tensor(DType::F32, {batch, 8}, 1), random_tensor(DType::F32, {8, 5}, 2),
                         random_tensor(DType::F32, {5}, 3), random_tensor(DType::F32, {batch}, 4)});
}

TEST(CompileVsInterpreter, MatmulPastTheCacheBlocks) {
  // Sizes past every block of the GEMM (k 256, n 512, m 64), batched with broadcasting, and 1-D operands.
  Module m = parse_checked(R"(
def @main(%a: f32[2, 70, 300], %b: f32[300, 530], %v: f32[300], %i: i64[3, 4], %j: i64[4, 2]) -> (f32[2, 70, 530], f32[2, 70], i64[3, 2]) {
  (matmul(%a, %b), matmul(%a, %v), matmul(%i, %j))
})");
  CompiledModel lib(m, "big_matmul");
  std::vector<Tensor> in = {random_tensor(DType::F32, {2, 70, 300}, 1), random_tensor(DType::F32, {300, 530}, 2),
                            random_tensor(DType::F32, {300}, 3), random_tensor(DType::I64, {3, 4}, 4),
                            random_tensor(DType::I64, {4, 2}, 5)};
  std::vector<Tensor> want = interpret_flat(m, in), got = lib.run(in);
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(compare(want[0], got[0], 1e-4), "");  // 300-term float sums in another order
  EXPECT_EQ(compare(want[1], got[1], 1e-4), "");
  EXPECT_EQ(compare(want[2], got[2]), "");
}

}  // namespace
}  // namespace weft::testing
