// Instances.cpp - monomorphization of polymorphic global functions, keyed by the representations of their type arguments.
#include "codegen/lower/Instances.h"

namespace weft::lower {

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

std::string representation(const Type& t, const Span& where, const std::string& generator) {
  if (as_tensor(t)) return "tensor";
  if (auto* tup = as_tuple(t)) {
    std::string s = "(";
    for (size_t i = 0; i < tup->fields.size(); ++i) s += (i ? ", " : "") + representation(tup->fields[i], where, generator);
    return s + ")";
  }
  // Every ADT is one value kind: its fields' types are known wherever they are read.
  if (as_adt(t)) return "adt";
  if (auto* ref = as_ref(t)) return "ref " + representation(ref->inner, where, generator);
  if (auto* f = as_func(t)) {
    if (!f->type_params.empty())
      throw CompileError(where, Msg() << generator << " does not support polymorphic function values yet (" << type_str(t)
                                      << "); give the closure concrete parameter types");
    std::string s = "fn(";
    for (size_t i = 0; i < f->params.size(); ++i) s += (i ? ", " : "") + representation(f->params[i], where, generator);
    return s + ") -> " + representation(f->ret, where, generator);
  }
  throw CompileError(where, Msg() << generator << ": no representation for " << type_str(t)
                                  << " (a type variable left after instantiating polymorphic functions)");
}

TypeSubst Instances::subst_at_use(const Function& fn, const Type& use) const {
  TypeSubst subst;
  if (fn->type_params.empty()) return subst;
  match_type(fn->checked_type, use, fn->type_params, subst);
  // A parameter that no argument or result mentions has no effect on the code: unit.
  for (const TypeVar& p : fn->type_params) {
    bool bound = false;
    for (auto& [q, t] : subst) bound = bound || q.get() == p.get();
    if (!bound) subst.emplace_back(p, unit_type());
  }
  return subst;
}

std::string Instances::key_of(const std::string& name, const TypeSubst& subst, const Span& where) const {
  std::string key = name;
  for (auto& [p, t] : subst) key += "|" + representation(t, where, generator_);
  return key;
}

const FunctionInstance& Instances::at_use(const std::string& name, const Type& use, const Span& where) {
  Function fn = module_.function(name);
  if (!fn) throw CompileError(where, generator_ + ": no function @" + name);
  return request(name, subst_at_use(fn, use), where);
}

std::string Instances::key_at_use(const std::string& name, const Type& use, const Span& where) const {
  Function fn = module_.function(name);
  if (!fn) throw CompileError(where, generator_ + ": no function @" + name);
  return key_of(name, subst_at_use(fn, use), where);
}

const FunctionInstance& Instances::monomorphic(const std::string& name, const Span& where) {
  Function fn = module_.function(name);
  if (fn && !fn->type_params.empty())
    throw CompileError(fn->span, generator_ + ": @" + name + " is polymorphic; the entry point must not be");
  return request(name, {}, where);
}

const FunctionInstance& Instances::request(const std::string& name, TypeSubst subst, const Span& where) {
  std::string key = key_of(name, subst, where);
  auto it = by_key_.find(key);
  if (it != by_key_.end()) return all_[it->second];
  int n = per_name_[name]++;
  // Polymorphic recursion (f[T] calling f[List[T]]) would instantiate without end.
  if (n >= 256)
    throw CompileError(where, generator_ + ": @" + name + " is instantiated at more than 256 types (polymorphic recursion?)");
  Function fn = module_.function(name);
  const int ordinal = fn && !fn->type_params.empty() ? n : -1;
  by_key_[key] = all_.size();
  all_.push_back({name, std::move(subst), key, ordinal});
  return all_.back();
}

const FunctionInstance* Instances::next() { return emitted_ < all_.size() ? &all_[emitted_++] : nullptr; }

}  // namespace weft::lower
