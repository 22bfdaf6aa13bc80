// compile_time_test.cpp - the compile cache and the precompiled runtime of `weft compile`, run as a user would.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "CompiledModel.h"
#include "codegen/cpu/EmitCpu.h"
#include "codegen/cpu/Toolchain.h"
#include "ir/NpyIO.h"
#include "tests/support/TestSupport.h"

namespace weft::testing {
namespace {

namespace fs = std::filesystem;

CommandResult weft(const std::string& args) { return run_command(std::string(WEFT_BINARY) + " " + args); }

const std::string kExamples = std::string(WEFT_REPO_DIR) + "/models/examples/";
const std::string kInputs = " --input x=" + kExamples + "x.npy --input steps=" + kExamples + "steps.npy";

class CompileTime : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("weft_compile_time_" + std::to_string(getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string path(const std::string& p) { return (dir_ / p).string(); }
  // weft compile of the bundled example with the cache on, in this test's own cache directory
  // (the test suites otherwise run with WEFT_CACHE=0, see TestSupport.cpp).
  CommandResult cached_compile(const std::string& out, const std::string& flags = "") {
    return run_command("WEFT_CACHE=1 WEFT_CACHE_DIR=" + path("cache") + " " + WEFT_BINARY + " compile " + kExamples +
                       "recurrent.weft -o " + path(out) + " " + flags);
  }
  // The example's outputs from `lib` against the interpreter's.
  void expect_runs_like_interpreter(const std::string& lib) {
    const std::string out = path("out_" + fs::path(lib).stem().string());
    CommandResult r = weft("run " + lib + kInputs + " --out " + out);
    ASSERT_EQ(r.status, 0) << r.output;
    if (!fs::exists(path("out_ir/0.npy"))) {
      ASSERT_EQ(weft("run " + kExamples + "recurrent.weft" + kInputs + " --out " + path("out_ir")).status, 0);
    }
    for (const char* f : {"0.npy", "1.npy"}) EXPECT_EQ(compare(read_npy(path("out_ir/") + f), read_npy(out + "/" + f)), "") << lib << " " << f;
  }
  fs::path dir_;
};

TEST_F(CompileTime, SecondCompileIsACacheHitWithTheSameBytes) {
  CommandResult first = cached_compile("a/librec.so");
  ASSERT_EQ(first.status, 0) << first.output;
  EXPECT_EQ(first.output.find("cache hit"), std::string::npos) << first.output;
  EXPECT_NE(first.output.find("cache lookup (miss)"), std::string::npos) << first.output;
  EXPECT_NE(first.output.find(" s total"), std::string::npos) << first.output;

  CommandResult second = cached_compile("b/librec.so");
  ASSERT_EQ(second.status, 0) << second.output;
  EXPECT_NE(second.output.find("cache hit"), std::string::npos) << second.output;
  EXPECT_EQ(second.output.find("C++ compile"), std::string::npos) << second.output;
  EXPECT_EQ(read_text_file(path("a/librec.so")), read_text_file(path("b/librec.so")));
  expect_runs_like_interpreter(path("b/librec.so"));

  // Another C++ flag is another library: a miss. So is --no-cache, which does not even look.
  CommandResult other = cached_compile("c/librec.so", "--cxx-opt 2");
  ASSERT_EQ(other.status, 0) << other.output;
  EXPECT_EQ(other.output.find("cache hit"), std::string::npos) << other.output;
  CommandResult off = cached_compile("d/librec.so", "--no-cache");
  ASSERT_EQ(off.status, 0) << off.output;
  EXPECT_EQ(off.output.find("cache"), std::string::npos) << off.output;
  // WEFT_CACHE=0 (how the suites run) turns it off as well.
  CommandResult env_off = weft("compile " + kExamples + "recurrent.weft -o " + path("e/librec.so") + " -v");
  ASSERT_EQ(env_off.status, 0) << env_off.output;
  EXPECT_NE(env_off.output.find("cache: off"), std::string::npos) << env_off.output;
}

// The precompiled header of weft/runtime.h: built by the first compile that needs it (also with
// --no-cache), reused by the next, and the library is the one g++ builds from the headers alone.
TEST_F(CompileTime, PrecompiledHeaderIsBuiltOnceThenReused) {
  CommandResult first = cached_compile("a/librec.so", "--no-cache -v");
  ASSERT_EQ(first.status, 0) << first.output;
  EXPECT_NE(first.output.find("precompiled runtime header (built once"), std::string::npos) << first.output;
  CommandResult second = cached_compile("b/librec.so", "--no-cache -v");
  ASSERT_EQ(second.status, 0) << second.output;
  EXPECT_NE(second.output.find("precompiled runtime header (reused)"), std::string::npos) << second.output;
  const size_t at = second.output.find("precompiled runtime header: " + path("cache/pch/"));
  ASSERT_NE(at, std::string::npos) << second.output;
  const std::string pch_dir = second.output.substr(at + 28, second.output.find('\n', at) - at - 28);
  EXPECT_TRUE(fs::exists(fs::path(pch_dir) / "weft" / "runtime.h.gch")) << pch_dir;
  expect_runs_like_interpreter(path("b/librec.so"));
  // Without it (WEFT_CACHE=0, as the suites run) g++ parses the headers and builds the same bytes.
  CommandResult plain = weft("compile " + kExamples + "recurrent.weft -o " + path("c/librec.so") + " -v");
  ASSERT_EQ(plain.status, 0) << plain.output;
  EXPECT_NE(plain.output.find("precompiled runtime header: none"), std::string::npos) << plain.output;
  EXPECT_EQ(read_text_file(path("b/librec.so")), read_text_file(path("c/librec.so")));
}

TEST_F(CompileTime, PrecompiledRuntimeIsLinkedStaticallyAndShippedWithTheSource) {
#if defined(__x86_64__)
  CommandResult c = weft("compile " + kExamples + "recurrent.weft -o " + path("librec.so") + " -v --cpu x86-64-v3 --emit-source " +
                         path("src"));
  ASSERT_EQ(c.status, 0) << c.output;
  EXPECT_NE(c.output.find("runtime: precompiled x86-64-v3"), std::string::npos) << c.output;
  EXPECT_NE(c.output.find("link:"), std::string::npos) << c.output;
  expect_runs_like_interpreter(path("librec.so"));
  // Linked statically: the library still needs nothing beyond the C library's parts.
  CommandResult needed = run_command("readelf -d " + path("librec.so") + " | grep NEEDED | grep -v -E 'lib(c|m|pthread|dl)\\.so|ld-linux'");
  EXPECT_EQ(needed.output, "");
  // The source directory rebuilds the same library on its own, with the archive it holds.
  EXPECT_TRUE(fs::exists(path("src/lib/libweft_rt_x86-64-v3.a")));
  CommandResult rebuilt = run_command("cd " + path("src") + " && sh build.sh");
  ASSERT_EQ(rebuilt.status, 0) << rebuilt.output;
  EXPECT_EQ(read_text_file(path("src/librec.so")), read_text_file(path("librec.so")));
  // The example's elementwise calls (mul f32, less_equal and sub i64) are in the functor
  // catalogue (ir/ops/CpuFunctorCatalogue.h): the model's object only refers to their kernels,
  // which the archive defines, and instantiates no elementwise kernel of its own.
  const std::string source = read_text_file(path("src/rec.cpp"));
  EXPECT_NE(source.find("extern template weft_rt::Tensor weft_rt::binary<float, float, float, weft_rt::pre::fn_"), std::string::npos);
  CommandResult undefined = run_command("nm -C --undefined-only " + path("src/rec.o") + " | grep -c 'weft_rt::binary<.*weft_rt::pre::fn_'");
  EXPECT_EQ(undefined.output, "3\n") << undefined.output;
  CommandResult defined = run_command("nm -C --defined-only " + path("src/rec.o") + " | grep -c -E 'weft_rt::(unary|binary)<'");
  EXPECT_EQ(defined.output, "0\n") << defined.output;
  CommandResult archive = run_command("nm -C --defined-only " + path("src/lib/libweft_rt_x86-64-v3.a") +
                                      " | grep -c 'weft_rt::binary<float, float, float, weft_rt::pre::fn_'");
  EXPECT_NE(archive.output, "0\n") << archive.output;

  // Header-only still works, and says so.
  CommandResult h = weft("compile " + kExamples + "recurrent.weft -o " + path("libhdr.so") + " -v --header-only-runtime");
  ASSERT_EQ(h.status, 0) << h.output;
  EXPECT_NE(h.output.find("runtime: header-only"), std::string::npos) << h.output;
  expect_runs_like_interpreter(path("libhdr.so"));
#else
  GTEST_SKIP() << "the precompiled runtime archives are built for x86-64 only";
#endif
}

// A model whose code is spread over several translation units (forced here with a small unit
// size) links into one library that computes what the interpreter does: built by weft's toolchain
// (the units in parallel) and by the emitted build.sh alone, with embedded and external weights.
TEST_F(CompileTime, SeveralTranslationUnitsLinkIntoOneLibrary) {
  // 120 chained ops with constants: chunk functions (40 statements each), planned frame slots and
  // weights are used across the units.
  std::string text = "def @main(%x: f32[4]) -> f32[4] {\n  let %v0 = %x;\n";
  for (int i = 1; i <= 120; ++i)
    text += "  let %v" + std::to_string(i) + " = " + (i % 2 ? "add" : "mul") + "(%v" + std::to_string(i - 1) + ", " +
            (i % 2 ? "const f32[4] [0.5, -1, 2, 0.25]" : "const f32[4] [1.01, 0.99, -1, 1]") + ");\n";
  text += "  %v120\n}\n";
  std::ofstream(path("multi.weft")) << text;
  write_npy(path("x.npy"), random_tensor(DType::F32, {4}, 7));
  ASSERT_EQ(weft("run " + path("multi.weft") + " --input x=" + path("x.npy") + " --out " + path("out_ir")).status, 0);
  const Tensor expected = read_npy(path("out_ir/0.npy"));
  const Module m = parse_checked(text);
  for (const std::string weights : {"", "libmulti.weights"}) {
    codegen::CpuEmitOptions options;
    options.bytes_per_unit = 4000;
    options.weights_file = weights;
    const codegen::CpuSource src = codegen::emit_cpu(m, "multi", options);
    ASSERT_GE(src.parts.size(), 2u) << "the test needs several units";
    EXPECT_NE(src.parts[0].find("void weft_chunk"), std::string::npos) << src.parts[0];
    const std::string dir = path(weights.empty() ? "embedded" : "external");
    codegen::build_shared_library(src, "multi", dir + "/libmulti.so");
    codegen::write_source_tree(src, "multi", dir + "/src");
    CommandResult rebuilt = run_command("cd " + dir + "/src && sh build.sh");
    ASSERT_EQ(rebuilt.status, 0) << rebuilt.output;
    for (const std::string lib : {dir + "/libmulti.so", dir + "/src/libmulti.so"}) {
      CommandResult r = weft("run " + lib + " --input x=" + path("x.npy") + " --out " + dir + "/out");
      ASSERT_EQ(r.status, 0) << lib << ": " << r.output;
      EXPECT_EQ(compare(expected, read_npy(dir + "/out/0.npy")), "") << lib;
    }
  }
}

}  // namespace
}  // namespace weft::testing
