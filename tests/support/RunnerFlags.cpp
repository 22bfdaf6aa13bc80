// RunnerFlags.cpp - reads a suite runner's argv into the places its flags name (see RunnerFlags.h).
#include "tests/support/RunnerFlags.h"

#include <iostream>
#include <stdexcept>

namespace weft::testing {

RunnerFlags& RunnerFlags::text(const std::string& flag, std::string* into) {
  flags_[flag] = {true, [into](const std::string& v) { *into = v; }};
  return *this;
}

RunnerFlags& RunnerFlags::count(const std::string& flag, size_t* into) {
  flags_[flag] = {true, [into](const std::string& v) { *into = std::stoul(v); }};
  return *this;
}

RunnerFlags& RunnerFlags::count(const std::string& flag, int* into) {
  flags_[flag] = {true, [into](const std::string& v) { *into = std::stoi(v); }};
  return *this;
}

RunnerFlags& RunnerFlags::number(const std::string& flag, double* into) {
  flags_[flag] = {true, [into](const std::string& v) { *into = std::stod(v); }};
  return *this;
}

RunnerFlags& RunnerFlags::on(const std::string& flag, std::function<void()> act) {
  flags_[flag] = {false, [act = std::move(act)](const std::string&) { act(); }};
  return *this;
}

bool RunnerFlags::parse(int argc, char** argv) const {
  for (int i = 1; i < argc; ++i) {
    auto it = flags_.find(argv[i]);
    if (it == flags_.end()) return false;
    if (!it->second.takes_value) {
      it->second.set("");
      continue;
    }
    if (i + 1 >= argc) return false;
    try {
      it->second.set(argv[++i]);
    } catch (const std::exception&) {  // std::stoi and friends: not a number, or out of range
      return false;
    }
  }
  return true;
}

int usage_error(const char* argv0, const std::string& synopsis) {
  std::cerr << "usage: " << argv0 << " " << synopsis << "\n";
  return 2;
}

}  // namespace weft::testing
