// GradientTape.cpp - records a composition of registry ops and differentiates it with their facets.
#include "ir/ops/GradientTape.h"

#include <map>

#include "ir/ops/GradientHelpers.h"

namespace weft::vjp {

GradientTape::Node GradientTape::add(Entry e) {
  nodes_.push_back(std::move(e));
  return nodes_.size() - 1;
}

GradientTape::Node GradientTape::input(const Expr& e, const Type& t) { return add({e, nullptr, t, nullptr, {}, {}, nullptr}); }

GradientTape::Node GradientTape::constant(const Tensor& value) {
  constants_.push_back(value);
  const Tensor& v = constants_.back();
  Type t = tensor_type(v.dtype(), Shape(v.shape().begin(), v.shape().end()));
  return add({make_constant(v), nullptr, t, nullptr, {}, {}, nullptr});
}

GradientTape::Node GradientTape::scalar(double v, DType d) { return constant(Tensor::scalar<double>(v).cast(d)); }

GradientTape::Node GradientTape::op(const std::string& name, const std::vector<Node>& args, Attrs attrs) {
  const OpDef* def = OpRegistry::global().find(name);
  WEFT_ASSERT(def, "gradient tape: no operator " << name);
  Entry e;
  e.op = def;
  e.args = args;
  e.attrs = normalize_attrs(*def, attrs, Span{"gradient of a composition"});
  std::vector<ArgInfo> infos;
  std::vector<Expr> values;
  for (Node a : args) {
    const ConstantNode* c = as<ConstantNode>(nodes_[a].value);
    infos.push_back({nodes_[a].type, c ? &c->value : nullptr});
    values.push_back(nodes_[a].value);
  }
  try {
    e.type = def->type_relation(infos, e.attrs);
  } catch (const TypeRelationError& err) {
    throw CompileError(Msg() << "the gradient of a composition: " << name << ": " << err.what());
  }
  e.call = make_op_call(name, values, e.attrs);
  e.var = make_var("t" + std::to_string(nodes_.size()), e.type);
  e.value = e.var;
  return add(std::move(e));
}

Expr GradientTape::gradients(const std::vector<std::pair<Node, Expr>>& seeds, const std::vector<Node>& wrt) const {
  std::vector<std::pair<Var, Expr>> binds;
  for (const Entry& e : nodes_)
    if (e.op) binds.push_back({e.var, e.call});
  std::map<Node, Expr> adjoint;
  auto accumulate = [&](Node n, Expr g) {
    Var v = make_var("d", nodes_[n].type);
    binds.push_back({v, std::move(g)});
    auto it = adjoint.find(n);
    if (it == adjoint.end()) {
      adjoint[n] = v;
    } else {
      Var sum = make_var("d", nodes_[n].type);
      binds.push_back({sum, vjp::add(it->second, v)});
      it->second = sum;
    }
  };
  for (const auto& [n, ct] : seeds) accumulate(n, ct);
  for (size_t i = nodes_.size(); i-- > 0;) {
    const Entry& e = nodes_[i];
    auto it = adjoint.find(i);
    if (!e.op || it == adjoint.end()) continue;
    std::vector<Expr> args;
    std::vector<Type> types;
    for (Node a : e.args) args.push_back(nodes_[a].value), types.push_back(nodes_[a].type);
    const GradientCall call{args, types, &e.attrs, e.value, e.type, it->second};
    WEFT_ASSERT(e.op->gradient, "gradient tape: " << e.op->name << " has no gradient facet");
    std::vector<Expr> grads = e.op->gradient(call);
    for (size_t k = 0; k < grads.size() && k < e.args.size(); ++k)
      if (grads[k] && is_float_type(nodes_[e.args[k]].type)) accumulate(e.args[k], grads[k]);
  }
  std::vector<Expr> out;
  for (Node n : wrt) {
    auto it = adjoint.find(n);
    out.push_back(it != adjoint.end() ? it->second : zeros_like(nodes_[n].value, nodes_[n].type));
  }
  Expr body = make_tuple(out);
  for (size_t i = binds.size(); i-- > 0;) body = make_let(binds[i].first, binds[i].second, body);
  return body;
}

}  // namespace weft::vjp
