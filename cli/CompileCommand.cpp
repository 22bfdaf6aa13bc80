// CompileCommand.cpp - `weft compile MODEL -o libNAME.so`: import, passes, C++ emission, C++ compile; each stage timed.
#include "cli/CompileCommand.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <filesystem>
#include <iomanip>
#include <iostream>

#include "cli/InputTypeFlags.h"
#include "cli/MarkAll.h"
#include "cli/ModelLoader.h"
#include "cli/PassFlags.h"
#include "cli/ProgressLine.h"
#include "codegen/CompileCache.h"
#include "codegen/cpu/EmitCpu.h"
#include "codegen/cpu/Toolchain.h"
#include "opt/FuseOps.h"
#include "opt/Pipelines.h"

namespace weft::cli {

namespace {

struct CompileOptions {
  std::string model, output, name, emit_source;
  std::string cpu = "native";
  InputTypeFlags inputs;
  std::string weights = "embed";
  PipelineFlags passes;  // -O (the IR pass level, default 2) and --dump-ir
  int cxx_opt = 3;       // the C++ compiler's -O
  int jobs = 0;          // C++ compiles at a time; 0: the machine's cores
  bool quiet = false;
  bool verbose = false;
  bool no_cache = false;
  bool header_only = false;
  bool mark_all = false;
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

// Progress goes to stderr so that stdout stays free for whatever a build script pipes.
std::ostream& log() {
  static std::ostream null(nullptr);
  return options.quiet ? null : std::cerr;
}

// Runs one stage, printing its name and wall time.
template <typename F>
auto stage(std::ostream& log, const std::string& what, F&& f) {
  const ProgressLine progress(what, &log == &std::cerr);
  auto t0 = std::chrono::steady_clock::now();
  auto report = [&] {
    double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    log << "  " << what << ": " << std::fixed << std::setprecision(1) << ms << " ms\n" << std::flush;
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
  c->add_option("MODEL", options.model, "model file (.weft, .onnx or .pt)")->required();
  c->add_option("-o,--output", options.output, "the library to write, e.g. libmodel.so")->required();
  c->add_option("--name", options.name, "C identifier of the model (exports NAME_api); default from the output name");
  c->add_option("--cpu", options.cpu,
                "target CPU, as g++ -march: native (default: the build machine) or a level such as x86-64-v3 for a portable library")
      ->capture_default_str();
  add_input_type_flags(*c, options.inputs);
  c->add_option("--weights", options.weights,
                "embed (default: inside the library) or external (in libNAME.weights beside it, checked by size and hash at create)")
      ->check(CLI::IsMember({"embed", "external"}))
      ->capture_default_str();
  add_pipeline_flags(c, options.passes);
  c->add_option("--cxx-opt", options.cxx_opt, "optimization level of the C++ compile (the compiler's -O), 0 to 3")
      ->check(CLI::Range(0, 3))
      ->capture_default_str();
  c->add_option("-j,--jobs", options.jobs,
                "C++ compiles run at a time for a large model, whose code is spread over several translation units "
                "(default: the machine's cores)")
      ->check(CLI::Range(1, 256));
  c->add_option("--emit-source", options.emit_source, "also write the generated source, runtime headers and build.sh to DIR");
  c->add_flag("-q,--quiet", options.quiet, "print nothing but errors (the stages and their times go to stderr otherwise)");
  c->add_flag("-v,--verbose", options.verbose, "also say which runtime was linked and where the cache is");
  c->add_flag("--no-cache", options.no_cache,
              "always run the C++ compiler (the cache is $WEFT_CACHE_DIR, else $XDG_CACHE_HOME/weft or ~/.cache/weft; "
              "WEFT_CACHE=0 turns it off too; the precompiled runtime header under its pch/ is still used)");
  c->add_flag("--mark-all", options.mark_all,
              "also return every intermediate tensor of @main, in evaluation order, and those of its loops per iteration "
              "(for `weft check --mark-all --lib`)");
  c->add_flag("--header-only-runtime", options.header_only,
              "compile the runtime's kernels from their headers instead of linking the precompiled archive (slower)");
  return c;
}

static codegen::ToolchainOptions library_toolchain(const LibraryBuild& b) {
  codegen::ToolchainOptions toolchain;
  toolchain.cpu = b.cpu;
  toolchain.opt_level = b.cxx_opt;
  toolchain.jobs = b.jobs;
  toolchain.precompiled_runtime = !b.header_only;
  if (b.cache) toolchain.cache_dir = codegen::default_cache_dir();
  // The precompiled runtime header is kept even with --no-cache (the C++ compiler still runs on
  // the model's code); WEFT_CACHE=0 turns it off with the cache.
  if (const std::string dir = codegen::default_cache_dir(); !dir.empty()) toolchain.pch_dir = dir + "/pch";
  return toolchain;
}

void compile_module(Module m, const LibraryBuild& b, std::ostream& log, std::chrono::steady_clock::time_point start) {
  const codegen::ToolchainOptions toolchain = library_toolchain(b);
  codegen::CpuEmitOptions emit;
  emit.weights_file = b.weights_file;
  PassContext pass_context;
  pass_context.input_shapes = b.shapes;
  const KernelCount before = count_kernels(m);
  std::vector<PassStep> steps;
  m = stage(log, "passes (" + describe_pipeline(b.passes, pass_context) + ")",
            [&] { return run_pipeline_flags(m, b.passes, pass_context, &steps); });
  log << pass_steps_text(steps);
  const std::vector<std::string> ran = pipeline_passes(b.passes.level, pass_context);
  if (std::find(ran.begin(), ran.end(), "fuse-ops") != ran.end()) {
    const KernelCount after = count_kernels(m);  // static counts: calls in the program text, not per run
    log << "  fuse-ops: " << before.op_calls << " op calls -> " << after.kernels << " kernels, " << after.groups << " groups ("
        << after.epilogue_groups << " in a conv/gemm/matmul epilogue, " << after.separate_epilogues
        << " conv/gemm/matmul results left to a separate elementwise kernel)\n";
  }
  codegen::CpuSource src = stage(log, "code generation", [&] { return codegen::emit_cpu(m, b.name, emit); });
  if (src.planned_values)
    log << "  memory plan: " << src.planned_values << " intermediates of static shape in " << src.frame_bytes
        << " bytes of frames (" << src.unshared_bytes << " unshared)\n";
  if (!b.emit_source.empty())
    stage(log, "write source", [&] { codegen::write_source_tree(src, b.name, b.emit_source, toolchain); });
  const codegen::BuildReport built = [&] {
    const ProgressLine progress("C++ compile and link", &log == &std::cerr);
    return codegen::build_shared_library(src, b.name, b.output, toolchain);
  }();
  for (const auto& step : built.steps) log << "  " << step.what << ": " << std::fixed << std::setprecision(1) << step.ms << " ms\n";
  if (b.verbose) {
    log << "  " << built.runtime << "\n";
    log << "  cache: " << (toolchain.cache_dir.empty() ? std::string("off") : toolchain.cache_dir) << "\n";
    if (!built.cache_hit) log << "  precompiled runtime header: " << (built.pch.empty() ? std::string("none") : built.pch) << "\n";
  }
  if (!built.cache_note.empty()) log << "  cache: " << built.cache_note << " (the library was built all the same)\n";
  log << "wrote " << b.output;
  if (!emit.weights_file.empty()) log << " and " << (std::filesystem::path(b.output).parent_path() / emit.weights_file).string();
  size_t cxx_bytes = src.source.size();
  for (const std::string& part : src.parts) cxx_bytes += part.size();
  log << " (" << cxx_bytes << " bytes of C++" << (src.parts.empty() ? "" : " in " + std::to_string(src.parts.size() + 1) + " units") << ", " << src.weights.size() << " bytes of weights"
      << (built.cache_hit ? ", cache hit" : "") << ") in " << std::fixed << std::setprecision(1)
      << std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() << " s total\n";
}

int run_compile() {
  LibraryBuild b;
  b.name = options.name.empty() ? name_from_output(options.output) : options.name;
  codegen::check_library_name(b.name);
  const InputTypes inputs = parse_input_type_flags(options.inputs);
  b.output = options.output;
  b.cpu = options.cpu;
  b.passes = options.passes;
  b.shapes = inputs.shapes;
  b.cxx_opt = options.cxx_opt;
  b.jobs = options.jobs;
  b.cache = !options.no_cache;
  b.header_only = options.header_only;
  b.emit_source = options.emit_source;
  b.verbose = options.verbose;
  if (options.weights == "external") b.weights_file = std::filesystem::path(options.output).stem().string() + ".weights";
  codegen::check_cpu_level(options.cpu, library_toolchain(b));  // before the slow stages

  const auto start = std::chrono::steady_clock::now();
  log() << "weft compile " << options.model << " -> " << options.output << " (model " << b.name << ", -march=" << options.cpu
        << ", -O" << options.passes.level << ", --cxx-opt " << options.cxx_opt << ", weights " << options.weights << ")\n";
  Module m = stage(log(), "import", [&] { return load_model(options.model, inputs); });
  if (options.mark_all) m = expose_intermediates(specialize_inputs(m, inputs.shapes), nullptr);
  compile_module(std::move(m), b, log(), start);
  return 0;
}

}  // namespace weft::cli
