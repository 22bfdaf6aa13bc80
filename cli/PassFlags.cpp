// PassFlags.cpp - parses the pass options of `weft compile` and `weft inspect`, and runs what they ask for.
#include "cli/PassFlags.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <sstream>

#include "ir/Error.h"
#include "ir/Printer.h"
#include "opt/Pipelines.h"

namespace weft::cli {

namespace {

void write_dump(const std::filesystem::path& file, const Module& m) {
  std::ofstream out(file, std::ios::binary);
  out << print_module(m);
  if (!out) throw CompileError("--dump-ir: cannot write " + file.string());
}

std::string two_digits(int i) {
  std::ostringstream s;
  s << std::setw(2) << std::setfill('0') << i;
  return s.str();
}

std::vector<std::string> split_commas(const std::string& text) {
  std::vector<std::string> out;
  std::string item;
  std::istringstream in(text);
  while (std::getline(in, item, ','))
    if (!item.empty()) out.push_back(item);
  return out;
}

// `context` with the --bind flags parsed into it (every one checked before any pass runs).
PassContext with_binds(PassContext context, const std::vector<std::string>& binds) {
  for (const std::string& b : binds) context.bound_inputs.push_back(parse_bound_input(b));
  return context;
}

void add_bind_flag(CLI::App* command, std::vector<std::string>& binds) {
  command
      ->add_option("--bind", binds,
                   "NAME=VALUE: make input NAME the constant VALUE (a number for a scalar input, or an .npy file) and evaluate "
                   "what becomes known: branches on it decided, loops it controls unrolled; the input leaves the C API (repeatable)")
      ->allow_extra_args(false);
}

}  // namespace

void add_pipeline_flags(CLI::App* command, PipelineFlags& flags) {
  command->add_option("-O,--opt-level", flags.level, "optimization level of the IR pass pipeline, 0 to 3 (opt/Pipelines.cpp)")
      ->check(CLI::Range(0, 3))
      ->capture_default_str();
  command->add_option("--dump-ir", flags.dump_ir, "write the module before the passes and after each one to DIR/NN-<pass>.weft");
  add_bind_flag(command, flags.binds);
}

Module run_pipeline_flags(Module m, const PipelineFlags& flags, const PassContext& given, std::vector<PassStep>* steps) {
  const PassContext context = with_binds(given, flags.binds);
  std::filesystem::path dir;
  if (!flags.dump_ir.empty()) {
    dir = flags.dump_ir;
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) throw CompileError("--dump-ir: cannot create directory " + dir.string() + ": " + ec.message());
    write_dump(dir / "00-input.weft", m);
  }
  if (dir.empty() && !steps) return run_pipeline(std::move(m), flags.level, context);
  using Clock = std::chrono::steady_clock;
  KernelCount counted = steps ? count_kernels(m) : KernelCount{};
  Clock::time_point started = Clock::now();
  return run_pipeline(std::move(m), flags.level, context, [&](int index, const Pass& pass, const Module& after) {
    // The pass's time ends here; counting and dumping are not part of it.
    const double ms = std::chrono::duration<double, std::milli>(Clock::now() - started).count();
    if (steps) {
      const KernelCount now = count_kernels(after);
      steps->push_back({pass.name(), ms, counted, now});
      counted = now;
    }
    if (!dir.empty()) write_dump(dir / (two_digits(index) + "-" + pass.name() + ".weft"), after);
    started = Clock::now();
  });
}

std::string pass_steps_text(const std::vector<PassStep>& steps) {
  std::ostringstream out;
  for (const PassStep& s : steps) {
    out << "    " << std::left << std::setw(26) << s.pass << std::right << std::fixed << std::setprecision(1) << std::setw(8) << s.ms
        << " ms  " << s.before.op_calls;
    if (s.after.op_calls != s.before.op_calls) out << " -> " << s.after.op_calls;
    out << " op calls";
    if (s.after.kernels != s.before.kernels || s.after.groups != s.before.groups)
      out << ", " << s.before.kernels << " -> " << s.after.kernels << " kernels, " << s.after.groups << " groups";
    out << "\n";
  }
  return out.str();
}

std::string describe_pipeline(const PipelineFlags& flags, const PassContext& context) {
  std::string s = "-O" + std::to_string(flags.level) + ":";
  for (const std::string& p : pipeline_passes(flags.level, with_binds(context, flags.binds))) s += " " + p;
  return s;
}

void add_inspect_pass_flags(CLI::App* inspect, InspectPassFlags& flags) {
  inspect->add_option("--passes", flags.passes, "run these passes (comma-separated flag names) and print the result");
  inspect->add_option("--after", flags.after, "print the module after this pass of the -O pipeline");
  inspect->add_option("-O,--opt-level", flags.level, "the pipeline --after looks in, 0 to 3")->check(CLI::Range(0, 3))->capture_default_str();
  inspect->add_flag("--list-passes", flags.list, "print every pass with its summary");
  add_bind_flag(inspect, flags.binds);
}

Module apply_inspect_pass_flags(Module m, const InspectPassFlags& flags) {
  if (!flags.passes.empty() && !flags.after.empty()) throw CompileError("weft inspect: give --passes or --after, not both");
  const PassContext context = with_binds({}, flags.binds);
  if (!flags.passes.empty()) {
    std::vector<std::string> names = split_commas(flags.passes);
    for (const std::string& n : names) find_pass(n);  // every name checked before any pass runs
    if (!context.bound_inputs.empty() && std::find(names.begin(), names.end(), "bind-inputs") == names.end())
      throw CompileError("weft inspect: --bind needs bind-inputs in --passes (or use --after, whose pipeline binds first)");
    return run_passes(std::move(m), names, context);
  }
  // --bind alone: the module once the bound inputs are evaluated (the -O0 pipeline's start).
  if (flags.after.empty() && !context.bound_inputs.empty()) return run_pipeline(std::move(m), 0, context);
  if (flags.after.empty()) return m;
  std::vector<std::string> pipeline = pipeline_passes(flags.level, context);
  std::string listed;
  for (const std::string& p : pipeline) listed += (listed.empty() ? "" : ", ") + p;
  find_pass(flags.after);
  size_t stop = 0;
  while (stop < pipeline.size() && pipeline[stop] != flags.after) ++stop;
  if (stop == pipeline.size())
    throw CompileError("--after " + flags.after + ": the -O" + std::to_string(flags.level) + " pipeline does not run it (it runs: " + listed + ")");
  pipeline.resize(stop + 1);
  return run_passes(std::move(m), pipeline, context);
}

std::string pass_list_text() {
  std::string s;
  for (const Pass* p : registered_passes()) {
    std::string name = p->name();
    s += name + std::string(name.size() < 20 ? 20 - name.size() : 1, ' ') + p->summary() + "\n";
  }
  return s;
}

}  // namespace weft::cli
