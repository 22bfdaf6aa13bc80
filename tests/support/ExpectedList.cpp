// ExpectedList.cpp - shrink-only expected-failure lists (see ExpectedList.h).
#include "tests/support/ExpectedList.h"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace weft::testing {

std::string one_line(const std::string& s, size_t max) {
  std::string line = s.substr(0, s.find('\n'));
  return line.size() > max ? line.substr(0, max - 3) + "..." : line;
}

ExpectedList::ExpectedList(const std::string& path) {
  if (path.empty()) return;
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read the expected-failure list " + path);
  std::string line;
  while (std::getline(in, line)) {
    size_t start = line.find_first_not_of(" \t");
    if (start == std::string::npos || line[start] == '#') continue;
    size_t end = line.find_first_of(" \t", start);
    std::string name = line.substr(start, end == std::string::npos ? std::string::npos : end - start);
    size_t why = end == std::string::npos ? std::string::npos : line.find_first_not_of(" \t", end);
    entries_[name] = why == std::string::npos ? "" : line.substr(why);
  }
}

void ExpectedList::record(const std::string& name, bool attempted, bool passed, const std::string& reason) {
  seen_.insert(name);
  const bool is_listed = listed(name);
  if (!attempted) {
    if (is_listed) problems_.push_back(name + " is listed but not run here (" + reason + "): remove it from the list");
    return;
  }
  if (passed) {
    if (is_listed) problems_.push_back(name + " now passes: remove it from the list");
    return;
  }
  failing_[name] = reason;
  if (!is_listed) problems_.push_back(name + " fails and is not in the expected-failure list: " + one_line(reason));
}

std::vector<std::string> ExpectedList::problems(bool all_cases_seen) const {
  std::vector<std::string> out = problems_;
  if (all_cases_seen)
    for (const auto& [name, why] : entries_)
      if (!seen_.count(name)) out.push_back(name + " is listed but no such case exists");
  return out;
}

void ExpectedList::write(const std::string& path, const std::string& header) const {
  std::vector<std::pair<std::string, std::string>> rows;  // (reason, name)
  for (const auto& [name, why] : failing_) rows.emplace_back(one_line(why), name);
  std::sort(rows.begin(), rows.end());
  std::ofstream out(path);
  if (!out) throw std::runtime_error("cannot write " + path);
  std::istringstream h(header);
  for (std::string line; std::getline(h, line);) out << "# " << line << "\n";
  std::string last;
  for (const auto& [why, name] : rows) {
    if (why != last) out << "\n";
    last = why;
    out << name << "  " << why << "\n";
  }
}

}  // namespace weft::testing
