// PassFlags.h - the pass options of `weft compile` (-O, --dump-ir) and `weft inspect` (--passes, --after, --list-passes).
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "opt/Pass.h"

namespace weft::cli {

// `weft compile`'s pipeline: -O0..3 (default 2) and --dump-ir DIR.
struct PipelineFlags {
  int level = 2;
  std::string dump_ir;  // empty: no dumps
};
void add_pipeline_flags(CLI::App* command, PipelineFlags& flags);

// Runs the -O pipeline; with --dump-ir, writes DIR/00-input.weft and then DIR/NN-<pass>.weft
// after pass NN (the directory is created; files there from an earlier run are overwritten).
Module run_pipeline_flags(Module m, const PipelineFlags& flags, const PassContext& context);

// One line naming the level and its passes, for compile's progress output: "-O2: to-a-normal-form, verify".
std::string describe_pipeline(const PipelineFlags& flags, const PassContext& context);

// `weft inspect`'s pass options: --passes a,b,c runs those passes; --after PASS prints
// the module after that pass of the -O pipeline; --list-passes prints every pass with
// its summary (then FILE may be left out).
struct InspectPassFlags {
  std::string passes;
  std::string after;
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
