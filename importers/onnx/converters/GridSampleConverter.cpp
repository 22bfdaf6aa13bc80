// GridSampleConverter.cpp - ONNX GridSample (4-D, as torch's grid_sample), lowered through ir/GridSample.h.
#include "importers/onnx/converters/ConverterHelpers.h"
#include "importers/onnx/converters/Converters.h"
#include "importers/onnx/converters/LoweringEmitter.h"
#include "ir/GridSample.h"

namespace weft::onnx_import {
namespace {

std::vector<Expr> convert_grid_sample(NodeContext& ctx) {
  if (ctx.input_rank(0) != 4 || ctx.input_rank(1) != 4) ctx.fail("only 4-D input [N, C, H, W] and grid [N, Ho, Wo, 2] are supported");
  grid_sample::Options o{ctx.attr_string("mode", "bilinear"), ctx.attr_string("padding_mode", "zeros"), attr_bool(ctx, "align_corners", false)};
  if (std::string why = grid_sample::check(o); !why.empty()) ctx.fail("attribute " + why);
  LoweringEmitter em{ctx};
  return {grid_sample::emit(ctx.input(0), ctx.input(1), ctx.input_dtype(0), o, em)};
}

}  // namespace

void register_grid_sample_converters(ConverterTable& table) { table.add("GridSample", convert_grid_sample); }

}  // namespace weft::onnx_import
