// Tensor.h - a dense, row-major, contiguous n-d array: constants and interpreter values.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "ir/DType.h"
#include "ir/Error.h"

namespace weft {

// A tensor owns (shares) a 64-byte aligned buffer. Tensors are treated as immutable
// once built and handed on: a kernel creates its output, fills it through data<T>(),
// then returns it. Copies share the buffer.
class Tensor {
 public:
  Tensor() = default;
  // Zero-filled tensor.
  Tensor(DType dtype, std::vector<int64_t> shape);

  template <typename T>
  static Tensor scalar(T v) {
    Tensor t(dtype_of<T>::value, {});
    *t.data<T>() = v;
    return t;
  }
  template <typename T>
  static Tensor from_vector(const std::vector<T>& v, std::vector<int64_t> shape) {
    Tensor t(dtype_of<T>::value, std::move(shape));
    WEFT_ASSERT(int64_t(v.size()) == t.numel(), "from_vector: " << v.size() << " values for " << t.numel() << " elements");
    for (size_t i = 0; i < v.size(); ++i) t.data<T>()[i] = v[i];
    return t;
  }

  bool defined() const { return buf_ != nullptr; }
  DType dtype() const { return dtype_; }
  const std::vector<int64_t>& shape() const { return shape_; }
  int rank() const { return int(shape_.size()); }
  int64_t dim(int i) const { return shape_.at(size_t(i < 0 ? i + rank() : i)); }
  int64_t numel() const;
  size_t nbytes() const { return size_t(numel()) * dtype_size(dtype_); }

  void* raw() const { return buf_.get(); }
  template <typename T>
  T* data() const {
    WEFT_ASSERT(dtype_of<T>::value == dtype_, "tensor of " << dtype_name(dtype_) << " read as " << dtype_name(dtype_of<T>::value));
    return static_cast<T*>(raw());
  }

  // Element i (flat index) converted to double / int64; for tests, scalars and shape tensors.
  double as_double(int64_t i = 0) const;
  int64_t as_int(int64_t i = 0) const;
  std::vector<int64_t> to_int_vector() const;  // every element as int64

  Tensor cast(DType to) const;      // numpy-style conversion (float->int truncates)
  Tensor reshape(std::vector<int64_t> shape) const;  // same buffer, new shape
  Tensor clone() const;             // deep copy

  // Exact equality of dtype, shape and bits (NaNs equal when bit-identical).
  bool identical(const Tensor& o) const;
  // "f32[2, 3] [1, 2, 3, 4, 5, 6]", eliding after `max_elems`.
  std::string str(int64_t max_elems = 16) const;

 private:
  DType dtype_ = DType::F32;
  std::vector<int64_t> shape_;
  std::shared_ptr<uint8_t> buf_;
};

// Number of elements of a shape; throws RuntimeError on negative dims or overflow.
int64_t shape_numel(const std::vector<int64_t>& shape);
std::string shape_str(const std::vector<int64_t>& shape);  // "[2, 3]"

}  // namespace weft
