// RoiAlignConverter.cpp - ONNX RoiAlign (fixed sampling_ratio), lowered through ir/RoiAlign.h as torchvision::roi_align is.
#include "importers/onnx/converters/ConverterHelpers.h"
#include "importers/onnx/converters/Converters.h"
#include "importers/onnx/converters/LoweringEmitter.h"
#include "ir/RoiAlign.h"

namespace weft::onnx_import {
namespace {

std::vector<Expr> convert_roi_align(NodeContext& ctx) {
  if (ctx.input_rank(0) != 4) ctx.fail("X must be [N, C, H, W]");
  roi_align::Options o;
  o.out_h = ctx.attr_int("output_height", 1);
  o.out_w = ctx.attr_int("output_width", 1);
  o.sampling_ratio = ctx.attr_int("sampling_ratio", 0);
  if (o.sampling_ratio <= 0) ctx.fail("sampling_ratio=0 (adaptive per ROI) is not supported");
  o.spatial_scale = ctx.attr_float("spatial_scale", 1.0);
  std::string mode = ctx.attr_string("mode", "avg"), transform = ctx.attr_string("coordinate_transformation_mode", ctx.opset() >= 16 ? "half_pixel" : "output_half_pixel");
  if (mode != "avg" && mode != "max") ctx.fail("attribute mode='" + mode + "' is not supported");
  if (transform != "half_pixel" && transform != "output_half_pixel")
    ctx.fail("attribute coordinate_transformation_mode='" + transform + "' is not supported");
  // RoiAlign-10 has no such attribute and samples as output_half_pixel does (no half-pixel
  // shift); opset 16 added it with half_pixel as the default.
  o.half_pixel = transform == "half_pixel";
  o.max = mode == "max";
  LoweringEmitter em{ctx};
  return {roi_align::emit(ctx.input(0), ctx.input(1), as_i64(ctx, 2), ctx.input_dtype(0), o, em)};
}

}  // namespace

void register_roi_align_converters(ConverterTable& table) { table.add("RoiAlign", convert_roi_align); }

}  // namespace weft::onnx_import
