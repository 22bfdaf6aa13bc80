// check_cli_test.cpp - `weft check` as CI runs it: exit 0 on a model's own library, 1 on a changed weight, 2 when it cannot run; --sweep, --json.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <map>
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

// LibTorch runs a scripted module whole: --mark-all on a .pt compares against the interpreter
// (and says so), and asking for LibTorch by name cannot run.
#ifdef WEFT_TEST_TORCHSCRIPT
TEST_F(Cli, MarkAllOnTorchScriptComparesAgainstTheInterpreter) {
  const std::string good = model("two_dims.pt");
  testing::CommandResult r = run_weft("check -q --mark-all " + good + " --sweep batch=2 --sweep seq=3");
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("LibTorch cannot observe a scripted module's intermediates"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("against interpreter"), std::string::npos) << r.output;
  r = run_weft("check -q --mark-all --oracle torch " + good + " --sweep batch=2 --sweep seq=3");
  EXPECT_EQ(r.status, 2) << r.output;
  EXPECT_NE(r.output.find("--mark-all: LibTorch cannot observe"), std::string::npos) << r.output;
}
#endif

// The runtime archive whose matrix products add 1 to their first element (cli/perturbed_runtime,
// built by this suite's CMake for --cpu x86-64 only); "" when this build has none.
std::string perturbed_runtime_dir() {
  const std::string dir = testing::env_or("WEFT_CHECK_PERTURBED_RT_DIR", WEFT_CHECK_PERTURBED_RT_DEFAULT_DIR);
  return std::filesystem::exists(dir + "/libweft_rt_x86-64.a") ? dir : "";
}

// `weft compile --mark-all` of MODEL against the perturbed runtime: a library whose one operator
// (the matrix product) diverges, and every operator after it that reads its result.
testing::CommandResult compile_perturbed(const std::string& model, const std::string& lib) {
  return testing::run_command("WEFT_RUNTIME_LIB_DIR=" + perturbed_runtime_dir() + " " + std::string(WEFT_BINARY) +
                              " compile -q --mark-all --cpu x86-64 " + model + " -o " + lib);
}

// The report names `op` as the first diverging operator, exit 1, and some consumer of it
// diverges too (so naming the first is the point, not an accident of one bad value).
void expect_first_diverging(const testing::CommandResult& r, const nlohmann::json& j, const std::string& op) {
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_NE(r.output.find("first diverging operator " + op + " ("), std::string::npos) << r.output;
  ASSERT_EQ(j["trials"].size(), 1u);
  const nlohmann::json& trial = j["trials"][0];
  ASSERT_TRUE(trial.contains("first_diverging")) << trial.dump(2);
  const size_t first = trial["first_diverging"].get<size_t>();
  EXPECT_EQ(trial["outputs"][first]["op"], op);
  size_t later = 0;
  for (size_t i = 0; i < trial["outputs"].size(); ++i) {
    const nlohmann::json& o = trial["outputs"][i];
    if (!o.value("intermediate", false)) continue;
    if (i < first) {
      EXPECT_EQ(o["ok"], true) << o.dump(2);
    }
    if (i > first && o["ok"] == false) ++later;
  }
  EXPECT_GT(later, 0u) << "no consumer of the perturbed operator diverges: " << trial.dump(2);
}

// A library built against a runtime with one kernel wrong: --mark-all against the interpreter
// names that operator (the ONNX export's gemm; TorchScript's matmul, before the bias add), not
// the add, tanh and mul that read its result.
TEST_P(Check, MarkAllNamesThePerturbedOperator) {
  if (perturbed_runtime_dir().empty()) GTEST_SKIP() << "no perturbed runtime archive in this build (x86-64 only)";
  const std::string lib = (dir_ / "libperturbed.so").string();
  testing::CommandResult r = compile_perturbed(good(), lib);
  ASSERT_EQ(r.status, 0) << r.output;
  const std::string json = (dir_ / "report.json").string();
  r = run_weft("check -q --mark-all --oracle interpreter " + good() + " --lib " + lib + " --sweep batch=2 --sweep seq=3 --json " + json);
  expect_first_diverging(r, read_json(json), GetParam() == "onnx" ? "gemm" : "matmul");
  EXPECT_NE(r.output.find("against interpreter"), std::string::npos) << r.output;
}


// Values inside a loop are compared per iteration: loop_bad's changed weight is multiplied by
// i // 2, so iterations 0 and 1 agree and the first diverging operator is that product in
// iteration 2. The interpreter is the oracle (ONNX Runtime cannot observe a Loop body's values).
TEST_P(Check, MarkAllComparesLoopValuesPerIteration) {
  const std::string lib = (dir_ / "libloop_bad.so").string();
  testing::CommandResult r = run_weft("compile -q --mark-all " + model("loop_bad." + GetParam()) + " -o " + lib);
  ASSERT_EQ(r.status, 0) << r.output;
  const std::string json = (dir_ / "report.json").string();
  r = run_weft("check -q --mark-all --oracle interpreter " + model("loop." + GetParam()) + " --lib " + lib +
               " --sweep batch=2 --input-range n=4,4 --json " + json);
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_NE(r.output.find(", iteration 2:"), std::string::npos) << r.output;
  const nlohmann::json j = read_json(json);
  const nlohmann::json& trial = j["trials"][0];
  ASSERT_TRUE(trial.contains("first_diverging")) << trial.dump(2);
  const size_t first = trial["first_diverging"].get<size_t>();
  EXPECT_EQ(trial["outputs"][first]["op"], "mul");
  EXPECT_EQ(trial["outputs"][first]["loop"].get<std::string>().substr(0, 1), "@");
  EXPECT_EQ(trial["outputs"][first]["iteration"], 2);
  // Iterations 0 and 1 were compared, and agree.
  std::set<int> agreeing;
  for (size_t i = 0; i < first; ++i) {
    const nlohmann::json& o = trial["outputs"][i];
    if (!o.value("intermediate", false)) continue;
    EXPECT_EQ(o["ok"], true) << o.dump(2);
    if (o.contains("iteration")) agreeing.insert(o["iteration"].get<int>());
  }
  EXPECT_EQ(agreeing, (std::set<int>{0, 1, 2}));  // iteration 2's product of linear and tanh come before the mul
}

