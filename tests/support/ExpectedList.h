// ExpectedList.h - shrink-only lists of test cases not yet expected to pass: read, checked against outcomes, written.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

namespace weft::testing {

// A committed list of `name  reason` lines (blank lines and lines starting with # are
// ignored). A listed case that passes, or an unlisted one that does not, is a problem:
// the list only shrinks, and each entry says why the case cannot pass yet.
class ExpectedList {
 public:
  ExpectedList() = default;
  // Throws std::runtime_error when `path` cannot be read; an empty path is an empty list.
  explicit ExpectedList(const std::string& path);

  bool listed(const std::string& name) const { return entries_.count(name) != 0; }
  const std::map<std::string, std::string>& entries() const { return entries_; }
  // Listed as failing when run, not as unsupported by the code generator: such a case is
  // worth building alone (CompiledCase::isolate) rather than inside a batch.
  bool listed_as_failing(const std::string& name) const {
    auto it = entries_.find(name);
    return it != entries_.end() && it->second.rfind("unsupported:", 0) != 0;
  }

  // Records one case's outcome: `passed`, or not with `reason`. `attempted` false means
  // the case was not run in this column (e.g. it fails earlier, in the interpreter);
  // listing it is then a problem too, since it cannot pass here until it runs.
  void record(const std::string& name, bool attempted, bool passed, const std::string& reason = "");

  // What disagrees with the list, one line per case; `all_cases_seen` adds the listed
  // cases that were never recorded (leave it false when a filter ran only some cases).
  std::vector<std::string> problems(bool all_cases_seen) const;

  // Writes the list as it should be from what was recorded: every attempted case that did
  // not pass, grouped by reason (sorted by reason, then name), under `header` (lines
  // written as # comments).
  void write(const std::string& path, const std::string& header) const;

 private:
  std::map<std::string, std::string> entries_;
  std::vector<std::string> problems_;
  std::set<std::string> seen_;
  std::map<std::string, std::string> failing_;  // attempted and not passing: name -> reason
};

// The first line of `s`, at most `max` characters: one line per case in reports.
std::string one_line(const std::string& s, size_t max = 300);

}  // namespace weft::testing
