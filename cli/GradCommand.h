// GradCommand.h - `weft grad MODEL -o OUT.weft|OUT.so`: the model's gradient program, as IR text or compiled.
#pragma once

#include <CLI/CLI.hpp>

namespace weft::cli {

// Adds the `grad` subcommand to `app`; run_grad() does the work once it is parsed.
CLI::App* add_grad_command(CLI::App& app);
int run_grad();

}  // namespace weft::cli
