// LoweringEmitter.h - the importer side of ir/'s shared lowerings (einsum::emit, grid_sample::emit, roi_align::emit): ops and constants.
#pragma once

#include "importers/onnx/converters/ConverterHelpers.h"

namespace weft::onnx_import {

// ir/Einsum.h, ir/GridSample.h and ir/RoiAlign.h build their IR through an emitter of this shape, so both
// importers share one lowering; this one makes the nodes through an ONNX node's context.
struct LoweringEmitter {
  NodeContext& ctx;
  Expr op(const std::string& name, std::vector<Expr> args, Attrs attrs) { return ctx.op(name, std::move(args), std::move(attrs)); }
  Expr i64_vector(const std::vector<int64_t>& v) { return ctx.i64_vector(v); }
  Expr i64_scalar(int64_t v) { return ctx.i64_scalar(v); }
  Expr scalar(DType dt, double v) { return scalar_const(ctx, dt, v); }
  Expr constant(Tensor t) { return ctx.constant(std::move(t)); }
};

}  // namespace weft::onnx_import
