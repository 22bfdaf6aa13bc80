// DlpackTensors.cpp - weft tensors at the C API's edge (see DlpackTensors.h).
#include "codegen/DlpackTensors.h"

#include <cstring>
#include <string>

#include "ir/Error.h"

namespace weft::codegen {

DLDataType dlpack_dtype(DType t) {
  switch (t) {
    case DType::F16: return {kDLFloat, 16, 1};
    case DType::BF16: return {kDLBfloat, 16, 1};
    case DType::F32: return {kDLFloat, 32, 1};
    case DType::F64: return {kDLFloat, 64, 1};
    case DType::I8: return {kDLInt, 8, 1};
    case DType::I16: return {kDLInt, 16, 1};
    case DType::I32: return {kDLInt, 32, 1};
    case DType::I64: return {kDLInt, 64, 1};
    case DType::U8: return {kDLUInt, 8, 1};
    case DType::U16: return {kDLUInt, 16, 1};
    case DType::U32: return {kDLUInt, 32, 1};
    case DType::U64: return {kDLUInt, 64, 1};
    case DType::Bool: return {WEFT_DL_BOOL, 8, 1};
  }
  return {kDLFloat, 32, 1};
}

std::optional<DType> dtype_of_dlpack(DLDataType d) {
  for (DType t : {DType::F16, DType::BF16, DType::F32, DType::F64, DType::I8, DType::I16, DType::I32, DType::I64, DType::U8,
                  DType::U16, DType::U32, DType::U64, DType::Bool}) {
    DLDataType x = dlpack_dtype(t);
    if (x.code == d.code && x.bits == d.bits && d.lanes == 1) return t;
  }
  return std::nullopt;
}

DLTensor dlpack_view(const Tensor& t) {
  return DLTensor{t.raw(), {kDLCPU, 0}, t.rank(), dlpack_dtype(t.dtype()), const_cast<int64_t*>(t.shape().data()), nullptr, 0};
}

Tensor tensor_from_dlpack(const DLTensor& d) {
  std::optional<DType> dtype = dtype_of_dlpack(d.dtype);
  if (!dtype)
    throw RuntimeError("a tensor has a DLPack dtype weft does not know (code " + std::to_string(int(d.dtype.code)) + ", " +
                       std::to_string(int(d.dtype.bits)) + " bits, " + std::to_string(int(d.dtype.lanes)) + " lanes)");
  Tensor t(*dtype, std::vector<int64_t>(d.shape, d.shape + d.ndim));
  if (t.nbytes()) std::memcpy(t.raw(), static_cast<const char*>(d.data) + d.byte_offset, t.nbytes());
  return t;
}

}  // namespace weft::codegen
