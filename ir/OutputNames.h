// OutputNames.h - the function attribute that carries @main's output names as the source model spells them.
#pragma once

namespace weft {

// output_names=["...", ...] on @main: its flattened outputs as the source model names them
// (ONNX graph outputs), which the compiled library's output_info reports. Like every function
// attribute it is a mark, not semantics: without it, or with a count that no longer matches the
// outputs, they are called output0, output1, ...
inline constexpr const char* kFunctionAttrOutputNames = "output_names";

}  // namespace weft
