// GradCommand.cpp - `weft grad`: import, differentiate (opt/Gradient.h), clean up, then write IR text or a library.
#include "cli/GradCommand.h"

#include <filesystem>
#include <fstream>
#include <iostream>

#include "cli/CompileCommand.h"
#include "cli/InputTypeFlags.h"
#include "cli/ModelLoader.h"
#include "codegen/cpu/Toolchain.h"
#include "ir/Printer.h"
#include "opt/Gradient.h"
#include "opt/Pass.h"

namespace weft::cli {
namespace {

struct GradOptions {
  std::string model, output;
  std::vector<std::string> wrt;
  InputTypeFlags inputs;
  PipelineFlags passes;  // for a compiled OUT.so, as `weft compile`
  bool quiet = false;
};
GradOptions options;

bool ends_with(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

std::string library_name(const std::string& output) {
  std::string stem = std::filesystem::path(output).stem().string();
  if (stem.rfind("lib", 0) == 0 && stem.size() > 3) stem = stem.substr(3);
  for (char& c : stem)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') c = '_';
  return stem;
}

}  // namespace

CLI::App* add_grad_command(CLI::App& app) {
  auto* c = app.add_subcommand("grad", "Differentiate a model: write its gradient program (.weft) or compile it (.so)");
  c->add_option("MODEL", options.model, "model file (.weft, .onnx or .pt)")->required();
  c->add_option("-o,--output", options.output, "OUT.weft (the gradient program as IR text) or OUT.so (compiled, as weft compile)")
      ->required();
  c->add_option("--wrt", options.wrt, "inputs or parameters (ONNX initializer names, TorchScript named_parameters() paths) to differentiate with respect to, NAME[,NAME...] (default: every floating-point input)")
      ->delimiter(',');
  add_input_type_flags(*c, options.inputs);
  add_pipeline_flags(c, options.passes);
  c->add_flag("-q,--quiet", options.quiet, "print nothing but errors");
  return c;
}

int run_grad() {
  const bool text = ends_with(options.output, ".weft");
  if (!text && !ends_with(options.output, ".so"))
    throw CompileError(Msg() << "weft grad: the output must end in .weft or .so, found " << options.output);
  const InputTypes inputs = parse_input_type_flags(options.inputs);
  Module m = load_model(options.model, inputs);
  // --wrt names that are not inputs name weights: import again with them as inputs, so that
  // nothing folds them at import time; the gradient program binds them back to constants.
  ParametersAsInputs weights;
  std::string input_names;
  for (const Var& p : m.main()->params) input_names += (input_names.empty() ? "" : ", ") + p->name_hint;
  for (const std::string& name : options.wrt) {
    bool is_input = false;
    for (const Var& p : m.main()->params) is_input = is_input || p->name_hint == name;
    if (!is_input) weights.names.push_back(name);
  }
  if (!weights.names.empty() && !ends_with(options.model, ".weft")) {
    try {
      m = load_model(options.model, inputs, {}, &weights);
    } catch (const CompileError& e) {
      throw CompileError(e.diagnostic().span, "--wrt: " + e.diagnostic().message + "; its inputs: " + input_names);
    }
  }
  m = specialize_inputs(m, inputs.shapes);
  GradientOptions grad;
  grad.wrt = options.wrt;
  grad.parameters = weights.values;
  Module g = run_passes(Gradient(m, grad), gradient_cleanup_passes(), PassContext{});
  if (text) {
    std::ofstream out(options.output);
    if (!out) throw CompileError(Msg() << "weft grad: cannot write " << options.output);
    out << print_module(g);
    if (!options.quiet) std::cerr << "wrote " << options.output << "\n";
    return 0;
  }
  LibraryBuild b;
  b.name = library_name(options.output);
  codegen::check_library_name(b.name);
  b.output = options.output;
  b.passes = options.passes;
  b.shapes = inputs.shapes;
  static std::ostream null(nullptr);
  compile_module(std::move(g), b, options.quiet ? null : std::cerr);
  return 0;
}

}  // namespace weft::cli
