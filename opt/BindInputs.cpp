// BindInputs.cpp - @main parameters replaced by constants read from --bind values.
#include "opt/BindInputs.h"

#include <cerrno>
#include <cstdlib>
#include <set>

#include "ir/Error.h"
#include "ir/NpyIO.h"
#include "ir/TypeInference.h"
#include "opt/Pass.h"
#include "opt/SpecializeInputs.h"

namespace weft {

namespace {

bool ends_with(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

// A number written for a scalar input of `dtype`: an integer for integer dtypes (exactly, in
// range after the cast back), true/false/0/1 for bool, any decimal for floats.
Tensor literal_value(const std::string& text, DType dtype, const std::string& where) {
  const char* s = text.c_str();
  char* end = nullptr;
  errno = 0;
  if (dtype == DType::Bool) {
    if (text == "true" || text == "1") return Tensor::scalar<double>(1).cast(dtype);
    if (text == "false" || text == "0") return Tensor::scalar<double>(0).cast(dtype);
    throw CompileError(where + ": '" + text + "' is not a bool (true, false, 1 or 0)");
  }
  if (is_int(dtype)) {
    const long long v = std::strtoll(s, &end, 10);
    if (end == s || *end || errno) throw CompileError(where + ": '" + text + "' is not an integer");
    Tensor t = Tensor::scalar<int64_t>(v).cast(dtype);
    if (t.as_int() != v) throw CompileError(where + ": " + text + " does not fit in " + dtype_name(dtype));
    return t;
  }
  const double v = std::strtod(s, &end);
  if (end == s || *end || errno) throw CompileError(where + ": '" + text + "' is not a number");
  return Tensor::scalar<double>(v).cast(dtype);
}

std::string type_text(const TensorTypeNode* t) { return type_str(Type(t)); }

}  // namespace

Tensor bound_value(const BoundInput& b, const Var& param) {
  const std::string where = "--bind " + b.text;
  const Type& declared = param->checked_type ? param->checked_type : param->annotation;
  const TensorTypeNode* tt = as_tensor(declared);
  if (!tt) throw CompileError(param->span, where + ": input '" + b.name + "' has type " + (declared ? type_str(declared) : "?") + ", not a tensor");
  Tensor value;
  if (ends_with(b.value, ".npy")) {
    try {
      value = read_npy(b.value);
    } catch (const std::exception& e) {
      throw CompileError(where + ": cannot read " + b.value + ": " + e.what());
    }
    if (value.dtype() != tt->dtype)
      throw CompileError(where + ": " + b.value + " holds " + dtype_name(value.dtype()) + ", input '" + b.name + "' is " + type_text(tt));
  } else {
    if (!tt->has_rank() || !tt->shape.empty())
      throw CompileError(where + ": a number binds only a scalar input; '" + b.name + "' is " + type_text(tt) + " (give an .npy file)");
    value = literal_value(b.value, tt->dtype, where);
  }
  if (tt->has_rank()) {
    if (int(tt->shape.size()) != value.rank())
      throw CompileError(where + ": input '" + b.name + "' is " + type_text(tt) + ", the value has shape " + shape_str(value.shape()));
    for (size_t i = 0; i < tt->shape.size(); ++i)
      if (tt->shape[i].is_static() && tt->shape[i].value() != value.shape()[i])
        throw CompileError(where + ": input '" + b.name + "' is " + type_text(tt) + ", the value has shape " + shape_str(value.shape()) +
                           " (dim " + std::to_string(i) + " differs)");
  }
  return value;
}

namespace {

class BindInputsPass : public Pass {
 public:
  const char* name() const override { return "bind-inputs"; }
  const char* summary() const override { return "make the @main inputs --bind names constants, dropping them from the signature"; }
  Module run(Module m, const PassContext& context) const override { return bind_inputs(m, context.bound_inputs); }
};

}  // namespace

BoundInput parse_bound_input(const std::string& text) {
  const size_t eq = text.find('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 == text.size())
    throw CompileError("--bind '" + text + "' must have the form NAME=VALUE (a number for a scalar input, or an .npy file)");
  return {text.substr(0, eq), text.substr(eq + 1), text};
}

Module bind_inputs(const Module& m, const std::vector<BoundInput>& inputs) {
  if (inputs.empty()) return m;
  Function main = m.function("main");
  if (!main) throw CompileError("--bind: the module has no @main");
  std::string names;
  for (const Var& p : main->params) names += (names.empty() ? "" : ", ") + p->name_hint;
  std::vector<std::pair<Var, Tensor>> bound;
  std::vector<InputShape> shapes;
  std::set<std::string> seen;
  for (const BoundInput& b : inputs) {
    if (!seen.insert(b.name).second) throw CompileError("--bind " + b.text + ": input '" + b.name + "' is bound twice");
    Var param;
    for (const Var& p : main->params)
      if (p->name_hint == b.name) param = p;
    if (!param) throw CompileError("--bind " + b.text + ": @main has no input named '" + b.name + "' (its inputs: " + names + ")");
    bound.push_back({param, bound_value(b, param)});
    const auto& dims = bound.back().second.shape();
    shapes.push_back({b.name, std::vector<int64_t>(dims.begin(), dims.end())});
  }
  // Symbols the values fix take their sizes everywhere, as --input-shape would give them.
  Module out;
  try {
    out = specialize_inputs(m, shapes);
  } catch (const CompileError& e) {
    throw CompileError(e.diagnostic().span, "--bind: the values do not fit the model's types: " + e.diagnostic().message);
  }
  main = out.function("main");
  std::vector<Var> params;
  Expr body = main->body;
  for (const Var& p : main->params) {
    bool is_bound = false;
    for (auto it = bound.rbegin(); it != bound.rend(); ++it)
      if (it->first->name_hint == p->name_hint) {
        body = make_let(p, make_constant(it->second, p->span), body, p->span);
        is_bound = true;
      }
    if (!is_bound) params.push_back(p);
  }
  out.add_function("main", make_function(params, main->ret_type, body, main->type_params, main->span, main->attrs));
  infer_types(out);
  return out;
}

const Pass& bind_inputs_pass() {
  static const BindInputsPass pass;
  return pass;
}

}  // namespace weft
