// onnx_case_values.h - reading an ONNX backend test case's .pb values into interpreter values.
#pragma once

#include <onnx/onnx-data_pb.h>
#include <onnx/onnx_pb.h>

#include <string>

#include "ir/Module.h"
#include "ir/Value.h"

namespace weft::conformance {

// Reads one input_*.pb / output_*.pb whose graph type is `type`: a TensorProto, a
// SequenceProto (-> List) or an OptionalProto (-> Option). Throws std::runtime_error
// naming the file on unreadable data.
Value read_value(const std::string& path, const onnx::TypeProto& type, const Module& m);

// True when the type holds strings somewhere (weft has no string tensors).
bool has_string(const onnx::TypeProto& type);

}  // namespace weft::conformance
