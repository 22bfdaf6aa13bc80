// c_api_test.cpp - the artifact's C API: info, validation of bad calls, threads, a C99 client, unsupported IR.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "CompiledModel.h"
#include "codegen/cpu/EmitCpu.h"
#include "codegen/cpu/Toolchain.h"
#include "tests/support/TestSupport.h"

namespace weft::testing {
namespace {

namespace fs = std::filesystem;

const char* kModel = R"(
def @main(%x: f32[batch, 4], %w: f32[4, 3], %scale: f32[batch]) -> (f32[batch, 3], f32[batch]) {
  let %h = tanh(matmul(%x, %w));
  (softmax(%h, axis=-1), mul(reduce_max(%h, axes=[1], keepdims=false), %scale))
})";

class CApi : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { lib_ = new CompiledModel(parse_checked(kModel), "capi"); }
  static void TearDownTestSuite() { delete lib_; }

  const weft_api* api() { return lib_->api(); }
  weft_model* model() { return lib_->model(); }
  std::vector<Tensor> good(int64_t batch = 3) {
    return {random_tensor(DType::F32, {batch, 4}, 1), random_tensor(DType::F32, {4, 3}, 2), random_tensor(DType::F32, {batch}, 3)};
  }
  // Runs on DLTensors (possibly broken ones); expects failure and returns the message.
  std::string fails(weft_model* m, const DLTensor* in, int n_in, int n_out = 2) {
    std::vector<DLManagedTensor*> outs(2, nullptr);
    int rc = api()->run(m, in, n_in, n_out ? outs.data() : nullptr, n_out);
    EXPECT_NE(rc, 0);
    for (auto* o : outs) EXPECT_EQ(o, nullptr);
    return api()->last_error();
  }

  static CompiledModel* lib_;
};
CompiledModel* CApi::lib_ = nullptr;

TEST_F(CApi, DescribesInputsAndOutputs) {
  EXPECT_EQ(api()->version, uint32_t(WEFT_API_VERSION));
  EXPECT_STREQ(api()->model_name, "capi");
  ASSERT_EQ(api()->num_inputs(model()), 3);
  ASSERT_EQ(api()->num_outputs(model()), 2);
  weft_tensor_info info;
  ASSERT_EQ(api()->input_info(model(), 0, &info), 0);
  EXPECT_STREQ(info.name, "x");
  EXPECT_EQ(info.ndim, 2);
  EXPECT_EQ(info.shape[0], -1);
  EXPECT_STREQ(info.dim_names[0], "batch");
  EXPECT_EQ(info.shape[1], 4);
  EXPECT_EQ(info.dim_names[1], nullptr);
  EXPECT_EQ(info.dtype.code, kDLFloat);
  EXPECT_EQ(info.dtype.bits, 32);
  ASSERT_EQ(api()->output_info(model(), 1, &info), 0);
  EXPECT_EQ(info.ndim, 1);
  EXPECT_STREQ(info.dim_names[0], "batch");
  EXPECT_NE(api()->input_info(model(), 3, &info), 0);
  EXPECT_NE(std::string(api()->last_error()).find("out of range"), std::string::npos);
  EXPECT_NE(api()->output_info(nullptr, 0, &info), 0);
  EXPECT_EQ(api()->num_inputs(nullptr), -1);
}

