// DType.h - element types of tensors, their names, sizes and a type-dispatch helper.
#pragma once

#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

#include "weft/rt/scalar/Scalar.h"

namespace weft {

#define WEFT_FOR_EACH_DTYPE(X) \
  X(F16, "f16", Half)          \
  X(BF16, "bf16", BFloat16)    \
  X(F32, "f32", float)         \
  X(F64, "f64", double)        \
  X(I8, "i8", int8_t)          \
  X(I16, "i16", int16_t)       \
  X(I32, "i32", int32_t)       \
  X(I64, "i64", int64_t)       \
  X(U8, "u8", uint8_t)         \
  X(U16, "u16", uint16_t)      \
  X(U32, "u32", uint32_t)      \
  X(U64, "u64", uint64_t)      \
  X(Bool, "bool", bool)

enum class DType : uint8_t {
#define X(e, s, t) e,
  WEFT_FOR_EACH_DTYPE(X)
#undef X
};

// f16 and bf16 storage: the runtime's types (weft/rt/scalar/Scalar.h), so the interpreter and the
// generated code round alike by construction. Arithmetic goes through float (implicit
// conversions), so kernels written once as templates over T work for them.
using Half = weft_rt::half;
using BFloat16 = weft_rt::bfloat16;

size_t dtype_size(DType t);
const char* dtype_name(DType t);                        // "f32"
std::optional<DType> parse_dtype(std::string_view name);  // "f32" -> F32
bool is_float(DType t);     // f16, bf16, f32, f64
bool is_signed_int(DType t);
bool is_unsigned_int(DType t);
inline bool is_int(DType t) { return is_signed_int(t) || is_unsigned_int(t); }

template <typename T> struct dtype_of;
#define X(e, s, t) template <> struct dtype_of<t> { static constexpr DType value = DType::e; };
WEFT_FOR_EACH_DTYPE(X)
#undef X

template <typename T> struct type_tag { using type = T; };

// Calls f(type_tag<T>{}) with the C++ storage type of `t`.
//   dispatch_dtype(t, [&](auto tag) { using T = typename decltype(tag)::type; ... });
template <typename F>
decltype(auto) dispatch_dtype(DType t, F&& f) {
  switch (t) {
#define X(e, s, ty) case DType::e: return f(type_tag<ty>{});
    WEFT_FOR_EACH_DTYPE(X)
#undef X
  }
  return f(type_tag<float>{});  // unreachable
}

// The type arithmetic on a T is carried out in: float for f16/bf16, T otherwise.
template <typename T> struct compute_type { using type = T; };
template <> struct compute_type<Half> { using type = float; };
template <> struct compute_type<BFloat16> { using type = float; };
template <typename T> using compute_t = typename compute_type<T>::type;

}  // namespace weft
