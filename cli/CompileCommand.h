// CompileCommand.h - `weft compile` (model to lib<name>.so) and `weft run` on such a library.
#pragma once

#include <CLI/CLI.hpp>
#include <chrono>
#include <ostream>
#include <string>
#include <vector>

#include "cli/PassFlags.h"
#include "cli/ValueIO.h"
#include "opt/SpecializeInputs.h"

namespace weft::cli {

// Adds the `compile` subcommand to `app`; run_compile() does the work once it is parsed.
CLI::App* add_compile_command(CLI::App& app);
int run_compile();

// What `weft compile` builds once the model is imported, with its defaults; `weft check`
// builds its library with the same.
struct LibraryBuild {
  std::string name;    // NAME_api
  std::string output;  // lib<name>.so
  std::string cpu = "native";
  PipelineFlags passes;             // -O
  std::vector<InputShape> shapes;   // --input-shape, for the passes
  int cxx_opt = 3;
  int jobs = 0;  // C++ translation units compiled at a time; 0: the machine's cores
  bool cache = true;
  bool header_only = false;
  std::string weights_file;  // empty: embedded
  std::string emit_source;   // empty: not written
  bool verbose = false;
};
// The -O pipeline, C++ emission and the C++ compile of `m` into b.output, each stage and its
// time logged to `log`; the last line's total counts from `start`. Throws CompileError.
void compile_module(Module m, const LibraryBuild& b, std::ostream& log,
                    std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now());

// True for a compiled library (FILE.so): `weft run` loads it instead of interpreting.
bool is_compiled_library(const std::string& file);
// Runs a library built by `weft compile` through its C API, with the inputs and outputs
// of `weft run` on the model (NumPy files in, DIR/i.npy out).
int run_library(const std::string& file, const std::vector<NamedInput>& inputs, const std::string& out_dir);

}  // namespace weft::cli
