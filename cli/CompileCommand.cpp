// CompileCommand.cpp - `weft compile MODEL -o libNAME.so`: load, emit C++, build; each stage timed.
#include "cli/CompileCommand.h"

#include <cctype>
#include <chrono>
#include <filesystem>
#include <iomanip>
#include <iostream>

#include "cli/ModelLoader.h"
#include "codegen/EmitCpu.h"
#include "codegen/Toolchain.h"

namespace weft::cli {

namespace {

struct CompileOptions {
  std::string model, output, name, emit_source;
};
CompileOptions options;

// lib<name>.so -> name, the default library name.
std::string name_from_output(const std::string& output) {
  std::string stem = std::filesystem::path(output).stem().string();
  if (stem.rfind("lib", 0) == 0 && stem.size() > 3) stem = stem.substr(3);
  for (char& c : stem)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') c = '_';
  return stem;
}

// Runs one stage, printing its name and wall time.
template <typename F>
auto stage(const char* what, F&& f) {
  auto t0 = std::chrono::steady_clock::now();
  auto report = [&] {
    double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    std::cout << "  " << what << ": " << std::fixed << std::setprecision(1) << ms << " ms\n" << std::flush;
  };
  if constexpr (std::is_void_v<decltype(f())>) {
    f();
    report();
  } else {
    auto r = f();
    report();
    return r;
  }
}

}  // namespace

CLI::App* add_compile_command(CLI::App& app) {
  auto* c = app.add_subcommand("compile", "Compile a model into a shared library with the weft C API (CPU)");
  c->add_option("MODEL", options.model, "model file (.weft)")->required();
  c->add_option("-o,--output", options.output, "the library to write, e.g. libmodel.so")->required();
  c->add_option("--name", options.name, "C identifier of the model (exports NAME_api); default from the output name");
  c->add_option("--emit-source", options.emit_source, "also write the generated source, runtime headers and build.sh to DIR");
  return c;
}

int run_compile() {
  const std::string name = options.name.empty() ? name_from_output(options.output) : options.name;
  codegen::check_library_name(name);
  std::cout << "weft compile " << options.model << " -> " << options.output << " (model " << name << ")\n";
  Module m = stage("load and type-check", [&] { return load_model(options.model); });
  codegen::CpuSource src = stage("emit C++", [&] { return codegen::emit_cpu(m, name); });
  if (!options.emit_source.empty())
    stage("write source", [&] { codegen::write_source_tree(src, name, options.emit_source); });
  stage("build library (g++ -O3)", [&] { codegen::build_shared_library(src, name, options.output); });
  std::cout << "wrote " << options.output << " (" << src.source.size() << " bytes of C++, " << src.weights.size()
            << " bytes of weights)\n";
  return 0;
}

}  // namespace weft::cli
