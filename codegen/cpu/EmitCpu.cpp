// EmitCpu.cpp - the CPU's entry point to the host emitter.
#include "codegen/cpu/EmitCpu.h"

#include "codegen/cpu/CpuTarget.h"

namespace weft::codegen {

CpuSource emit_cpu(const Module& m, const std::string& name, const CpuEmitOptions& options) {
  CpuTarget target(options.check_shapes);
  return emit_module(m, name, target, {options.weights_file});
}

}  // namespace weft::codegen
