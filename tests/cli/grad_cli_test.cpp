// grad_cli_test.cpp - `weft grad`: the gradient program of the bundled recurrent example, as IR text run by
// `weft run` and compiled to a library, against finite differences; its errors.
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
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

// Models and their oracles made at test time, one directory each with a manifest.json (the
// model file, --input-type flags, the --wrt names, and per case the input, cotangent, output and
// gradient files; a case may give its own --input-type): TorchScript modules
// (models/torchscript/make_grad_models.py: a loop with 0, 1 and 3 trips and a branch;
// convolutions with batch norm in eval mode; attention with layer norm; a list grown in a loop
// with an early break, stacked; nn.LSTM into a bidirectional nn.GRU) against torch.autograd.grad, and an ONNX model with Loop and If
// (models/onnx/make_grad_models.py) against central finite differences, each on two or more
// input sizes or trip counts, with respect to inputs and named parameters, through the
// interpreter (OUT.weft) and compiled (OUT.so), at rtol 1e-3 / atol 1e-4.
struct GradModel {
  const char* front_end;  // the directory under $WEFT_GRAD_MODELS its generator wrote
  const char* name;
};
void PrintTo(const GradModel& m, std::ostream* os) { *os << m.name; }

class GradModels : public GradCli, public ::testing::WithParamInterface<GradModel> {};

TEST_P(GradModels, MatchTheirOracle) {
  const std::string models = testing::env_or("WEFT_GRAD_MODELS", "") + "/" + GetParam().front_end;
  const std::string name = GetParam().name, dir = models + "/" + name;
  if (!std::filesystem::exists(dir + "/manifest.json"))
    GTEST_SKIP() << "no gradient models in " << models << " (WEFT_GRAD_MODELS, made by models/" << GetParam().front_end
                 << "/make_grad_models.py)";
  const nlohmann::json m = nlohmann::json::parse(testing::read_text_file(dir + "/manifest.json"));
  std::string wrt;
  for (const auto& w : m["wrt"]) wrt += (wrt.empty() ? "" : ",") + w.get<std::string>();
  for (const std::string suffix : {".weft", ".so"}) {
    std::map<std::string, std::string> built;  // --input-type flags -> the gradient program
    for (size_t k = 0; k < m["cases"].size(); ++k) {
      const auto& c = m["cases"][k];
      const std::string types = c.contains("input_types") ? c["input_types"].get<std::string>() : m["input_types"].get<std::string>();
      if (!built.count(types)) {
        const std::string out = (dir_ / ("libgrad" + std::to_string(built.size()) + suffix)).string();
        const testing::CommandResult g = run_weft("grad " + models + "/" + m["model"].get<std::string>() + " -o " + out +
                                                  (types.empty() ? "" : " --input-type '" + types + "'") + " --wrt " + wrt + " -q");
        ASSERT_EQ(g.status, 0) << g.output;
        built[types] = out;
      }
      std::string flags;
      for (const auto& [arg, file] : c["inputs"].items()) flags += " --input " + arg + "=" + dir + "/" + file.get<std::string>();
      for (const auto& [arg, file] : c["cotangents"].items()) flags += " --input " + arg + "=" + dir + "/" + file.get<std::string>();
      const std::string out_dir = (dir_ / ("out" + std::to_string(k))).string();
      const testing::CommandResult r = run_weft("run " + built[types] + flags + " --out " + out_dir);
      ASSERT_EQ(r.status, 0) << r.output;
      std::vector<std::string> want;
      for (const auto& f : c["outputs"]) want.push_back(f.get<std::string>());
      for (const auto& f : c["grads"]) want.push_back(f.get<std::string>());
      for (size_t i = 0; i < want.size(); ++i) {
        const size_t outs = c["outputs"].size();
        const std::string what = i < outs ? "output " + std::to_string(i) : "gradient w.r.t. " + m["wrt"][i - outs].get<std::string>();
        EXPECT_TRUE(testing::tensors_close(read_npy(out_dir + "/" + std::to_string(i) + ".npy"), read_npy(dir + "/" + want[i]), 1e-3, 1e-4))
            << name << suffix << " case " << k << ": " << what;
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Torch, GradModels,
                         ::testing::Values(GradModel{"torchscript", "loop_branch"}, GradModel{"torchscript", "conv_bn"},
                                           GradModel{"torchscript", "attention"}, GradModel{"torchscript", "list_break"},
                                           GradModel{"torchscript", "recurrent"}),
                         [](const auto& info) { return std::string(info.param.name); });
INSTANTIATE_TEST_SUITE_P(Onnx, GradModels, ::testing::Values(GradModel{"onnx", "loop_if"}),
                         [](const auto& info) { return std::string(info.param.name); });

// Parameters named by --wrt that are not there, not floating point, or not reachable: one clear
// error naming them.
TEST_F(GradCli, UnknownAndIntegerParametersAreOneClearError) {
  const std::string out = (dir_ / "g.weft").string();
  const std::string onnx_dir = testing::env_or("WEFT_GRAD_MODELS", "") + "/onnx";
  if (std::filesystem::exists(onnx_dir + "/loop_if.onnx")) {
    testing::CommandResult r = run_weft("grad " + onnx_dir + "/loop_if.onnx -o " + out + " --wrt x,nope");
    EXPECT_EQ(r.status, 1) << r.output;
    EXPECT_NE(r.output.find("--wrt: the model has no input or initializer named 'nope' (its initializers: shape, W, b, W2); its inputs: x, n"),
              std::string::npos) << r.output;
    r = run_weft("grad " + onnx_dir + "/loop_if.onnx -o " + out + " --wrt shape");
    EXPECT_EQ(r.status, 1) << r.output;
    EXPECT_NE(r.output.find("--wrt shape: parameter shape is i64[2], not a floating-point tensor"), std::string::npos) << r.output;
  }
  const std::string ts_dir = testing::env_or("WEFT_GRAD_MODELS", "") + "/torchscript";
  if (std::filesystem::exists(ts_dir + "/conv_bn.pt")) {
    testing::CommandResult r =
        run_weft("grad " + ts_dir + "/conv_bn.pt -o " + out + " --input-type 'x=f32[1, 3, 6, 6]' --wrt bn1.running_mean");
    EXPECT_EQ(r.status, 1) << r.output;
    EXPECT_NE(r.output.find("--wrt: the model has no input or parameter named 'bn1.running_mean' (its named_parameters(): conv1.weight"),
              std::string::npos) << r.output;
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
