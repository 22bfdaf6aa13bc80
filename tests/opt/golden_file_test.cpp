// golden_file_test.cpp - the golden file reader: cases, directives, line-preserving sections, and malformed files.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <unistd.h>

#include "GoldenFile.h"

namespace weft::testing {
namespace {

namespace fs = std::filesystem;

// Writes `text` to a scratch file and reads it back as golden cases.
std::vector<GoldenCase> read_text(const std::string& text) {
  const fs::path file = fs::temp_directory_path() / ("weft_golden_" + std::to_string(::getpid()) + ".weft");
  std::ofstream(file) << text;
  std::vector<GoldenCase> cases;
  try {
    cases = read_golden_file(file.string());
  } catch (...) {
    fs::remove(file);
    throw;
  }
  fs::remove(file);
  return cases;
}

std::string error_of(const std::string& text) {
  try {
    read_text(text);
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "";
}

TEST(GoldenFile, CasesTakeTheHeaderDirectivesUnlessTheyGiveTheirOwn) {
  std::vector<GoldenCase> cases = read_text(
      "// passes: a, b\n"
      "// input-shape: x=1\n"
      "// ---- case: first\n"
      "def @main() -> i64[] { 1i64 }\n"
      "// ---- expect\n"
      "def @main() -> i64[] { 2i64 }\n"
      "// ---- case: second\n"
      "// passes: c\n"
      "// input-shape: y=2,3\n"
      "// expect-error: boom\n"
      "// rtol: 1e-6\n"
      "def @main() -> i64[] { 1i64 }\n");
  ASSERT_EQ(cases.size(), 2u);
  EXPECT_EQ(cases[0].name, "first");
  EXPECT_EQ(cases[0].line, 3);
  EXPECT_EQ(cases[0].passes, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(cases[0].input_shapes, (std::vector<std::string>{"x=1"}));
  // Sections keep their file lines: the input starts on line 4, the expected module on line 6.
  EXPECT_EQ(cases[0].input, "\n\n\ndef @main() -> i64[] { 1i64 }\n");
  EXPECT_EQ(cases[0].expected, std::string(5, '\n') + "def @main() -> i64[] { 2i64 }\n");
  EXPECT_EQ(cases[0].expect_error, "");
  EXPECT_EQ(cases[1].passes, (std::vector<std::string>{"c"}));
  EXPECT_EQ(cases[1].input_shapes, (std::vector<std::string>{"y=2,3"}));
  EXPECT_EQ(cases[1].expect_error, "boom");
  EXPECT_EQ(cases[1].expected, "");
  EXPECT_DOUBLE_EQ(cases[1].rtol, 1e-6);
}

TEST(GoldenFile, MalformedFilesNameTheLine) {
  EXPECT_NE(error_of("// ---- case: c\ndef @main() -> i64[] { 1i64 }\n// ---- expect\n").find(":1: case 'c' has no passes"), std::string::npos);
  EXPECT_NE(error_of("// passes: a\n// ---- case: c\ndef @main() -> i64[] { 1i64 }\n").find(":2: case 'c' has neither"), std::string::npos);
  EXPECT_NE(error_of("// passes: a\n// ---- case: c\n// expect-error: x\n// ---- expect\n").find(":4: case 'c' has both"), std::string::npos);
  EXPECT_NE(error_of("// passes: a\n// ---- case: c\n// ---- expected\n").find(":3: unknown marker"), std::string::npos);
  EXPECT_NE(error_of("// passes: a\n").find("no cases"), std::string::npos);
}

}  // namespace
}  // namespace weft::testing
