// Target.h - what the host emitter asks of a target: operator calls, frames and slots, tensors, conditions, the prologue, the build.
#pragma once

#include <string>
#include <vector>

#include "codegen/lower/Fusion.h"
#include "codegen/lower/MemoryPlan.h"
#include "ir/Expr.h"
#include "ir/OpRegistry.h"

namespace weft::codegen {

// Thrown by a target for something it has no code for; the host emitter reports it where it
// occurs: "<target> code generation does not support WHAT yet, in @f: <the IR>".
struct Unsupported {
  std::string what;
};

// One operator call of a fusion group, as the host emitter hands it over: the arguments are
// already evaluated into host variables (or constants), in order.
struct OperatorCall {
  const CallNode* call = nullptr;
  const OpDef* def = nullptr;
  std::vector<std::string> args;                   // C++ expressions of the arguments
  std::vector<const TensorTypeNode*> arg_types;     // at the instance being emitted
  std::vector<const TensorTypeNode*> result_types;  // one per output (a tuple result has several)
};

// A call of a primitive function that lowering made one fused kernel (codegen/lower/Fusion.h):
// its inputs already evaluated into host variables, in parameter order.
struct FusedCall {
  const lower::FusedKernel* kernel = nullptr;
  std::vector<std::string> args;
};

// How the generated source becomes a shared library: the compiler, the flags that compile the
// source (and decide how the runtime's headers compile), the link flags and the libraries linked.
struct BuildRecipe {
  std::string compiler;
  std::vector<std::string> compile_flags;
  std::vector<std::string> link_flags;
  std::vector<std::string> libraries;
};

// A target: the few things the host program (control flow, closures, ADTs, match, references,
// @main's entry and the C API table, all in codegen/) does not decide. codegen/cpu/ is the CPU's.
class Target {
 public:
  virtual ~Target() = default;
  // "CPU": the errors say "CPU code generation ...".
  virtual std::string name() const = 0;

  // Throws Unsupported when the target has no code for operator `def` (checked before its
  // arguments are evaluated).
  virtual void check_operator(const OpDef& def) const = 0;
  // The C++ expression computing the results of a fusion group (codegen/lower/Fusion.h):
  // one tensor, or a std::tuple of them for an operator with several outputs. Throws
  // Unsupported, or CompileError for a call the operator's own emitter refuses.
  virtual std::string group_call(const std::vector<OperatorCall>& group) = 0;
  // The C++ expression computing a fused group's result tensor in one loop nest. A target
  // without fused kernels says so (Unsupported); it never falls back to one call per op.
  virtual std::string fused_call(const FusedCall&) { throw Unsupported{"fused groups (calls of primitive functions)"}; }

  // The declarations that open a function whose memory plan places values in a frame ("" when
  // it places none), and `expr` with its result placed at frame slot `slot`.
  virtual std::string frame(const lower::MemoryPlan& plan) const = 0;
  virtual std::string in_slot(int slot, const std::string& expr) const = 0;
  // The statement that drops variable `var`'s tensor, its last use passed, so its memory goes
  // back to the frame or the pool at once.
  virtual std::string release(const std::string& var) const = 0;

  // The host C++ type holding a tensor of `dtype` (CompileError for a dtype the target has
  // no element type for), and the C++ element type of `dtype` on the host ("float"), which the
  // descriptor tables of the C API name.
  virtual std::string tensor_type(DType dtype) const = 0;
  virtual std::string element_type(DType dtype) const = 0;
  // A C++ bool read on the host from `scalar`, a variable holding a bool[] tensor (an if's condition).
  virtual std::string condition(const std::string& scalar) const = 0;

  // What the source opens with (the runtime's includes), and the file-scope definitions the
  // operator calls printed so far refer to (printed before the functions).
  virtual std::string prologue() const = 0;
  virtual std::string file_scope() const = 0;
  // File-scope definitions that must stand outside every namespace of the generated file
  // (printed right after the prologue): types shared with a precompiled runtime by name.
  virtual std::string global_scope() const { return ""; }

  // How to build the source into lib<name>.so.
  virtual BuildRecipe build_recipe(const std::string& name) const = 0;
};

}  // namespace weft::codegen
