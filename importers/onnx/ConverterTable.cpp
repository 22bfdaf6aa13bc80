// ConverterTable.cpp - the (domain, op_type) -> converter table, filled once from every converter family.
#include "importers/onnx/GraphBuilder.h"
#include "importers/onnx/NodeContext.h"
#include "importers/onnx/converters/Converters.h"

namespace weft::onnx_import {

namespace {

// ONNX Constant: a value given by exactly one attribute. It is not an operator of the IR,
// so it lives here rather than in a family.
std::vector<Expr> convert_constant(NodeContext& ctx) {
  if (ctx.num_inputs() != 0) ctx.fail(Msg() << "Constant takes no inputs, got " << ctx.num_inputs());
  const auto& attrs = ctx.node().attribute();
  if (attrs.size() != 1) ctx.fail(Msg() << "bad attribute: Constant needs exactly one value attribute, got " << attrs.size());
  const std::string& name = attrs.Get(0).name();
  Tensor value;
  if (name == "value") {
    value = ctx.attr_tensor("value");
  } else if (name == "value_float") {
    value = Tensor::scalar<float>(float(ctx.attr_float(name)));
  } else if (name == "value_floats") {
    std::vector<float> v;
    for (double d : ctx.attr_floats(name)) v.push_back(float(d));
    value = Tensor::from_vector(v, {int64_t(v.size())});
  } else if (name == "value_int") {
    value = Tensor::scalar<int64_t>(ctx.attr_int(name));
  } else if (name == "value_ints") {
    std::vector<int64_t> v = ctx.attr_ints(name);
    value = Tensor::from_vector(v, {int64_t(v.size())});
  } else {
    ctx.fail("bad attribute: Constant value attribute '" + name + "' is not supported (strings and sparse tensors are not)");
  }
  return {ctx.constant(value)};
}

}  // namespace

const ConverterTable& ConverterTable::global() {
  static const ConverterTable table = [] {
    ConverterTable t;
    t.add("Constant", convert_constant);
    // Converters.h again, this time calling each family (its first inclusion declared them).
#undef WEFT_ONNX_CONVERTER_FAMILY
#define WEFT_ONNX_CONVERTER_FAMILY(name) register_##name##_converters(t);
#include "importers/onnx/converters/Converters.h"
#undef WEFT_ONNX_CONVERTER_FAMILY
    return t;
  }();
  return table;
}

const Converter* ConverterTable::find(const std::string& domain, const std::string& op_type) const {
  auto it = table_.find({normalize_domain(domain), op_type});
  return it == table_.end() ? nullptr : &it->second;
}

void ConverterTable::add(const std::string& op_type, Converter c, const std::string& domain) {
  // Two families claiming one op is a merge mistake; say which op, at first use.
  bool inserted = table_.emplace(std::make_pair(normalize_domain(domain), op_type), std::move(c)).second;
  WEFT_ASSERT(inserted, "two converters registered for ONNX op " << op_type << " (domain '" << domain << "')");
}

std::vector<std::string> ConverterTable::op_types() const {
  std::vector<std::string> out;
  for (auto& [key, c] : table_) out.push_back(key.first.empty() ? key.second : key.first + "." + key.second);
  return out;
}

}  // namespace weft::onnx_import
