// BenchCommand.cpp - `weft bench`: open (or first compile) a model library, run it on fixed inputs many times, print the run-time distribution and memory.
#include "cli/BenchCommand.h"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>

#include "cli/CheckInputs.h"
#include "cli/CompileCommand.h"
#include "cli/InputTypeFlags.h"
#include "cli/ModelLoader.h"
#include "cli/PassFlags.h"
#include "cli/RunLibrary.h"
#include "cli/TempBuild.h"
#include "cli/ValueIO.h"
#include "cli/host/ApiValues.h"
#include "cli/host/LoadedLibrary.h"
#include "codegen/DlpackTensors.h"
#include "ir/Error.h"

namespace weft::cli {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

struct BenchOptions {
  std::string file, json;
  std::vector<std::string> inputs, sizes;
  InputTypeFlags input_types;
  PipelineFlags passes;
  std::string cpu = "native";
  int threads = 1;
  int iters = 20;
  int warmup = 3;
  uint64_t seed = 0;
  bool quiet = false;
};
BenchOptions options;

bool progress() { return !options.quiet && isatty(STDERR_FILENO); }

double ms_since(Clock::time_point start) { return std::chrono::duration<double, std::milli>(Clock::now() - start).count(); }

// The p-th percentile (0..100) of sorted `v`, by linear interpolation between neighbours.
double percentile(const std::vector<double>& v, double p) {
  const double at = p / 100.0 * double(v.size() - 1);
  const size_t lo = size_t(at);
  const size_t hi = std::min(lo + 1, v.size() - 1);
  return v[lo] + (v[hi] - v[lo]) * (at - double(lo));
}

// Peak resident memory of this process so far, in bytes (Linux reports KiB).
uint64_t peak_rss_bytes() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return uint64_t(usage.ru_maxrss) * 1024;
}

// --size SYMBOL=N, for a library's symbolic dims.
std::map<std::string, int64_t> parse_sizes(const std::vector<std::string>& args) {
  std::map<std::string, int64_t> sizes;
  for (const std::string& a : args) {
    const Sweep s = parse_sweep(a);
    if (s.values.size() != 1) throw CompileError("--size " + a + ": give one value (SYMBOL=N)");
    sizes[s.symbol] = s.values[0];
  }
  return sizes;
}

// A library's inputs drawn from the seed, from the types its input_info states: tensors and
// optional tensors (passed); a list needs a file.
std::vector<host::ApiValue> generate_library_inputs(const host::LoadedLibrary& lib, const std::map<std::string, int64_t>& sizes) {
  std::mt19937_64 rng(options.seed);
  std::vector<host::ApiValue> values;
  const int n = lib.api()->num_inputs(lib.model());
  for (int i = 0; i < n; ++i) {
    weft_value_info info;
    if (lib.input_info(i, &info) != 0) throw RuntimeError(lib.api()->last_error());
    const std::string name = info.tensor.name;
    if (info.kind == WEFT_VALUE_LIST || info.kind == WEFT_VALUE_OPTIONAL_LIST)
      throw CompileError("input '" + name + "' is a list: give --input " + name + "=PATH.npz");
    const std::optional<DType> dtype = codegen::dtype_of_dlpack(info.tensor.dtype);
    if (!dtype) throw CompileError("input '" + name + "' has a dtype weft cannot generate: give --input " + name + "=PATH.npy");
    if (info.tensor.ndim < 0) throw CompileError("input '" + name + "' has no fixed rank: give --input " + name + "=PATH.npy");
    Shape shape;
    for (int d = 0; d < info.tensor.ndim; ++d) {
      const char* symbol = info.tensor.dim_names ? info.tensor.dim_names[d] : nullptr;
      shape.push_back(info.tensor.shape[d] >= 0 ? Dim(info.tensor.shape[d]) : symbol ? Dim::symbol(symbol) : Dim::unknown());
    }
    const TensorTypeNode type(*dtype, shape);
    host::ApiValue v;
    v.kind = info.kind;
    v.tensors.push_back(generate_tensor(name, type, sizes, IntRange{}, rng, "--size"));
    values.push_back(std::move(v));
  }
  return values;
}

