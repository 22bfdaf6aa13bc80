// main.cpp - the `weft` command line: subcommands, and the one place errors become exit codes.
#include <CLI/CLI.hpp>
#include <iostream>

#include "cli/CompileCommand.h"
#include "cli/ModelLoader.h"
#include "cli/PassFlags.h"
#include "cli/ValueIO.h"
#include "ir/Interpreter.h"
#include "ir/Printer.h"

namespace weft::cli {
namespace {

int inspect(const std::string& file, const InspectPassFlags& pass_flags) {
  if (pass_flags.list) {
    std::cout << pass_list_text();
    if (file.empty()) return 0;
  }
  if (file.empty()) throw CompileError("weft inspect: give a model FILE");
  Module m = apply_inspect_pass_flags(load_model(file), pass_flags);
  PrintOptions options;
  options.show_types = true;
  std::cout << print_module(m, options);
  return 0;
}

int run(const std::string& file, const std::vector<std::string>& input_args, const std::string& out_dir) {
  std::vector<NamedInput> inputs;
  for (auto& arg : input_args) {
    size_t eq = arg.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == arg.size())
      throw CompileError(Msg() << "--input '" << arg << "' must have the form NAME=PATH");
    inputs.push_back({arg.substr(0, eq), arg.substr(eq + 1)});
  }
  if (is_compiled_library(file)) return run_library(file, inputs, out_dir);
  Module m = load_model(file);
  std::vector<Value> args = read_inputs(m, inputs);
  Value result = run_main(m, args);
  write_outputs(result, out_dir, std::cout);
  return 0;
}

}  // namespace
}  // namespace weft::cli

int main(int argc, char** argv) {
  CLI::App app{"weft - a compiler for dynamic neural networks"};
  app.set_version_flag("--version", std::string("weft ") + WEFT_VERSION);
  app.require_subcommand(1);

  std::string file, out_dir;
  std::vector<std::string> inputs;
  auto* inspect = app.add_subcommand("inspect", "Parse, type-check and print a model with its types");
  inspect->add_option("FILE", file, "model file (.weft, .onnx or .pt)");
  weft::cli::InspectPassFlags inspect_passes;
  weft::cli::add_inspect_pass_flags(inspect, inspect_passes);
  auto* run = app.add_subcommand("run", "Run a model's @main in the reference interpreter, or a library from `weft compile`");
  run->add_option("FILE", file, "model file (.weft) or compiled library (.so)")->required();
  run->add_option("--input", inputs, "NAME=PATH.npy (or .npz for a list), one per @main parameter");
  run->add_option("--out", out_dir, "directory for outputs: DIR/0.npy, DIR/1.npy, ...");
  auto* compile = weft::cli::add_compile_command(app);

  CLI11_PARSE(app, argc, argv);
  try {
    if (inspect->parsed()) return weft::cli::inspect(file, inspect_passes);
    if (run->parsed()) return weft::cli::run(file, inputs, out_dir);
    if (compile->parsed()) return weft::cli::run_compile();
  } catch (const weft::CompileError& e) {
    std::cerr << e.diagnostic().str() << "\n";
    return 1;
  } catch (const weft::RuntimeError& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  } catch (const weft::InternalError& e) {
    std::cerr << e.what() << "\n(this is a bug in weft; please report it with the model)\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 2;
  }
  return 0;
}
