// MaxPoolIndices.h - the Indices output of ONNX MaxPool, composed from constant window tables, gather and argmax.
#pragma once

#include "importers/onnx/converters/WindowAttrs.h"

namespace weft::onnx_import {

// For x [N, C, spatial...] (spatial dims static), the flat index into x of each window's
// maximum (the first one in window order on ties), shaped like max_pool's output;
// storage_order 1 numbers the spatial positions column-major. Padding never wins.
Expr max_pool_indices(NodeContext& ctx, const Expr& x, const Window& w, bool ceil_mode, int64_t storage_order);

}  // namespace weft::onnx_import
