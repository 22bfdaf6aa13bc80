// LoweringEmitter.h - the importer side of ir/'s shared lowerings (einsum::emit, grid_sample::emit, roi_align::emit): ops and constants.
#pragma once

#include "importers/torchscript/NodeContext.h"

namespace weft::ts {

// ir/Einsum.h, ir/GridSample.h and ir/RoiAlign.h build their IR through an emitter of this shape, so both
// importers share one lowering; this one makes the nodes through a TorchScript node's context.
struct LoweringEmitter {
  NodeContext& c;
  TExpr op(const std::string& name, std::vector<TExpr> args, Attrs attrs) { return c.op(name, std::move(args), attrs); }
  TExpr i64_vector(const std::vector<int64_t>& v) { return c.i64s(v); }
  TExpr i64_scalar(int64_t v) { return c.i64(v); }
  TExpr scalar(DType dt, double v) { return c.scalar(v, dt); }
  TExpr constant(Tensor t) { return IrBuilder::constant(std::move(t)); }
};

}  // namespace weft::ts
