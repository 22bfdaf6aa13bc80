// CpuInstances.h - the instances of global functions the generated source defines: one per C++ type of the type parameters.
#pragma once

#include <deque>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "ir/Module.h"

namespace weft::codegen {

using TypeSubst = std::vector<std::pair<TypeVar, Type>>;

// One C++ function for a global: @name with its type parameters bound by `subst` (empty
// for a monomorphic function).
struct FunctionInstance {
  std::string name;      // the IR name
  TypeSubst subst;       // fn->type_params[i] -> a concrete type
  std::string cpp_name;  // fn_name, or fn_name__N for the N-th instance of a polymorphic one
};

// Polymorphic functions are monomorphized: two uses whose type arguments have the same C++
// types (every ADT is weft_rt::Adt, every tensor weft_rt::Tensor) share one instance, so
// only what the generated code can tell apart is duplicated. Instances are numbered in the
// order they are first requested, which keeps the source deterministic.
class Instances {
 public:
  explicit Instances(const Module& m) : module_(m) {}
  // The instance of @name used at type `use` (the GlobalVar's instantiated function type,
  // already free of the caller's type variables); queued for emission when new.
  const FunctionInstance& at_use(const std::string& name, const Type& use, const Span& where);
  // The instance with no type arguments (@main).
  const FunctionInstance& monomorphic(const std::string& name, const Span& where);
  // The next instance requested but not yet returned by next(); null when none is left.
  const FunctionInstance* next();
  const std::deque<FunctionInstance>& all() const { return all_; }

 private:
  const FunctionInstance& request(const std::string& name, TypeSubst subst, const Span& where);

  const Module& module_;
  std::deque<FunctionInstance> all_;  // stable addresses
  std::map<std::string, size_t> by_key_;
  std::map<std::string, int> per_name_;
  size_t emitted_ = 0;
};

}  // namespace weft::codegen
