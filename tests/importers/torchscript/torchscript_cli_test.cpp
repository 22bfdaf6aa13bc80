// torchscript_cli_test.cpp - `weft inspect|run|compile` on .pt files saved as users save them (no weft_inputs),
// with --input-type/--input-shape or .npy inputs giving the tensor types; torch's outputs (make_plain_models.py) are the oracle.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <unistd.h>

#include "ir/NpyIO.h"
#include "tests/support/TestSupport.h"

namespace weft {
namespace {

namespace fs = std::filesystem;

std::string models_dir() {
  return testing::env_or("WEFT_TS_PLAIN_MODELS_DIR", WEFT_TS_PLAIN_MODELS_DEFAULT_DIR);
}

// The models of make_models.py, saved with weft_inputs.
std::string weft_inputs_model(const std::string& name) {
  return testing::env_or("WEFT_TS_MODELS_DIR", WEFT_TS_MODELS_DEFAULT_DIR) + "/" + name + ".pt";
}

testing::CommandResult weft(const std::string& args) { return testing::run_command(std::string(WEFT_BINARY) + " " + args); }

// The printed module's first lines (its constants make the rest long).
std::string head(const std::string& text) { return text.substr(0, 600); }

class PlainTorchScript : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!fs::exists(models_dir() + "/seq.pt")) GTEST_FAIL() << "models not generated: run make_plain_models.py " << models_dir();
    out_ = fs::temp_directory_path() / ("weft_ts_cli_" + std::to_string(::getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(out_);
    fs::create_directories(out_);
  }
  void TearDown() override { fs::remove_all(out_); }

  static std::string model(const std::string& file) { return models_dir() + "/" + file; }
  static std::string case_dir(const std::string& name, int k) { return models_dir() + "/" + name + "/case" + std::to_string(k); }
  // --input ARG=FILE for each argument of the case (an .npz for a list).
  static std::string inputs(const std::string& name, int k, const std::vector<std::string>& args) {
    std::string s;
    for (const std::string& a : args) {
      const std::string file = case_dir(name, k) + "/in_" + a;
      s += " --input " + a + "=" + file + (fs::exists(file + ".npz") ? ".npz" : ".npy");
    }
    return s;
  }

  // Runs FILE (a .pt or a compiled .so) on case k and compares every output with torch's.
  void run_and_compare(const std::string& file, const std::string& name, int k, const std::vector<std::string>& args, int outputs,
                       const std::string& flags = "") {
    const std::string dir = (out_ / (name + std::to_string(k))).string();
    testing::CommandResult r = weft("run " + file + inputs(name, k, args) + flags + " --out " + dir);
    ASSERT_EQ(r.status, 0) << r.output;
    for (int i = 0; i < outputs; ++i) {
      const std::string o = "/out_" + std::to_string(i) + ".npy";
      EXPECT_TRUE(testing::tensors_close(read_npy(dir + "/" + std::to_string(i) + ".npy"), read_npy(case_dir(name, k) + o), 1e-4, 1e-5))
          << file << " case " << k << " output " << i;
    }
  }

  std::string library(const std::string& stem) const { return (out_ / ("lib" + stem + ".so")).string(); }

  fs::path out_;
};

TEST_F(PlainTorchScript, InspectTakesAShape) {
  testing::CommandResult r = weft("inspect " + model("seq.pt") + " --input-shape input=1,3,16,16");
  ASSERT_EQ(r.status, 0) << head(r.output);
  EXPECT_NE(r.output.find("def @main(%input: f32[1, 3, 16, 16])"), std::string::npos) << head(r.output);
  EXPECT_NE(r.output.find("let %max_pool: f32[1, 8, 8, 8]"), std::string::npos) << head(r.output);  // inferred from it
}

TEST_F(PlainTorchScript, InspectTakesATypeWithSymbols) {
  testing::CommandResult r = weft("inspect --input-type x=f32[batch,3,16,16] " + model("traced_cnn.pt"));
  ASSERT_EQ(r.status, 0) << head(r.output);
  EXPECT_NE(r.output.find("def @main(%x: f32[batch, 3, 16, 16])"), std::string::npos) << head(r.output);
  EXPECT_NE(r.output.find("let %conv: f32[batch, 6, 16, 16]"), std::string::npos) << head(r.output);
}

TEST_F(PlainTorchScript, WithoutATypeTheErrorShowsTheFlag) {
  testing::CommandResult r = weft("inspect " + model("seq.pt"));
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_NE(r.output.find("forward argument 'input' is a Tensor"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("--input-type input=f32[...]"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("--input-shape input=D0,D1,..."), std::string::npos) << r.output;
  r = weft("compile " + model("with_int.pt") + " -o " + library("with_int") + " --quiet");
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_NE(r.output.find("--input-type x=f32[...]"), std::string::npos) << r.output;
}

// A model calling torchvision::nms loads (its operator library is found on demand); with the
// library unfindable, the error names the operator and says what to install or set.
TEST_F(PlainTorchScript, TorchvisionOperatorsLoadOnDemand) {
  const std::string nms = weft_inputs_model("nms");
  testing::CommandResult r = weft("inspect " + nms);
  EXPECT_EQ(r.status, 0) << r.output;
  r = testing::run_command("WEFT_TORCHVISION_LIB=/nonexistent/_C.so " + std::string(WEFT_BINARY) + " inspect " + nms);
  EXPECT_EQ(r.status, 1) << r.output;
  for (const char* part : {"torchvision::nms", "/nonexistent/_C.so", "python3-torchvision", "WEFT_TORCHVISION_LIB"})
    EXPECT_NE(r.output.find(part), std::string::npos) << part << " missing from: " << r.output;
}

// `weft run` of a scripted .pt needs no flag: the .npy files give dtype and rank, every dim stays open.
TEST_F(PlainTorchScript, RunScriptedWithNpyInputsAndNoFlag) {
  for (int k : {0, 1}) run_and_compare(model("seq.pt"), "seq", k, {"input"}, 1);
  for (int k : {0, 1}) run_and_compare(model("with_int.pt"), "with_int", k, {"x", "n"}, 2);
}

// A traced module saved and loaded again has lost its example shapes: the .npy files type it as well,
// and it runs at a batch other than the one it was traced at. Its adaptive pooling cannot import with
// open dims (checked here), so weft run imports it again with the files' sizes.
TEST_F(PlainTorchScript, RunTracedWithNpyInputsAndNoFlag) {
  for (int k : {0, 1}) run_and_compare(model("traced_cnn.pt"), "traced_cnn", k, {"x"}, 1);
}

// A List[Tensor] argument: its .npz's first array gives the element type.
TEST_F(PlainTorchScript, ListArgumentTypedByItsNpz) {
  for (int k : {0, 1}) run_and_compare(model("list_sum.pt"), "list_sum", k, {"xs"}, 1);
}

// An Optional[Tensor] argument: the file given for it types it; a None needs a flag.
TEST_F(PlainTorchScript, OptionalArgumentTypedByItsFileOrAFlag) {
  run_and_compare(model("optional_bias.pt"), "optional_bias", 0, {"x", "bias"}, 1);
  testing::CommandResult r = weft("run " + model("optional_bias.pt") + inputs("optional_bias", 1, {"x"}));
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_NE(r.output.find("forward argument 'bias' is of type Optional[Tensor], whose tensors' dtype and rank TorchScript does not "
                          "record: pass --input-type bias=Option[f32[...]]"),
            std::string::npos)
      << r.output;
  run_and_compare(model("optional_bias.pt"), "optional_bias", 1, {"x"}, 1, " --input-type bias=Option[f32[4]]");
}

// Flags come before weft_inputs: a shape keeps the declared dtype and binds the declared symbols in every
// argument (lengths: i64[batch]); a type replaces the declared one; a shape of another rank is an error.
TEST_F(PlainTorchScript, FlagsComeBeforeWeftInputs) {
  const std::string gru = weft_inputs_model("gru_classifier");
  if (!fs::exists(gru)) GTEST_FAIL() << gru << " not generated (make_models.py)";
  testing::CommandResult r = weft("inspect " + gru + " --input-shape x=2,5,6");
  ASSERT_EQ(r.status, 0) << head(r.output);
  EXPECT_NE(r.output.find("def @main(%x: f32[2, 5, 6], %lengths: i64[2])"), std::string::npos) << head(r.output);
  r = weft("inspect " + gru + " --input-type x=f32[b,s,6]");
  ASSERT_EQ(r.status, 0) << head(r.output);
  EXPECT_NE(r.output.find("def @main(%x: f32[b, s, 6], %lengths: i64[batch])"), std::string::npos) << head(r.output);
  r = weft("inspect " + gru + " --input-shape x=2,5");
  EXPECT_EQ(r.status, 1) << head(r.output);
  EXPECT_NE(r.output.find("forward argument 'x' is declared f32[batch, seq, 6] in weft_inputs, of rank 3, but the shape gives 2 dims"),
            std::string::npos)
      << r.output;
}

TEST_F(PlainTorchScript, RunWithAFlagChecksTheFiles) {
  run_and_compare(model("seq.pt"), "seq", 0, {"input"}, 1, " --input-shape input=2,3,16,16");
  testing::CommandResult r = weft("run " + model("seq.pt") + inputs("seq", 1, {"input"}) + " --input-shape input=2,3,16,16");
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_NE(r.output.find("input 'input': expected f32[2, 3, 16, 16], found f32[1, 3, 20, 12]"), std::string::npos) << r.output;
}

// One flag per tensor argument compiles; the library runs at every size the flag leaves open.
TEST_F(PlainTorchScript, CompileTracedWithATypeAndRunTheLibrary) {
  testing::CommandResult r = weft("compile " + model("traced_cnn.pt") + " --input-type x=f32[batch,3,16,16] -o " + library("cnn") + " --quiet");
  ASSERT_EQ(r.status, 0) << r.output;
  for (int k : {0, 1}) run_and_compare(library("cnn"), "traced_cnn", k, {"x"}, 1);
  r = weft("run " + library("cnn") + inputs("traced_cnn", 0, {"x"}) + " --input-shape x=2,3,16,16");
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_NE(r.output.find("a compiled library's input types are fixed"), std::string::npos) << r.output;
}

TEST_F(PlainTorchScript, CompileScriptedWithShapesAndRunTheLibrary) {
  testing::CommandResult r = weft("compile " + model("with_int.pt") + " --input-shape x=2,8 -o " + library("with_int") + " --quiet");
  ASSERT_EQ(r.status, 0) << r.output;
  run_and_compare(library("with_int"), "with_int", 0, {"x", "n"}, 2);
}

TEST_F(PlainTorchScript, BadFlagsFailWithTheirName) {
  struct Case {
    std::string args, message;
  };
  for (const Case& c : std::vector<Case>{
           {"inspect " + model("seq.pt") + " --input-shape nope=1,3", "forward has no argument named 'nope' to give a shape (its arguments: input)"},
           {"inspect " + model("with_int.pt") + " --input-type x=f32[2,8] --input-type n=i64[]",
            "forward argument 'n' (int) has a type TorchScript records (i64[]); it takes no input type"},
           {"inspect " + model("seq.pt") + " --input-type input=f32[1,3", "--input-type 'input=f32[1,3': 'f32[1,3' is not a weft type"},
           {"inspect " + model("seq.pt") + " --input-type input=f32[1,3,8,8] --input-shape input=1,3,8,8", "is given both a type and a shape"},
           {"inspect " + model("seq.pt") + " --input-shape input=1,3,x", "'x' is not a size"},
       }) {
    testing::CommandResult r = weft(c.args);
    EXPECT_EQ(r.status, 1) << c.args << "\n" << r.output;
    EXPECT_NE(r.output.find(c.message), std::string::npos) << c.args << "\n" << r.output;
  }
}

#ifdef WEFT_TEST_ONNX
// ONNX: --input-type refines the declared f32[batch, 3, 16, 16]; --input-shape specializes it.
TEST_F(PlainTorchScript, OnnxInputTypeRefinesTheDeclaredType) {
  testing::CommandResult r = weft("inspect " + model("seq.onnx") + " --input-type x=f32[n,3,16,16]");
  ASSERT_EQ(r.status, 0) << head(r.output);
  EXPECT_NE(r.output.find("(%x: f32[n, 3, 16, 16])"), std::string::npos) << head(r.output);
  r = weft("inspect " + model("seq.onnx") + " --input-shape x=4,3,16,16");
  ASSERT_EQ(r.status, 0) << head(r.output);
  EXPECT_NE(r.output.find("(%x: f32[4, 3, 16, 16])"), std::string::npos) << head(r.output);
  EXPECT_NE(r.output.find("f32[4, 8, 8, 8]"), std::string::npos) << head(r.output);  // the max pool's type, inferred
}

// The ONNX export of seq, refined, runs like the scripted seq (torch's outputs for its inputs).
TEST_F(PlainTorchScript, OnnxRunsWithARefinedType) {
  const std::string dir = (out_ / "onnx").string();
  testing::CommandResult r = weft("run " + model("seq.onnx") + " --input-type x=f32[n,3,16,16] --input x=" + case_dir("seq", 0) +
                                  "/in_input.npy --out " + dir);
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_TRUE(testing::tensors_close(read_npy(dir + "/0.npy"), read_npy(case_dir("seq", 0) + "/out_0.npy"), 1e-4, 1e-5));
}

TEST_F(PlainTorchScript, OnnxBadInputTypeFails) {
  struct Case {
    std::string flag, message;
  };
  for (const Case& c : std::vector<Case>{
           {"--input-type x=f32[1,3,16]", "--input-type x=f32[1,3,16]: input 'x' is declared f32[batch, 3, 16, 16], of rank 4, not 3"},
           {"--input-type x=f32[1,3,16,17]", "whose dim 3 is 16, not 17"},
           {"--input-type x=i64[1,3,16,16]", "whose element type is f32, not i64"},
           {"--input-type nope=f32[1]", "@main has no input named 'nope' (its inputs: x)"},
           {"--input-type x=f32[1,,3]", "is not a weft type"},
           {"--input-shape x=1,3,16", "of rank 4, but the shape gives 3 dims"},
       }) {
    testing::CommandResult r = weft("inspect " + model("seq.onnx") + " " + c.flag);
    EXPECT_EQ(r.status, 1) << c.flag << "\n" << r.output;
    EXPECT_NE(r.output.find(c.message), std::string::npos) << c.flag << "\n" << r.output;
  }
}
#endif

}  // namespace
}  // namespace weft
