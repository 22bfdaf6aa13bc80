// EinsumConverter.cpp - ONNX Einsum, lowered through ir/Einsum.h's plan (broadcast products and sums).
#include "importers/onnx/converters/ConverterHelpers.h"
#include "importers/onnx/converters/Converters.h"
#include "importers/onnx/converters/LoweringEmitter.h"
#include "ir/Einsum.h"

namespace weft::onnx_import {
namespace {

std::vector<Expr> convert_einsum(NodeContext& ctx) {
  std::vector<int> ranks;
  std::vector<Expr> inputs;
  for (size_t i = 0; i < ctx.num_inputs(); ++i) {
    ranks.push_back(ctx.input_rank(i));
    inputs.push_back(ctx.input(i));
  }
  einsum::Plan plan;
  if (std::string why = einsum::make_plan(ctx.attr_string("equation"), ranks, plan); !why.empty()) ctx.fail(why);
  LoweringEmitter em{ctx};
  return {einsum::emit(plan, inputs, ctx.input_dtype(0), em)};
}

}  // namespace

void register_einsum_converters(ConverterTable& table) { table.add("Einsum", convert_einsum); }

}  // namespace weft::onnx_import
