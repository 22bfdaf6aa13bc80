// EmitModule.h - a typed module as one readable host C++ source for a target: its functions, @main's entry, the C API table.
#pragma once

#include <string>
#include <vector>

#include "codegen/Target.h"
#include "ir/Module.h"

namespace weft::codegen {

struct GeneratedSource {
  std::string source;        // model.cpp: one C++ function per IR function, then the C API table
  // Further translation units of the same library (NAME_1.cpp, ...), for a large model: its
  // functions and chunks (SplitBody.h) spread over several files the C++ compiler builds in
  // parallel. Each one repeats the prologue and the declarations; `source` keeps the weights,
  // @main's entry and the C API table.
  std::vector<std::string> parts;
  std::string weights;       // the constants: weights.bin embedded with .incbin, or the sidecar's bytes
  std::string weights_file;  // empty: embedded; else the sidecar's file name, beside the library
  // The memory plan, summed over the generated functions: intermediates of static shape placed
  // in frames, the frames' bytes, and what those values would take unshared.
  size_t planned_values = 0, frame_bytes = 0, unshared_bytes = 0;
};

struct EmitOptions {
  // Non-empty: the weights stay out of the library, in this file (a plain name, found
  // beside the library when the model is created, checked by size and hash).
  std::string weights_file;
  // Roughly how many bytes of function definitions go in one translation unit; a model with
  // more is spread over several (GeneratedSource::parts), at most max_units. 0: the defaults.
  size_t bytes_per_unit = 0;
  size_t max_units = 0;
};

// The text of every translation unit, the main one first (for tests and tools that search it).
std::string all_sources(const GeneratedSource& src);

// `m` must be type-checked (infer_types) and share no non-atomic subexpression
// (check_unshared, ir/Sharing.h: what the -O pipelines' to-a-normal-form pass gives). `name` is
// a C identifier: the library exports weft_model_api() and NAME_api(). Each function instance
// @main reaches is lowered (codegen/lower/Lowered.h) and printed as host C++, its operator
// calls, frames and tensor type by `target`. Throws CompileError naming the op or construct
// (and where) for anything the generator does not handle yet: ops the target has no code
// for, polymorphic closure values, and @main parameters or results other than tensors, lists
// of tensors, optional tensors and optional lists (or tuples of them).
GeneratedSource emit_module(const Module& m, const std::string& name, Target& target, const EmitOptions& options = {});

// Checks `name` is usable as a C identifier; CompileError otherwise.
void check_library_name(const std::string& name);

}  // namespace weft::codegen
