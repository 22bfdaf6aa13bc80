// type_errors_test.cpp - runs tests/ir/type_errors/*.weft: each must fail type checking where its
// `// expected-error: <substring>` comment says, with a message containing the substring.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "ir/Parser.h"
#include "ir/TypeInference.h"
#include "tests/support/TestSupport.h"

namespace weft {
namespace {

namespace fs = std::filesystem;

const char kMarker[] = "// expected-error: ";

std::vector<std::string> error_cases() {
  std::vector<std::string> out;
  fs::path dir = fs::path(WEFT_TEST_DATA_DIR) / "ir" / "type_errors";
  if (fs::exists(dir))
    for (auto& entry : fs::directory_iterator(dir))
      if (entry.path().extension() == ".weft") out.push_back(entry.path().string());
  std::sort(out.begin(), out.end());
  return out;
}

class TypeErrorCase : public ::testing::TestWithParam<std::string> {};

TEST_P(TypeErrorCase, ReportsTheExpectedError) {
  const std::string& path = GetParam();
  std::string text = testing::read_text_file(path);
  ASSERT_FALSE(::testing::Test::HasFailure()) << "cannot read " << path;

  int expected_line = 0, line_no = 0;
  std::string expected;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    ++line_no;
    auto pos = line.find(kMarker);
    if (pos == std::string::npos) continue;
    ASSERT_EQ(expected_line, 0) << path << ": one expected-error per file";
    expected_line = line_no;
    expected = line.substr(pos + sizeof(kMarker) - 1);
    while (!expected.empty() && std::isspace(static_cast<unsigned char>(expected.back()))) expected.pop_back();
  }
  ASSERT_NE(expected_line, 0) << path << " has no `" << kMarker << "` comment";

  Module m;
  try {
    m = parse_module(text, path);
  } catch (const CompileError& e) {
    FAIL() << "parse error instead of a type error: " << e.what();
  }
  try {
    infer_types(m);
  } catch (const CompileError& e) {
    const Diagnostic& d = e.diagnostic();
    EXPECT_NE(d.message.find(expected), std::string::npos) << "message: " << d.message << "\nexpected: " << expected;
    EXPECT_EQ(d.span.line, expected_line) << e.what();
    EXPECT_EQ(d.span.source, path);
    return;
  }
  FAIL() << path << " type-checked; expected: " << expected;
}

std::string case_name(const ::testing::TestParamInfo<std::string>& info) {
  std::string name = fs::path(info.param).stem().string();
  for (char& c : name)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  return name;
}

INSTANTIATE_TEST_SUITE_P(Weft, TypeErrorCase, ::testing::ValuesIn(error_cases()), case_name);

TEST(TypeErrorCases, DirectoryIsNotEmpty) { EXPECT_GE(error_cases().size(), 10u); }

}  // namespace
}  // namespace weft
