// WindowAttrs.h - the spatial window attributes of ONNX Conv, ConvTranspose, the pools and QLinearConv, auto_pad resolved.
#pragma once

#include <string>

#include "importers/onnx/converters/ConverterHelpers.h"

namespace weft::onnx_import {

// Kernel, strides, dilations and pads of a window op on input 0 ([N, C, spatial...]).
struct Window {
  size_t nsp = 0;  // number of spatial dims
  Ints kernel, strides, dilations, pads;
};

// An int-list attribute of n values, `fill` when absent or empty.
Ints ints_or(const NodeContext& ctx, const std::string& name, size_t n, int64_t fill);
// The static spatial dims of input 0; fail() naming `why` when not known.
Ints static_spatial(const NodeContext& ctx, size_t nsp, const std::string& why);
// The window attributes; `weights` is the input whose dims give the kernel when
// kernel_shape is omitted (Conv's W), or -1 when kernel_shape is required.
Window read_window(const NodeContext& ctx, int weights);
// Applies auto_pad (SAME_UPPER, SAME_LOWER, VALID) to w.pads.
void resolve_auto_pad(const NodeContext& ctx, Window& w);
// weft conv attributes for a Conv-like node with weights at input `weights`.
Attrs conv_attrs(const NodeContext& ctx, int weights);

}  // namespace weft::onnx_import
