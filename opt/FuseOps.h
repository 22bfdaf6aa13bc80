// FuseOps.h - groups chains of elementwise and broadcast operator calls into primitive functions (flag `fuse-ops`).
#pragma once

#include "ir/Module.h"

namespace weft {

// Type-checked module in; type-checked module out in which each maximal tree of fusable
// operator calls is one call of a local function marked `primitive=1`:
//   add(tanh(mul(%x, %y)), %b)
//     =>  (fn (%p0: f32[n, 8], %p1: f32[n, 8], %p2: f32[8]) -> f32[n, 8] attrs(primitive=1) {
//            add(tanh(mul(%p0, %p1)), %p2) })(%x, %y, %b)
// Epilogues: a producer may also be an out-fusable call whose kernel takes an epilogue
// (OpDef::out_epilogue: conv, matmul, gemm) with an f32 or f64 result, under the same rules
// (one reader, same scope, the consumer's shape); its arguments are then group inputs, not
// fused further, and a group holds one such call at most, with the group's result dtype:
//   relu(add(conv(%x, %w), %r))
//     =>  (fn (%p0, %p1, %p2) attrs(primitive=1) { relu(add(conv(%p0, %p1), %p2)) })(%x, %w, %r)
// The CPU code runs the group as the conv kernel applying the tree to each output tile.
//
// A call is fusable when its op is Elementwise or Broadcast and has a scalar_expr
// (ir/OpRegistry.h), and every argument and its result is a tensor of known rank. A producer
// joins its consumer's group when
//  - it is an argument written in place, reached by no other parent, or a let-bound variable
//    used exactly once, by that argument, in the same scope (not inside a branch, clause or
//    closure the let is outside of: fusing would move work into a loop or onto a path) whose
//    value is only operator calls over variables and constants (moving it to its use moves it
//    past the lets between: no reference read or function call may move), and
//  - its result has the consumer's result shape (equal static dims or the same symbols, or the
//    consumer is a unary elementwise op), so a group never computes an element of a smaller
//    intermediate more than once.
// Groups have one output: an intermediate used elsewhere ends its group (it is not recomputed).
// A group of one op stays a plain call. Group inputs are the arguments outside the group,
// each once (constants included, as parameters). Bodies of functions already marked
// primitive are left alone. Works in every function body: loops (tail-recursive functions),
// branches, closures.
//
// The pass forms only groups the CPU code generator fuses into one loop nest
// (codegen/cpu/FusedLoop.h): a body of scalar_expr operator calls over the parameters.
//
// Moving a let-bound producer to its single use moves it past the code between them; that
// code may have effects (ref_write), and the producer or an op call under it may raise a
// run-time error (shapes that do not broadcast), so a program that fails both ways may report
// the other error first.
Module fuse_ops(const Module& m);

// Operator calls of a module before and after fusion, for `weft compile`'s report.
struct KernelCount {
  int op_calls = 0;  // every operator call, inside groups or not
  int kernels = 0;   // operator calls outside groups, plus one per group call
  int groups = 0;    // calls of primitive function literals
  // Groups that start from an out-fusable call (conv, matmul, gemm) run as that call's kernel
  // with the rest as its epilogue; separate_epilogues counts the out-fusable calls outside any
  // group whose result an elementwise op or a group reads next (left as two kernels: the
  // result has other readers, a different shape or dtype than the tree over it, or the tree
  // already holds another anchor).
  int epilogue_groups = 0;
  int separate_epilogues = 0;
};
KernelCount count_kernels(const Module& m);

}  // namespace weft
