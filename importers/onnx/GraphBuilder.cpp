// GraphBuilder.cpp - graph scopes, value facts, constant folding and the per-node conversion loop.
#include "importers/onnx/GraphBuilder.h"

#include "importers/onnx/GraphChecks.h"
#include "importers/onnx/NodeContext.h"
#include "importers/onnx/OnnxTensors.h"
#include "ir/OpRegistry.h"

namespace weft::onnx_import {

namespace {

// Folding is for shape arithmetic (Shape -> Gather -> Concat -> Reshape) and small
// constant subexpressions, so later type relations see values; weights are left alone
// (an optimizer's job), and so are results that would blow a tiny input up.
constexpr int64_t kFoldElements = 4096;
// A constant a loop body uses is copied into the body up to this size (its value then
// reaches the body's type relations); larger ones are passed as parameters.
constexpr int64_t kCopyIntoBodyElements = 4096;

Type type_of_tensor(const Tensor& t) {
  Shape s;
  for (int64_t d : t.shape()) s.push_back(Dim(d));
  return tensor_type(t.dtype(), s);
}

}  // namespace

std::string ImportState::fresh_global(const std::string& base) {
  std::string name = base;
  for (int i = 1; module.function(name) || reserved_globals.count(name); ++i) name = base + "_" + std::to_string(i);
  reserved_globals.insert(name);
  return name;
}

void ImportState::set_facts(const Var& v, Type type, std::optional<Tensor> constant) {
  retained.push_back(v);
  facts[v.get()] = ValueFacts{std::move(type), std::move(constant), {}};
}

std::string normalize_domain(const std::string& domain) { return domain == "ai.onnx" ? "" : domain; }

std::string sanitize_name(const std::string& onnx_name) {
  std::string s;
  for (char c : onnx_name) s += (std::isalnum(uint8_t(c)) || c == '_') ? c : '_';
  if (s.empty()) s = "v";
  if (std::isdigit(uint8_t(s[0]))) s = "v" + s;
  return s;
}

Type join_types(const Type& a, const Type& b, bool* ok) {
  if (!a) return b;
  if (!b) return a;
  if (a->kind != b->kind) return *ok = false, nullptr;
  if (auto ta = as_tensor(a)) {
    auto tb = as_tensor(b);
    if (ta->dtype != tb->dtype) return *ok = false, nullptr;
    // Ranks that differ (a sequence whose elements change rank, a loop value that grows a
    // dim): only the dtype is common, so the sound type is a tensor of unknown rank.
    if (!ta->has_rank() || !tb->has_rank() || ta->rank() != tb->rank()) return unranked_tensor_type(ta->dtype);
    Shape s = ta->shape;
    for (size_t i = 0; i < s.size(); ++i)
      if (s[i] != tb->shape[i]) s[i] = Dim::unknown();
    return tensor_type(ta->dtype, s);
  }
  auto join_all = [&](const std::vector<Type>& x, const std::vector<Type>& y) {
    std::vector<Type> out;
    if (x.size() != y.size()) return *ok = false, out;
    for (size_t i = 0; i < x.size(); ++i) out.push_back(join_types(x[i], y[i], ok));
    return out;
  };
  if (auto ta = as_tuple(a)) return tuple_type(join_all(ta->fields, as_tuple(b)->fields));
  if (auto ta = as_adt(a)) {
    if (ta->name != as_adt(b)->name) return *ok = false, nullptr;
    return adt_type(ta->name, join_all(ta->args, as_adt(b)->args));
  }
  if (!type_equal(a, b)) *ok = false;
  return a;
}

GraphBuilder::GraphBuilder(ImportState& state, std::string graph_name) : state_(state), graph_name_(std::move(graph_name)) {}

GraphBuilder::GraphBuilder(GraphBuilder& parent, std::string graph_name, bool function_boundary)
    : state_(parent.state_), parent_(&parent), boundary_(function_boundary), graph_name_(std::move(graph_name)) {}

Span GraphBuilder::graph_span() const { return Span{"onnx graph '" + graph_name_ + "'"}; }

// ---- values by name ----------------------------------------------------------------------------

void GraphBuilder::define(const std::string& onnx_name, Expr value) {
  if (!onnx_name.empty()) names_[onnx_name] = std::move(value);
}

void GraphBuilder::define_param(const std::string& onnx_name, const Var& param, const Type& type) {
  state_.set_facts(param, type);
  define(onnx_name, param);
}

Expr GraphBuilder::lookup(const std::string& onnx_name) {
  if (onnx_name.empty()) return nullptr;
  if (auto it = names_.find(onnx_name); it != names_.end()) return it->second;
  if (!parent_) return nullptr;
  Expr outer = parent_->lookup(onnx_name);
  if (!outer || !boundary_) return outer;
  Expr inner = capture(onnx_name, outer);
  names_[onnx_name] = inner;
  return inner;
}

// A function body cannot see the enclosing function's variables: a small constant is
// copied in, anything else becomes a parameter that the call site fills with `outer`.
Expr GraphBuilder::capture(const std::string& onnx_name, const Expr& outer) {
  const Tensor* c = constant_of(outer);
  if (c && c->numel() <= kCopyIntoBodyElements) return bind_constant(*c, sanitize_name(onnx_name), graph_span());
  Type t = type_of(outer);
  if (!t)
    throw CompileError(graph_span(), "the body uses outer value '" + onnx_name + "', whose type is not known at import time");
  Var param = make_var(sanitize_name(onnx_name), t, graph_span());
  // Still constant: converters may read the value, while the IR passes it in.
  state_.set_facts(param, t, c ? std::optional<Tensor>(*c) : std::nullopt);
  captures_.push_back({onnx_name, outer, param});
  return param;
}

// ---- facts -------------------------------------------------------------------------------------

Type GraphBuilder::type_of(const Expr& e) const {
  if (!e) return nullptr;
  if (auto v = as<VarNode>(e)) {
    auto it = state_.facts.find(v);
    return it != state_.facts.end() ? it->second.type : v->annotation;
  }
  return derive_type(e);
}

const Tensor* GraphBuilder::constant_of(const Expr& e) const {
  if (auto k = as<ConstantNode>(e)) return &k->value;
  if (auto v = as<VarNode>(e)) {
    auto it = state_.facts.find(v);
    if (it != state_.facts.end() && it->second.constant) return &*it->second.constant;
  }
  return nullptr;
}

const std::vector<std::optional<int64_t>>& GraphBuilder::elements_of(const Expr& e) const {
  static const std::vector<std::optional<int64_t>> none;
  if (auto v = as<VarNode>(e)) {
    auto it = state_.facts.find(v);
    if (it != state_.facts.end()) return it->second.elements;
  }
  return none;
}

void GraphBuilder::set_elements(const Expr& e, std::vector<std::optional<int64_t>> elements) {
  auto v = as<VarNode>(e);
  WEFT_ASSERT(v, "known elements are recorded on a bound variable");
  auto it = state_.facts.find(v);
  if (it == state_.facts.end()) state_.set_facts(Var(v), nullptr);
  state_.facts[v].elements = std::move(elements);
}

// The type of a value from the facts of its parts; null where they do not tell.
Type GraphBuilder::derive_type(const Expr& e) const {
  switch (e->kind) {
    case ExprKind::Var: return type_of(e);
    case ExprKind::Constant: return type_of_tensor(as<ConstantNode>(e)->value);
    case ExprKind::TupleGet: {
      auto g = as<TupleGetNode>(e);
      auto t = as_tuple(type_of(g->tuple));
      return t && g->index < int(t->fields.size()) ? t->fields[size_t(g->index)] : nullptr;
    }
    case ExprKind::Tuple: {
      std::vector<Type> fields;
      for (auto& f : as<TupleNode>(e)->fields) {
        fields.push_back(type_of(f));
        if (!fields.back()) return nullptr;
      }
      return tuple_type(fields);
    }
    case ExprKind::Let: {
      Expr cur = e;
      while (auto l = as<LetNode>(cur)) cur = l->body;
      return type_of(cur);
    }
    case ExprKind::If: {
      auto i = as<IfNode>(e);
      bool ok = true;
      Type t = join_types(type_of(i->then_branch), type_of(i->else_branch), &ok);
      return ok ? t : nullptr;
    }
    case ExprKind::Call: {
      auto call = as<CallNode>(e);
      if (auto op = as<OpNode>(call->callee)) {
        std::vector<ArgInfo> infos;
        for (auto& a : call->args) {
          Type t = type_of(a);
          // Relations read ranks; an op on `f32[*]` is refused by type inference, with its message.
          if (!as_ranked(t)) return nullptr;
          infos.push_back({t, constant_of(a)});
        }
        try {
          return op->def->type_relation(infos, call->attrs);
        } catch (const TypeRelationError&) {
          return nullptr;  // emit_op reports these; here the type is merely unknown
        }
      }
      if (auto g = as<GlobalVarNode>(call->callee)) {
        Function fn = state_.module.function(g->name);
        return fn && fn->type_params.empty() ? fn->ret_type : nullptr;
      }
      if (auto ctor = as<ConstructorNode>(call->callee)) {
        if (ctor->name == "Some" && call->args.size() == 1) {
          Type t = type_of(call->args[0]);
          return t ? adt_type("Option", {t}) : nullptr;
        }
        if (ctor->name == "Cons" && call->args.size() == 2) {
          if (Type tail = type_of(call->args[1])) return tail;
          Type t = type_of(call->args[0]);
          return t ? adt_type("List", {t}) : nullptr;
        }
      }
      return nullptr;
    }
    default: return nullptr;
  }
}

// ---- emission ----------------------------------------------------------------------------------

Var GraphBuilder::bind(Expr value, const std::string& hint, const Span& span, Type type, bool annotate) {
  if (!type) type = derive_type(value);
  Var v = make_var(sanitize_name(hint), annotate ? type : nullptr, span);
  const Tensor* c = constant_of(value);
  state_.set_facts(v, type, c ? std::optional<Tensor>(*c) : std::nullopt);
  bindings_.push_back({v, std::move(value), span, ""});
  return v;
}

Var GraphBuilder::bind_constant(Tensor value, const std::string& hint, const Span& span) {
  return bind(make_constant(std::move(value), span), hint, span);
}

std::optional<Tensor> GraphBuilder::fold(const OpDef& def, const std::vector<Expr>& args, const Attrs& attrs) const {
  if (!def.kernel) return std::nullopt;
  std::vector<Tensor> inputs;
  int64_t total = 0;
  for (auto& a : args) {
    const Tensor* c = constant_of(a);
    if (!c) return std::nullopt;
    total += c->numel();
    inputs.push_back(*c);
  }
  if (total > kFoldElements) return std::nullopt;
  try {
    std::vector<Tensor> out = def.kernel(inputs, attrs);
    if (out.size() != 1 || out[0].numel() > kFoldElements) return std::nullopt;
    return out[0];
  } catch (const RuntimeError&) {
    return std::nullopt;  // bad data: left for run time, which reports it where it happens
  }
}

Var GraphBuilder::emit_op(const std::string& op, std::vector<Expr> args, Attrs attrs, const Span& span, const std::string& hint) {
  Call call = make_op_call(op, std::move(args), std::move(attrs), span);
  const OpDef& def = *as<OpNode>(call->callee)->def;
  std::vector<ArgInfo> infos;
  for (auto& a : call->args) {
    Type t = type_of(a);
    if (!as_ranked(t)) {  // unknown, or `f32[*]`, which type inference refuses with its message
      infos.clear();
      break;
    }
    infos.push_back({t, constant_of(a)});
  }
  Type result;
  if (!call->args.empty() && infos.size() == call->args.size()) {
    try {
      result = def.type_relation(infos, call->attrs);
    } catch (const TypeRelationError& e) {
      throw CompileError(span, e.what());
    }
    if (as_tensor(result))
      if (auto folded = fold(def, call->args, call->attrs)) return bind_constant(*folded, hint, span);
  }
  return bind(call, hint, span, result);
}

void GraphBuilder::absorb(GraphBuilder& child) {
  WEFT_ASSERT(child.parent_ == this && !child.boundary_, "absorbing a scope that is not an inline child");
  for (auto& b : child.bindings_) bindings_.push_back(std::move(b));
  child.bindings_.clear();
}

std::vector<std::string> GraphBuilder::binding_onnx_names() const {
  std::vector<std::string> names;
  for (const Binding& b : bindings_) names.push_back(b.onnx_name);
  return names;
}

Expr GraphBuilder::finish(Expr result) {
  for (size_t i = bindings_.size(); i-- > 0;)
    result = make_let(bindings_[i].var, bindings_[i].value, result, bindings_[i].span);
  bindings_.clear();
  return result;
}

// ---- conversion --------------------------------------------------------------------------------

void GraphBuilder::add_initializers(const onnx::GraphProto& g, const std::set<std::string>& skipped) {
  for (auto& vi : g.value_info())
    if (Type t = to_type(vi.type(), graph_span())) declared_[vi.name()] = t;
  for (auto& vi : g.output())
    if (vi.has_type())
      if (Type t = to_type(vi.type(), graph_span())) declared_[vi.name()] = t;
  if (g.sparse_initializer_size() > 0)
    throw CompileError(graph_span(), "sparse initializer '" + g.sparse_initializer(0).values().name() + "' is not supported");
  for (auto& init : g.initializer()) {
    Span where{"onnx initializer '" + init.name() + "'"};
    if (init.name().empty()) throw CompileError(where, "an initializer has no name");
    if (skipped.count(init.name())) continue;
    try {
      define(init.name(), bind_constant(to_tensor(init, state_.model_dir, where), init.name(), where));
    } catch (const std::invalid_argument& e) {  // std::stoll on a malformed external_data entry
      throw CompileError(where, std::string("malformed external data entry (") + e.what() + ")");
    } catch (const std::out_of_range& e) {
      throw CompileError(where, std::string("external data entry out of range (") + e.what() + ")");
    }
  }
}

void GraphBuilder::convert_nodes(const onnx::GraphProto& g) {
  check_graph_wiring(g, graph_name_);
  for (int i = 0; i < g.node_size(); ++i) convert_node(g.node(i), i);
}

void GraphBuilder::convert_node(const onnx::NodeProto& node, int index) {
  std::string domain = normalize_domain(node.domain());
  auto opset_it = state_.opsets.find(domain);
  int opset = opset_it == state_.opsets.end() ? 0 : opset_it->second;
  std::string who = node.name().empty() ? "#" + std::to_string(index) + " of graph '" + graph_name_ + "'" : "'" + node.name() + "'";
  Span span{Msg() << "onnx node " << who << " (" << node.op_type() << ", domain '" << node.domain() << "', opset " << opset << ")"};
  if (auto fn = state_.functions.find({domain, node.op_type()}); fn != state_.functions.end())
    return inline_function(*fn->second, node, span);
  if (opset_it == state_.opsets.end())
    throw CompileError(span, "domain '" + node.domain() + "' is not imported by the model (no opset_import entry)");
  const Converter* converter = ConverterTable::global().find(domain, node.op_type());
  if (!converter) throw CompileError(span, "unsupported operator " + node.op_type());
  NodeContext ctx(node, opset, *this, span);
  const size_t bindings_before = bindings_.size();
  std::vector<Expr> outs;
  try {
    outs = (*converter)(ctx);
  } catch (const TypeRelationError& e) {
    ctx.fail(e.what());
  } catch (const RuntimeError& e) {
    ctx.fail(e.what());
  } catch (const std::invalid_argument& e) {
    ctx.fail(std::string("bad value (") + e.what() + ")");
  } catch (const std::out_of_range& e) {
    ctx.fail(std::string("value out of range (") + e.what() + ")");
  }
  for (int i = 0; i < node.output_size(); ++i) {
    const std::string& name = node.output(i);
    if (name.empty()) continue;
    if (size_t(i) >= outs.size() || !outs[size_t(i)])
      ctx.fail(Msg() << "has " << node.output_size() << " outputs; output " << i << " ('" << name << "') is not one this operator gives");
    Expr out = outs[size_t(i)];
    if (!as<VarNode>(out)) out = bind(out, name, span);
    // A type the model declares fills in what the converter could not tell.
    auto declared = declared_.find(name);
    if (declared != declared_.end()) {
      auto it = state_.facts.find(as<VarNode>(out));
      if (it == state_.facts.end()) state_.set_facts(Var(as<VarNode>(out)), declared->second);
      else if (!it->second.type) it->second.type = declared->second;
    }
    define(name, out);
    // The outermost graph's values by ONNX name: the binding this node made for the output.
    if (!parent_)
      for (size_t b = bindings_before; b < bindings_.size(); ++b)
        if (bindings_[b].var.get() == as<VarNode>(out) && bindings_[b].onnx_name.empty()) bindings_[b].onnx_name = name;
  }
}

// A call of a model-local function: its nodes converted in a scope of their own, with the
// call's inputs for the function's inputs and the call's attributes for `ref_attr_name`s.
void GraphBuilder::inline_function(const onnx::FunctionProto& fn, const onnx::NodeProto& call, const Span& span) {
  if (state_.inline_depth >= 64) throw CompileError(span, "model-local functions nest more than 64 deep (a recursive function?)");
  ++state_.inline_depth;
  GraphBuilder scope(*this, "function " + fn.name(), false);
  for (int i = 0; i < fn.input_size() && i < call.input_size(); ++i) {
    if (call.input(i).empty()) continue;
    Expr e = lookup(call.input(i));
    if (!e) throw CompileError(span, "input '" + call.input(i) + "' is not defined by a graph input, an initializer or an earlier node");
    scope.define(fn.input(i), e);
  }
  for (int k = 0; k < fn.node_size(); ++k) {
    onnx::NodeProto node = fn.node(k);
    node.clear_attribute();
    for (auto& a : fn.node(k).attribute()) {
      if (!a.has_ref_attr_name()) {
        *node.add_attribute() = a;
        continue;
      }
      for (auto& given : call.attribute())
        if (given.name() == a.ref_attr_name()) {
          auto* r = node.add_attribute();
          *r = given;
          r->set_name(a.name());
        }
    }
    scope.convert_node(node, k);
  }
  for (int k = 0; k < call.output_size(); ++k) {
    if (call.output(k).empty()) continue;
    Expr e = k < fn.output_size() ? scope.lookup(fn.output(k)) : nullptr;
    if (!e) throw CompileError(span, Msg() << "function " << fn.name() << " does not compute output " << k);
    define(call.output(k), e);
  }
  absorb(scope);
  --state_.inline_depth;
}

std::vector<Expr> GraphBuilder::outputs(const onnx::GraphProto& g) {
  std::vector<Expr> outs;
  for (auto& o : g.output()) {
    Expr e = lookup(o.name());
    if (!e) throw CompileError(graph_span(), "graph output '" + o.name() + "' is not computed by any node, input or initializer");
    outs.push_back(e);
  }
  return outs;
}

}  // namespace weft::onnx_import