struct Timings {
  double create_ms = 0, cold_ms = 0;
  std::vector<double> runs_ms;  // sorted
};

// Runs `lib` once cold, `warmup` times unmeasured, then `iters` times measured.
Timings time_runs(const host::LoadedLibrary& lib, const std::vector<host::ApiValue>& inputs) {
  Timings t;
  std::vector<host::ApiValue> outs;
  auto run_once = [&] {
    const std::string error = lib.run(inputs, &outs);
    if (!error.empty()) throw RuntimeError("the library failed: " + error);
  };
  Clock::time_point start = Clock::now();
  run_once();
  t.cold_ms = ms_since(start);
  for (int i = 0; i < options.warmup; ++i) run_once();
  for (int i = 0; i < options.iters; ++i) {
    if (progress() && i % 5 == 0) std::cerr << "\rweft bench: run " << i + 1 << " of " << options.iters << std::flush;
    start = Clock::now();
    run_once();
    t.runs_ms.push_back(ms_since(start));
  }
  if (progress()) std::cerr << "\r\033[K" << std::flush;
  std::sort(t.runs_ms.begin(), t.runs_ms.end());
  return t;
}

int bench() {
  if (options.iters < 1) throw CompileError("--iters must be at least 1");
  if (options.warmup < 0) throw CompileError("--warmup must not be negative");
  if (options.threads < 0) throw CompileError("--threads must be 0 (the machine's cores) or more");
  const std::vector<NamedInput> files = parse_named_inputs(options.inputs);
  const std::map<std::string, int64_t> sizes = parse_sizes(options.sizes);
  const InputTypes types = parse_input_type_flags(options.input_types);

  // A model is compiled first, into a directory removed afterwards; its inputs come from its types.
  std::unique_ptr<TempDir> tmp;
  std::string lib_path = options.file, what = options.file;
  std::vector<Value> model_args;
  Module m;
  const bool compiled = is_compiled_library(options.file);
  if (!compiled) {
    m = specialize_inputs(load_model_for_inputs(options.file, types, files), types.shapes);
    model_args = files.empty() ? generate_inputs(m, sizes, {}, options.seed) : read_inputs(m, files);
    tmp = std::make_unique<TempDir>("weft-bench");
    const OwnBuild build{options.passes, options.cpu, types.shapes};
    lib_path = compile_for_own_use(m, options.file, build, *tmp, "weft bench", progress());
    what = described_build(options.file, build);
  } else {
    if (!types.types.empty() || !types.shapes.empty())
      throw CompileError(Span{options.file, 0, 0}, "a compiled library's input types are fixed: --input-type and --input-shape apply to a model");
    if (!fs::exists(lib_path)) throw CompileError(Span{lib_path, 0, 0}, "no such file");
  }

  const uint64_t rss_before = peak_rss_bytes();
  weft_options create_options{};
  create_options.num_threads = options.threads;
  const Clock::time_point create_start = Clock::now();
  const host::LoadedLibrary lib(fs::absolute(lib_path).string(), "weft_model", &create_options);
  const double create_ms = ms_since(create_start);
  if (!lib.error().empty()) throw CompileError(Span{lib_path, 0, 0}, "cannot load the library: " + lib.error());

  std::vector<host::ApiValue> inputs;
  if (!compiled) {
    for (size_t i = 0; i < model_args.size(); ++i) {
      const Var& p = m.main()->params[i];
      inputs.push_back(host::to_api(model_args[i], host::api_kind(p->checked_type ? p->checked_type : p->annotation)));
    }
  } else {
    inputs = files.empty() ? generate_library_inputs(lib, sizes) : read_library_inputs(lib, lib_path, files);
  }

  Timings t = time_runs(lib, inputs);
  t.create_ms = create_ms;
  const uint64_t peak = peak_rss_bytes();
  weft_memory_stats stats{};
  const bool has_stats = lib.api()->version >= 3 && lib.api()->memory_stats(lib.model(), &stats) == 0;

  const double median = percentile(t.runs_ms, 50), p10 = percentile(t.runs_ms, 10), p90 = percentile(t.runs_ms, 90);
  const std::string threads = options.threads == 0 ? "the machine's cores" : std::to_string(options.threads) + " thread" + (options.threads == 1 ? "" : "s");
  std::cout << "weft bench: " << what << ", " << threads << ", " << options.iters << " runs after " << options.warmup << " warm-up\n"
            << std::fixed << std::setprecision(3)
            << "  create             " << t.create_ms << " ms\n"
            << "  first run (cold)   " << t.cold_ms << " ms\n"
            << "  median             " << median << " ms\n"
            << "  p10 / p90          " << p10 << " / " << p90 << " ms\n"
            << "  min                " << t.runs_ms.front() << " ms\n"
            << std::setprecision(1) << "  peak memory        " << double(peak) / (1 << 20) << " MiB resident (this process; "
            << double(peak - std::min(peak, rss_before)) / (1 << 20) << " MiB more than before the library's create)\n";
  if (has_stats)
    std::cout << "  last run's buffers " << stats.planned << " planned, " << stats.pooled << " reused from the pool, " << stats.fresh
              << " from the system\n";

  if (!options.json.empty()) {
    nlohmann::json j = {{"model", options.file},       {"library", what},         {"threads", options.threads},
                        {"iters", options.iters},      {"warmup", options.warmup}, {"create_ms", t.create_ms},
                        {"cold_ms", t.cold_ms},        {"median_ms", median},      {"p10_ms", p10},
                        {"p90_ms", p90},               {"min_ms", t.runs_ms.front()}, {"runs_ms", t.runs_ms},
                        {"peak_rss_bytes", peak},      {"rss_before_create_bytes", rss_before}};
    if (has_stats)
      j["memory_stats"] = {{"planned", stats.planned}, {"plan_missed", stats.plan_missed}, {"pooled", stats.pooled}, {"fresh", stats.fresh}};
    const std::string partial = options.json + ".partial";
    {
      std::ofstream out(partial);
      out << j.dump(2) << "\n";
      if (!out) throw CompileError(Span{options.json, 0, 0}, "cannot write the report");
    }
    fs::rename(partial, options.json);
  }
  return 0;
}

}  // namespace

