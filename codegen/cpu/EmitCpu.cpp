// EmitCpu.cpp - the CPU's entry point to the host emitter.
#include "codegen/cpu/EmitCpu.h"

#include "codegen/cpu/CpuTarget.h"

namespace weft::codegen {

CpuSource emit_cpu(const Module& m, const std::string& name, const CpuEmitOptions& options) {
  CpuTarget target(options.check_shapes);
  EmitOptions emit;
  emit.weights_file = options.weights_file;
  emit.bytes_per_unit = options.bytes_per_unit;
  return emit_module(m, name, target, emit);
}

}  // namespace weft::codegen
