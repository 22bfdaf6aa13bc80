// CliFixture.h - what the `weft` command suites share: running the built weft, and a fresh directory per test.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

#include "ir/NpyIO.h"
#include "tests/support/TestSupport.h"

namespace weft {

// `weft ARGS` as a user runs it (the binary this build made), output and status.
inline testing::CommandResult run_weft(const std::string& args) { return testing::run_command(std::string(WEFT_BINARY) + " " + args); }

// Each test gets its own empty directory (by process, suite and test, so suites running in
// parallel do not meet), removed after it.
class Cli : public ::testing::Test {
 protected:
  void SetUp() override {
    const ::testing::TestInfo* test = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = std::filesystem::temp_directory_path() /
           ("weft_cli_" + std::to_string(::getpid()) + "_" + test->test_suite_name() + "_" + test->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  // Writes `text` to DIR/name and returns its path.
  std::string write(const std::string& name, const std::string& text) {
    std::string path = (dir_ / name).string();
    std::ofstream(path) << text;
    return path;
  }
  // Writes `t` to DIR/name as .npy and returns its path.
  std::string npy(const std::string& name, const Tensor& t) {
    std::string path = (dir_ / name).string();
    write_npy(path, t);
    return path;
  }
  std::filesystem::path dir_;
};

}  // namespace weft