TEST_F(CApi, BadCallsFailWithAMessage) {
  auto in = good();
  std::vector<DLTensor> dl;
  for (auto& t : in) dl.push_back(as_dl(t));
  auto with = [&](int i, auto edit) {
    std::vector<DLTensor> d = dl;
    edit(d[size_t(i)]);
    return d;
  };
  EXPECT_NE(fails(nullptr, dl.data(), 3).find("model is NULL"), std::string::npos);
  EXPECT_NE(fails(model(), nullptr, 3).find("inputs is NULL"), std::string::npos);
  EXPECT_NE(fails(model(), dl.data(), 2).find("expected 3 inputs, got 2"), std::string::npos);
  EXPECT_NE(fails(model(), dl.data(), 3, 1).find("expected 2 outputs, got 1"), std::string::npos);
  EXPECT_NE(fails(model(), dl.data(), 3, 0).find("outputs"), std::string::npos);

  auto d = with(0, [](DLTensor& t) { t.dtype = {kDLFloat, 64, 1}; });
  EXPECT_NE(fails(model(), d.data(), 3).find("input 0 'x': expected dtype f32, got f64"), std::string::npos);
  int64_t rank3[] = {3, 4, 1};
  d = with(0, [&](DLTensor& t) { t.ndim = 3; t.shape = rank3; });
  EXPECT_NE(fails(model(), d.data(), 3).find("expected rank 2, got 3"), std::string::npos);
  int64_t wrong_dim[] = {4, 5};
  d = with(1, [&](DLTensor& t) { t.shape = wrong_dim; });
  EXPECT_NE(fails(model(), d.data(), 3).find("input 1 'w': dim 1 must be 3, got 5"), std::string::npos);
  int64_t batch2[] = {2};
  d = with(2, [&](DLTensor& t) { t.shape = batch2; });
  EXPECT_NE(fails(model(), d.data(), 3).find("'batch' = 2, but an earlier input has batch = 3"), std::string::npos);
  d = with(0, [](DLTensor& t) { t.data = nullptr; });
  EXPECT_NE(fails(model(), d.data(), 3).find("data is NULL"), std::string::npos);
  d = with(0, [](DLTensor& t) { t.device = {kDLCUDA, 0}; });
  EXPECT_NE(fails(model(), d.data(), 3).find("CPU"), std::string::npos);
  d = with(0, [](DLTensor& t) { t.shape = nullptr; });
  EXPECT_NE(fails(model(), d.data(), 3).find("shape is NULL"), std::string::npos);

  // A good call after the bad ones works, and clears nothing it should not.
  EXPECT_EQ(lib_->run(in).size(), 2u);
  EXPECT_NE(api()->create(nullptr, nullptr), 0);
  api()->destroy(nullptr);
}

TEST_F(CApi, EightThreadsOnOneHandleMatchSerial) {
  std::vector<std::vector<Tensor>> inputs;
  std::vector<std::vector<Tensor>> serial;
  for (int i = 0; i < 8; ++i) {
    inputs.push_back({random_tensor(DType::F32, {i + 1, 4}, unsigned(i)), random_tensor(DType::F32, {4, 3}, 99),
                      random_tensor(DType::F32, {i + 1}, unsigned(i + 50))});
    serial.push_back(lib_->run(inputs.back()));
  }
  std::vector<int> mismatches(8, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&, t] {
      for (int r = 0; r < 200; ++r) {
        auto& in = inputs[size_t((t + r) % 8)];
        std::vector<DLTensor> dl;
        for (auto& x : in) dl.push_back(as_dl(x));
        DLManagedTensor* outs[2] = {nullptr, nullptr};
        if (api()->run(model(), dl.data(), 3, outs, 2) != 0) {
          ++mismatches[size_t(t)];
          continue;
        }
        auto& want = serial[size_t((t + r) % 8)];
        for (int o = 0; o < 2; ++o) {
          if (std::memcmp(outs[o]->dl_tensor.data, want[size_t(o)].raw(), want[size_t(o)].nbytes()) != 0) ++mismatches[size_t(t)];
          outs[o]->deleter(outs[o]);
        }
      }
    });
  for (auto& th : threads) th.join();
  for (int t = 0; t < 8; ++t) EXPECT_EQ(mismatches[size_t(t)], 0) << "thread " << t;
}

