// DType.cpp - dtype names and sizes, IEEE half conversions.
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

uint16_t Half::from_float(float f) {
  uint32_t x;
  std::memcpy(&x, &f, 4);
  uint32_t sign = (x >> 16) & 0x8000u;
  uint32_t absx = x & 0x7fffffffu;
  if (absx >= 0x7f800000u) return uint16_t(sign | 0x7c00u | (absx > 0x7f800000u ? 0x200u : 0u));
  if (absx >= 0x477ff000u) return uint16_t(sign | 0x7c00u);  // rounds to infinity
  if (absx < 0x38800000u) {  // subnormal half (or zero)
    if (absx < 0x33000000u) return uint16_t(sign);
    // value = m * 2^(e-150); the half subnormal unit is 2^-24, so drop (126 - e) bits.
    uint32_t m = (absx & 0x7fffffu) | 0x800000u;
    int e = int(absx >> 23);
    int d = 126 - e;  // 14..24
    uint32_t q = m >> d;
    uint32_t rem = m & ((1u << d) - 1u);
    uint32_t halfway = 1u << (d - 1);
    if (rem > halfway || (rem == halfway && (q & 1u))) q++;
    return uint16_t(sign | q);
  }
  uint32_t e = ((absx >> 23) - 112u) << 10;
  uint32_t m = (absx >> 13) & 0x3ffu;
  uint32_t h = e | m;
  uint32_t rem = absx & 0x1fffu;
  if (rem > 0x1000u || (rem == 0x1000u && (h & 1u))) h++;
  return uint16_t(sign | h);
}

float Half::to_float(uint16_t h) {
  uint32_t sign = uint32_t(h & 0x8000u) << 16;
  uint32_t e = (h >> 10) & 0x1fu;
  uint32_t m = h & 0x3ffu;
  uint32_t x;
  if (e == 0) {
    if (m == 0) {
      x = sign;
    } else {  // subnormal: normalize
      int shift = 0;
      while (!(m & 0x400u)) { m <<= 1; shift++; }
      m &= 0x3ffu;
      x = sign | (uint32_t(113 - shift) << 23) | (m << 13);
    }
  } else if (e == 31) {
    x = sign | 0x7f800000u | (m << 13);
  } else {
    x = sign | ((e + 112u) << 23) | (m << 13);
  }
  float f;
  std::memcpy(&f, &x, 4);
  return f;
}

}  // namespace weft
