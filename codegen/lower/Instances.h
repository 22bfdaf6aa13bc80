// Instances.h - monomorphization: the instances of global functions to emit, one per representation of their type arguments.
#pragma once

#include <deque>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "ir/Module.h"

namespace weft::lower {

using TypeSubst = std::vector<std::pair<TypeVar, Type>>;

// Binds each of `params` that occurs in `pattern` to the type at the same place in
// `concrete` (appended to `subst`; the first occurrence decides).
void match_type(const Type& pattern, const Type& concrete, const std::vector<TypeVar>& params, TypeSubst& subst);

// How generated host code represents a value of type `t`, as a key: every tensor is one
// run-time tensor (`tensor`: dtype and shape are read from the value), every ADT value one
// tagged value (`adt`), tuples, functions and references by the representations of their
// parts. Two types with one representation compile to the same code, whatever the target.
// CompileError at `where` (its message opening with `generator`, e.g. "CPU code generation")
// for a type variable left after instantiation and a polymorphic function value.
std::string representation(const Type& t, const Span& where, const std::string& generator);

// One emitted function for a global: @name with its type parameters bound by `subst` (empty
// for a monomorphic function).
struct FunctionInstance {
  std::string name;   // the IR name
  TypeSubst subst;    // fn->type_params[i] -> a concrete type
  std::string key;    // name|representation of each type argument: what tells instances apart
  int ordinal = -1;   // the N-th instance of a polymorphic function (from 0); -1 when monomorphic
};

// Polymorphic functions are monomorphized: two uses whose type arguments have the same
// representation (above) share one instance, so only what the generated code can tell apart
// is duplicated. Instances are numbered in the order they are first requested, which keeps
// the generated source deterministic.
class Instances {
 public:
  // `generator` opens the messages of the errors it reports ("CPU code generation").
  explicit Instances(const Module& m, std::string generator = "code generation") : module_(m), generator_(std::move(generator)) {}
  // The instance of @name used at type `use` (the GlobalVar's instantiated function type,
  // already free of the caller's type variables); queued for emission when new.
  const FunctionInstance& at_use(const std::string& name, const Type& use, const Span& where);
  // The key at_use would look @name up by, without requesting it.
  std::string key_at_use(const std::string& name, const Type& use, const Span& where) const;
  // The instance with no type arguments (@main).
  const FunctionInstance& monomorphic(const std::string& name, const Span& where);
  // The next instance requested but not yet returned by next(); null when none is left.
  const FunctionInstance* next();
  const std::deque<FunctionInstance>& all() const { return all_; }
  const std::string& generator() const { return generator_; }

 private:
  TypeSubst subst_at_use(const Function& fn, const Type& use) const;
  std::string key_of(const std::string& name, const TypeSubst& subst, const Span& where) const;
  const FunctionInstance& request(const std::string& name, TypeSubst subst, const Span& where);

  const Module& module_;
  std::string generator_;
  std::deque<FunctionInstance> all_;  // stable addresses
  std::map<std::string, size_t> by_key_;
  std::map<std::string, int> per_name_;
  size_t emitted_ = 0;
};

}  // namespace weft::lower
