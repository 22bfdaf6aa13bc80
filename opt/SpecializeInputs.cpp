// SpecializeInputs.cpp - binds @main's symbolic and unknown input dims to sizes, then re-infers types.
#include "opt/SpecializeInputs.h"

#include <map>

#include "ir/Error.h"
#include "ir/ExprFunctor.h"
#include "ir/TypeInference.h"

namespace weft {

namespace {

using Env = std::map<std::string, int64_t>;

std::string dims_str(const std::vector<int64_t>& dims) {
  std::string s;
  for (int64_t d : dims) s += (s.empty() ? "" : ",") + std::to_string(d);
  return s;
}

// Replaces bound symbols in every dim of every annotation; @main's specialized
// parameters get their exact shapes (which also covers `?`).
class Specializer : public ExprMutator {
 public:
  Specializer(const Env& env, std::map<const VarNode*, Type> params) : env_(env), params_(std::move(params)) {}

  Type mutate_type(const Type& t) override {
    if (!t) return t;
    if (auto* tt = as_tensor(t)) {
      Shape shape = tt->shape;
      bool changed = false;
      for (Dim& d : shape)
        if (!d.is_unknown() && !d.is_static())
          if (auto v = d.evaluate(env_)) {
            d = Dim(*v);
            changed = true;
          }
      return changed ? tensor_type(tt->dtype, shape) : t;
    }
    if (auto* tup = as_tuple(t)) {
      std::vector<Type> fields;
      bool changed = false;
      for (auto& f : tup->fields) {
        fields.push_back(mutate_type(f));
        changed = changed || !fields.back().same_as(f);
      }
      return changed ? tuple_type(fields) : t;
    }
    if (auto* fn = as_func(t)) {
      std::vector<Type> params;
      bool changed = false;
      for (auto& p : fn->params) {
        params.push_back(mutate_type(p));
        changed = changed || !params.back().same_as(p);
      }
      Type ret = mutate_type(fn->ret);
      return changed || !ret.same_as(fn->ret) ? func_type(params, ret, fn->type_params) : t;
    }
    if (auto* adt = as_adt(t)) {
      std::vector<Type> args;
      bool changed = false;
      for (auto& a : adt->args) {
        args.push_back(mutate_type(a));
        changed = changed || !args.back().same_as(a);
      }
      return changed ? adt_type(adt->name, args) : t;
    }
    if (auto* ref = as_ref(t)) {
      Type inner = mutate_type(ref->inner);
      return inner.same_as(ref->inner) ? t : ref_type(inner);
    }
    return t;
  }

 protected:
  Expr visit_(const VarNode* node) override {
    if (auto it = params_.find(node); it != params_.end()) return make_var(node->name_hint, it->second, node->span);
    return ExprMutator::visit_(node);
  }

