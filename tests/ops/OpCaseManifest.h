// OpCaseManifest.h - reading models/op_cases manifests: attribute values and a case's static types.
#pragma once

#include <nlohmann/json.hpp>

#include "ir/Attrs.h"
#include "ir/Tensor.h"
#include "ir/Type.h"

namespace weft::testing {

// One attribute in the manifest's encoding (models/op_cases/case_writer.py): {"kind": value}.
AttrValue decode_attr(const nlohmann::json& j);

// The fully static tensor type of a case's input.
Type static_type(const Tensor& t);

}  // namespace weft::testing
