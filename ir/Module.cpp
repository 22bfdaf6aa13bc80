// Module.cpp - module contents and the prelude.
#include "ir/Module.h"

namespace weft {

Module::Module() {
  TypeVar t = type_var("T");
  define_type("List", {t}, {{"Cons", {t, adt_type("List", {t})}}, {"Nil", {}}}, /*prelude=*/true);
  TypeVar u = type_var("T");
  define_type("Option", {u}, {{"Some", {u}}, {"None", {}}}, /*prelude=*/true);
}

void Module::add_function(const std::string& name, Function fn) {
  WEFT_ASSERT(fn, "null function " << name);
  if (!functions_.count(name)) order_.push_back(name);
  functions_[name] = std::move(fn);
}

void Module::add_type(TypeData data) {
  if (types_.count(data.name)) throw CompileError("type '" + data.name + "' is defined twice");
  for (auto& c : data.constructors) {
    if (constructors_.count(c->name)) throw CompileError("constructor '" + c->name + "' is defined twice");
    constructors_[c->name] = c;
  }
  type_order_.push_back(data.name);
  std::string name = data.name;
  types_[name] = std::move(data);
}

const TypeData& Module::define_type(const std::string& name, std::vector<TypeVar> params,
                                    std::vector<std::pair<std::string, std::vector<Type>>> ctors, bool prelude) {
  TypeData d;
  d.name = name;
  d.type_params = params;
  d.prelude = prelude;
  int tag = 0;
  for (auto& [cname, fields] : ctors) d.constructors.push_back(make_ref<ConstructorNode>(cname, name, tag++, fields, params));
  add_type(std::move(d));
  return types_.at(name);
}

Function Module::function(const std::string& name) const {
  auto it = functions_.find(name);
  return it == functions_.end() ? Function() : it->second;
}

const TypeData* Module::type(const std::string& name) const {
  auto it = types_.find(name);
  return it == types_.end() ? nullptr : &it->second;
}

Constructor Module::constructor(const std::string& name) const {
  auto it = constructors_.find(name);
  return it == constructors_.end() ? Constructor() : it->second;
}

}  // namespace weft
