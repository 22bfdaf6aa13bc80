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
  EXPECT_NE(r.output.find("unknown pass 'no-such-pass' (passes: eliminate-common-subexpr, "), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("specialize-inputs, to-a-normal-form, verify)"),
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

}  // namespace
}  // namespace weft