// The model's own library agrees with the interpreter in every iteration, every value of the
// loop body compared once per iteration.
TEST_P(Check, MarkAllAgreesInEveryIteration) {
  const std::string json = (dir_ / "report.json").string();
  const testing::CommandResult r = run_weft("check -q --mark-all --oracle interpreter " + model("loop." + GetParam()) +
                                            " --sweep batch=3 --input-range n=5,5 --json " + json);
  EXPECT_EQ(r.status, 0) << r.output;
  const nlohmann::json j = read_json(json);
  std::map<std::string, std::set<int>> iterations;  // per loop value
  for (const nlohmann::json& o : j["trials"][0]["outputs"])
    if (o.contains("iteration")) iterations[o["name"].get<std::string>()].insert(o["iteration"].get<int>());
  ASSERT_FALSE(iterations.empty()) << r.output;
  for (const auto& [name, its] : iterations) EXPECT_EQ(its, (std::set<int>{0, 1, 2, 3, 4})) << name;
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

#ifdef WEFT_CHECK_ORT_LIB_DEFAULT
// Opt-in (-DWEFT_CHECK_TESTS_WITH_ORT=ON, tests/CMakeLists.txt): ONNX Runtime is for bench/ only.
// ONNX Runtime's library as the test suite unpacks it from the shared peers folder; "" when absent.
std::string ort_library() {
  const std::string lib = testing::env_or("WEFT_CHECK_ORT_LIB", WEFT_CHECK_ORT_LIB_DEFAULT);
  return std::filesystem::exists(lib) ? lib : "";
}

class CheckOnnxRuntime : public Cli {
 protected:
  void SetUp() override {
    Cli::SetUp();
    ort_ = ort_library();
    ASSERT_FALSE(ort_.empty()) << "built with WEFT_CHECK_TESTS_WITH_ORT, but no ONNX Runtime library at " << WEFT_CHECK_ORT_LIB_DEFAULT;
  }
  std::string ort_;
};

// --mark-all against ONNX Runtime: every node output of the model is a graph output of the copy
// ORT runs, and each intermediate weft binds to an ONNX tensor is compared with it.
TEST_F(CheckOnnxRuntime, MarkAllAgreesOnTheModelsOwnLibrary) {
  const std::string json = (dir_ / "report.json").string();
  const testing::CommandResult r = run_weft("check -q --mark-all --oracle onnxruntime --ort-lib " + ort_ + " " + model("two_dims.onnx") +
                                            " --sweep batch=2 --sweep seq=3 --json " + json);
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("against onnxruntime (ONNX Runtime 1.30"), std::string::npos) << r.output;
  std::ifstream in(json);
  const nlohmann::json j = nlohmann::json::parse(in);
  size_t compared = 0;
  for (const nlohmann::json& o : j["trials"][0]["outputs"])
    if (o.value("intermediate", false)) {
      ++compared;
      EXPECT_TRUE(o.contains("onnx_tensor")) << o.dump(2);
    }
  // gemm, tanh, mul and reduce_sum: one per node of the export.
  EXPECT_GE(compared, 4u) << r.output;
}

TEST_F(CheckOnnxRuntime, MarkAllNamesThePerturbedOperator) {
  if (perturbed_runtime_dir().empty()) GTEST_SKIP() << "no perturbed runtime archive in this build (x86-64 only)";
  const std::string lib = (dir_ / "libperturbed.so").string();
  testing::CommandResult r = compile_perturbed(model("two_dims.onnx"), lib);
  ASSERT_EQ(r.status, 0) << r.output;
  const std::string json = (dir_ / "report.json").string();
  r = run_weft("check -q --mark-all --oracle onnxruntime --ort-lib " + ort_ + " " + model("two_dims.onnx") + " --lib " + lib +
               " --sweep batch=2 --sweep seq=3 --json " + json);
  std::ifstream in(json);
  expect_first_diverging(r, nlohmann::json::parse(in), "gemm");
  EXPECT_NE(r.output.find("onnx node '/lin/Gemm' (Gemm"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("ONNX tensor '/lin/Gemm_output_0'"), std::string::npos) << r.output;
}

#endif  // WEFT_CHECK_ORT_LIB_DEFAULT

// Without its library, --mark-all against ONNX Runtime cannot run.
TEST_F(Cli, CheckMarkAllCannotRunOnnxRuntimeWithoutItsLibrary) {
  const std::string missing = (dir_ / "libonnxruntime.so.1").string();
  const testing::CommandResult r = run_weft("check -q --mark-all --oracle onnxruntime --ort-lib " + missing + " " + model("two_dims.onnx") +
                                            " --sweep batch=2 --sweep seq=3");
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
