// grad_cli_test.cpp - `weft grad`: the gradient program of the bundled recurrent example, as IR text run by
// `weft run` and compiled to a library, against finite differences; its errors.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "ir/Interpreter.h"
#include "ir/Parser.h"
#include "ir/TypeInference.h"
#include "tests/cli/CliFixture.h"

namespace weft {
namespace {

const std::string kRepo = WEFT_REPO_DIR;
const std::string kExample = kRepo + "/models/examples/recurrent.weft";

Tensor random_f32(std::vector<int64_t> shape, std::mt19937& rng) {
  Tensor t(DType::F32, std::move(shape));
  std::uniform_real_distribution<float> u(-1, 1);
  for (int64_t i = 0; i < t.numel(); ++i) t.data<float>()[i] = u(rng);
  return t;
}

double pairing(const Tensor& a, const Tensor& b) {
  double s = 0;
  for (int64_t i = 0; i < a.numel(); ++i) s += double(a.data<float>()[i]) * double(b.data<float>()[i]);
  return s;
}

class GradCli : public Cli {
 protected:
  // Runs `weft grad` on the example with --wrt x, then the result (OUT.weft or OUT.so) on random
  // inputs and cotangents; checks outputs against the forward model and d/dx against central
  // differences of <d0, y0> + <d1, y1> through the interpreter, for `steps` loop iterations.
  void check(const std::string& out_name, int64_t steps) {
    const std::string out = (dir_ / out_name).string();
    const testing::CommandResult g = run_weft("grad " + kExample + " -o " + out + " --wrt x -q");
    ASSERT_EQ(g.status, 0) << g.output;
    std::mt19937 rng(11);
    const Tensor x = random_f32({2, 4}, rng), d0 = random_f32({2, 4}, rng), d1 = random_f32({2}, rng);
    const std::string inputs = " --input x=" + npy("x.npy", x) + " --input steps=" + npy("steps.npy", Tensor::scalar<int64_t>(steps)) +
                               " --input d_output0=" + npy("d0.npy", d0) + " --input d_output1=" + npy("d1.npy", d1);
    const std::string out_dir = (dir_ / "out").string();
    const testing::CommandResult r = run_weft("run " + out + inputs + " --out " + out_dir);
    ASSERT_EQ(r.status, 0) << r.output;
    const Tensor y0 = read_npy(out_dir + "/0.npy"), y1 = read_npy(out_dir + "/1.npy"), dx = read_npy(out_dir + "/2.npy");
    ASSERT_EQ(dx.shape(), x.shape());

    Module m = parse_module(testing::read_text_file(kExample), kExample);
    infer_types(m);
    Interpreter interp(m);
    auto objective = [&](const Tensor& xv) {
      const Value v = interp.call("main", {tensor_value(xv), scalar_value<int64_t>(steps)});
      const auto* tup = value_as<TupleValueNode>(v);
      return pairing(value_tensor(tup->fields[0]), d0) + pairing(value_tensor(tup->fields[1]), d1);
    };
    const Value forward = interp.call("main", {tensor_value(x), scalar_value<int64_t>(steps)});
    EXPECT_TRUE(testing::tensors_close(y0, value_tensor(value_as<TupleValueNode>(forward)->fields[0]), 1e-5, 1e-6));
    EXPECT_TRUE(testing::tensors_close(y1, value_tensor(value_as<TupleValueNode>(forward)->fields[1]), 1e-5, 1e-6));
    for (int64_t e = 0; e < x.numel(); ++e) {
      const float h = 1e-2f;
      Tensor xp = x.clone(), xm = x.clone();
      xp.data<float>()[e] += h;
      xm.data<float>()[e] -= h;
      const double want = (objective(xp) - objective(xm)) / (2 * h);
      EXPECT_NEAR(dx.data<float>()[e], want, 2e-3 + 2e-2 * std::fabs(want)) << out_name << " d/dx[" << e << "], steps " << steps;
    }
  }
};

TEST_F(GradCli, TextProgramThroughTheInterpreter) {
  for (int64_t steps : {0, 1, 3}) check("grad.weft", steps);
}

TEST_F(GradCli, CompiledLibrary) { check("libgrad.so", 3); }

// A scripted TorchScript module with a loop (0, 1 and 3 trips), a branch and two outputs
// (models/torchscript/make_grad_models.py): d/dx against torch.autograd.grad, through the
// interpreter and compiled, f32 at rtol 1e-3 / atol 1e-4.
TEST_F(GradCli, TorchScriptAgainstTorchAutograd) {
  const std::string models = testing::env_or("WEFT_TS_GRAD_MODELS", "");
  if (models.empty() || !std::filesystem::exists(models + "/loop_branch.pt"))
    GTEST_SKIP() << "no TorchScript gradient models (WEFT_TS_GRAD_MODELS, made by make_grad_models.py)";
  const std::string model = models + "/loop_branch.pt";
  for (const std::string out_name : {"grad.weft", "libgrad.so"}) {
    const std::string out = (dir_ / out_name).string();
    const testing::CommandResult g = run_weft("grad " + model + " -o " + out + " --input-type 'x=f32[2, 8]' --wrt x -q");
    ASSERT_EQ(g.status, 0) << g.output;
    for (int k = 0; k < 3; ++k) {
      const std::string c = models + "/loop_branch/case" + std::to_string(k) + "/";
      const std::string out_dir = (dir_ / ("out" + std::to_string(k))).string();
      const testing::CommandResult r = run_weft("run " + out + " --input x=" + c + "in_x.npy --input n=" + c + "in_n.npy" +
                                                " --input d_output0=" + c + "d_0.npy --input d_output1=" + c + "d_1.npy --out " + out_dir);
      ASSERT_EQ(r.status, 0) << r.output;
      EXPECT_TRUE(testing::tensors_close(read_npy(out_dir + "/0.npy"), read_npy(c + "out_0.npy"), 1e-3, 1e-4)) << out_name << " case " << k;
      EXPECT_TRUE(testing::tensors_close(read_npy(out_dir + "/1.npy"), read_npy(c + "out_1.npy"), 1e-3, 1e-4)) << out_name << " case " << k;
      EXPECT_TRUE(testing::tensors_close(read_npy(out_dir + "/2.npy"), read_npy(c + "grad_x.npy"), 1e-3, 1e-4)) << out_name << " case " << k;
    }
  }
}

TEST_F(GradCli, UnknownAndIntegerWrtNamesAreOneClearError) {
  const std::string out = (dir_ / "g.weft").string();
  testing::CommandResult r = run_weft("grad " + kExample + " -o " + out + " --wrt nope");
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_NE(r.output.find("--wrt nope: @main has no input of that name (its inputs: x, steps)"), std::string::npos) << r.output;
  r = run_weft("grad " + kExample + " -o " + out + " --wrt steps");
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_NE(r.output.find("--wrt steps: input steps is i64[], not a floating-point tensor"), std::string::npos) << r.output;
  r = run_weft("grad " + kExample + " -o " + (dir_ / "g.txt").string());
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_NE(r.output.find("must end in .weft or .so"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace weft
