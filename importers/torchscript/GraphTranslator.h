// GraphTranslator.h - TorchScript graph (LibTorch) -> weft IR: blocks, prim ops, if, loops, mutation.
#pragma once

#include <torch/csrc/jit/ir/ir.h>

#include <map>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "importers/torchscript/NodeContext.h"

namespace weft::ts {

// Translates one frozen, inlined forward graph. Values live in `env_` as TsVals; a
// mutation (append, _set_item, an in-place op, copy_ into a select/slice view) rebinds
// the mutated value, and values a block mutates become extra if outputs or loop state.
class GraphTranslator {
 public:
  explicit GraphTranslator(IrBuilder& ir) : ir_(ir) {}
  // @main: params named after forward's arguments with `input_types` (self excluded), then
  // `extra_params` (parameters kept as inputs, read through preset_module_attr).
  Function translate_main(const std::shared_ptr<torch::jit::Graph>& g, const std::vector<Type>& input_types,
                          const std::vector<Var>& extra_params = {});
  // The value forward reads from module attribute `path` ("self.fc.weight"): one freezing kept.
  void preset_module_attr(const std::string& path, TsVal value) { module_attrs_[path] = std::move(value); }
  // Whether forward read module attribute `path` (translate_main done).
  bool read_module_attr(const std::string& path) const { return attrs_read_.count(path) > 0; }

 private:
  using Value = torch::jit::Value;
  using Node = torch::jit::Node;
  struct ViewOf {
    Value* base;
    Node* node;
  };

  void translate_nodes(torch::jit::Block* b);
  void translate_node(Node* n);
  void translate_constant(Node* n);
  void translate_if(Node* n);
  void translate_loop(Node* n);
  void translate_aten(Node* n);
  void translate_attr(Node* n);
  void write_back(Value* target, TsVal value, const Span& span);

  const TsVal& env(Value* v, const Span& span) const;
  Span span_of(Node* n) const;
  std::vector<Value*> mutated_outer(torch::jit::Block* b) const;
  std::vector<Value*> captured(torch::jit::Block* b) const;
  Value* alias_root(Value* v) const;
  TExpr materialize_as(Block& b, const TsVal& v, const TsVal& proto, const Span& span);
  TExpr default_value(const Type& t, Type* widened);

  IrBuilder& ir_;
  Block* block_ = nullptr;
  Block* main_block_ = nullptr;                      // forward's own block
  std::map<std::string, TsVal> module_attrs_;       // "self.sub.attr" -> the value forward last assigned
  std::unordered_map<const Value*, std::string> attr_reads_;  // a prim::GetAttr's output -> its path
  std::set<std::string> attrs_read_;                         // every path a prim::GetAttr read
  std::unordered_map<const Value*, TsVal> env_;
  std::unordered_map<const Value*, ViewOf> views_;
};

// The TorchScript structure of a value of torch type `t` (kinds only, no expressions).
TsVal proto_of(const c10::TypePtr& t);
// Whether `n` writes its first argument (schema alias `(a!)`).
bool mutates_first_input(const torch::jit::Node* n);
// Whether output 0 of `n` is a view of input 0 (same alias set, not written).
bool is_view_node(const torch::jit::Node* n);
Tensor to_weft_tensor(const at::Tensor& t, const Span& span);

}  // namespace weft::ts