// num_threads: each handle gets its pool; a product split over 1, 2 or 3 threads computes every
// element with the same k order, so the outputs are the same bits, and they match the interpreter.
TEST(CApiThreads, NumThreadsGivesTheSameBitsAndNegativeIsAnError) {
  const Module mod = parse_checked(R"(
def @main(%x: f32[m, 256], %w: f32[256, 300]) -> f32[m, 300] {
  matmul(%x, %w)
})");
  CompiledModel lib(mod, "threads");
  const weft_api* api = lib.api();
  weft_options bad = {};
  bad.num_threads = -1;
  weft_model* none = nullptr;
  EXPECT_NE(api->create(&bad, &none), 0);
  EXPECT_NE(std::string(api->last_error()).find("num_threads is negative (-1)"), std::string::npos) << api->last_error();
  for (int64_t m : {1, 8, 64}) {
    const std::vector<Tensor> in = {random_tensor(DType::F32, {m, 256}, 5), random_tensor(DType::F32, {256, 300}, 6)};
    const std::vector<Tensor> want = interpret_flat(mod, in);
    // lib's own handle (num_threads 0). 1e-4: 256 f32 products summed in another order than the
    // interpreter's differ by up to about k * 2^-24 relative to the magnitudes summed.
    EXPECT_EQ(compare(want[0], lib.run(in)[0], 1e-4), "") << "m = " << m;
    std::vector<DLTensor> dl;
    for (auto& t : in) dl.push_back(as_dl(t));
    std::vector<char> first;
    for (int threads : {1, 2, 3}) {
      weft_options o = {};
      o.num_threads = threads;
      weft_model* h = nullptr;
      ASSERT_EQ(api->create(&o, &h), 0) << api->last_error();
      DLManagedTensor* out = nullptr;
      ASSERT_EQ(api->run(h, dl.data(), 2, &out, 1), 0) << api->last_error();
      const auto* bytes = static_cast<const char*>(out->dl_tensor.data);
      const std::vector<char> got(bytes, bytes + want[0].nbytes());
      if (threads == 1) first = got;
      EXPECT_EQ(got, first) << "m = " << m << ", " << threads << " threads";
      out->deleter(out);
      api->destroy(h);
    }
  }
}

TEST_F(CApi, C99ClientLoadsListsAndRuns) {
  CommandResult client = run_command(std::string(WEFT_C_CLIENT) + " " + lib_->path());
  const std::string& out = client.output;
  ASSERT_EQ(client.status, 0) << out;
  EXPECT_NE(out.find("input 0: x f32[batch, 4]"), std::string::npos) << out;
  EXPECT_NE(out.find("input 2: scale f32[batch]"), std::string::npos) << out;
  EXPECT_NE(out.find("output 0: f32[2, 3]"), std::string::npos) << out;
  EXPECT_NE(out.find("bad call: "), std::string::npos) << out;
}

// ---- compile-time behaviour --------------------------------------------------------------------

