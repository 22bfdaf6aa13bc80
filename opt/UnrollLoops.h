// UnrollLoops.h - partial evaluation of loops whose control is known at compile time (flag `unroll-loops`).
#pragma once

#include "ir/Module.h"

namespace weft {

// Unrolling stops (the loop stays a loop) past this many iterations, or when the unrolled
// code would hold more than this many non-atomic nodes: straight-line code pays off while the
// trip count is small and each iteration's body is what fusion and folding then work on.
inline constexpr int kUnrollMaxTrips = 64;
inline constexpr int kUnrollMaxNodes = 4000;

// Type-checked module in; type-checked module out in which a call @f(args) of a global
// function f that calls itself (a loop: ONNX Loop/Scan and TorchScript loops import as one),
// made from outside f with at least one constant argument, is replaced by straight-line code
// when evaluating the loop's control at compile time succeeds: f's body is copied for the call
// (fresh variables) and folded with what is known; the copy then holds either no call of f
// (the loop ended) or exactly one, outside any if, match or closure (the next iteration, whose
// arguments were computed from the constants), which is copied and folded in turn. A loop
// whose condition does not fold, a body with more than one call of f, a reference to f as a
// value, more than kUnrollMaxTrips iterations or kUnrollMaxNodes nodes leave the call as it
// was. Functions that call each other (mutual recursion) are left alone.
Module unroll_loops(const Module& m);

}  // namespace weft
