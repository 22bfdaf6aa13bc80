// DType.cpp - dtype names and sizes.
#include "ir/DType.h"

namespace weft {

size_t dtype_size(DType t) {
  switch (t) {
#define X(e, s, ty) case DType::e: return sizeof(ty);
    WEFT_FOR_EACH_DTYPE(X)
#undef X
  }
  return 0;
}

const char* dtype_name(DType t) {
  switch (t) {
#define X(e, s, ty) case DType::e: return s;
    WEFT_FOR_EACH_DTYPE(X)
#undef X
  }
  return "?";
}

std::optional<DType> parse_dtype(std::string_view name) {
#define X(e, s, ty) if (name == s) return DType::e;
  WEFT_FOR_EACH_DTYPE(X)
#undef X
  return std::nullopt;
}

bool is_float(DType t) { return t == DType::F16 || t == DType::BF16 || t == DType::F32 || t == DType::F64; }
bool is_signed_int(DType t) { return t == DType::I8 || t == DType::I16 || t == DType::I32 || t == DType::I64; }
bool is_unsigned_int(DType t) { return t == DType::U8 || t == DType::U16 || t == DType::U32 || t == DType::U64; }

}  // namespace weft
