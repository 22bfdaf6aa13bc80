// CheckCommand.h - `weft check MODEL [--lib LIB.so]`: a compiled library against the model's own framework, with an exit status CI can use.
#pragma once

#include <CLI/CLI.hpp>

namespace weft::cli {

// Adds the `check` subcommand to `app`; run_check() does the work once it is parsed and
// returns the exit status: 0 every output of every trial within tolerance, 1 a divergence,
// 2 the check could not run (it prints why; nothing is thrown).
CLI::App* add_check_command(CLI::App& app);
int run_check();

}  // namespace weft::cli