std::string compile_error(const std::string& text) {
  try {
    codegen::emit_cpu(parse_checked(text), "m");
  } catch (const CompileError& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(CodegenErrors, UnsupportedConstructsAndOpsAreNamed) {
  // f16 and bf16 compile (half_compiled_test.cpp); what does not is named with its place.
  EXPECT_NE(compile_error("def @main(%x: f32[]) -> (f32[], fn[A](A) -> A) { let %f = fn[A] (%a: A) -> A { %a }; (%f(%x), %f) }")
                .find("does not support polymorphic function values"),
            std::string::npos);
  // @main's values must be what the C API carries: tensors, lists and optionals of tensors.
  EXPECT_NE(compile_error("def @main(%x: f32[]) -> List[List[f32[]]] { Cons(Cons(%x, Nil), Nil) }").find("the outputs of a compiled library are"),
            std::string::npos);
  EXPECT_NE(compile_error("def @main(%f: Ref[f32[]]) -> f32[] { ref_read(%f) }").find("@main parameter %f has type Ref[f32[]]"),
            std::string::npos);
  EXPECT_NE(compile_error("def @main(%x: f32[]) -> List[Option[f32[]]] { Cons(Some(%x), Nil) }").find("the outputs of a compiled library are"),
            std::string::npos);
  // Only what @main reaches is compiled: an unused helper the generator cannot lower is fine.
  const std::string bad = "def @bad(%a: f32[]) -> fn[A](A) -> A { fn[A] (%b: A) -> A { %b } }\n";
  EXPECT_EQ(compile_error(bad + "def @main(%x: f32[]) -> f32[] { %x }"), "(no error)");
}

TEST(CodegenErrors, EmittedSourceIsReadable) {
  auto src = codegen::emit_cpu(parse_checked(R"(
def @loop(%i: i64[]) -> i64[] {
  if (less_equal(%i, 0i64)) { %i } else { @loop(sub(%i, 1i64)) }
}
def @main(%x: f32[2], %n: i64[]) -> (f32[2], i64[]) {
  let %y = add(%x, const f32[2] [1, 2]);
  (%y, @loop(%n))
})"), "readable");
  EXPECT_NE(src.source.find("// @loop(%i: i64[]) -> i64[]"), std::string::npos) << src.source;
  EXPECT_NE(src.source.find("static weft_rt::Tensor fn_loop(weft_rt::Tensor i) {"), std::string::npos) << src.source;
  EXPECT_NE(src.source.find("for (;;) {"), std::string::npos) << src.source;
  EXPECT_NE(src.source.find("continue;  // tail call @loop"), std::string::npos) << src.source;
  EXPECT_NE(src.source.find("// %y = add(%x, const f32[2] [1, 2])"), std::string::npos) << src.source;
  EXPECT_NE(src.source.find(".incbin"), std::string::npos);
  EXPECT_EQ(src.weights.size(), 64u + 64u + 8u);  // 0i64, 1i64, f32[2], each 64-byte aligned
}

TEST(CodegenErrors, LongLetChainsNeedNoDeepStack) {
  std::string text = "def @main(%x: f32[2]) -> f32[2] {\n  let %v0 = %x;\n";
  for (int i = 1; i < 50000; ++i) text += "  let %v" + std::to_string(i) + " = add(%v" + std::to_string(i - 1) + ", 1f32);\n";
  text += "  %v49999\n}\n";
  auto src = codegen::emit_cpu(parse_checked(text), "chain");
  EXPECT_NE(codegen::all_sources(src).find(" v49999 = "), std::string::npos);
}

TEST(Toolchain, DeterministicAndAtomic) {
  Module m = parse_checked(kModel);
  auto src = codegen::emit_cpu(m, "det");
  fs::path dir = fs::temp_directory_path() / ("weft_toolchain_" + std::to_string(getpid()));
  fs::create_directories(dir);
  codegen::build_shared_library(src, "det", (dir / "a" / "libdet.so").string());
  codegen::build_shared_library(src, "det", (dir / "b" / "libdet.so").string());
  EXPECT_EQ(read_text_file((dir / "a" / "libdet.so").string()), read_text_file((dir / "b" / "libdet.so").string()));
  // Only the API is exported; the statically linked libstdc++ stays inside.
  CommandResult syms = run_command("nm -D --defined-only " + (dir / "a" / "libdet.so").string() + " | awk '{print $3}'");
  EXPECT_EQ(syms.output, "det_api\nweft_model_api\n");
  // A failing compiler leaves nothing at the output path (and no partial file beside it).
  codegen::ToolchainOptions broken;
  broken.compiler = "false";
  EXPECT_THROW(codegen::build_shared_library(src, "det", (dir / "c" / "libdet.so").string(), broken), CompileError);
  EXPECT_FALSE(fs::exists(dir / "c" / "libdet.so"));
  EXPECT_TRUE(fs::is_empty(dir / "c"));
  fs::remove_all(dir);
}

}  // namespace
}  // namespace weft::testing
