// VerifyPass.cpp - `verify`: the checks every pipeline ends with (well-formed, types, no shared subexpression).
#include "ir/Sharing.h"
#include "ir/TypeInference.h"
#include "opt/Pass.h"

namespace weft {

namespace {

// A pass that changes nothing: it re-runs type inference (which checks scoping and binding
// first, ir/WellFormed.h) on what the passes before it built, and the sharing invariant
// the code generator relies on, so a pass that breaks either is caught at its pipeline.
class VerifyPass : public Pass {
 public:
  const char* name() const override { return "verify"; }
  const char* summary() const override { return "check well-formedness and types again, and that no subexpression is shared"; }
  Module run(Module m, const PassContext&) const override {
    infer_types(m);
    check_unshared(m);
    return m;
  }
};

}  // namespace

const Pass& verify_pass() {
  static const VerifyPass pass;
  return pass;
}

}  // namespace weft
