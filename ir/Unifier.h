// Unifier.h - unification variables and first-order unification of IR types, dims included.
#pragma once

#include <string>
#include <unordered_set>
#include <vector>

#include "ir/Type.h"

namespace weft {

// Note on unification in weft
//
// Idea: type inference gives every unknown type a unification variable (an
// IncompleteType with a fresh id) and makes types equal by binding variables
// (Hindley-Milner without let-generalization; polymorphism comes only from declared
// type parameters, which are instantiated with fresh variables at each use).
//
// Dims are not unification variables. Symbols (`batch`) are global to a module and
// rigid, so the rule is plain and checkable by hand:
//   - two dims unify when they are equal (canonical polynomials: `n+m` == `m+n`);
//   - an unknown dim `?` unifies with any dim;
//   - anything else (a symbol against a different symbol or a static size, two
//     different static sizes) is a mismatch: `expected f32[batch, 3], found f32[4, 3]`.
// Unifying never rewrites a dim, so a unification variable keeps the first tensor type
// bound to it. Where two types meet and either may flow out (if branches, match
// clauses), the result is their `join`, which turns dims that differ into `?`.
//
// Unknown rank (`f32[*]`) is the one place where unification is directed, because code
// generation fixes ranks at compile time: a value typed f32[3] must really be rank 1.
//   - `expected` f32[*] accepts `found` f32[any shape] (a known rank forgets itself);
//   - `expected` f32[3] does not accept `found` f32[*] (the rank could be anything).
// The direction flips in function parameters (fn(f32[*]) -> R may stand where
// fn(f32[3]) -> R is expected, not the other way), is fixed inside Ref[...] (a cell is
// read and written), and is kept inside tuples and ADT arguments (values are immutable).
// `unify_branches` (if branches, match clauses) accepts either direction; their `join`
// then is unranked. Limit: an ADT whose field is a function of its parameter is treated
// as covariant too.
//
// Invariants: a variable is bound at most once and never to a type containing itself
// (occurs check), so `resolve` terminates. Type parameters (TypeVar) are rigid: they
// unify only with themselves.
// Limits: no subtyping between dims beyond `?`; a variable bound to f32[3] and later
// unified with f32[?] stays f32[3] (the program is accepted, the type is not widened),
// and an annotation more precise than its value (`let %x: f32[3] = <an f32[?]>`) is
// trusted: checking it is left to run time.
class Unifier {
 public:
  // What disagreed, innermost first: the pair of (resolved) types and, for tensors, why.
  struct Conflict {
    Type expected, found;
    std::string why;  // "dim 0: batch vs 4", "infinite type", ""
  };

  Type fresh();
  // Makes `expected` and `found` equal by binding variables. On a mismatch returns false
  // and fills `conflict` (bindings made before the mismatch stay; callers then throw).
  bool unify(const Type& expected, const Type& found, Conflict* conflict = nullptr) {
    return unify(expected, found, Polarity::Widen, conflict);
  }
  // Like unify, but a tensor of unknown rank may stand on either side (for two types that
  // meet in an if or a match and are then joined).
  bool unify_branches(const Type& a, const Type& b, Conflict* conflict = nullptr) {
    return unify(a, b, Polarity::Either, conflict);
  }
  // Follows bindings at the top only.
  Type shallow(const Type& t) const;
  // Replaces every bound variable, recursively; returns `t` itself when nothing changed.
  Type resolve(const Type& t) const;
  // True when `t` resolves to a type without unification variables.
  bool is_resolved(const Type& t) const;
  // The common type of two types that unified: dims that differ become `?`.
  Type join(const Type& a, const Type& b) const;
  // A polymorphic function type with its type parameters replaced by fresh variables
  // (the type parameters list emptied); other types unchanged.
  Type instantiate(const Type& t);

 private:
  // Where an unranked tensor may meet a ranked one: Widen, `expected` unranked; Narrow,
  // `found` unranked (function parameters); Exact, neither (Ref); Either, both.
  enum class Polarity { Widen, Narrow, Exact, Either };
  static Polarity flip(Polarity p);
  bool unify(const Type& expected, const Type& found, Polarity pol, Conflict* conflict);
  bool unify_many(const std::vector<Type>& a, const std::vector<Type>& b, Polarity pol, Conflict* c);
  bool occurs(int id, const Type& t) const;
  Type resolve(const Type& t, bool* ground) const;
  std::vector<Type> bindings_;  // indexed by IncompleteType id; null while unbound
  // Composite types known to hold no variable. Types are immutable, so this stays true;
  // it keeps resolving a program whose types nest 100,000 deep linear, not quadratic.
  mutable std::unordered_set<Type, RefHash> ground_;
};

inline const IncompleteTypeNode* as_incomplete(const Type& t) {
  return t && t->kind == TypeKind::IncompleteType ? static_cast<const IncompleteTypeNode*>(t.get()) : nullptr;
}

// type_str for messages: unbound unification variables print as `_`.
std::string type_str_for_user(const Type& t);

}  // namespace weft
