// check_cli_test.cpp - `weft check` as CI runs it: exit 0 on a model's own library, 1 on a changed weight, 2 when it cannot run; --sweep, --json.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "tests/cli/CliFixture.h"

namespace weft {
namespace {

// The models of models/check/make_check_models.py, written by the generate_check_models fixture.
std::string model_dir() { return testing::env_or("WEFT_CHECK_MODELS_DIR", WEFT_CHECK_MODELS_DEFAULT_DIR); }
std::string model(const std::string& name) { return model_dir() + "/" + name; }

// Each test runs once per front end built: GetParam() is the extension, "pt" or "onnx".
class Check : public Cli, public ::testing::WithParamInterface<std::string> {
 protected:
  std::string good() const { return model("two_dims." + GetParam()); }
  // `weft compile NAME.EXT` into this test's directory; the library's path.
  std::string compile(const std::string& name) {
    const std::string lib = (dir_ / ("lib" + name + ".so")).string();
    const testing::CommandResult r = run_weft("compile -q " + model(name + "." + GetParam()) + " -o " + lib);
    EXPECT_EQ(r.status, 0) << r.output;
    return lib;
  }
  // The oracle a check of this format runs by default: the model's own framework, except
  // ONNX Runtime, which a test may not depend on (../shared/peers/README.md): the interpreter.
  std::string oracle_args() const { return GetParam() == "onnx" ? " --oracle interpreter" : ""; }
  std::string oracle_name() const { return GetParam() == "onnx" ? "interpreter" : "torch"; }
  nlohmann::json read_json(const std::string& path) {
    std::ifstream in(path);
    EXPECT_TRUE(in.good()) << "no report at " << path;
    return nlohmann::json::parse(in);  // throws, failing the test, if the report is not JSON
  }
};

TEST_P(Check, CompilesTheModelItselfAndAgrees) {
  const testing::CommandResult r = run_weft("check -q " + good() + oracle_args() + " --sweep batch=2 --sweep seq=3");
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("weft check: PASS"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("against " + oracle_name()), std::string::npos) << r.output;
}

TEST_P(Check, AgreesWithItsOwnLibraryOnGivenInputs) {
  const std::string lib = compile("two_dims");
  const testing::CommandResult r =
      run_weft("check -q " + good() + " --lib " + lib + oracle_args() + " --input x=" + model("in_x.npy") + " --input y=" + model("in_y.npy"));
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("ok   output0 f32[2, 3]"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("ok   output1 f32[2]"), std::string::npos) << r.output;
}

TEST_P(Check, NamesTheOutputOfAChangedWeight) {
  const std::string lib = compile("two_dims_bad");
  const std::string json = (dir_ / "report.json").string();
  const testing::CommandResult r =
      run_weft("check -q " + good() + " --lib " + lib + oracle_args() + " --sweep batch=3 --sweep seq=2 --json " + json);
  EXPECT_EQ(r.status, 1) << r.output;
  // bias[1] feeds the first output only: it diverges, the second agrees.
  EXPECT_NE(r.output.find("FAIL output0"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("ok   output1"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("weft check: FAIL"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("output 'output0'"), std::string::npos) << r.output;
  const nlohmann::json j = read_json(json);
  EXPECT_EQ(j["ok"], false);
  EXPECT_EQ(j["oracle"]["name"], oracle_name());
  ASSERT_EQ(j["trials"].size(), 1u);
  const nlohmann::json& out0 = j["trials"][0]["outputs"][0];
  EXPECT_EQ(out0["name"], "output0");
  EXPECT_EQ(out0["ok"], false);
  // Column 1 of every row moves (tanh keeps it from being exactly 0.5 * 2): 3 of 9 elements.
  EXPECT_EQ(out0["outside"], 3);
  EXPECT_EQ(out0["worst"]["index"][1], 1);
  EXPECT_GT(std::abs(double(out0["worst"]["got"]) - double(out0["worst"]["oracle"])), 0.1);
  EXPECT_EQ(j["trials"][0]["outputs"][1]["ok"], true);
}

TEST_P(Check, SweepRunsEveryCombination) {
  const std::string json = (dir_ / "report.json").string();
  const testing::CommandResult r =
      run_weft("check -q " + good() + oracle_args() + " --sweep batch=1,3 --sweep seq=2,5 --trials 2 --seed 7 --json " + json);
  EXPECT_EQ(r.status, 0) << r.output;
  const nlohmann::json j = read_json(json);
  EXPECT_EQ(j["ok"], true);
  ASSERT_EQ(j["trials"].size(), 8u);
  std::multiset<std::pair<int64_t, int64_t>> sizes;
  std::set<uint64_t> seeds;
  for (const nlohmann::json& t : j["trials"]) {
    const int64_t batch = t["sizes"]["batch"], seq = t["sizes"]["seq"];
    sizes.insert({batch, seq});
    seeds.insert(t["seed"].get<uint64_t>());
    // The outputs really have the swept sizes: tanh(linear(x)) is [batch, 3], y.sum(1) is [batch].
    EXPECT_EQ(t["outputs"][0]["shape"], nlohmann::json::array({batch, 3}));
    EXPECT_EQ(t["outputs"][1]["shape"], nlohmann::json::array({batch}));
  }
  const std::multiset<std::pair<int64_t, int64_t>> every = {{1, 2}, {1, 2}, {1, 5}, {1, 5}, {3, 2}, {3, 2}, {3, 5}, {3, 5}};
  EXPECT_EQ(sizes, every);
  EXPECT_EQ(seeds, (std::set<uint64_t>{7, 8}));
}

TEST_P(Check, CannotRunWithAMissingInput) {
  const testing::CommandResult r = run_weft("check -q " + good() + oracle_args() + " --input x=" + model("in_x.npy"));
  EXPECT_EQ(r.status, 2) << r.output;
  EXPECT_NE(r.output.find("missing input 'y'"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("could not run"), std::string::npos) << r.output;
}

TEST_P(Check, CannotRunWithALibraryOfOtherInputs) {
  const std::string lib = compile("other");
  const testing::CommandResult r = run_weft("check -q " + good() + " --lib " + lib + oracle_args() + " --sweep batch=2 --sweep seq=3");
  EXPECT_EQ(r.status, 2) << r.output;
  EXPECT_NE(r.output.find("the library does not match the model"), std::string::npos) << r.output;
}

TEST_P(Check, CannotRunWithoutASweepForASymbol) {
  const testing::CommandResult r = run_weft("check -q " + good() + oracle_args() + " --sweep batch=2");
  EXPECT_EQ(r.status, 2) << r.output;
  EXPECT_NE(r.output.find("--sweep seq="), std::string::npos) << r.output;
}

// --mark-all on a library whose one weight differs: the operator that reads that weight is the
// first to diverge (the ONNX export folds linear into one gemm; TorchScript keeps matmul, then
// the bias add), named with where the model defines it.
TEST_P(Check, MarkAllNamesTheFirstDivergingOperator) {
  const std::string lib = (dir_ / "libbad_marked.so").string();
  testing::CommandResult r = run_weft("compile -q --mark-all " + model("two_dims_bad." + GetParam()) + " -o " + lib);
  ASSERT_EQ(r.status, 0) << r.output;
  const std::string json = (dir_ / "report.json").string();
  r = run_weft("check -q --mark-all " + good() + " --lib " + lib + " --sweep batch=2 --sweep seq=3 --json " + json);
  EXPECT_EQ(r.status, 1) << r.output;
  const std::string op = GetParam() == "onnx" ? "operator gemm (%_lin_Gemm_output_0, onnx node '/lin/Gemm' (Gemm"
                                              : "operator add (%add, ";
  EXPECT_NE(r.output.find("first diverging " + op), std::string::npos) << r.output;
  const nlohmann::json j = read_json(json);
  const nlohmann::json& trial = j["trials"][0];
  ASSERT_TRUE(trial.contains("first_diverging")) << trial.dump(2);
  const nlohmann::json& first = trial["outputs"][trial["first_diverging"].get<size_t>()];
  EXPECT_EQ(first["intermediate"], true);
  EXPECT_EQ(first["op"], GetParam() == "onnx" ? "gemm" : "add");
  EXPECT_EQ(first["ok"], false);
  if (GetParam() == "pt") {
    EXPECT_NE(first["source"].get<std::string>().find("linear.py"), std::string::npos) << first.dump(2);
  }
  // Every intermediate evaluated before it agrees.
  for (size_t i = 0; i < trial["first_diverging"].get<size_t>(); ++i) {
    const nlohmann::json& o = trial["outputs"][i];
    if (o.value("intermediate", false)) {
      EXPECT_EQ(o["ok"], true) << o.dump(2);
    }
  }
}

TEST_P(Check, MarkAllAgreesOnTheModelsOwnLibrary) {
  const testing::CommandResult r = run_weft("check -q --mark-all " + good() + " --sweep batch=2 --sweep seq=3");
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("intermediates compared (--mark-all), 0 outside tolerance"), std::string::npos) << r.output;
}

TEST_P(Check, MarkAllCannotRunAgainstAnotherOracle) {
  const std::string other = GetParam() == "onnx" ? "onnxruntime" : "torch";
  const testing::CommandResult r = run_weft("check -q --mark-all --oracle " + other + " " + good() + " --sweep batch=2 --sweep seq=3");
  EXPECT_EQ(r.status, 2) << r.output;
  EXPECT_NE(r.output.find("--mark-all compares intermediates against the interpreter only"), std::string::npos) << r.output;
}

std::vector<std::string> formats() {
  std::vector<std::string> f;
#ifdef WEFT_TEST_TORCHSCRIPT
  f.push_back("pt");
#endif
#ifdef WEFT_TEST_ONNX
  f.push_back("onnx");
#endif
  return f;
}
INSTANTIATE_TEST_SUITE_P(Formats, Check, ::testing::ValuesIn(formats()), [](const auto& info) { return info.param; });

#ifdef WEFT_TEST_ONNX
// ONNX Runtime asked for by name but not there: the check cannot run (and says so), whatever
// is installed on this machine, since the library named does not exist.
TEST_F(Cli, CheckCannotRunOnnxRuntimeWithoutItsLibrary) {
  const std::string missing = (dir_ / "libonnxruntime.so.1").string();
  testing::CommandResult r = run_weft("check -q " + model("two_dims.onnx") + " --oracle onnxruntime --ort-lib " + missing + " --sweep batch=2 --sweep seq=3");
  EXPECT_EQ(r.status, 2) << r.output;
  EXPECT_NE(r.output.find("ONNX Runtime"), std::string::npos) << r.output;
  r = testing::run_command("WEFT_ORT_LIB=" + missing + " " + std::string(WEFT_BINARY) + " check -q " + model("two_dims.onnx") +
                           " --oracle onnxruntime --sweep batch=2 --sweep seq=3");
  EXPECT_EQ(r.status, 2) << r.output;
  EXPECT_NE(r.output.find(missing), std::string::npos) << r.output;
}

// A TorchScript oracle for an ONNX file is a usage error, not a divergence.
TEST_F(Cli, CheckCannotRunTorchOnAnOnnxFile) {
  const testing::CommandResult r = run_weft("check -q " + model("two_dims.onnx") + " --oracle torch --sweep batch=2 --sweep seq=3");
  EXPECT_EQ(r.status, 2) << r.output;
  EXPECT_NE(r.output.find("--oracle torch runs TorchScript files"), std::string::npos) << r.output;
}
#endif

}  // namespace
}  // namespace weft
