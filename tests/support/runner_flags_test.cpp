// runner_flags_test.cpp - RunnerFlags reads argv as the suite runners always have: values, switches, refusals.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/support/RunnerFlags.h"

namespace weft::testing {
namespace {

struct Parsed {
  std::string dir = "default", filter;
  size_t batch = 40;
  int jobs = 2;
  double atol = 1e-7;
  bool compiled = false;
};

// Parses `args` (argv[0] added) with the flags of a runner that takes a bit of everything.
bool parse(std::vector<std::string> args, Parsed* p) {
  args.insert(args.begin(), "runner");
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  return RunnerFlags()
      .text("--cases", &p->dir).text("--filter", &p->filter).count("--batch-size", &p->batch).count("--jobs", &p->jobs)
      .number("--atol", &p->atol).on("--compiled", [p] { p->compiled = true; })
      .parse(int(argv.size()), argv.data());
}

TEST(RunnerFlags, StoresEachValueWhereItsFlagSays) {
  Parsed p;
  ASSERT_TRUE(parse({"--jobs", "4", "--compiled", "--cases", "d", "--batch-size", "7", "--atol", "1e-5", "--filter", "add"}, &p));
  EXPECT_EQ(p.dir, "d");
  EXPECT_EQ(p.filter, "add");
  EXPECT_EQ(p.batch, 7u);
  EXPECT_EQ(p.jobs, 4);
  EXPECT_EQ(p.atol, 1e-5);
  EXPECT_TRUE(p.compiled);
}

TEST(RunnerFlags, NoFlagsKeepTheDefaults) {
  Parsed p;
  ASSERT_TRUE(parse({}, &p));
  EXPECT_EQ(p.dir, "default");
  EXPECT_EQ(p.jobs, 2);
  EXPECT_FALSE(p.compiled);
}

TEST(RunnerFlags, LastValueWins) {
  Parsed p;
  ASSERT_TRUE(parse({"--cases", "a", "--cases", "b"}, &p));
  EXPECT_EQ(p.dir, "b");
}

// A flag's value is the next word even when it looks like a flag (as the runners always read it).
TEST(RunnerFlags, ValueIsTheNextWord) {
  Parsed p;
  ASSERT_TRUE(parse({"--filter", "--compiled"}, &p));
  EXPECT_EQ(p.filter, "--compiled");
  EXPECT_FALSE(p.compiled);
}

TEST(RunnerFlags, RefusesWhatTheUsageLineDoesNotAllow) {
  Parsed p;
  EXPECT_FALSE(parse({"--unknown", "x"}, &p));
  EXPECT_FALSE(parse({"--cases"}, &p));  // value missing
  EXPECT_FALSE(parse({"--jobs", "many"}, &p));
  EXPECT_FALSE(parse({"--batch-size", "99999999999999999999999"}, &p));
  EXPECT_FALSE(parse({"--atol", "small"}, &p));
  EXPECT_FALSE(parse({"stray"}, &p));
}

}  // namespace
}  // namespace weft::testing
