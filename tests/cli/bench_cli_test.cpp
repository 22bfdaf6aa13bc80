// bench_cli_test.cpp - `weft bench` on the bundled example: a model compiled first, a library from `weft compile`, generated and given inputs, the JSON report, bad flags.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "tests/cli/CliFixture.h"

namespace weft {
namespace {

const std::string kRepo = WEFT_REPO_DIR;
const std::string kExample = kRepo + "/models/examples/recurrent.weft";

class Bench : public Cli {
 protected:
  nlohmann::json read_json(const std::string& path) {
    std::ifstream in(path);
    EXPECT_TRUE(in.good()) << "no report at " << path;
    return nlohmann::json::parse(in);  // throws, failing the test, if the report is not JSON
  }
  // The figures every report must hold, consistent with one another.
  void expect_consistent(const nlohmann::json& j, int iters) {
    ASSERT_EQ(j.at("runs_ms").size(), size_t(iters));
    const double min = j.at("min_ms"), p10 = j.at("p10_ms"), median = j.at("median_ms"), p90 = j.at("p90_ms");
    EXPECT_GT(min, 0.0);
    EXPECT_LE(min, p10);
    EXPECT_LE(p10, median);
    EXPECT_LE(median, p90);
    EXPECT_EQ(min, j.at("runs_ms").front().get<double>());
    EXPECT_GT(j.at("cold_ms").get<double>(), 0.0);
    EXPECT_GE(j.at("peak_rss_bytes").get<uint64_t>(), j.at("rss_before_create_bytes").get<uint64_t>());
    EXPECT_GT(j.at("memory_stats").at("planned").get<uint64_t>() + j.at("memory_stats").at("pooled").get<uint64_t>() +
                  j.at("memory_stats").at("fresh").get<uint64_t>(),
              0u);
  }
};

TEST_F(Bench, CompilesAModelAndTimesItOnGeneratedInputs) {
  const std::string json = (dir_ / "bench.json").string();
  const testing::CommandResult r = run_weft("bench -q " + kExample + " --size batch=3 --iters 7 --warmup 1 --threads 2 --json " + json);
  ASSERT_EQ(r.status, 0) << r.output;
  for (const char* line : {"compiled by weft (-O2), 2 threads, 7 runs after 1 warm-up", "first run (cold)", "median", "p10 / p90",
                           "peak memory", "last run's buffers"})
    EXPECT_NE(r.output.find(line), std::string::npos) << line << " missing from:\n" << r.output;
  const nlohmann::json j = read_json(json);
  EXPECT_EQ(j.at("threads"), 2);
  EXPECT_EQ(j.at("warmup"), 1);
  expect_consistent(j, 7);
}

TEST_F(Bench, TimesALibraryOnGivenInputs) {
  const std::string lib = (dir_ / "librecurrent.so").string();
  ASSERT_EQ(run_weft("compile -q " + kExample + " -o " + lib).status, 0);
  const std::string json = (dir_ / "bench.json").string();
  const testing::CommandResult r = run_weft("bench -q " + lib + " --iters 4 --input x=" + kRepo + "/models/examples/x.npy --input steps=" +
                                            kRepo + "/models/examples/steps.npy --json " + json);
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("weft bench: " + lib + ", 1 thread, 4 runs"), std::string::npos) << r.output;
  expect_consistent(read_json(json), 4);
}

TEST_F(Bench, SaysWhichFlagSizesASymbolicDim) {
  const std::string lib = (dir_ / "librecurrent.so").string();
  ASSERT_EQ(run_weft("compile -q " + kExample + " -o " + lib).status, 0);
  const testing::CommandResult r = run_weft("bench -q " + lib);
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.output.find("input 'x' dim 0 is the symbol 'batch': give its size with --size batch=N"), std::string::npos) << r.output;
}

TEST_F(Bench, RejectsBadFlags) {
  for (const std::string& args : {std::string("--iters 0"), std::string("--warmup -1"), std::string("--threads -2")}) {
    const testing::CommandResult r = run_weft("bench -q " + kExample + " --size batch=1 " + args);
    EXPECT_NE(r.status, 0) << args;
    EXPECT_NE(r.output.find("error: --"), std::string::npos) << args << ": " << r.output;
  }
  const testing::CommandResult missing = run_weft("bench -q " + (dir_ / "absent.so").string());
  EXPECT_NE(missing.status, 0);
  EXPECT_NE(missing.output.find("no such file"), std::string::npos) << missing.output;
}

}  // namespace
}  // namespace weft
