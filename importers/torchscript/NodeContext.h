// NodeContext.h - what an aten converter sees of one node (torch-free), and the converter table.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "importers/torchscript/IrBuilder.h"

namespace weft::ts {

// One aten node: its inputs as TsVals, the kinds TorchScript gives its outputs, and
// emission helpers. Errors go through fail(), which names the schema and source line.
class NodeContext {
 public:
  NodeContext(IrBuilder& ir, Block& block, std::string schema, Span span, std::vector<TsVal> inputs, std::vector<Kind> out_kinds)
      : ir_(ir), block_(block), schema_(std::move(schema)), span_(std::move(span)), inputs_(std::move(inputs)), out_kinds_(std::move(out_kinds)) {}

  const std::string& schema() const { return schema_; }
  const Span& span() const { return span_; }
  IrBuilder& ir() { return ir_; }
  Block& block() { return block_; }
  size_t num_inputs() const { return inputs_.size(); }
  const TsVal& in(size_t i) const;
  bool has(size_t i) const { return i < inputs_.size() && inputs_[i].kind != Kind::None; }
  size_t num_outputs() const { return out_kinds_.size(); }
  Kind out_kind(size_t i) const { return out_kinds_.at(i); }

  // Compile-time arguments; fail() when not known at import time.
  int64_t int_arg(size_t i) const;
  double float_arg(size_t i) const;
  bool bool_arg(size_t i) const;
  std::string str_arg(size_t i) const;
  std::vector<int64_t> ints_arg(size_t i) const;  // an int list (or a single int, repeated by the caller)
  std::optional<int64_t> opt_int(size_t i) const;  // nullopt for None

  TExpr tensor(size_t i) const;                    // a tensor, or a scalar as a rank-0 tensor
  std::vector<TsVal> list_items(size_t i) const;   // a static list's elements; fail() otherwise
  TExpr int_list_tensor(size_t i);                 // an int list (static or dynamic) as i64[n]

  TExpr op(const std::string& name, std::vector<TExpr> args, const Attrs& attrs = {}) { return ir_.op(block_, name, std::move(args), attrs, span_); }
  TExpr cast(const TExpr& x, DType to);
  TExpr i64(int64_t v) { return IrBuilder::constant(Tensor::scalar<int64_t>(v)); }
  TExpr i64s(const std::vector<int64_t>& v) { return IrBuilder::constant(Tensor::from_vector<int64_t>(v, {int64_t(v.size())})); }
  TExpr scalar(double v, DType dt);                // a rank-0 constant of dtype dt
  TExpr dim_size(const TExpr& x, int64_t axis);   // x's size along axis as i64[] (constant when static)
  int64_t axis(int64_t a, int rank) const;         // normalized, fail() when out of range

  // Torch's result dtype for the tensor-like inputs at `idx` (dims over rank-0 over numbers).
  DType result_dtype(const std::vector<size_t>& idx) const;
  TsVal out(TExpr e) const;                        // wrapped per out_kind(0)

  [[noreturn]] void fail(const std::string& why) const;

 private:
  IrBuilder& ir_;
  Block& block_;
  std::string schema_;
  Span span_;
  std::vector<TsVal> inputs_;
  std::vector<Kind> out_kinds_;
};

// Converts one node: one TsVal per output.
using Converter = std::function<std::vector<TsVal>(NodeContext&)>;

// Converters keyed by aten schema name ("aten::linear"); an overload-specific key
// ("aten::add.Tensor") wins over the plain name. Families register in converters/*.cpp.
class ConverterTable {
 public:
  static const ConverterTable& global();
  const Converter* find(const std::string& name, const std::string& overload) const;
  void add(const std::string& name, Converter c) { table_[name] = std::move(c); }

 private:
  std::map<std::string, Converter> table_;
};

// The DType of a torch ScalarType code (6 = float, 4 = long, ...); fail() for others.
DType torch_dtype(NodeContext& c, int64_t code);

void register_elementwise_converters(ConverterTable& t);
void register_scalar_converters(ConverterTable& t);
void register_nn_converters(ConverterTable& t);
void register_shape_converters(ConverterTable& t);
void register_reduce_converters(ConverterTable& t);
void register_list_converters(ConverterTable& t);
void register_creation_converters(ConverterTable& t);
void register_attention_converters(ConverterTable& t);
void register_resize_converters(ConverterTable& t);
void register_dict_converters(ConverterTable& t);
void register_einsum_converters(ConverterTable& t);
void register_torchvision_converters(ConverterTable& t);

}  // namespace weft::ts
