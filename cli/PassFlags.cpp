// PassFlags.cpp - parses the pass options of `weft compile` and `weft inspect`, and runs what they ask for.
#include "cli/PassFlags.h"

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

}  // namespace

void add_pipeline_flags(CLI::App* command, PipelineFlags& flags) {
  command->add_option("-O,--opt-level", flags.level, "optimization level of the IR pass pipeline, 0 to 3 (opt/Pipelines.cpp)")
      ->check(CLI::Range(0, 3))
      ->capture_default_str();
  command->add_option("--dump-ir", flags.dump_ir, "write the module before the passes and after each one to DIR/NN-<pass>.weft");
}

Module run_pipeline_flags(Module m, const PipelineFlags& flags, const PassContext& context) {
  if (flags.dump_ir.empty()) return run_pipeline(std::move(m), flags.level, context);
  const std::filesystem::path dir(flags.dump_ir);
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw CompileError("--dump-ir: cannot create directory " + dir.string() + ": " + ec.message());
  write_dump(dir / "00-input.weft", m);
  return run_pipeline(std::move(m), flags.level, context, [&](int index, const Pass& pass, const Module& after) {
    write_dump(dir / (two_digits(index) + "-" + pass.name() + ".weft"), after);
  });
}

std::string describe_pipeline(const PipelineFlags& flags, const PassContext& context) {
  std::string s = "-O" + std::to_string(flags.level) + ":";
  for (const std::string& p : pipeline_passes(flags.level, context)) s += " " + p;
  return s;
}

void add_inspect_pass_flags(CLI::App* inspect, InspectPassFlags& flags) {
  inspect->add_option("--passes", flags.passes, "run these passes (comma-separated flag names) and print the result");
  inspect->add_option("--after", flags.after, "print the module after this pass of the -O pipeline");
  inspect->add_option("-O,--opt-level", flags.level, "the pipeline --after looks in, 0 to 3")->check(CLI::Range(0, 3))->capture_default_str();
  inspect->add_flag("--list-passes", flags.list, "print every pass with its summary");
}

Module apply_inspect_pass_flags(Module m, const InspectPassFlags& flags) {
  if (!flags.passes.empty() && !flags.after.empty()) throw CompileError("weft inspect: give --passes or --after, not both");
  PassContext context;
  if (!flags.passes.empty()) {
    std::vector<std::string> names = split_commas(flags.passes);
    for (const std::string& n : names) find_pass(n);  // every name checked before any pass runs
    return run_passes(std::move(m), names, context);
  }
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
