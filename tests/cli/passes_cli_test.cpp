// passes_cli_test.cpp - the pass options of the `weft` command: inspect --passes/--after/--list-passes, compile --dump-ir.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "CliFixture.h"
#include "ir/Parser.h"
#include "ir/StructuralEqual.h"
#include "tests/support/TestSupport.h"

namespace weft {
namespace {

namespace fs = std::filesystem;

// The suite's model, written to each test's directory.
class PassesCli : public Cli {
 protected:
  void SetUp() override {
    Cli::SetUp();
    model_ = write("m.weft", "def @main(%x: f32[n]) -> f32[n] { relu(%x) }\n");
  }
  std::string model_;
};

TEST_F(PassesCli, ListPassesNamesEveryPassWithItsSummary) {
  testing::CommandResult r = run_weft("inspect --list-passes");
  ASSERT_EQ(r.status, 0) << r.output;
  for (const char* p : {"specialize-inputs ", "to-a-normal-form ", "verify "}) EXPECT_NE(r.output.find(p), std::string::npos) << r.output;
}

TEST_F(PassesCli, InspectRunsTheNamedPassesOrStopsAfterOneOfThePipeline) {
  testing::CommandResult r = run_weft("inspect " + model_ + " --passes to-a-normal-form,verify");
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("def @main(%x: f32[n]) -> f32[n]"), std::string::npos) << r.output;
  r = run_weft("inspect " + model_ + " --after to-a-normal-form -O0");
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("relu(%x)"), std::string::npos) << r.output;

  r = run_weft("inspect " + model_ + " --passes no-such-pass");
  EXPECT_EQ(r.status, 1);
  // The list of passes grows with the optimizer; its ends are fixed (sorted by name).
  EXPECT_NE(r.output.find("unknown pass 'no-such-pass' (passes: bind-inputs, eliminate-common-subexpr, "), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("specialize-inputs, to-a-normal-form, unroll-loops, verify)"),
            std::string::npos)
      << r.output;
  r = run_weft("inspect " + model_ + " --after specialize-inputs");
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.output.find("--after specialize-inputs: the -O2 pipeline does not run it (it runs: fold-constants, "),
            std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("to-a-normal-form, verify)"),
            std::string::npos)
      << r.output;
  r = run_weft("inspect " + model_ + " --passes verify --after verify");
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.output.find("give --passes or --after, not both"), std::string::npos) << r.output;
}

TEST_F(PassesCli, CompileDumpsTheModuleAfterEveryPass) {
  const std::string dump = (dir_ / "dump").string();
  testing::CommandResult r =
      run_weft("compile " + model_ + " -o " + (dir_ / "libm.so").string() + " --input-shape x=4 -O0 --cxx-opt 0 --dump-ir " + dump);
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("passes (-O0: specialize-inputs to-a-normal-form verify)"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("C++ compile (-O0)"), std::string::npos) << r.output;
  std::vector<std::string> files;
  for (auto& e : fs::directory_iterator(dump)) files.push_back(e.path().filename().string());
  std::sort(files.begin(), files.end());
  EXPECT_EQ(files, (std::vector<std::string>{"00-input.weft", "01-specialize-inputs.weft", "02-to-a-normal-form.weft", "03-verify.weft"}));
  // Each dump is the text format: it reads back, and shows what its pass did.
  Module input = parse_module(testing::read_text_file(dump + "/00-input.weft"), "00");
  Module specialized = parse_module(testing::read_text_file(dump + "/01-specialize-inputs.weft"), "01");
  EXPECT_TRUE(structural_equal(input, parse_module("def @main(%x: f32[n]) -> f32[n] { relu(%x) }\n", "want")));
  EXPECT_TRUE(structural_equal(specialized, parse_module("def @main(%x: f32[4]) -> f32[4] { relu(%x) }\n", "want")));
}

// --bind makes an input a constant: the branch and the loop it controls are gone from the
// module, the library takes one input fewer, and computes what the model computes with that value.
TEST_F(PassesCli, BindEvaluatesWhatTheBoundInputDecides) {
  const std::string model = write("loop.weft", R"(
def @step(%x: f32[batch, 4], %h: f32[batch, 4], %left: i64[]) -> f32[batch, 4] {
  if (less_equal(%left, 0i64)) { %h } else { @step(%x, tanh(add(mul(%x, 0.5f32), %h)), sub(%left, 1i64)) }
}
def @main(%x: f32[batch, 4], %steps: i64[], %flip: bool[]) -> f32[batch, 4] {
  let %h = @step(%x, %x, %steps);
  if (%flip) { neg(%h) } else { %h }
}
)");
  testing::CommandResult r = run_weft("inspect " + model + " --bind steps=3 --bind flip=false");
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("def @main(%x: f32[batch, 4]) -> f32[batch, 4]"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("if ("), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("@step"), std::string::npos) << r.output;

  const std::string lib = (dir_ / "libbound.so").string();
  r = run_weft("compile " + model + " -o " + lib + " --bind steps=3 --bind flip=false --cxx-opt 0");
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("bind-inputs"), std::string::npos) << r.output;
  std::vector<float> xs;
  for (int i = 0; i < 8; ++i) xs.push_back(0.25f * float(i) - 1.0f);
  const std::string x = npy("x.npy", Tensor::from_vector<float>(xs, {2, 4}));
  const std::string steps = npy("steps.npy", Tensor::scalar<int64_t>(3));
  const std::string flip = npy("flip.npy", Tensor::scalar<bool>(false));
  r = run_weft("run " + lib + " --input x=" + x + " --out " + (dir_ / "lib_out").string());
  ASSERT_EQ(r.status, 0) << r.output;
  r = run_weft("run " + model + " --input x=" + x + " --input steps=" + steps + " --input flip=" + flip + " --out " + (dir_ / "ref_out").string());
  ASSERT_EQ(r.status, 0) << r.output;
  const Tensor got = read_npy((dir_ / "lib_out" / "0.npy").string()), want = read_npy((dir_ / "ref_out" / "0.npy").string());
  EXPECT_EQ(testing::values_close(tensor_value(got), tensor_value(want), "output 0", 1e-5, 1e-6), "");
  // The bound inputs are no longer inputs of the library.
  r = run_weft("run " + lib + " --input x=" + x + " --input steps=" + steps);
  EXPECT_NE(r.status, 0) << r.output;

  r = run_weft("compile " + model + " -o " + lib + " --bind step=3");
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.output.find("--bind step=3: @main has no input named 'step' (its inputs: x, steps, flip)"), std::string::npos) << r.output;
  r = run_weft("inspect " + model + " --bind steps=3 --passes fold-constants");
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.output.find("--bind needs bind-inputs in --passes"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace weft
