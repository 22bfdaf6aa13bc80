// cli_compile_test.cpp - `weft compile` and `weft run lib.so`, run as a user would, against `weft run model.weft`.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "CompiledModel.h"
#include "ir/NpyIO.h"
#include "tests/support/TestSupport.h"

namespace weft::testing {
namespace {

namespace fs = std::filesystem;

CommandResult weft(const std::string& args) { return run_command(std::string(WEFT_BINARY) + " " + args); }

class CliCompile : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("weft_cli_compile_" + std::to_string(getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string path(const std::string& p) { return (dir_ / p).string(); }
  fs::path dir_;
};

const std::string kExamples = std::string(WEFT_REPO_DIR) + "/models/examples/";

TEST_F(CliCompile, CompiledExampleRunsLikeTheInterpreter) {
  CommandResult c = weft("compile " + kExamples + "recurrent.weft -o " + path("librec.so") + " --emit-source " + path("src"));
  ASSERT_EQ(c.status, 0) << c.output;
  for (const char* stage : {"import:", "passes (-O2: fuse-ops to-a-normal-form verify):", "code generation:", "write source:", "C++ compile (-O3):"})
    EXPECT_NE(c.output.find(stage), std::string::npos) << c.output;
  EXPECT_TRUE(fs::exists(path("src/rec.cpp")));
  EXPECT_TRUE(fs::exists(path("src/weights.bin")));
  EXPECT_TRUE(fs::exists(path("src/include/weft/weft.h")));

  const std::string inputs = " --input x=" + kExamples + "x.npy --input steps=" + kExamples + "steps.npy";
  CommandResult lib = weft("run " + path("librec.so") + inputs + " --out " + path("out_so"));
  ASSERT_EQ(lib.status, 0) << lib.output;
  CommandResult ir = weft("run " + kExamples + "recurrent.weft" + inputs + " --out " + path("out_ir"));
  ASSERT_EQ(ir.status, 0) << ir.output;
  for (const char* f : {"0.npy", "1.npy"})
    EXPECT_EQ(compare(read_npy(path("out_ir/") + f), read_npy(path("out_so/") + f)), "") << f;

  CommandResult missing = weft("run " + path("librec.so") + " --input x=" + kExamples + "x.npy");
  EXPECT_EQ(missing.status, 1);
  EXPECT_NE(missing.output.find("missing --input steps"), std::string::npos) << missing.output;
}

TEST_F(CliCompile, UnsupportedOpFailsAndWritesNothing) {
  // A construct the generator cannot lower (a polymorphic function value) fails with what and where.
  std::ofstream(path("poly.weft")) << "def @main(%x: f32[]) -> (f32[], fn[A](A) -> A) { let %f = fn[A] (%a: A) -> A { %a }; (%f(%x), %f) }\n";
  CommandResult c = weft("compile " + path("poly.weft") + " -o " + path("libpoly.so"));
  EXPECT_EQ(c.status, 1);
  EXPECT_NE(c.output.find("does not support polymorphic function values"), std::string::npos) << c.output;
  EXPECT_NE(c.output.find("poly.weft:1:"), std::string::npos) << c.output;
  EXPECT_FALSE(fs::exists(path("libpoly.so")));
  CommandResult bad_name = weft("compile " + kExamples + "recurrent.weft -o " + path("lib.so") + " --name 9lives");
  EXPECT_EQ(bad_name.status, 1);
  EXPECT_NE(bad_name.output.find("not a C identifier"), std::string::npos) << bad_name.output;
}

}  // namespace
}  // namespace weft::testing
