// EmitCpu.h - a typed module as one C++ source for the CPU: the host emitter (EmitModule.h) with the CPU target.
#pragma once

#include <string>

#include "codegen/EmitModule.h"
#include "ir/Module.h"

namespace weft::codegen {

using CpuSource = GeneratedSource;

struct CpuEmitOptions {
  // Non-empty: the weights stay out of the library, in this file (a plain name, found
  // beside the library when the model is created, checked by size and hash).
  std::string weights_file;
  // Every op call computes its result dims with its shape function and checks the kernel's
  // result against them (not only calls whose dims are run-time): the test suites' mode.
  bool check_shapes = false;
  // Bytes of function definitions per translation unit (EmitOptions::bytes_per_unit); 0: the default.
  size_t bytes_per_unit = 0;
};

// emit_module() with a CpuTarget (CpuTarget.h): operator calls through the operators' CPU
// facets over the header-only runtime. Its CompileErrors say "CPU code generation", and name
// also ops without a CPU emitter and dtypes the runtime has no element type for.
CpuSource emit_cpu(const Module& m, const std::string& name, const CpuEmitOptions& options = {});

}  // namespace weft::codegen