CLI::App* add_bench_command(CLI::App& app) {
  auto* c = app.add_subcommand("bench", "Time a compiled model: median, p10, p90 and min per run, the first (cold) run, and peak memory");
  c->add_option("FILE", options.file, "a model (.onnx, .pt, .weft: compiled first, into a temporary directory) or a library from `weft compile`")
      ->required();
  c->add_option("--threads", options.threads, "threads a run may use (the library's num_threads; 0: the machine's cores)")->capture_default_str();
  c->add_option("--iters", options.iters, "measured runs")->capture_default_str();
  c->add_option("--warmup", options.warmup, "unmeasured runs after the first")->capture_default_str();
  c->add_option("--input", options.inputs, "NAME=PATH.npy (or .npz for a list); default: inputs drawn from --seed")->allow_extra_args(false);
  c->add_option("--size", options.sizes, "SYMBOL=N: the size of a symbolic dim for generated inputs (repeatable)")->allow_extra_args(false);
  c->add_option("--seed", options.seed, "seed of the generated inputs")->capture_default_str();
  add_input_type_flags(*c, options.input_types);
  add_pipeline_flags(c, options.passes);
  c->add_option("--cpu", options.cpu, "the -march a model is compiled for")->capture_default_str();
  c->add_option("--json", options.json, "also write every figure, and each run's time, to this JSON file");
  c->add_flag("-q,--quiet", options.quiet, "no progress line");
  return c;
}

int run_bench() { return bench(); }

}  // namespace weft::cli
