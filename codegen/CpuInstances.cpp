// CpuInstances.cpp - monomorphization of polymorphic global functions, keyed by the C++ types of their type arguments.
#include "codegen/CpuInstances.h"

#include "codegen/CpuFunctionEmitter.h"
#include "codegen/CpuTypes.h"

namespace weft::codegen {

namespace {

// Binds the type parameters in `pattern` (the callee's declared signature) to what they
// are in `concrete` (the same shape with every parameter replaced).
void match_type(const Type& pattern, const Type& concrete, const std::vector<TypeVar>& params, TypeSubst& subst) {
  if (!pattern || !concrete) return;
  if (auto* v = as_type_var(pattern)) {
    for (const TypeVar& p : params)
      if (p.get() == v) {
        for (auto& [q, t] : subst)
          if (q.get() == v) return;  // the first occurrence decides; the module is type-checked
        subst.emplace_back(p, concrete);
      }
    return;
  }
  if (pattern->kind != concrete->kind) return;
  if (auto* a = as_tuple(pattern)) {
    auto* b = as_tuple(concrete);
    for (size_t i = 0; i < a->fields.size() && i < b->fields.size(); ++i) match_type(a->fields[i], b->fields[i], params, subst);
  } else if (auto* a = as_func(pattern)) {
    auto* b = as_func(concrete);
    for (size_t i = 0; i < a->params.size() && i < b->params.size(); ++i) match_type(a->params[i], b->params[i], params, subst);
    match_type(a->ret, b->ret, params, subst);
  } else if (auto* a = as_adt(pattern)) {
    auto* b = as_adt(concrete);
    for (size_t i = 0; i < a->args.size() && i < b->args.size(); ++i) match_type(a->args[i], b->args[i], params, subst);
  } else if (auto* a = as_ref(pattern)) {
    match_type(a->inner, as_ref(concrete)->inner, params, subst);
  }
}

}  // namespace

const FunctionInstance& Instances::at_use(const std::string& name, const Type& use, const Span& where) {
  Function fn = module_.function(name);
  if (!fn) throw CompileError(where, "CPU code generation: no function @" + name);
  TypeSubst subst;
  if (!fn->type_params.empty()) {
    match_type(fn->checked_type, use, fn->type_params, subst);
    // A parameter that no argument or result mentions has no effect on the code: unit.
    for (const TypeVar& p : fn->type_params) {
      bool bound = false;
      for (auto& [q, t] : subst) bound = bound || q.get() == p.get();
      if (!bound) subst.emplace_back(p, unit_type());
    }
  }
  return request(name, std::move(subst), where);
}

const FunctionInstance& Instances::monomorphic(const std::string& name, const Span& where) {
  Function fn = module_.function(name);
  if (fn && !fn->type_params.empty())
    throw CompileError(fn->span, "CPU code generation: @" + name + " is polymorphic; the entry point must not be");
  return request(name, {}, where);
}

const FunctionInstance& Instances::request(const std::string& name, TypeSubst subst, const Span& where) {
  std::string key = name;
  for (auto& [p, t] : subst) key += "|" + cpp_type(t, where);
  auto it = by_key_.find(key);
  if (it != by_key_.end()) return all_[it->second];
  int n = per_name_[name]++;
  // Polymorphic recursion (f[T] calling f[List[T]]) would instantiate without end.
  if (n >= 256)
    throw CompileError(where, "CPU code generation: @" + name + " is instantiated at more than 256 types (polymorphic recursion?)");
  Function fn = module_.function(name);
  std::string cpp = cpp_function_name(name);
  if (fn && !fn->type_params.empty()) cpp += "__" + std::to_string(n);
  by_key_[key] = all_.size();
  all_.push_back({name, std::move(subst), cpp});
  return all_.back();
}

const FunctionInstance* Instances::next() { return emitted_ < all_.size() ? &all_[emitted_++] : nullptr; }

}  // namespace weft::codegen
