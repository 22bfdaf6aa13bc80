// NnCommon.h - pieces the nn kernels share: the absent optional input, window geometry.
#pragma once

#include "weft/rt/Tensor.h"

namespace weft_rt {

// An optional input that was not passed: a zero-size tensor, which is also how ONNX
// spells an absent middle input, so kernels test one thing: present(t).
inline Tensor absent() { return Tensor::view(nullptr, dl_dtype<float>(), {0}); }
inline bool present(const Tensor& t) { return t.size() > 0; }

// Window geometry of conv, conv_transpose and the pools, one entry per spatial dim
// (the code generator fills defaults and checks lengths at compile time).
struct Window {
  Shape strides, pads_begin, pads_end, dilations;
};

}  // namespace weft_rt
