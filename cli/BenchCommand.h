// BenchCommand.h - `weft bench MODEL|LIB.so`: how long one run of a compiled model takes, and the memory it holds.
#pragma once

#include <CLI/CLI.hpp>

namespace weft::cli {

// Adds the `bench` subcommand to `app`; run_bench() does the work once it is parsed and
// returns the exit status (0; errors are thrown as CompileError / RuntimeError).
CLI::App* add_bench_command(CLI::App& app);
int run_bench();

}  // namespace weft::cli
