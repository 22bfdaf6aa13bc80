// Pipelines.cpp - one short list of passes per -O level; reading it is reading the optimizer.
#include "opt/Pipelines.h"

#include <iterator>

#include "ir/Error.h"

namespace weft {

namespace {

// What each level runs between the common start and end, -O0 first: one short list per
// level, each level holding the passes of the one before it.
const std::vector<std::string> kLevelPasses[] = {
    {},  // -O0: no optimization, only what compiling needs.
    // -O1: cheap clean-ups.
    {"fold-constants", "eliminate-dead-code"},
    // -O2, the default: -O1, inlining, simplification (shapes first: the dims they make static let
    // algebra see more reshapes as identities), batch-norm folding and CSE, the clean-ups again on
    // what they exposed (constants passed into inlined bodies, bindings left unused), then fusion
    // of what is left.
    {"fold-constants", "eliminate-dead-code", "inline-functions", "simplify-shapes", "simplify-algebra", "fold-batch-norm",
     "eliminate-common-subexpr", "fold-constants", "eliminate-dead-code", "fuse-ops"},
    // -O3: -O2 plus transformations that trade compile time or code size for speed: loops whose
    // control folds become straight-line code (before inlining, so their copies are folded and
    // fused like the rest).
    {"fold-constants", "eliminate-dead-code", "unroll-loops", "inline-functions", "simplify-shapes", "simplify-algebra", "fold-batch-norm",
     "eliminate-common-subexpr", "fold-constants", "eliminate-dead-code", "fuse-ops"},
};

}  // namespace

std::vector<std::string> pipeline_passes(int level, const PassContext& context) {
  if (level < 0 || level >= int(std::size(kLevelPasses)))
    throw CompileError("-O" + std::to_string(level) + ": the optimization levels are 0 to 3");
  std::vector<std::string> p;
  // Every level starts with the user's input shapes, so later passes see static dims.
  if (!context.input_shapes.empty()) p.push_back("specialize-inputs");
  // Inputs bound to values are partial evaluation's start, at every level (--bind asks for it):
  // what depends only on them is computed, branches on them decided, loops they control unrolled.
  if (!context.bound_inputs.empty())
    p.insert(p.end(), {"bind-inputs", "fold-constants", "unroll-loops", "fold-constants", "eliminate-dead-code"});
  p.insert(p.end(), kLevelPasses[level].begin(), kLevelPasses[level].end());
  // Every level ends with the form code generation needs, then the checks.
  p.push_back("to-a-normal-form");
  p.push_back("verify");
  return p;
}

Module run_pipeline(Module m, int level, const PassContext& context, const PassDump& dump) {
  return run_passes(std::move(m), pipeline_passes(level, context), context, dump);
}

}  // namespace weft
