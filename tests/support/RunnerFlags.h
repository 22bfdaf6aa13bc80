// RunnerFlags.h - the command-line flags of the suite runners (op_cases_compiled, torchscript_compiled, onnx_conformance).
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <string>

namespace weft::testing {

// Each runner names the flags it takes and where each value goes; parse() then reads argv
// the same way for all of them. A flag given twice keeps the last value.
class RunnerFlags {
 public:
  // `flag VALUE`, stored as given.
  RunnerFlags& text(const std::string& flag, std::string* into);
  // `flag N` (std::stoul) or `flag N` (std::stoi): counts such as --batch-size and --jobs.
  RunnerFlags& count(const std::string& flag, size_t* into);
  RunnerFlags& count(const std::string& flag, int* into);
  // `flag X` (std::stod): tolerances.
  RunnerFlags& number(const std::string& flag, double* into);
  // `flag` alone: runs `act`.
  RunnerFlags& on(const std::string& flag, std::function<void()> act);

  // False on an unknown flag, a flag without its value or a value that is not a number
  // where one is wanted; the caller prints its usage line.
  bool parse(int argc, char** argv) const;

 private:
  struct Flag {
    bool takes_value = true;
    std::function<void(const std::string&)> set;
  };
  std::map<std::string, Flag> flags_;
};

// Prints `usage: ARGV0 SYNOPSIS` on stderr and returns 2, the runners' exit status for bad flags.
int usage_error(const char* argv0, const std::string& synopsis);

}  // namespace weft::testing
