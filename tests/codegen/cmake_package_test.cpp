// cmake_package_test.cpp - find_package(weft) + weft_add_model() from an install prefix and from the build tree:
// a C99 consumer project is configured, built and run; its printed outputs must match `weft run` (the interpreter).
#include <fstream>
#include <sstream>

#include "ToolingTest.h"
#include "ir/NpyIO.h"

namespace weft::testing {
namespace {

namespace fs = std::filesystem;

const std::string kConsumer = std::string(WEFT_REPO_DIR) + "/tests/codegen/consumer";
const std::string kCmake = WEFT_CMAKE_COMMAND;

// The inputs model_demo.c builds: input i, element k is ((7k + 3i) mod 11 - 5) / 4 for
// floats and (k + i) mod 3 + 1 for integers; run-time dims are 3. Written as .npy files.
std::string write_demo_inputs(const std::string& dir) {
  Tensor x(DType::F32, {3, 4});
  for (int64_t k = 0; k < 12; ++k) x.data<float>()[k] = float(double((7 * k + 3 * 0) % 11 - 5) / 4.0);
  Tensor steps = Tensor::scalar<int64_t>((0 + 1) % 3 + 1);
  write_npy(dir + "/x.npy", x);
  write_npy(dir + "/steps.npy", steps);
  return " --input x=" + dir + "/x.npy --input steps=" + dir + "/steps.npy";
}

// The values model_demo printed for output `i` ("output i f32 [3, 4]: v v ...").
std::vector<double> printed_output(const std::string& text, int i) {
  std::istringstream lines(text);
  const std::string prefix = "output " + std::to_string(i) + " ";
  for (std::string line; std::getline(lines, line);)
    if (line.rfind(prefix, 0) == 0) {
      std::istringstream values(line.substr(line.find(':') + 1));
      std::vector<double> out;
      for (double v; values >> v;) out.push_back(v);
      return out;
    }
  ADD_FAILURE() << "no line starting '" << prefix << "' in:\n" << text;
  return {};
}

class CmakePackage : public ScratchTest {
 protected:
  // Configures, builds and runs the consumer with `package_args` (where weft is); checks
  // it against the interpreter. The consumer's build directory is build_dir().
  std::string build_dir() const { return path("consumer-build"); }
  void build_and_check(const std::string& package_args, const std::string& options) {
    const std::string build = build_dir();
    CommandResult conf = run_command(kCmake + " -S " + kConsumer + " -B " + build + " " + package_args + " -DWEFT_TEST_MODEL=" + kExamples +
                                     "recurrent.weft \"-DWEFT_TEST_OPTIONS=" + options + "\"");
    EXPECT_EQ(conf.status, 0) << conf.output;
    CommandResult make = run_command(kCmake + " --build " + build);
    EXPECT_EQ(make.status, 0) << make.output;
    CommandResult demo = run_command(build + "/model_demo");
    EXPECT_EQ(demo.status, 0) << demo.output;
    EXPECT_NE(demo.output.find("model demo: 2 inputs, 2 outputs"), std::string::npos) << demo.output;
    EXPECT_NE(demo.output.find("input 0 x f32 [batch, 4]"), std::string::npos) << demo.output;
    EXPECT_NE(demo.output.find("input 1 steps i64 []"), std::string::npos) << demo.output;

    fs::create_directories(path("inputs"));
    CommandResult ir = weft("run " + kExamples + "recurrent.weft" + write_demo_inputs(path("inputs")) + " --out " + path("ir"));
    EXPECT_EQ(ir.status, 0) << ir.output;
    for (int i = 0; i < 2; ++i) {
      Tensor want = read_npy(path("ir/") + std::to_string(i) + ".npy");
      std::vector<double> got = printed_output(demo.output, i);
      ASSERT_EQ(int64_t(got.size()), want.numel()) << "output " << i << "\n" << demo.output;
      Tensor got_t(DType::F32, want.shape());
      for (size_t k = 0; k < got.size(); ++k) got_t.data<float>()[k] = float(got[k]);
      // %.9g round-trips a float exactly; the tolerance is the compiled-vs-interpreter one.
      EXPECT_TRUE(tensors_close(got_t, want, 1e-5, 1e-5)) << "output " << i;
    }
  }
};

TEST_F(CmakePackage, ConsumerBuildsAgainstAnInstallPrefix) {
  CommandResult install = run_command(kCmake + " --install " + WEFT_BUILD_DIR + " --prefix " + path("prefix"));
  ASSERT_EQ(install.status, 0) << install.output;
  for (const char* f : {"bin/weft", "include/weft/weft.h", "include/weft/rt/Api.h"}) EXPECT_TRUE(fs::exists(path("prefix/") + f)) << f;
  // The installed weft compiles with the installed runtime headers, wherever the source tree is.
  build_and_check("-DCMAKE_PREFIX_PATH=" + path("prefix"), "");
  const std::string build = build_dir();

  // Touching the model reruns weft compile; an unchanged model does not.
  CommandResult again = run_command(kCmake + " --build " + build + " --verbose");
  EXPECT_EQ(again.output.find("weft: compiling"), std::string::npos) << again.output;
  fs::copy_file(kExamples + "recurrent.weft", path("recurrent.weft"));
  CommandResult reconf = run_command(kCmake + " -S " + kConsumer + " -B " + build + " -DWEFT_TEST_MODEL=" + path("recurrent.weft"));
  ASSERT_EQ(reconf.status, 0) << reconf.output;
  run_command(kCmake + " --build " + build);
  std::ofstream(path("recurrent.weft"), std::ios::app) << "\n// touched\n";
  CommandResult rebuilt = run_command(kCmake + " --build " + build);
  EXPECT_NE(rebuilt.output.find("weft: compiling"), std::string::npos) << rebuilt.output;
}

TEST_F(CmakePackage, ConsumerBuildsAgainstTheBuildTree) {
  // External weights through OPTIONS: the sidecar is built beside the library and found there.
  build_and_check("-Dweft_DIR=" + std::string(WEFT_BUILD_DIR), "--weights;external;-O0;--cxx-opt;1");
  const std::string build = build_dir();
  EXPECT_TRUE(fs::exists(build + "/weft_models/libdemo.weights"));
  EXPECT_TRUE(fs::exists(build + "/weft_models/include/weft_models/demo.h"));
}

}  // namespace
}  // namespace weft::testing
