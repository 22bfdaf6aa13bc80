// expected_list_test.cpp - the shrink-only rule of ExpectedList: every disagreement with the list is a problem.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "tests/support/ExpectedList.h"
#include "tests/support/TestSupport.h"

namespace weft::testing {
namespace {

std::string temp_file(const std::string& name, const std::string& text) {
  std::string path = (std::filesystem::temp_directory_path() / name).string();
  std::ofstream(path) << text;
  return path;
}

TEST(ExpectedList, OnlyShrinks) {
  ExpectedList list(temp_file("weft_expected_list_test.txt",
                              "# comment\n\nfixed  was broken\nbroken  unsupported: no emitter\nskipped  run fails\ngone  old\n"));
  EXPECT_TRUE(list.listed("broken"));
  EXPECT_FALSE(list.listed_as_failing("broken"));
  EXPECT_TRUE(list.listed_as_failing("fixed"));
  list.record("fixed", true, true);
  list.record("broken", true, false, "unsupported: no emitter");
  list.record("skipped", false, false, "interpreter: fail");
  list.record("new_failure", true, false, "run: boom");
  list.record("fine", true, true);
  std::vector<std::string> p = list.problems(true);
  ASSERT_EQ(p.size(), 4u) << ::testing::PrintToString(p);
  EXPECT_NE(p[0].find("fixed now passes"), std::string::npos) << p[0];
  EXPECT_NE(p[1].find("skipped is listed but not run"), std::string::npos) << p[1];
  EXPECT_NE(p[2].find("new_failure fails and is not in"), std::string::npos) << p[2];
  EXPECT_NE(p[3].find("gone is listed but no such case"), std::string::npos) << p[3];
  EXPECT_EQ(list.problems(false).size(), 3u);  // a filtered run does not see every case

  // The written list holds the failing cases, grouped by reason, and reads back the same.
  std::string out = (std::filesystem::temp_directory_path() / "weft_expected_list_out.txt").string();
  list.write(out, "header");
  ExpectedList again(out);
  EXPECT_EQ(again.entries(), (std::map<std::string, std::string>{{"broken", "unsupported: no emitter"}, {"new_failure", "run: boom"}}));
  EXPECT_EQ(read_text_file(out).rfind("# header\n", 0), 0u);
}

}  // namespace
}  // namespace weft::testing
