// ToolingTest.h - what the tooling tests share: a scratch directory, the weft command, a library's C API.
#pragma once

#include <dlfcn.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "tests/support/TestSupport.h"
#include "weft/weft.h"

namespace weft::testing {

inline CommandResult weft(const std::string& args) { return run_command(std::string(WEFT_BINARY) + " " + args); }

inline const std::string kExamples = std::string(WEFT_REPO_DIR) + "/models/examples/";

// A test with a fresh scratch directory, removed afterwards.
class ScratchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = std::filesystem::temp_directory_path() /
           ("weft_tooling_" + std::string(info->name()) + "_" + std::to_string(getpid()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string path(const std::string& p) const { return (dir_ / p).string(); }
  std::filesystem::path dir_;
};

// A library opened with dlopen (each path is its own load) and its API table.
struct OpenLibrary {
  void* handle = nullptr;
  const weft_api* api = nullptr;
  explicit OpenLibrary(const std::string& file) {
    handle = dlopen(file.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle) return;
    auto get = reinterpret_cast<const weft_api* (*)()>(dlsym(handle, "weft_model_api"));
    if (get) api = get();
  }
  ~OpenLibrary() {
    if (handle) dlclose(handle);
  }
  OpenLibrary(const OpenLibrary&) = delete;
  OpenLibrary& operator=(const OpenLibrary&) = delete;
};

}  // namespace weft::testing
