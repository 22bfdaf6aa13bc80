// Pipelines.h - the passes of each -O level, and running one with a dump after every pass.
#pragma once

#include <string>
#include <vector>

#include "opt/Pass.h"

namespace weft {

// The pass names `-O<level>` runs (level 0..3), in order. Passes that only apply with some
// option (specialize-inputs with input shapes) are listed only when `context` has it.
// CompileError for a level outside 0..3.
std::vector<std::string> pipeline_passes(int level, const PassContext& context);

// Runs the -O<level> pipeline on a type-checked module, calling `dump` after each pass.
Module run_pipeline(Module m, int level, const PassContext& context, const PassDump& dump = {});

}  // namespace weft
