// SpecializeInputsPass.cpp - `specialize-inputs` behind the pass interface: specialize_inputs with the context's input shapes.
#include "opt/Pass.h"
#include "opt/SpecializeInputs.h"

namespace weft {

namespace {

class SpecializeInputsPass : public Pass {
 public:
  const char* name() const override { return "specialize-inputs"; }
  const char* summary() const override { return "make @main's input dims static as --input-shape gives them (no shapes: no change)"; }
  Module run(Module m, const PassContext& context) const override { return specialize_inputs(m, context.input_shapes); }
};

}  // namespace

const Pass& specialize_inputs_pass() {
  static const SpecializeInputsPass pass;
  return pass;
}

}  // namespace weft
