// main.cpp - the `weft` command line: subcommands, and the one place errors become exit codes.
#include <CLI/CLI.hpp>
#include <filesystem>
#include <iostream>
#include <map>

#include "cli/BenchCommand.h"
#include "cli/CheckCommand.h"
#include "cli/CompileCommand.h"
#include "cli/GradCommand.h"
#include "cli/InputTypeFlags.h"
#include "cli/ModelLoader.h"
#include "cli/PassFlags.h"
#include "cli/ValueIO.h"
#include "ir/DotGraph.h"
#include "ir/Interpreter.h"
#include "ir/Printer.h"

namespace weft::cli {
namespace {

int inspect(const std::string& file, const InputTypeFlags& flags, const InspectPassFlags& pass_flags, bool dot) {
  if (pass_flags.list) {
    std::cout << pass_list_text();
    if (file.empty()) return 0;
  }
  if (file.empty()) throw CompileError("weft inspect: give a model FILE");
  const InputTypes types = parse_input_type_flags(flags);
  Module m = apply_inspect_pass_flags(specialize_inputs(load_model(file, types), types.shapes), pass_flags);
  if (dot) {
    std::cout << module_to_dot(m);
    return 0;
  }
  PrintOptions options;
  options.show_types = true;
  std::cout << print_module(m, options);
  return 0;
}

int run(const std::string& file, const std::vector<std::string>& input_args, const InputTypeFlags& flags, const std::string& out_dir) {
  const std::vector<NamedInput> inputs = parse_named_inputs(input_args);
  const InputTypes types = parse_input_type_flags(flags);
  if (is_compiled_library(file)) {
    if (!types.types.empty() || !types.shapes.empty())
      throw CompileError(Span{file, 0, 0}, "a compiled library's input types are fixed: --input-type and --input-shape apply to `weft compile`");
    return run_library(file, inputs, out_dir);
  }
  Module m = specialize_inputs(load_model_for_inputs(file, types, inputs), types.shapes);
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
  weft::cli::InputTypeFlags input_types;
  auto* inspect = app.add_subcommand("inspect", "Parse, type-check and print a model with its types");
  inspect->add_option("FILE", file, "model file (.weft, .onnx or .pt)");
  weft::cli::add_input_type_flags(*inspect, input_types);
  weft::cli::InspectPassFlags inspect_passes;
  weft::cli::add_inspect_pass_flags(inspect, inspect_passes);
  bool dot = false;
  inspect->add_flag("--dot", dot, "print the module as a Graphviz graph (functions as clusters, branches and loops visible) instead of text");
  auto* run = app.add_subcommand("run", "Run a model's @main in the reference interpreter, or a library from `weft compile`");
  run->add_option("FILE", file, "model file (.weft, .onnx or .pt) or compiled library (.so)")->required();
  run->add_option("--input", inputs, "NAME=PATH.npy (or .npz for a list), one per @main parameter");
  weft::cli::add_input_type_flags(*run, input_types);
  run->add_option("--out", out_dir, "directory for outputs: DIR/0.npy, DIR/1.npy, ...");
  auto* compile = weft::cli::add_compile_command(app);
  auto* check = weft::cli::add_check_command(app);
  auto* bench = weft::cli::add_bench_command(app);
  auto* grad = weft::cli::add_grad_command(app);

  CLI11_PARSE(app, argc, argv);
  try {
    if (inspect->parsed()) return weft::cli::inspect(file, input_types, inspect_passes, dot);
    if (run->parsed()) return weft::cli::run(file, inputs, input_types, out_dir);
    if (compile->parsed()) return weft::cli::run_compile();
    if (check->parsed()) return weft::cli::run_check();
    if (bench->parsed()) return weft::cli::run_bench();
    if (grad->parsed()) return weft::cli::run_grad();
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
