// EmitCpu.h - lowers a typed module to one readable C++ source over the header-only runtime.
#pragma once

#include <string>

#include "ir/Module.h"

namespace weft::codegen {

struct CpuSource {
  std::string source;        // model.cpp: one C++ function per IR function, then the C API table
  std::string weights;       // the constants: weights.bin embedded with .incbin, or the sidecar's bytes
  std::string weights_file;  // empty: embedded; else the sidecar's file name, beside the library
  // The memory plan, summed over the generated functions: intermediates of static shape placed
  // in frames, the frames' bytes, and what those values would take unshared.
  size_t planned_values = 0, frame_bytes = 0, unshared_bytes = 0;
};

struct CpuEmitOptions {
  // Non-empty: the weights stay out of the library, in this file (a plain name, found
  // beside the library when the model is created, checked by size and hash).
  std::string weights_file;
  // Every op call computes its result dims with its shape function and checks the kernel's
  // result against them (not only calls whose dims are run-time): the test suites' mode.
  bool check_shapes = false;
};

// `m` must be type-checked (infer_types) and share no non-atomic subexpression
// (check_unshared, ir/Sharing.h: what the -O pipelines' to-a-normal-form pass gives). `name` is a C identifier: the library exports
// weft_model_api() and NAME_api(). Throws CompileError naming the op or construct (and
// where) for anything the CPU code generator does not handle yet: ops without an
// emitter, polymorphic closure literals, f16/bf16, and @main parameters or results other
// than tensors, lists of tensors, optional tensors and optional lists (or tuples of them).
CpuSource emit_cpu(const Module& m, const std::string& name, const CpuEmitOptions& options = {});

// Checks `name` is usable as a C identifier; CompileError otherwise.
void check_library_name(const std::string& name);

}  // namespace weft::codegen
