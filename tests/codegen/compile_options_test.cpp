// compile_options_test.cpp - `weft compile` flags run as a user would: --cpu, -O, --input-shape, --weights, --quiet;
// reproducible output, static libstdc++, and a sidecar that create() checks. The interpreter is the oracle.
#include <fstream>
#include <set>
#include <sstream>

#include "ToolingTest.h"
#include "ir/NpyIO.h"

namespace weft::testing {
namespace {

namespace fs = std::filesystem;

// A -march level every x86-64 (or AArch64) machine running the tests has.
std::string portable_cpu() {
#if defined(__x86_64__)
  return "x86-64-v2";
#elif defined(__aarch64__)
  return "armv8-a";
#else
  return "native";
#endif
}

std::string file_bytes(const std::string& p) { return read_text_file(p); }

// The NEEDED entries of a shared library, from readelf.
std::set<std::string> needed_libraries(const std::string& lib) {
  CommandResult r = run_command("readelf -d " + lib);
  EXPECT_EQ(r.status, 0) << r.output;
  std::set<std::string> out;
  std::istringstream lines(r.output);
  for (std::string line; std::getline(lines, line);)
    if (line.find("(NEEDED)") != std::string::npos) {
      size_t a = line.find('['), b = line.find(']');
      if (a != std::string::npos && b != std::string::npos) out.insert(line.substr(a + 1, b - a - 1));
    }
  return out;
}

// libc, libm, libpthread, the dynamic loader and libdl only: libstdc++ and libgcc are inside.
void expect_self_contained(const std::string& lib) {
  const std::set<std::string> allowed = {"libc.so.6", "libm.so.6", "libpthread.so.0", "libdl.so.2", "ld-linux-x86-64.so.2",
                                         "ld-linux-aarch64.so.1"};
  std::set<std::string> needed = needed_libraries(lib);
  EXPECT_TRUE(needed.count("libc.so.6")) << lib;
  for (const std::string& n : needed) EXPECT_TRUE(allowed.count(n)) << lib << " depends on " << n;
}

// `weft run` on `model` and on `lib` with the same inputs: every output within rtol = atol = 1e-5.
void expect_runs_like_interpreter(const std::string& model, const std::string& lib, const std::string& inputs, const std::string& out_dir,
                                  int num_outputs) {
  CommandResult ir = weft("run " + model + inputs + " --out " + out_dir + "/ir");
  ASSERT_EQ(ir.status, 0) << ir.output;
  CommandResult so = weft("run " + lib + inputs + " --out " + out_dir + "/so");
  ASSERT_EQ(so.status, 0) << so.output;
  for (int i = 0; i < num_outputs; ++i) {
    const std::string f = "/" + std::to_string(i) + ".npy";
    EXPECT_TRUE(tensors_close(read_npy(out_dir + "/so" + f), read_npy(out_dir + "/ir" + f), 1e-5, 1e-5)) << f;
  }
}

class CompileOptions : public ScratchTest {};

TEST_F(CompileOptions, BadFlagsFailWithAMessageAndWriteNothing) {
  std::ofstream(path("pair.weft")) << "def @main(%a: f32[n], %b: f32[n]) -> f32[n] { add(%a, %b) }\n";
  const std::string rec = kExamples + "recurrent.weft -o " + path("librec.so") + " ";
  const std::string pair = path("pair.weft") + " -o " + path("libpair.so") + " ";
  const std::pair<std::string, std::string> cases[] = {
      {rec + "--cpu no-such-cpu", "--cpu 'no-such-cpu' is not accepted by the C++ compiler"},
      {rec + "--cpu 'x;rm'", "--cpu 'x;rm' is not a CPU level"},
      {rec + "-O7", "Value 7 not in range 0 to 3"},
      {rec + "--cxx-opt 4", "Value 4 not in range 0 to 3"},
      {rec + "--weights sideways", "sideways"},
      {rec + "--input-shape nosuch=1,4", "@main has no input named 'nosuch' (its inputs: x, steps)"},
      {rec + "--input-shape x=2,5", "input 'x' has type f32[batch, 4]; dim 1 is 4, not 5"},
      {rec + "--input-shape x=2", "of rank 2, but the shape gives 1 dims"},
      {rec + "--input-shape x=2,a", "'a' is not a size"},
      {rec + "--input-shape x", "must have the form NAME=D0,D1,..."},
      {pair + "--input-shape a=2 --input-shape b=3", "dim 0 of input 'b' is 'n', which input 'a' sets to 2, not 3"},
      {pair + "--input-shape a=2 --input-shape a=2", "input 'a' is given a shape twice"},
  };
  for (const auto& [args, message] : cases) {
    CommandResult c = weft("compile " + args);
    EXPECT_NE(c.status, 0) << args;
    EXPECT_NE(c.output.find(message), std::string::npos) << args << "\n" << c.output;
  }
  for (const char* f : {"librec.so", "librec.weights", "libpair.so"}) EXPECT_FALSE(fs::exists(path(f))) << f;
}

TEST_F(CompileOptions, InputShapeMakesInputsStatic) {
  // The flag takes one NAME=... each time, so a model file after it stays the model file.
  CommandResult c = weft("compile --input-shape x=3,4 " + kExamples + "recurrent.weft -o " + path("librec3.so") + " --cxx-opt 1 --quiet");
  ASSERT_EQ(c.status, 0) << c.output;
  EXPECT_EQ(c.output, "");  // --quiet

  {
    OpenLibrary lib(path("librec3.so"));
    ASSERT_TRUE(lib.api) << dlerror();
    weft_model* model = nullptr;
    ASSERT_EQ(lib.api->create(nullptr, &model), 0) << lib.api->last_error();
    weft_tensor_info info;
    ASSERT_EQ(lib.api->input_info(model, 0, &info), 0);
    ASSERT_EQ(info.ndim, 2);
    EXPECT_EQ(info.shape[0], 3);
    EXPECT_EQ(info.shape[1], 4);
    EXPECT_EQ(info.dim_names[0], nullptr);  // `batch` is no longer a run-time dim
    ASSERT_EQ(lib.api->output_info(model, 1, &info), 0);
    ASSERT_EQ(info.ndim, 1);
    EXPECT_EQ(info.shape[0], 3);
    lib.api->destroy(model);
  }

  Tensor x(DType::F32, {3, 4});
  for (int i = 0; i < 12; ++i) x.data<float>()[i] = float(i % 5) * 0.3f - 0.6f;
  write_npy(path("x3.npy"), x);
  const std::string steps = " --input steps=" + kExamples + "steps.npy";
  expect_runs_like_interpreter(kExamples + "recurrent.weft", path("librec3.so"), " --input x=" + path("x3.npy") + steps, path("out"), 2);

  // Another batch is refused by the library's input check.
  write_npy(path("x2.npy"), Tensor(DType::F32, {2, 4}));
  CommandResult bad = weft("run " + path("librec3.so") + " --input x=" + path("x2.npy") + steps + " --out " + path("bad"));
  EXPECT_NE(bad.status, 0);
  EXPECT_NE(bad.output.find("dim 0 must be 3, got 2"), std::string::npos) << bad.output;
}

TEST_F(CompileOptions, ExternalWeightsAreReproducibleAndCheckedAtCreate) {
  const std::string flags = " --weights external --cpu " + portable_cpu() + " --cxx-opt 1";
  for (const char* d : {"a", "b"}) {
    CommandResult c = weft("compile " + kExamples + "recurrent.weft -o " + path(d) + "/librec.so" + flags);
    ASSERT_EQ(c.status, 0) << c.output;
    for (const char* stage : {"import:", "passes (-O2: fuse-ops to-a-normal-form verify):", "code generation:", "C++ compile (-O1):", "librec.weights"})
      EXPECT_NE(c.output.find(stage), std::string::npos) << stage << "\n" << c.output;
  }
  // Same model and flags: the same bytes, library and sidecar.
  const std::string lib = file_bytes(path("a/librec.so")), weights = file_bytes(path("a/librec.weights"));
  EXPECT_GT(weights.size(), 0u);
  EXPECT_TRUE(lib == file_bytes(path("b/librec.so")));
  EXPECT_TRUE(weights == file_bytes(path("b/librec.weights")));
  expect_self_contained(path("a/librec.so"));
  const std::string inputs = " --input x=" + kExamples + "x.npy --input steps=" + kExamples + "steps.npy";
  expect_runs_like_interpreter(kExamples + "recurrent.weft", path("a/librec.so"), inputs, path("out"), 2);

  // Each case gets its own copy of the library (a fresh load) beside a damaged sidecar.
  auto create_error = [&](const std::string& dir, const std::string& sidecar, const char* weights_path) {
    fs::create_directories(path(dir));
    fs::copy_file(path("a/librec.so"), path(dir + "/librec.so"));
    if (!sidecar.empty() || std::string(dir) != "missing") std::ofstream(path(dir + "/librec.weights"), std::ios::binary) << sidecar;
    OpenLibrary l(path(dir + "/librec.so"));
    EXPECT_TRUE(l.api) << dlerror();
    if (!l.api) return std::string("no library");
    weft_options options = {};
    options.weights_path = weights_path;
    weft_model* model = nullptr;
    if (l.api->create(&options, &model) == 0) {
      l.api->destroy(model);
      return std::string();
    }
    return std::string(l.api->last_error());
  };
  std::string corrupted = weights;
  corrupted[corrupted.size() / 2] ^= 1;
  const std::string missing = create_error("missing", "", nullptr);
  EXPECT_NE(missing.find("create: cannot open weights file '" + path("missing/librec.weights") + "'"), std::string::npos) << missing;
  const std::string truncated = create_error("truncated", weights.substr(0, weights.size() - 1), nullptr);
  EXPECT_NE(truncated.find("has " + std::to_string(weights.size() - 1) + " bytes, expected " + std::to_string(weights.size())),
            std::string::npos)
      << truncated;
  const std::string bad = create_error("corrupted", corrupted, nullptr);
  EXPECT_NE(bad.find("is corrupted or belongs to another compile"), std::string::npos) << bad;
  // weft_options.weights_path names a sidecar elsewhere.
  EXPECT_EQ(create_error("elsewhere", corrupted, path("a/librec.weights").c_str()), "");
}

TEST_F(CompileOptions, EmbeddedLibraryIsReproducibleAndSelfContained) {
  for (const char* d : {"a", "b"}) {
    CommandResult c = weft("compile " + kExamples + "recurrent.weft -o " + path(d) + "/librec.so --quiet");
    ASSERT_EQ(c.status, 0) << c.output;
  }
  EXPECT_TRUE(file_bytes(path("a/librec.so")) == file_bytes(path("b/librec.so")));
  EXPECT_FALSE(fs::exists(path("a/librec.weights")));
  expect_self_contained(path("a/librec.so"));
}

TEST_F(CompileOptions, FailedCompileLeavesNeitherLibraryNorSidecar) {
  // A compiler that accepts the --cpu check and fails on the real compile.
  std::ofstream(path("broken-cxx")) << "#!/bin/sh\ncase \"$*\" in *-fsyntax-only*) exit 0;; esac\necho 'broken compiler' >&2\nexit 1\n";
  fs::permissions(path("broken-cxx"), fs::perms::owner_all);
  CommandResult c = run_command("WEFT_CXX=" + path("broken-cxx") + " " + WEFT_BINARY + " compile " + kExamples + "recurrent.weft -o " +
                                path("out/librec.so") + " --weights external");
  EXPECT_EQ(c.status, 1) << c.output;
  EXPECT_NE(c.output.find("broken compiler"), std::string::npos) << c.output;
  if (fs::exists(path("out")))
    for (const auto& e : fs::directory_iterator(path("out"))) ADD_FAILURE() << "left behind: " << e.path();
}

TEST_F(CompileOptions, InterruptedCompileLeavesNothingInTheOutputDirectory) {
  // A compiler whose queries (no -o: which archive fits the target) go to the real g++, whose
  // compile step (-c, into weft's temporary build directory) succeeds at once, and whose link
  // step starts writing the library, then hangs until weft is killed.
  std::ofstream(path("slow-cxx")) << "#!/bin/sh\ncase \"$*\" in *-fsyntax-only*) exit 0;; esac\n"
                                     "prev=; out=; for a in \"$@\"; do [ \"$prev\" = -o ] && out=$a; prev=$a; done\n"
                                     "[ -z \"$out\" ] && exec g++ \"$@\"\n"
                                     "case \" $* \" in *\" -c \"*) : > \"$out\"; exit 0;; esac\n"
                                     "echo partial > \"$out\"; touch " + path("started") + "; exec sleep 5\n";
  fs::permissions(path("slow-cxx"), fs::perms::owner_all);
  const std::string compile = "WEFT_CXX=" + path("slow-cxx") + " " + WEFT_BINARY + " compile " + kExamples + "recurrent.weft -o " +
                              path("out/librec.so") + " --weights external";
  CommandResult c = run_command(compile + " & pid=$!; for i in $(seq 100); do [ -e " + path("started") +
                                " ] && break; sleep 0.1; done; ls -A " + path("out") + "; kill -TERM $pid; wait $pid; echo status=$?");
  EXPECT_NE(c.output.find(".librec.so.partial-"), std::string::npos) << "the compile did not get going:\n" << c.output;
  EXPECT_NE(c.output.find("status=143"), std::string::npos) << c.output;  // died of SIGTERM
  for (const auto& e : fs::directory_iterator(path("out"))) ADD_FAILURE() << "left behind: " << e.path();
}

}  // namespace
}  // namespace weft::testing
