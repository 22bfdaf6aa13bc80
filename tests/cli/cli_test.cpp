// cli_test.cpp - the `weft` command on the bundled example and on each kind of bad input.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "CliFixture.h"
#include "ir/NpyIO.h"
#include "tests/support/TestSupport.h"

namespace weft {
namespace {

const std::string kRepo = WEFT_REPO_DIR;
const std::string kExample = kRepo + "/models/examples/recurrent.weft";

TEST_F(Cli, Version) {
  testing::CommandResult r = run_weft("--version");
  EXPECT_EQ(r.status, 0);
  EXPECT_NE(r.output.find("weft"), std::string::npos);
}

TEST_F(Cli, InspectPrintsTypedModule) {
  testing::CommandResult r = run_weft("inspect " + kExample);
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("def @main"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("f32[batch, 4]"), std::string::npos) << r.output;
}

// The example's outputs, recomputed here in plain C++ from its definition.
TEST_F(Cli, RunWritesOutputs) {
  Tensor x = Tensor::from_vector<float>({-0.25f, -0.125f, 0, 0.125f, 0.25f, 0.375f, 0.5f, 0.625f}, {2, 4});
  std::string out = (dir_ / "out").string();
  testing::CommandResult r = run_weft("run " + kExample + " --input x=" + npy("x.npy", x) + " --input steps=" +
                      npy("steps.npy", Tensor::scalar<int64_t>(3)) + " --out " + out);
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("f32"), std::string::npos) << r.output;
  Tensor probs = read_npy(out + "/0.npy");
  Tensor maxp = read_npy(out + "/1.npy");
  ASSERT_EQ(probs.shape(), (std::vector<int64_t>{2, 4}));
  ASSERT_EQ(maxp.shape(), (std::vector<int64_t>{2}));
  const float w[16] = {0.5, -0.25, 0.125, 0, 0.25, 0.5, -0.5, 0.25, -0.125, 0.25, 0.5, 0.5, 0, 0.125, 0.25, -0.5};
  const float u[16] = {0.25, 0, 0, 0.125, 0, 0.25, 0.125, 0, 0, 0.125, 0.25, 0, 0.125, 0, 0, 0.25};
  for (int b = 0; b < 2; ++b) {
    double h[4] = {0, 0, 0, 0};
    for (int step = 0; step < 3; ++step) {
      double next[4];
      for (int j = 0; j < 4; ++j) {
        double s = 0;
        for (int k = 0; k < 4; ++k) s += x.data<float>()[b * 4 + k] * w[k * 4 + j] + h[k] * u[k * 4 + j];
        next[j] = std::tanh(s);
      }
      std::copy(next, next + 4, h);
    }
    double mx = *std::max_element(h, h + 4), sum = 0, best = 0;
    for (double v : h) sum += std::exp(v - mx);
    for (int j = 0; j < 4; ++j) {
      double p = std::exp(h[j] - mx) / sum;
      best = std::max(best, p);
      EXPECT_NEAR(probs.data<float>()[b * 4 + j], p, 1e-5);
    }
    EXPECT_NEAR(maxp.data<float>()[b], best, 1e-5);
  }
}

TEST_F(Cli, MissingFile) {
  testing::CommandResult r = run_weft("inspect " + (dir_ / "nope.weft").string());
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.output.find("nope.weft"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("no such file"), std::string::npos) << r.output;
}

TEST_F(Cli, SyntaxErrorNamesFileAndLine) {
  std::string f = write("bad.weft", "def @main(%x: f32[]) -> f32[] {\n  add(%x, %x\n}\n");
  testing::CommandResult r = run_weft("inspect " + f);
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.output.find("bad.weft:3"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("Abort"), std::string::npos) << r.output;
}

TEST_F(Cli, TypeErrorNamesFileAndLine) {
  std::string f = write("types.weft", "def @main(%x: f32[2]) -> f32[2] {\n  let %y = add(%x, 1i64);\n  %y\n}\n");
  testing::CommandResult r = run_weft("inspect " + f);
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.output.find("types.weft:2"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("i64"), std::string::npos) << r.output;
}

TEST_F(Cli, MissingInput) {
  testing::CommandResult r = run_weft("run " + kExample + " --input x=" + npy("x.npy", Tensor(DType::F32, {2, 4})));
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.output.find("steps"), std::string::npos) << r.output;
}

TEST_F(Cli, UnknownInputName) {
  testing::CommandResult r = run_weft("run " + kExample + " --input y=" + npy("y.npy", Tensor(DType::F32, {2, 4})));
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.output.find("'y'"), std::string::npos) << r.output;
}

TEST_F(Cli, MistypedInputDtype) {
  testing::CommandResult r = run_weft("run " + kExample + " --input x=" + npy("x.npy", Tensor(DType::I32, {2, 4})) +
                      " --input steps=" + npy("s.npy", Tensor::scalar<int64_t>(1)));
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.output.find("x"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("i32"), std::string::npos) << r.output;
}

TEST_F(Cli, MistypedInputShape) {
  testing::CommandResult r = run_weft("run " + kExample + " --input x=" + npy("x.npy", Tensor(DType::F32, {2, 5})) +
                      " --input steps=" + npy("s.npy", Tensor::scalar<int64_t>(1)));
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.output.find("f32[batch, 4]"), std::string::npos) << r.output;
}

