// TypeInference.h - infers and checks the types of a module, filling every checked_type.
#pragma once

#include "ir/Module.h"

namespace weft {

// Module in, same module out with types: checks that `m` is well formed
// (check_well_formed), then infers the type of every expression and writes it into the
// node's checked_type slot: every Var (binders and uses), GlobalVar (its instantiated
// type at that use), Function (its signature), Call, Let, If, Match, ... A Constructor
// node gets its generic type (`fn[T](T, List[T]) -> List[T]`, or `List[T]` for one
// without fields); Op nodes are shared process-wide and get none.
//
// Rules (see the Note in TypeInference.cpp): def parameters must be annotated; return
// types, let types and closure parameters are inferred; polymorphism comes only from
// declared type parameters; symbolic dims are rigid and shared by the whole module.
// Throws CompileError at the offending node, naming the expression, what was expected
// and what was found. Safe on programs nested 100,000 deep.
void infer_types(const Module& m);

// Infers the type of a standalone expression, with the functions and types of `m` in
// scope (for tests and tools). Free variables are allowed when annotated: they stand
// for parameters of that type. Fills checked_type like infer_types.
Type infer_expr(const Expr& e, const Module& m);

}  // namespace weft
