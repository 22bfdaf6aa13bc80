// SpecializeInputs.cpp - binds @main's symbolic and unknown input dims to sizes, then re-infers types.
#include "opt/SpecializeInputs.h"

#include <map>

#include "ir/Error.h"
#include "ir/ExprFunctor.h"
#include "ir/TypeFunctor.h"
#include "ir/TypeInference.h"

namespace weft {

namespace {

using Env = std::map<std::string, int64_t>;
using Renames = std::map<std::string, Dim>;  // symbol -> the dim that replaces it

std::string dims_str(const std::vector<int64_t>& dims) {
  std::string s;
  for (int64_t d : dims) s += (s.empty() ? "" : ",") + std::to_string(d);
  return s;
}

std::string names_of(const Function& main) {
  std::string names;
  for (const Var& p : main->params) names += (names.empty() ? "" : ", ") + p->name_hint;
  return names.empty() ? "none" : names;
}

// Replaces bound symbols in every dim of a type: a dim that is one symbol takes its
// replacement (a size or another symbol); an expression is evaluated when the sizes bound
// determine it.
class DimBinder : public TypeMutator {
 public:
  DimBinder(const Env& env, Renames renames) : env_(env), renames_(std::move(renames)) {}

  Dim mutate_dim(const Dim& d) override {
    if (d.is_unknown() || d.is_static()) return d;
    if (d.is_symbol())
      if (auto it = renames_.find(d.symbol_name()); it != renames_.end()) return it->second;
    if (auto v = d.evaluate(env_)) return Dim(*v);
    return d;
  }

 private:
  const Env& env_;
  Renames renames_;
};

// Binds symbols (DimBinder) in every annotation; @main's specialized parameters get their
// exact types (which also covers `?`).
class Specializer : public ExprMutator {
 public:
  Specializer(const Env& env, std::map<const VarNode*, Type> params, Renames renames = {})
      : dims_(env, std::move(renames)), params_(std::move(params)) {}

  Type mutate_type(const Type& t) override { return dims_.mutate(t); }

 protected:
  Expr visit_(const VarNode* node) override {
    if (auto it = params_.find(node); it != params_.end()) return make_var(node->name_hint, it->second, node->span);
    return ExprMutator::visit_(node);
  }

 private:
  DimBinder dims_;
  std::map<const VarNode*, Type> params_;
};

// Runs `spec` over every function, then type inference.
Module rebuild(const Module& m, Specializer&& spec) {
  Module out = m;
  for (const std::string& name : m.function_names()) {
    Expr f = spec.mutate(m.function(name));
    out.add_function(name, Function(as<FunctionNode>(f)));
  }
  infer_types(out);
  return out;
}

// Checks that given types refine declared ones, collecting what each declared symbol becomes.
struct Refinement {
  Env env;          // symbols given a size
  Renames renames;  // symbols given another dim (sizes included)
  std::map<std::string, std::string> fixed_by;
  std::string where, input;
  Span span;

  [[noreturn]] void fail(const std::string& why) const { throw CompileError(span, where + ", " + why); }

  void check(const Type& declared, const Type& given) {
    auto* dt = as_tensor(declared);
    auto* gt = as_tensor(given);
    if (dt && gt) return check_tensor(*dt, *gt);
    if (dt || gt) fail("the given type " + type_str(given) + " is " + (dt ? "not a tensor" : "a tensor"));
    auto* da = as_adt(declared);
    auto* ga = as_adt(given);
    if (da && ga && da->name == ga->name && da->args.size() == ga->args.size()) {
      for (size_t i = 0; i < da->args.size(); ++i) check(da->args[i], ga->args[i]);
      return;
    }
    auto* dtup = as_tuple(declared);
    auto* gtup = as_tuple(given);
    if (dtup && gtup && dtup->fields.size() == gtup->fields.size()) {
      for (size_t i = 0; i < dtup->fields.size(); ++i) check(dtup->fields[i], gtup->fields[i]);
      return;
    }
    if (!type_equal(declared, given)) fail("which the given type " + type_str(given) + " does not refine");
  }

