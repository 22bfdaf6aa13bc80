// Lowered.h - the lowered form of one function instance: what every target's emitter prints from, and its text dump.
#pragma once

#include <string>

#include "codegen/lower/Fusion.h"
#include "codegen/lower/Instances.h"
#include "codegen/lower/MemoryPlan.h"
#include "codegen/lower/TailCalls.h"

namespace weft::lower {

// One function instance, lowered. Its statements are the function's own body, in A-normal
// form (the -O pipelines' to-a-normal-form pass gives it, and the emitter checks the module
// shares no subexpression): every call bound by a let, in evaluation order. Lowering adds
// what an emitter decides from the whole body before printing any of it: the type
// arguments, the self tail calls that become loops, the operator calls' fusion groups, and
// the memory plan (frame slots and the points after which values are released).
struct LoweredFunction {
  const FunctionInstance* instance = nullptr;
  Function fn;
  TailCalls tail_calls;
  FusionGroups fusion;
  MemoryPlan plan;  // of the instance's body; closure bodies are not planned

  // e's checked type with the instance's type arguments substituted.
  Type type_of(const Expr& e) const;
};

// Lowers `inst`, an instance `instances` gave (its key identifies its self calls).
LoweredFunction lower_function(const Module& m, const FunctionInstance& inst, const Instances& instances);

// The lowered form as text, one line per operator call, if, match and self tail call in
// evaluation order, then the frame; for tests and `weft` debugging, e.g.
//   @main(%x: f32[64, 64]) -> f32[64, 64]
//     op %a = add: group 0, slot 0 (offset 0, 16448 bytes, f32)
//     op %b = mul: group 1, slot 1 (offset 16448, 16448 bytes, f32); release %a
//     self tail call @main: loop
//     frame: 2 slots, 32896 bytes (32896 unshared)
std::string dump(const LoweredFunction& f);

}  // namespace weft::lower
