// CheckCommand.cpp - `weft check`: load the model, build or open its library, pick the oracle, run every trial, compare, report.
#include "cli/CheckCommand.h"

#include <unistd.h>

#include <filesystem>
#include <iostream>
#include <map>

#include "cli/CheckInputs.h"
#include "cli/CheckInterface.h"
#include "cli/CheckOracle.h"
#include "cli/CheckReport.h"
#include "cli/CompileCommand.h"
#include "cli/InputTypeFlags.h"
#include "cli/MarkAll.h"
#include "cli/ModelLoader.h"
#include "cli/PassFlags.h"
#include "cli/TempBuild.h"
#include "cli/ValueIO.h"
#include "cli/host/ApiValues.h"
#include "cli/host/LoadedLibrary.h"
#include "ir/Error.h"
#ifdef WEFT_HAVE_ONNX
#include "importers/onnx/MarkOutputs.h"
#endif

namespace weft::cli {

namespace {

namespace fs = std::filesystem;

struct CheckOptions {
  std::string model, lib, oracle, ort_lib, json;
  std::vector<std::string> inputs, sweeps, ranges;
  InputTypeFlags input_types;
  PipelineFlags passes;
  std::string cpu = "native";
  int trials = 1;
  uint64_t seed = 0;
  double rtol = -1, atol = -1;  // negative: the dtype's default
  bool quiet = false;
  bool mark_all = false;
};
CheckOptions options;

// A progress line on a terminal; nothing when stderr is a file or a pipe (CI logs), or with -q.
bool progress() { return !options.quiet && isatty(STDERR_FILENO); }

host::Tolerance tolerance_for(DType t) {
  host::Tolerance tol = host::default_tolerance(t);
  if (options.rtol >= 0) tol.rtol = options.rtol;
  if (options.atol >= 0) tol.atol = options.atol;
  return tol;
}

// The library's outputs flattened as the oracle's are, each with its name.
void flatten_outputs(const std::vector<host::ApiValue>& outs, const std::vector<std::string>& names,
                     std::vector<std::pair<std::string, Tensor>>& flat) {
  for (size_t i = 0; i < outs.size(); ++i) {
    const bool list = outs[i].kind == WEFT_VALUE_LIST || outs[i].kind == WEFT_VALUE_OPTIONAL_LIST;
    for (size_t k = 0; k < outs[i].tensors.size(); ++k)
      flat.emplace_back(list ? names[i] + "[" + std::to_string(k) + "]" : names[i], outs[i].tensors[k]);
  }
}

// One comparison of the library's tensor with the oracle's.
OutputResult compare(const std::string& name, const Tensor& got, const Tensor& want) {
  OutputResult o;
  o.name = name;
  o.dtype = dtype_name(got.dtype());
  o.shape = got.shape();
  o.tolerance = tolerance_for(got.dtype());
  o.diff = host::diff_tensors(got, want, o.tolerance);
  return o;
}

// --mark-all: the marks' values, in evaluation order (@main's lets in order; a loop's values
// iteration by iteration, each iteration's in its lets' order), compared where the oracle
// observes them. `lib` and `want` hold one value per mark; a loop's are lists, last iteration first.
void compare_marks(const std::vector<MarkedValue>& marks, const std::vector<const host::ApiValue*>& lib,
                   const std::vector<std::optional<std::vector<Tensor>>>& want, TrialResult& t) {
  auto add = [&](const MarkedValue& mark, const Tensor& got, const Tensor& oracle, int iteration) {
    OutputResult o = compare(mark.name, got, oracle);
    o.op = mark.op;
    o.source = mark.source;
    o.onnx_tensor = mark.onnx_tensor;
    o.loop = mark.loop;
    o.iteration = iteration;
    o.intermediate = true;
    if (!o.diff.ok() && t.first_diverging < 0) t.first_diverging = int(t.outputs.size());
    t.outputs.push_back(std::move(o));
  };
  for (size_t j = 0; j < marks.size();) {
    // One value of @main, or the values of one loop call.
    size_t end = j + 1;
    while (!marks[j].loop.empty() && end < marks.size() && marks[end].loop_call == marks[j].loop_call) ++end;
    const size_t iterations = lib[j]->tensors.size();
    for (size_t k = j; k < end; ++k) {
      if (!want[k]) {
        t.not_compared += int(marks[k].loop.empty() ? 1 : iterations);
        continue;
      }
      if (want[k]->size() != lib[k]->tensors.size() && t.mismatch.empty())
        t.mismatch = marks[k].loop.empty() ? "the oracle gave no value for " + marks[k].name
                                           : Msg() << "loop " << marks[k].loop << " ran " << lib[k]->tensors.size() << " iterations in the library, "
                                                   << want[k]->size() << " in the oracle";
    }
    if (!t.mismatch.empty()) return;
    for (size_t it = 0; it < (marks[j].loop.empty() ? 1 : iterations); ++it)
      for (size_t k = j; k < end; ++k) {
        if (!want[k]) continue;
        const size_t at = marks[k].loop.empty() ? 0 : iterations - 1 - it;  // lists hold the last iteration first
        add(marks[k], lib[k]->tensors[at], (*want[k])[at], marks[k].loop.empty() ? -1 : int(it));
      }
    j = end;
  }
}

// One trial: the library and the oracle on the same arguments, every output compared.
TrialResult run_trial(const Module& m, const host::LoadedLibrary& lib, const std::vector<std::string>& out_names, Oracle& oracle,
                      const std::vector<Value>& args, const std::vector<MarkedValue>& marks) {
  TrialResult t;
  std::vector<host::ApiValue> in, outs;
  for (size_t i = 0; i < args.size(); ++i) {
    const Var& p = m.main()->params[i];
    in.push_back(host::to_api(args[i], host::api_kind(p->checked_type ? p->checked_type : p->annotation)));
  }
  const std::string error = lib.run(in, &outs);
  if (!error.empty()) throw RuntimeError("the library failed: " + error);
  if (outs.size() < marks.size()) {
    t.mismatch = Msg() << "the library returned " << outs.size() << " outputs, fewer than the " << marks.size() << " marked values";
    return t;
  }
  // With --mark-all the last outputs are the marks.
  const size_t own = outs.size() - marks.size();
  std::vector<std::pair<std::string, Tensor>> got;
  flatten_outputs({outs.begin(), outs.begin() + long(own)}, out_names, got);
  const Oracle::Result want = oracle.run(args, marks.size());
  if (got.size() != want.outputs.size()) {
    t.mismatch = Msg() << "the library returned " << got.size() << " tensors, the " << oracle.name() << " " << want.outputs.size();
    return t;
  }
  for (size_t i = 0; i < got.size(); ++i) t.outputs.push_back(compare(got[i].first, got[i].second, want.outputs[i]));
  std::vector<const host::ApiValue*> lib_marks;
  for (size_t j = own; j < outs.size(); ++j) lib_marks.push_back(&outs[j]);
  compare_marks(marks, lib_marks, want.marks, t);
  return t;
}

int check() {
  if (options.trials < 1) throw CompileError("--trials must be at least 1");
  const std::vector<NamedInput> files = parse_named_inputs(options.inputs);
  std::vector<Sweep> sweeps;
  for (const std::string& s : options.sweeps) sweeps.push_back(parse_sweep(s));
  std::map<std::string, IntRange> ranges;
  for (const std::string& r : options.ranges) ranges.insert(parse_input_range(r));
  if (!files.empty() && (!sweeps.empty() || options.trials > 1))
    throw CompileError("--sweep and --trials generate inputs: they cannot be combined with --input files");

  const InputTypes types = parse_input_type_flags(options.input_types);
  Module m = specialize_inputs(load_model_for_inputs(options.model, types, files), types.shapes);
  std::vector<MarkedValue> marks;
  CheckReport report;
  if (options.mark_all) {
    const std::string ext = fs::path(options.model).extension().string();
    // LibTorch runs a scripted module whole: its intermediates are the interpreter's to give.
    if (ext == ".pt" && options.oracle.empty()) {
      options.oracle = "interpreter";
      report.oracle_note = "LibTorch cannot observe a scripted module's intermediates, so --mark-all compares against weft's interpreter";
    }
    // ONNX Runtime observes the values of ONNX tensors: each let's tensor, where it binds one.
    std::vector<std::string> onnx_tensors;
#ifdef WEFT_HAVE_ONNX
    if (ext == ".onnx" && options.oracle != "interpreter") onnx_tensors = onnx_tensor_of_each_let(options.model);
#endif
    m = expose_intermediates(m, &marks, onnx_tensors.empty() ? nullptr : &onnx_tensors);
  }
  const std::vector<std::string> symbols = input_symbols(m);
  for (const Sweep& s : sweeps)
    if (std::find(symbols.begin(), symbols.end(), s.symbol) == symbols.end()) {
      std::string known;
      for (const std::string& k : symbols) known += (known.empty() ? "" : ", ") + k;
      throw CompileError("--sweep " + s.symbol + ": the model's inputs have no dim named '" + s.symbol + "' (they have: " +
                         (known.empty() ? "none" : known) + ")");
    }
  report.model = options.model;
  std::unique_ptr<Oracle> oracle =
      make_oracle(options.oracle, options.model, m, options.ort_lib, &report.oracle_note, options.mark_all ? &marks : nullptr);
  report.oracle = oracle->name();
  report.oracle_version = oracle->version();

  // The inputs before the library: a missing or mistyped one is reported before minutes of compiling.
  std::vector<std::vector<Value>> file_args;
  if (!files.empty()) file_args.push_back(read_inputs(m, files));
  const auto combinations = sweep_combinations(sweeps);
  if (files.empty())
    for (const auto& sizes : combinations) generate_inputs(m, sizes, ranges, options.seed);  // throws for a dim nothing sizes

  std::unique_ptr<TempDir> tmp;
  std::string lib_path = options.lib;
  if (lib_path.empty()) {
    tmp = std::make_unique<TempDir>("weft-check");
    const OwnBuild build{options.passes, options.cpu, types.shapes};
    lib_path = compile_for_own_use(m, options.model, build, *tmp, "weft check", progress());
    report.library = described_build(options.model, build);
  } else {
    if (!fs::exists(lib_path)) throw CompileError(Span{lib_path, 0, 0}, "no such file");
    report.library = lib_path;
  }
  host::LoadedLibrary lib(fs::absolute(lib_path).string(), "weft_model");
  if (!lib.error().empty()) throw CompileError(Span{lib_path, 0, 0}, "cannot load the library: " + lib.error());
  check_library_interface(m, lib, lib_path);
  const std::vector<std::string> out_names = library_output_names(lib);

  report.inputs_from_files = !files.empty();
  int trial = 0;
  if (!files.empty()) {
    report.trials.push_back(run_trial(m, lib, out_names, *oracle, file_args[0], marks));
  } else {
    for (const auto& sizes : combinations)
      for (int k = 0; k < options.trials; ++k) {
        const uint64_t seed = options.seed + uint64_t(k);
        if (progress())
          std::cerr << "\rweft check: trial " << trial + 1 << " of " << combinations.size() * size_t(options.trials) << std::flush;
        TrialResult t = run_trial(m, lib, out_names, *oracle, generate_inputs(m, sizes, ranges, seed), marks);
        t.trial = trial++;
        t.seed = seed;
        t.sizes = sizes;
        report.trials.push_back(std::move(t));
      }
    if (progress()) std::cerr << "\r\033[K" << std::flush;
  }
  print_report(report, std::cout);
  if (!options.json.empty()) write_json_report(report, options.json);
  return report.ok() ? 0 : 1;
}

}  // namespace

CLI::App* add_check_command(CLI::App& app) {
  auto* c = app.add_subcommand("check",
                               "Check a compiled library against the model's own framework (exit 0 agree, 1 diverge, 2 could not run)");
  c->add_option("MODEL", options.model, "model file (.pt, .onnx or .weft)")->required();
  c->add_option("--lib", options.lib, "the library to check (from `weft compile MODEL`); default: compile MODEL into a temporary directory");
  c->add_option("--oracle", options.oracle,
                "torch (a .pt in LibTorch), onnxruntime (an .onnx in ONNX Runtime) or interpreter (weft's reference interpreter); "
                "default: the model's framework, or the interpreter where it is not available")
      ->check(CLI::IsMember({"torch", "onnxruntime", "interpreter"}));
  c->add_option("--ort-lib", options.ort_lib, "ONNX Runtime's C library (libonnxruntime.so.1); default $WEFT_ORT_LIB, then the library path");
  c->add_option("--input", options.inputs, "NAME=PATH.npy (or .npz for a list): run on these inputs instead of generated ones")
      ->allow_extra_args(false);
  add_input_type_flags(*c, options.input_types);
  c->add_option("--sweep", options.sweeps, "SYMBOL=V1,V2,...: sizes of a symbolic dim; every combination of the sweeps runs (repeatable)")
      ->allow_extra_args(false);
  c->add_option("--input-range", options.ranges, "NAME=LO,HI: generated integers of input NAME lie in [LO, HI] (default 0,9)")
      ->allow_extra_args(false);
  c->add_option("--trials", options.trials, "generated input sets per sweep combination, seeds SEED, SEED+1, ...")->capture_default_str();
  c->add_option("--seed", options.seed, "seed of the first trial's inputs")->capture_default_str();
  c->add_option("--rtol", options.rtol, "relative tolerance (default per dtype: f32 1e-4, f64 1e-7, f16 1e-2, bf16 5e-2, integers 0)");
  c->add_option("--atol", options.atol, "absolute tolerance (default per dtype: f32 1e-5, f64 1e-9, f16 1e-3, bf16 1e-2, integers 0)");
  c->add_option("--json", options.json, "also write the report as JSON to this file");
  add_pipeline_flags(c, options.passes);
  c->add_option("--cpu", options.cpu, "target CPU of the library it compiles, as `weft compile --cpu`")->capture_default_str();
  c->add_flag("--mark-all", options.mark_all,
              "also compare every intermediate tensor of @main and name the first operator that diverges (an .onnx against "
              "ONNX Runtime with every node output marked, or the interpreter; a .pt against the interpreter); with --lib, "
              "the library must come from `weft compile --mark-all`");
  c->add_flag("-q,--quiet", options.quiet, "no progress on stderr");
  return c;
}

int run_check() {
  try {
    return check();
  } catch (const CompileError& e) {
    std::cerr << "weft check: " << e.diagnostic().str() << "\nweft check: could not run\n";
  } catch (const std::exception& e) {
    std::cerr << "weft check: error: " << e.what() << "\nweft check: could not run\n";
  }
  return 2;
}

}  // namespace weft::cli
