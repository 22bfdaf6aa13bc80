// ToANormalForm.h - binds every shared subexpression with one let (flag `to-a-normal-form`).
#pragma once

#include "ir/Module.h"

namespace weft {

// Type-checked module in; type-checked module out in which no function shares a
// non-atomic subexpression (ir/Sharing.h): each node that several parents reached is
// computed once, by a `let` placed in the innermost scope enclosing all its uses, before
// the part of that scope where it is first used, and every use reads the variable. A
// module without sharing comes back unchanged. The code generator requires this form
// (check_unshared), so every -O pipeline runs this pass.
//
// A shared node means one value, so binding it once is what it means. The reference
// interpreter walks the tree and evaluates a shared node at each use; the two agree
// because producers share only effect-free expressions (CSE shares no ref_new).
Module to_a_normal_form(const Module& m);

}  // namespace weft
