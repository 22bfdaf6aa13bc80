// SharedFunctors.h - captureless lambdas in operator calls hoisted to one named object per distinct text.
#pragma once

#include <map>
#include <set>
#include <string>

namespace weft::codegen {

// Elementwise operators print as weft_rt::unary<R, T>(x, [](T x) { ... }): a lambda literal per
// call site, and each lambda is a distinct type, so each call site instantiates (and optimizes)
// the whole elementwise kernel again, although a 500-operator model has only a few dozen
// distinct bodies. SharedFunctors names each distinct captureless lambda once at file scope
// (`const auto weft_fn_N = [](...) {...};`) and call sites pass the name: one instantiation
// per distinct body. A captureless lambda sees only file-scope names, so moving it is safe.
// A lambda of a unary/binary call the functor catalogue holds (ir/ops/CpuFunctorCatalogue.h)
// becomes its named struct instead, whose kernel the precompiled runtime archive already has.
class SharedFunctors {
 public:
  // `expr` with each top-level captureless lambda `[](...) {...}` replaced by its shared name.
  std::string hoist(const std::string& expr);
  // The definitions, in order of first use, to print before the functions that use them.
  std::string definitions() const;
  // The catalogue's structs and `extern template` declarations the calls use: outside any
  // namespace of the generated file, since they name the archive's instantiations.
  std::string global_definitions() const;

 private:
  std::map<std::string, std::string> names_;  // lambda text -> weft_fn_N
  std::string defs_;
  std::set<std::string> precompiled_names_;
  std::string precompiled_defs_;
};

}  // namespace weft::codegen
