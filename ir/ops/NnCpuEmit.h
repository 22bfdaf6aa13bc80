// NnCpuEmit.h - helpers of the nn and rnn families' CPU emitters (C++ literals, optional arguments, windows).
#pragma once

#include <string>
#include <vector>

#include "ir/ops/CpuEmit.h"

namespace weft {

// "{1, 2, 3}": a braced list, for a weft_rt::Shape or std::vector<int> parameter.
std::string cpp_ints(const std::vector<int64_t>& v);
// A double literal that reads back to the same value; CompileError for inf / NaN, naming `op`.
std::string cpp_double(double v, const std::string& op);
inline std::string cpp_bool(bool b) { return b ? "true" : "false"; }

// Argument i as a tensor of element type `want`: its name, or a weft_rt::cast of it when its
// dtype differs (a per-channel parameter of another float dtype).
std::string cpu_arg_as(const CpuEmitArgs& a, size_t i, DType want, const std::string& op);
// Optional argument i: as cpu_arg_as, or weft_rt::absent() when not passed. (A zero-size
// tensor passed in its place is also absent: the runtime checks weft_rt::present.)
std::string cpu_opt_arg(const CpuEmitArgs& a, size_t i, DType want, const std::string& op);
// Optional argument i for a shape function: its name as it is (shape functions read only
// shapes, so no cast), or weft_rt::absent() when not passed.
std::string cpu_shape_arg(const CpuEmitArgs& a, size_t i);
// weft_rt::Window{strides, pads_begin, pads_end, dilations} from the ONNX window attributes
// (defaults filled) for `nsp` spatial dims.
std::string cpu_window(const Attrs& attrs, size_t nsp, const std::string& op);

}  // namespace weft
