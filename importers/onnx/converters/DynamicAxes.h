// DynamicAxes.h - ops whose axes are ONNX inputs known only at run time (Squeeze, Unsqueeze, ReduceSum, CumSum).
#pragma once

#include <functional>
#include <string>

#include "importers/onnx/converters/ConverterHelpers.h"

namespace weft::onnx_import {

// Note on run-time axes: weft takes axes as attributes, so a model whose axes arrive as
// a graph input (ONNX allows it from opset 13) is imported by computing with the axes
// as data. The result rank is still static (rank +- the static length k of the axes
// input); only the dims become unknown. Squeeze and Unsqueeze reshape to a shape
// computed from shape(x) with one-hot matrices; reductions reduce axis by axis under an
// `if`; a single axis selects among the `rank` static variants with an if-chain.

// x (rank `rank`) with k size-1 dims inserted at the run-time `axes` (i64[k]).
Expr dynamic_unsqueeze(NodeContext& ctx, const Expr& x, int rank, const Expr& axes, int64_t k);
// x (rank `rank`) without the k dims at the run-time `axes` (i64[k]).
Expr dynamic_squeeze(NodeContext& ctx, const Expr& x, int rank, const Expr& axes, int64_t k);
// reduce `op` (decomposable: sum, max, min, prod) of x over the run-time `axes` (i64[k], k >= 1).
Expr dynamic_reduce(NodeContext& ctx, const std::string& op, const Expr& x, DType dtype, int rank, const Expr& axes,
                    int64_t k, bool keepdims);
// make(a) for the run-time axis value (an integer scalar or 1-element tensor) in [-rank, rank);
// `make` returns an unbound expression, evaluated only for the axis taken.
Expr select_axis(NodeContext& ctx, const Expr& axis, int rank, const std::function<Expr(int)>& make);

// The static length of 1-D input i (its type's only dim); fail() when not known.
int64_t static_length(const NodeContext& ctx, size_t i, const std::string& what);

}  // namespace weft::onnx_import
