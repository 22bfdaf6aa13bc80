// PassFlags.h - the pass options of `weft compile` (-O, --dump-ir) and `weft inspect` (--passes, --after, --list-passes).
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "opt/FuseOps.h"
#include "opt/Pass.h"

namespace weft::cli {

// `weft compile`'s pipeline: -O0..3 (default 2) and --dump-ir DIR.
struct PipelineFlags {
  int level = 2;
  std::string dump_ir;  // empty: no dumps
  std::vector<std::string> binds;  // --bind NAME=VALUE, as written
};
void add_pipeline_flags(CLI::App* command, PipelineFlags& flags);

// What one pass of a pipeline did, for `weft compile`'s report: its time, and the module's
// operator calls, kernels and fused groups before and after it (static counts in the text).
struct PassStep {
  std::string pass;
  double ms = 0;
  KernelCount before, after;
};

// Runs the -O pipeline (with `context`'s fields and the --bind inputs); with --dump-ir, writes
// DIR/00-input.weft and then DIR/NN-<pass>.weft after pass NN (the directory is created; files
// there from an earlier run are overwritten). `steps`, when given, gets one entry per pass.
Module run_pipeline_flags(Module m, const PipelineFlags& flags, const PassContext& context, std::vector<PassStep>* steps = nullptr);

// The steps as `weft compile` prints them, one indented line per pass:
// "    fold-constants        0.4 ms   69 -> 49 op calls".
std::string pass_steps_text(const std::vector<PassStep>& steps);

// One line naming the level and its passes, for compile's progress output: "-O2: to-a-normal-form, verify".
std::string describe_pipeline(const PipelineFlags& flags, const PassContext& context);

// `weft inspect`'s pass options: --passes a,b,c runs those passes; --after PASS prints
// the module after that pass of the -O pipeline; --list-passes prints every pass with
// its summary (then FILE may be left out).
struct InspectPassFlags {
  std::string passes;
  std::string after;
  std::vector<std::string> binds;  // --bind NAME=VALUE: the pipeline (or --passes' bind-inputs) makes them constants
  int level = 2;
  bool list = false;
};
void add_inspect_pass_flags(CLI::App* inspect, InspectPassFlags& flags);
// The module as `weft inspect` should print it; CompileError for an unknown pass, or an
// --after pass the pipeline does not run.
Module apply_inspect_pass_flags(Module m, const InspectPassFlags& flags);
// The registered passes, one `name  summary` line each.
std::string pass_list_text();

}  // namespace weft::cli