 private:
  const Env& env_;
  std::map<const VarNode*, Type> params_;
};

}  // namespace

InputShape parse_input_shape(const std::string& text) {
  const std::string where = "--input-shape '" + text + "'";
  const size_t eq = text.find('=');
  if (eq == std::string::npos || eq == 0) throw CompileError(where + " must have the form NAME=D0,D1,... (e.g. x=1,3,224,224; NAME= for a scalar)");
  InputShape s{text.substr(0, eq), {}};
  const std::string list = text.substr(eq + 1);
  size_t pos = 0;
  while (pos < list.size()) {
    size_t comma = list.find(',', pos);
    if (comma == std::string::npos) comma = list.size();
    const std::string item = list.substr(pos, comma - pos);
    bool digits = !item.empty() && item.size() <= 18;
    for (char c : item) digits = digits && c >= '0' && c <= '9';
    if (!digits) throw CompileError(where + ": '" + item + "' is not a size (a non-negative integer)");
    s.dims.push_back(std::stoll(item));
    pos = comma + 1;
    if (comma + 1 == list.size()) throw CompileError(where + ": trailing ','");
  }
  return s;
}

Module specialize_inputs(const Module& m, const std::vector<InputShape>& shapes) {
  if (shapes.empty()) return m;
  Function main = m.main();
  if (!main) throw CompileError("--input-shape: the module has no @main");
  std::string names;
  for (const Var& p : main->params) names += (names.empty() ? "" : ", ") + p->name_hint;

  // Which parameter each shape names, and its declared tensor type.
  struct Target {
    const InputShape* shape;
    Var param;
    const TensorTypeNode* type;
  };
  std::vector<Target> targets;
  for (const InputShape& s : shapes) {
    const std::string where = "--input-shape " + s.name + "=" + dims_str(s.dims);
    Var param;
    for (const Var& p : main->params)
      if (p->name_hint == s.name) param = p;
    if (!param) throw CompileError(where + ": @main has no input named '" + s.name + "' (its inputs: " + (names.empty() ? "none" : names) + ")");
    for (const Target& t : targets)
      if (t.param.same_as(param)) throw CompileError(where + ": input '" + s.name + "' is given a shape twice");
    const Type declared = param->annotation ? param->annotation : param->checked_type;
    auto* tt = as_tensor(declared);
    if (!tt) throw CompileError(param->span, where + ": input '" + s.name + "' has type " + type_str(declared) + ", not a tensor");
    if (tt->rank() != int(s.dims.size()))
      throw CompileError(param->span, where + ": input '" + s.name + "' has type " + type_str(declared) + " of rank " +
                                          std::to_string(tt->rank()) + ", but the shape gives " + std::to_string(s.dims.size()) + " dims");
    targets.push_back({&s, param, tt});
  }

  // Symbols first (one input may fix a symbol another uses in an expression), then checks.
  Env env;
  std::map<std::string, std::string> fixed_by;
  for (const Target& t : targets)
    for (size_t i = 0; i < t.type->shape.size(); ++i) {
      const Dim& d = t.type->shape[i];
      if (!d.is_symbol()) continue;
      const std::string sym = d.symbol_name();
      const int64_t v = t.shape->dims[i];
      if (auto it = env.find(sym); it != env.end() && it->second != v)
        throw CompileError(t.param->span, "--input-shape " + t.shape->name + "=" + dims_str(t.shape->dims) + ": dim " + std::to_string(i) +
                                              " of input '" + t.shape->name + "' is '" + sym + "', which input '" + fixed_by[sym] +
                                              "' sets to " + std::to_string(it->second) + ", not " + std::to_string(v));
      env[sym] = v;
      fixed_by.emplace(sym, t.shape->name);
    }
  std::map<const VarNode*, Type> params;
  for (const Target& t : targets) {
    const std::string where = "--input-shape " + t.shape->name + "=" + dims_str(t.shape->dims) + ": input '" + t.shape->name + "' has type " +
                              type_str(Type(const_cast<TensorTypeNode*>(t.type))) + "; dim ";
    Shape shape;
    for (size_t i = 0; i < t.type->shape.size(); ++i) {
      const Dim& d = t.type->shape[i];
      const int64_t v = t.shape->dims[i];
      if (!d.is_unknown()) {
        auto known = d.evaluate(env);
        if (!known)
          throw CompileError(t.param->span, where + std::to_string(i) + " is '" + d.str() +
                                                "', an expression the given sizes do not determine (give the inputs whose dims are its symbols)");
        if (*known != v)
          throw CompileError(t.param->span, where + std::to_string(i) + " is " + (d.is_static() ? "" : "'" + d.str() + "' = ") +
                                                std::to_string(*known) + ", not " + std::to_string(v));
      }
      shape.push_back(Dim(v));
    }
    params[t.param.get()] = tensor_type(t.type->dtype, shape);
  }

  Specializer spec(env, params);
  Module out = m;
  for (const std::string& name : m.function_names()) {
    Expr f = spec.mutate(m.function(name));
    out.add_function(name, Function(as<FunctionNode>(f)));
  }
  infer_types(out);
  return out;
}

}  // namespace weft
