// CompileCommand.h - `weft compile` (model to lib<name>.so) and `weft run` on such a library.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "cli/ValueIO.h"

namespace weft::cli {

// Adds the `compile` subcommand to `app`; run_compile() does the work once it is parsed.
CLI::App* add_compile_command(CLI::App& app);
int run_compile();

// True for a compiled library (FILE.so): `weft run` loads it instead of interpreting.
bool is_compiled_library(const std::string& file);
// Runs a library built by `weft compile` through its C API, with the inputs and outputs
// of `weft run` on the model (NumPy files in, DIR/i.npy out).
int run_library(const std::string& file, const std::vector<NamedInput>& inputs, const std::string& out_dir);

}  // namespace weft::cli
