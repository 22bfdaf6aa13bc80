// GraphBuilder.h - one ONNX graph (or subgraph) turned into a let-chain, with what is known of each value.
#pragma once

#include <onnx/onnx_pb.h>

#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "ir/Module.h"

namespace weft::onnx_import {

// What the importer knows about a bound value at import time. Converters read it to pick
// attributes (a Reshape's constant shape) and to give later type relations static types;
// it is advice for the import only: type inference recomputes the types of the result.
struct ValueFacts {
  Type type;                      // null when not known
  std::optional<Tensor> constant; // the value, when known at import time
  // For a 1-D integer value that is not constant as a whole (the Shape of a tensor with
  // some static dims): the elements known at import time, one entry per element; empty
  // when nothing is known. See converters/KnownElements.h.
  std::vector<std::optional<int64_t>> elements;
};

// State shared by every graph of one import: the module being built (global functions for
// loops and list helpers are added as they are needed), the model directory (for external
// data), the opset of each imported domain and the facts about every bound variable.
struct ImportState {
  Module module;
  std::string model_dir;
  std::map<std::string, int> opsets;  // domain ("" for the default domain) -> version
  std::unordered_map<const VarNode*, ValueFacts> facts;
  // Every variable with facts, kept alive for the whole import: a Loop's discarded
  // attempts free their variables, and a new one at a reused address must not inherit.
  std::vector<Var> retained;
  void set_facts(const Var& v, Type type, std::optional<Tensor> constant = std::nullopt);
  std::set<std::string> reserved_globals;  // names handed out, kept even when a Loop retries
  // The model's local functions (IR version 8), by (domain, name); calls are inlined.
  std::map<std::pair<std::string, std::string>, const onnx::FunctionProto*> functions;
  int inline_depth = 0;

  // A global function name not used yet: `base`, `base_1`, ...
  std::string fresh_global(const std::string& base);
};

// The ModelProto in `path`; CompileError when it cannot be read or is no ONNX model.
onnx::ModelProto load_model(const std::string& path);

// "ai.onnx" and "" both name the default domain.
std::string normalize_domain(const std::string& domain);
// An ONNX name usable as a variable name hint or global name (letters, digits, `_`).
std::string sanitize_name(const std::string& onnx_name);

// The smallest type covering both: dims that differ become `?`; null stands for "unknown"
// and joins to the other type. Sets *ok to false when the two cannot be joined (different
// dtypes, ranks or kinds).
Type join_types(const Type& a, const Type& b, bool* ok);

// Builds the body of one graph scope: main's body, an If branch, a Loop or Scan body.
// ONNX names resolve innermost scope first. A scope made with `function_boundary` is the
// body of a global function (a Loop or Scan body): an outer value it uses becomes an extra
// parameter (recorded in captures()), or, when it is a small constant, a copy bound inside.
class GraphBuilder {
 public:
  GraphBuilder(ImportState& state, std::string graph_name);
  GraphBuilder(GraphBuilder& parent, std::string graph_name, bool function_boundary);
  GraphBuilder(const GraphBuilder&) = delete;
  GraphBuilder& operator=(const GraphBuilder&) = delete;

  ImportState& state() { return state_; }
  Module& module() { return state_.module; }
  const std::string& graph_name() const { return graph_name_; }

  // ---- values by ONNX name ----
  void define(const std::string& onnx_name, Expr value);
  // Binds a parameter (of main or of a lifted function) with its facts.
  void define_param(const std::string& onnx_name, const Var& param, const Type& type);
  Expr lookup(const std::string& onnx_name);  // null when no scope defines it

  // ---- facts ----
  Type type_of(const Expr& e) const;
  const Tensor* constant_of(const Expr& e) const;
  // The known elements of a 1-D integer value (see ValueFacts::elements); empty when none.
  const std::vector<std::optional<int64_t>>& elements_of(const Expr& e) const;
  void set_elements(const Expr& e, std::vector<std::optional<int64_t>> elements);

  // ---- emission: each appends `let %hint = value` to this scope and returns the var ----
  // `type` null: derived from the value (op type relations, tuple fields, constructor
  // arguments). `annotate` writes the type on the variable, for values whose type must
  // be widened where inference would otherwise keep a narrower one (If branches).
  Var bind(Expr value, const std::string& hint, const Span& span, Type type = nullptr, bool annotate = false);
  Var bind_constant(Tensor value, const std::string& hint, const Span& span);
  // An operator call, folded to a constant when its arguments are small constants.
  // CompileError at `span` when the op rejects its argument types.
  Var emit_op(const std::string& op, std::vector<Expr> args, Attrs attrs, const Span& span, const std::string& hint);
  // Moves the bindings of `child` (a scope made on this one, not a function boundary)
  // to the end of this scope: a subgraph inlined, its values stay visible by var.
  void absorb(GraphBuilder& child);
  // This scope's bindings wrapped around `result` (they are consumed).
  Expr finish(Expr result);
  // Per binding of this scope, in order (the lets finish() will make): the ONNX tensor a node
  // of this graph defines as that binding's variable, or "" (a step inside a node, a
  // constant). Recorded for the outermost graph only, for `weft check --mark-all` against
  // ONNX Runtime (MarkOutputs.h).
  std::vector<std::string> binding_onnx_names() const;

  // ---- conversion ----
  // The graph's initializers (bound as constants, but those `skipped`: made @main inputs
  // instead) and value_info types.
  void add_initializers(const onnx::GraphProto& g, const std::set<std::string>& skipped = {});
  // Converts every node in order through the converter table.
  void convert_nodes(const onnx::GraphProto& g);
  // The graph's outputs, looked up by name; CompileError when one is not defined.
  std::vector<Expr> outputs(const onnx::GraphProto& g);

  struct Capture {
    std::string onnx_name;
    Expr outer;  // the value in the enclosing scope
    Var inner;   // the parameter standing for it inside the function
  };
  const std::vector<Capture>& captures() const { return captures_; }

  // Where graph-level problems are reported: "onnx graph 'main'".
  Span graph_span() const;

 private:
  struct Binding {
    Var var;
    Expr value;
    Span span;
    std::string onnx_name;  // see binding_onnx_names()
  };
  void convert_node(const onnx::NodeProto& node, int index);
  void inline_function(const onnx::FunctionProto& fn, const onnx::NodeProto& call, const Span& span);
  Expr capture(const std::string& onnx_name, const Expr& outer);
  Type derive_type(const Expr& value) const;
  std::optional<Tensor> fold(const OpDef& def, const std::vector<Expr>& args, const Attrs& attrs) const;

  ImportState& state_;
  GraphBuilder* parent_ = nullptr;
  bool boundary_ = false;
  std::string graph_name_;
  std::unordered_map<std::string, Expr> names_;
  std::unordered_map<std::string, Type> declared_;  // value_info / output types of this graph
  std::vector<Binding> bindings_;
  std::vector<Capture> captures_;
};

}  // namespace weft::onnx_import
