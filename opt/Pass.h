// Pass.h - the pass interface, the registry of passes by flag name, and what a pipeline gives each pass.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "ir/Module.h"
#include "opt/BindInputs.h"
#include "opt/SpecializeInputs.h"

namespace weft {

// What passes may need beyond the module: options from the command line. A pass reads
// only the fields it documents.
struct PassContext {
  // `--input-shape`: the static shapes of @main's inputs (specialize-inputs).
  std::vector<InputShape> input_shapes;
  // `--bind`: @main inputs made constants (bind-inputs), which the pipeline then evaluates.
  std::vector<BoundInput> bound_inputs;
};

// One module-to-module transformation. run() takes a type-checked, well-formed module and
// returns one (a new module; the argument is not changed: modules share immutable
// nodes). A pass never prints or exits: a problem the user can cause is a CompileError.
class Pass {
 public:
  virtual ~Pass() = default;
  virtual const char* name() const = 0;     // the flag name: `specialize-inputs`
  virtual const char* summary() const = 0;  // one line, for `weft inspect --passes help`
  virtual Module run(Module m, const PassContext& context) const = 0;
};

// Every registered pass (opt/PassList.h) in name order.
std::vector<const Pass*> registered_passes();
// The pass named `name`; CompileError listing the known names when there is none.
const Pass& find_pass(const std::string& name);

// Called after each pass of a pipeline with its position (1-based), the pass and the
// module it returned, e.g. to write `--dump-ir` files.
using PassDump = std::function<void(int index, const Pass& pass, const Module& after)>;

// The common shape of a pass that rewrites function bodies: `rewrite` gets each function's
// body and returns it (the same node when nothing changed); changed functions are rebuilt with
// their signature and attributes, and types are inferred again once if any changed. Runs on the
// deep stack (bodies nest as deep as models are long).
Module rewrite_function_bodies(const Module& m, const std::function<Expr(const Function& fn)>& rewrite);

// Runs `passes` by name in order, calling `dump` (when set) after each.
Module run_passes(Module m, const std::vector<std::string>& passes, const PassContext& context, const PassDump& dump = {});

}  // namespace weft
