// Pipelines.cpp - one short list of passes per -O level; reading it is reading the optimizer.
#include "opt/Pipelines.h"

#include "ir/Error.h"

namespace weft {

namespace {

using Passes = std::vector<std::string>;

// What every level starts with: the user's input shapes, so later passes see static dims.
void front(Passes& p, const PassContext& context) {
  if (!context.input_shapes.empty()) p.push_back("specialize-inputs");
}

// What every level ends with: the form code generation needs, then the checks.
void back(Passes& p) {
  p.push_back("to-a-normal-form");
  p.push_back("verify");
}

// -O0: no optimization, only what compiling needs.
Passes pipeline_o0(const PassContext& context) {
  Passes p;
  front(p, context);
  back(p);
  return p;
}

// -O1: cheap clean-ups (none yet: dead-code elimination and constant folding go here).
Passes pipeline_o1(const PassContext& context) {
  Passes p;
  front(p, context);
  back(p);
  return p;
}

// -O2, the default: -O1 plus fusion and simplification (none yet).
Passes pipeline_o2(const PassContext& context) {
  Passes p;
  front(p, context);
  back(p);
  return p;
}

// -O3: -O2 plus transformations that trade compile time or code size for speed (none yet).
Passes pipeline_o3(const PassContext& context) {
  Passes p;
  front(p, context);
  back(p);
  return p;
}

}  // namespace

std::vector<std::string> pipeline_passes(int level, const PassContext& context) {
  switch (level) {
    case 0: return pipeline_o0(context);
    case 1: return pipeline_o1(context);
    case 2: return pipeline_o2(context);
    case 3: return pipeline_o3(context);
  }
  throw CompileError("-O" + std::to_string(level) + ": the optimization levels are 0 to 3");
}

Module run_pipeline(Module m, int level, const PassContext& context, const PassDump& dump) {
  return run_passes(std::move(m), pipeline_passes(level, context), context, dump);
}

}  // namespace weft
