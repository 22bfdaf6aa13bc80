// GradientTypes.h - the types of values in a differentiated program: each float tensor paired with its adjoint.
#pragma once

#include "ir/Expr.h"

namespace weft::grad {

// A float tensor (ranked or not) carries an adjoint; integers and bools do not.
bool carries_adjoint(const Type& t);
// The type of a value in the differentiated program: T -> (T, Ref[T]) for a float tensor T,
// componentwise through tuples, functions, ADT arguments and references. CompileError at
// `where` for a polymorphic function type.
Type lift_type(const Type& t, const Span& where);
// The backpropagator: a reference to the closure that runs every recorded step in reverse.
Type backpropagator_type();
// A tensor of zeros of `x`'s type (a constant when the shape is static).
Expr zeros_of(const Expr& x, const Type& type);

}  // namespace weft::grad
