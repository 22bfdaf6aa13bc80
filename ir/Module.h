// Module.h - a program: global functions (main is the entry) and ADT definitions.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "ir/Expr.h"

namespace weft {

// type Name[T...] { Ctor(fields...), ... }
struct TypeData {
  std::string name;
  std::vector<TypeVar> type_params;
  std::vector<Constructor> constructors;  // tag i is constructors[i]
  bool prelude = false;                   // defined by the prelude; the printer omits it
};

// Modules are values: copying one shares its (immutable) functions. Passes take a
// module and return a new one.
class Module {
 public:
  // An empty module holding the prelude: List[T] = Cons(T, List[T]) | Nil,
  // Option[T] = Some(T) | None.
  Module();

  void add_function(const std::string& name, Function fn);  // replaces an existing one
  void add_type(TypeData data);                             // CompileError on a duplicate name
  // Creates a TypeData and its constructors from a description.
  // ctors: (name, field types written in terms of `params`).
  const TypeData& define_type(const std::string& name, std::vector<TypeVar> params,
                              std::vector<std::pair<std::string, std::vector<Type>>> ctors, bool prelude = false);

  Function function(const std::string& name) const;  // null if absent
  const TypeData* type(const std::string& name) const;
  Constructor constructor(const std::string& name) const;  // null if absent
  // Function names in definition order (main wherever it was defined).
  const std::vector<std::string>& function_names() const { return order_; }
  const std::vector<std::string>& type_names() const { return type_order_; }
  Function main() const { return function("main"); }

 private:
  std::map<std::string, Function> functions_;
  std::vector<std::string> order_;
  std::map<std::string, TypeData> types_;
  std::vector<std::string> type_order_;
  std::map<std::string, Constructor> constructors_;
};

}  // namespace weft
