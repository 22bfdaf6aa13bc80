// Tensor.cpp - allocation, conversion and printing of tensors.
#include "ir/Tensor.h"

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <sstream>

namespace weft {

int64_t shape_numel(const std::vector<int64_t>& shape) {
  int64_t n = 1;
  for (int64_t d : shape) {
    if (d < 0) throw RuntimeError("negative dimension " + std::to_string(d) + " in shape " + shape_str(shape));
    if (d != 0 && n > INT64_MAX / d) throw RuntimeError("shape " + shape_str(shape) + " has too many elements");
    n *= d;
  }
  return n;
}

std::string shape_str(const std::vector<int64_t>& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

Tensor::Tensor(DType dtype, std::vector<int64_t> shape) : dtype_(dtype), shape_(std::move(shape)) {
  size_t bytes = size_t(shape_numel(shape_)) * dtype_size(dtype_);
  size_t alloc = (bytes + 63) / 64 * 64;
  if (alloc == 0) alloc = 64;
  void* p = std::aligned_alloc(64, alloc);
  if (!p) throw RuntimeError("out of memory allocating a tensor of " + std::to_string(bytes) + " bytes");
  std::memset(p, 0, alloc);
  buf_ = std::shared_ptr<uint8_t>(static_cast<uint8_t*>(p), [](uint8_t* q) { std::free(q); });
}

int64_t Tensor::numel() const {
  int64_t n = 1;
  for (int64_t d : shape_) n *= d;
  return n;
}

double Tensor::as_double(int64_t i) const {
  return dispatch_dtype(dtype_, [&](auto tag) -> double {
    using T = typename decltype(tag)::type;
    return double(static_cast<compute_t<T>>(static_cast<const T*>(raw())[i]));
  });
}

int64_t Tensor::as_int(int64_t i) const {
  return dispatch_dtype(dtype_, [&](auto tag) -> int64_t {
    using T = typename decltype(tag)::type;
    return int64_t(static_cast<compute_t<T>>(static_cast<const T*>(raw())[i]));
  });
}

std::vector<int64_t> Tensor::to_int_vector() const {
  std::vector<int64_t> v(static_cast<size_t>(numel()));
  for (int64_t i = 0; i < numel(); ++i) v[size_t(i)] = as_int(i);
  return v;
}

namespace {
template <typename To, typename From>
To convert(From v) {
  using C = compute_t<From>;
  C c = static_cast<C>(v);
  if constexpr (std::is_same_v<To, bool>) {
    return c != C(0);
  } else if constexpr (std::is_integral_v<To> && std::is_floating_point_v<C>) {
    // Out-of-range and NaN conversions are undefined in C++: pin them down (NaN, inf -> 0;
    // negative values wrap into unsigned types as numpy does on x86).
    if (!std::isfinite(c) || c >= C(18446744073709551616.0) || c <= C(-9223372036854775808.0)) return To(0);
    if (c >= C(9223372036854775808.0)) return static_cast<To>(static_cast<uint64_t>(c));
    return static_cast<To>(static_cast<int64_t>(c));
  } else {
    return static_cast<To>(static_cast<compute_t<To>>(c));
  }
}
}  // namespace

Tensor Tensor::cast(DType to) const {
  Tensor out(to, shape_);
  int64_t n = numel();
  dispatch_dtype(dtype_, [&](auto ftag) {
    using F = typename decltype(ftag)::type;
    dispatch_dtype(to, [&](auto ttag) {
      using T = typename decltype(ttag)::type;
      const F* src = static_cast<const F*>(raw());
      T* dst = static_cast<T*>(out.raw());
      for (int64_t i = 0; i < n; ++i) dst[i] = convert<T>(src[i]);
    });
  });
  return out;
}

Tensor Tensor::reshape(std::vector<int64_t> shape) const {
  WEFT_ASSERT(shape_numel(shape) == numel(), "reshape " << shape_str(shape_) << " -> " << shape_str(shape));
  Tensor t = *this;
  t.shape_ = std::move(shape);
  return t;
}

Tensor Tensor::clone() const {
  Tensor t(dtype_, shape_);
  if (nbytes()) std::memcpy(t.raw(), raw(), nbytes());
  return t;
}

bool Tensor::identical(const Tensor& o) const {
  return dtype_ == o.dtype_ && shape_ == o.shape_ && (nbytes() == 0 || std::memcmp(raw(), o.raw(), nbytes()) == 0);
}

std::string Tensor::str(int64_t max_elems) const {
  std::ostringstream os;
  os << dtype_name(dtype_) << shape_str(shape_) << " [";
  int64_t n = numel();
  for (int64_t i = 0; i < n && i < max_elems; ++i) {
    if (i) os << ", ";
    if (dtype_ == DType::Bool) os << (as_int(i) ? "true" : "false");
    else if (is_float(dtype_)) os << as_double(i);
    else if (dtype_ == DType::U64) os << static_cast<const uint64_t*>(raw())[i];
    else os << as_int(i);
  }
  if (n > max_elems) os << ", ...";
  os << "]";
  return os.str();
}

}  // namespace weft