TEST_F(Cli, SymbolicDimsMustAgree) {
  std::string f = write("two.weft", "def @main(%a: f32[batch], %b: f32[batch]) -> f32[batch] {\n  add(%a, %b)\n}\n");
  testing::CommandResult r = run_weft("run " + f + " --input a=" + npy("a.npy", Tensor(DType::F32, {2})) + " --input b=" +
                      npy("b.npy", Tensor(DType::F32, {3})));
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.output.find("batch"), std::string::npos) << r.output;
}

TEST_F(Cli, CorruptNpy) {
  std::string bad = write("bad.npy", "this is not numpy");
  testing::CommandResult r = run_weft("run " + kExample + " --input x=" + bad + " --input steps=" + npy("s.npy", Tensor::scalar<int64_t>(1)));
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.output.find("bad.npy"), std::string::npos) << r.output;
}

TEST_F(Cli, RuntimeErrorIsReported) {
  std::string f = write("rt.weft",
                        "def @main(%x: Option[f32[]]) -> f32[] {\n  match (%x) {\n    Some(%v) => %v,\n  }\n}\n");
  testing::CommandResult r = run_weft("run " + f);
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_NE(r.output.find("rt.weft:2"), std::string::npos) << r.output;
}

// --input-type refines @main's declared types; a symbol given a size is bound module-wide.
TEST_F(Cli, InspectRefinesInputTypes) {
  testing::CommandResult r = run_weft("inspect " + kExample + " --input-type x=f32[n,4]");
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("def @main(%x: f32[n, 4]"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("def @step(%x: f32[n, 4]"), std::string::npos) << r.output;  // `batch` renamed everywhere
  r = run_weft("inspect --input-type x=f32[3,4] " + kExample);
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("(f32[3, 4], f32[3])"), std::string::npos) << r.output;
  r = run_weft("inspect " + kExample + " --input-shape x=2,4");
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("def @main(%x: f32[2, 4]"), std::string::npos) << r.output;
}

TEST_F(Cli, RunChecksFilesAgainstGivenTypes) {
  Tensor x = Tensor::from_vector<float>({0.5f, -0.5f, 0.25f, 0}, {1, 4});
  const std::string args = " --input x=" + npy("x.npy", x) + " --input steps=" + npy("s.npy", Tensor::scalar<int64_t>(2));
  testing::CommandResult r = run_weft("run " + kExample + args + " --input-shape x=1,4");
  EXPECT_EQ(r.status, 0) << r.output;
  r = run_weft("run " + kExample + args + " --input-type x=f32[3,4]");
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_NE(r.output.find("expected f32[3, 4], found f32[1, 4]"), std::string::npos) << r.output;
}

TEST_F(Cli, BadInputTypeFlags) {
  struct Case {
    std::string flag, message;
  };
  for (const Case& c : std::vector<Case>{
           {"--input-type x=f32[batch]", "--input-type x=f32[batch]: input 'x' is declared f32[batch, 4], of rank 2, not 1"},
           {"--input-type x=f32[2,5]", "whose dim 1 is 4, not 5"},
           {"--input-type x=f16[2,4]", "whose element type is f32, not f16"},
           {"--input-type nope=f32[1]", "@main has no input named 'nope' (its inputs: x, steps)"},
           {"--input-type x=f32[2,", "--input-type 'x=f32[2,': 'f32[2,' is not a weft type"},
           {"--input-type x=", "no type after '='"},
           {"--input-type x", "must have the form NAME=TYPE"},
           {"--input-type x=f32[2,4] --input-type x=f32[2,4]", "input 'x' is given a type twice"},
           {"--input-shape x=2,4 --input-type x=f32[2,4]", "input 'x' is given both a type and a shape"},
           {"--input-shape x", "must have the form NAME=D0,D1,..."},
           {"--input-shape =1", "must have the form NAME=D0,D1,..."},
           {"--input-shape x=1,,2", "'' is not a size"},
           {"--input-shape x=1,", "trailing ','"},
           {"--input-shape x=-1", "'-1' is not a size"},
           {"--input-shape x=1.5", "'1.5' is not a size"},
           {"--input-shape x=2,5", "input 'x' has type f32[batch, 4]; dim 1 is 4, not 5"},
       }) {
    testing::CommandResult r = run_weft("inspect " + kExample + " " + c.flag);
    EXPECT_EQ(r.status, 1) << c.flag << "\n" << r.output;
    EXPECT_NE(r.output.find(c.message), std::string::npos) << c.flag << "\n" << r.output;
  }
}

// A name holding '=' (as exported names may) splits at the last '='; a scalar's shape is empty.
TEST_F(Cli, InputFlagNamesAndScalars) {
  std::string f = write("eq.weft", "def @main(%x: f32[n], %k: i64[]) -> f32[n] { %x }\n");
  testing::CommandResult r = run_weft("inspect " + f + " --input-shape k= --input-shape x=3");
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("def @main(%x: f32[3], %k: i64[])"), std::string::npos) << r.output;
  r = run_weft("inspect " + f + " --input-type a=b=f32[1]");
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_NE(r.output.find("no input named 'a=b'"), std::string::npos) << r.output;
}

// The ticking progress line is for terminals: through a pipe (CI logs) only the finished stage
// lines come, each on its own line.
TEST_F(Cli, CompileWritesNoProgressLineToAPipe) {
  const std::string lib = (dir_ / "librecurrent.so").string();
  testing::CommandResult r = run_weft("compile " + kExample + " -o " + lib + " --no-cache");
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_EQ(r.output.find('\r'), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("\033["), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("code generation: "), std::string::npos) << r.output;
}

}  // namespace
}  // namespace weft