  void check_tensor(const TensorTypeNode& d, const TensorTypeNode& g) {
    if (d.dtype != g.dtype) fail(Msg() << "whose element type is " << dtype_name(d.dtype) << ", not " << dtype_name(g.dtype));
    if (!d.has_rank()) return;  // `f32[*]`: any rank refines it
    if (!g.has_rank()) fail("of rank " + std::to_string(d.rank()) + ", which the given type leaves open");
    if (d.rank() != g.rank()) fail(Msg() << "of rank " << d.rank() << ", not " << g.rank());
    for (size_t i = 0; i < d.shape.size(); ++i) {
      const Dim& dd = d.shape[i];
      const Dim& gd = g.shape[i];
      if (dd.is_static() && gd != dd) fail(Msg() << "whose dim " << i << " is " << dd.str() << ", not " << gd.str());
      if (!dd.is_symbol() || gd.is_unknown()) continue;
      const std::string sym = dd.symbol_name();
      if (auto it = renames.find(sym); it != renames.end() && it->second != gd)
        fail(Msg() << "whose dim " << i << " is '" << sym << "', which input '" << fixed_by[sym] << "' sets to " << it->second.str()
                   << ", not " << gd.str());
      renames[sym] = gd;
      fixed_by.emplace(sym, input);
      if (gd.is_static()) env[sym] = gd.value();
    }
  }
};

}  // namespace

InputShape parse_input_shape(const std::string& text) {
  const std::string where = "--input-shape '" + text + "'";
  const size_t eq = text.rfind('=');  // sizes never hold one; names might
  if (eq == std::string::npos || eq == 0)
    throw CompileError(where + " must have the form NAME=D0,D1,... (e.g. x=1,3,224,224; NAME= for a scalar)");
  const std::string list = text.substr(eq + 1);
  InputShape s{text.substr(0, eq), {}};
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
  const std::string names = names_of(main);

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
    if (!param) throw CompileError(where + ": @main has no input named '" + s.name + "' (its inputs: " + names + ")");
    for (const Target& t : targets)
      if (t.param.same_as(param)) throw CompileError(where + ": input '" + s.name + "' is given a shape twice");
    const Type declared = param->annotation ? param->annotation : param->checked_type;
    auto* tt = as_tensor(declared);
    if (!tt) throw CompileError(param->span, where + ": input '" + s.name + "' has type " + type_str(declared) + ", not a tensor");
    if (tt->has_rank() && tt->rank() != int(s.dims.size()))
      throw CompileError(param->span, where + ": input '" + s.name + "' has type " + type_str(declared) + " of rank " +
                                          std::to_string(tt->rank()) + ", but the shape gives " + std::to_string(s.dims.size()) + " dims");
    targets.push_back({&s, param, tt});
  }

  // Symbols first (one input may fix a symbol another uses in an expression), then checks.
  Env env;
  std::map<std::string, std::string> fixed_by;
  for (const Target& t : targets)
    for (size_t i = 0; i < t.type->shape.size(); ++i) {  // empty for `f32[*]`
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
    for (size_t i = 0; i < t.shape->dims.size(); ++i) {
      const Dim d = t.type->has_rank() ? t.type->shape[i] : Dim::unknown();
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

  return rebuild(m, Specializer(env, params));
}

Module refine_input_types(const Module& m, const std::vector<InputType>& types) {
  if (types.empty()) return m;
  Function main = m.main();
  if (!main) throw CompileError("--input-type: the module has no @main");
  const std::string names = names_of(main);
  Refinement r;
  std::vector<std::pair<Var, Type>> given;
  for (const InputType& t : types) {
    const std::string where = "--input-type " + t.name + "=" + t.text;
    Var param;
    for (const Var& p : main->params)
      if (p->name_hint == t.name) param = p;
    if (!param) throw CompileError(where + ": @main has no input named '" + t.name + "' (its inputs: " + names + ")");
    for (auto& [p, ty] : given)
      if (p.same_as(param)) throw CompileError(where + ": input '" + t.name + "' is given a type twice");
    const Type declared = param->annotation ? param->annotation : param->checked_type;
    r.where = where + ": input '" + t.name + "' is declared " + type_str(declared);
    r.input = t.name;
    r.span = param->span;
    r.check(declared, t.type);
    given.push_back({param, t.type});
  }
  // The given types themselves may mention symbols other inputs bind.
  DimBinder bind(r.env, r.renames);
  std::map<const VarNode*, Type> params;
  for (auto& [p, ty] : given) params[p.get()] = bind.mutate(ty);
  return rebuild(m, Specializer(r.env, params, r.renames));
}

}  // namespace weft
