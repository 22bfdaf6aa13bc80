// DlpackTensors.h - weft tensors at the C API's edge: DLPack dtypes, borrowed views, copies out.
#pragma once

#include <optional>

#include "ir/Tensor.h"
#include "weft/weft.h"

namespace weft::codegen {

// The DLPack dtype of a weft dtype (bool as WEFT_DL_BOOL, bf16 as kDLBfloat).
DLDataType dlpack_dtype(DType t);
// The weft dtype of a DLPack one; nullopt for one weft has no dtype for (lanes != 1 included).
std::optional<DType> dtype_of_dlpack(DLDataType d);

// A DLTensor viewing `t`'s data (CPU, compact); valid while `t` lives.
DLTensor dlpack_view(const Tensor& t);
// A copy of a compact CPU DLTensor; RuntimeError for a dtype weft does not know.
Tensor tensor_from_dlpack(const DLTensor& d);

}  // namespace weft::codegen
