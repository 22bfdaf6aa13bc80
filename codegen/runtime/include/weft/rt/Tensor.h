// Tensor.h - the runtime's tensor buffer, dtype traits and the error it raises inside a run.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <initializer_list>
#include <memory>
#include <stdexcept>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "weft/rt/Half.h"
#include "weft/weft.h"
#include "weft/rt/MemoryPlan.h"
#include "weft/rt/Workspace.h"

namespace weft_rt {

// Error (raised by kernels and checks inside a run) is in weft/rt/scalar/Scalar.h, through Half.h.

using Shape = std::vector<int64_t>;
using Shapes = std::vector<Shape>;  // what an op's shape function returns: one Shape per output

// The DLPack dtype of a C++ element type.
template <typename T> DLDataType dl_dtype();
#define WEFT_RT_DTYPE(T, CODE, BITS) \
  template <> inline DLDataType dl_dtype<T>() { return DLDataType{uint8_t(CODE), uint8_t(BITS), 1}; }
WEFT_RT_DTYPE(float, kDLFloat, 32)
WEFT_RT_DTYPE(double, kDLFloat, 64)
WEFT_RT_DTYPE(half, kDLFloat, 16)
WEFT_RT_DTYPE(bfloat16, kDLBfloat, 16)
WEFT_RT_DTYPE(int8_t, kDLInt, 8)
WEFT_RT_DTYPE(int16_t, kDLInt, 16)
WEFT_RT_DTYPE(int32_t, kDLInt, 32)
WEFT_RT_DTYPE(int64_t, kDLInt, 64)
WEFT_RT_DTYPE(uint8_t, kDLUInt, 8)
WEFT_RT_DTYPE(uint16_t, kDLUInt, 16)
WEFT_RT_DTYPE(uint32_t, kDLUInt, 32)
WEFT_RT_DTYPE(uint64_t, kDLUInt, 64)
WEFT_RT_DTYPE(bool, WEFT_DL_BOOL, 8)
#undef WEFT_RT_DTYPE

inline bool same_dtype(DLDataType a, DLDataType b) { return a.code == b.code && a.bits == b.bits && a.lanes == b.lanes; }
inline size_t dtype_bytes(DLDataType t) { return size_t(t.bits / 8) * t.lanes; }

inline int64_t numel(const Shape& s) {
  int64_t n = 1;
  for (int64_t d : s) n *= d;
  return n;
}

inline std::string shape_str(const Shape& s) {
  std::string r = "[";
  for (size_t i = 0; i < s.size(); ++i) r += (i ? ", " : "") + std::to_string(s[i]);
  return r + "]";
}

// A dense row-major tensor. Owns a 64-byte aligned buffer, or views memory it does not
// own (an input, an embedded weight) which outlives the run. Tensors are never written
// after a kernel has produced them, so copies share the buffer freely across threads.
class Tensor {
 public:
  Tensor() = default;

  template <typename T>
  static Tensor empty(Shape shape) { return empty_of(dl_dtype<T>(), std::move(shape)); }
  static Tensor empty_of(DLDataType dtype, Shape shape) {
    Tensor t;
    t.dtype_ = dtype;
    t.shape_ = std::move(shape);
    size_t bytes = size_t(numel(t.shape_)) * dtype_bytes(dtype);
    const size_t block = (bytes + 63) / 64 * 64 + 64;
    if (PendingSlot* slot = PendingSlot::current())  // an op's output the memory plan placed
      if (void* p = slot->claim(block, dtype)) {
        std::shared_ptr<PlanMemory> memory = *slot->memory;
        const int k = slot->slot;
        t.buf_ = std::shared_ptr<void>(p, [memory, k](void*) { memory->release(k); });
        t.data_ = p;
        return t;
      }
    if (Workspace* ws = Workspace::current()) {  // inside a run: from its pool
      void* p = ws->take(block);
      if (!p) throw Error("out of memory allocating " + std::to_string(bytes) + " bytes");
      std::shared_ptr<Workspace> owner;
      try {
        owner = ws->shared_from_this();
        t.buf_ = std::shared_ptr<void>(p, [owner, block](void* q) { owner->give(q, block); });
      } catch (...) {
        std::free(p);
        throw;
      }
      t.data_ = p;
      return t;
    }
    void* p = std::aligned_alloc(64, block);
    if (!p) throw Error("out of memory allocating " + std::to_string(bytes) + " bytes");
    t.buf_ = std::shared_ptr<void>(p, [](void* q) { std::free(q); });
    t.data_ = p;
    return t;
  }
  template <typename T>
  static Tensor scalar(T v) {
    Tensor t = empty<T>({});
    *t.data<T>() = v;
    return t;
  }
  // A view of memory that outlives every use of the tensor.
  static Tensor view(const void* data, DLDataType dtype, Shape shape) {
    Tensor t;
    t.dtype_ = dtype;
    t.shape_ = std::move(shape);
    t.data_ = const_cast<void*>(data);
    return t;
  }

  // A view of one of the model's constants (an embedded weight or one in the mapped sidecar):
  // memory that lives as long as the library and never changes, so a kernel may keep data
  // derived from it (a filter packed into GEMM panels, PackedWeights.h) keyed by its address.
  static Tensor constant(const void* data, DLDataType dtype, Shape shape) {
    Tensor t = view(data, dtype, std::move(shape));
    t.constant_ = true;
    return t;
  }
  bool is_constant() const { return constant_; }
  DLDataType dtype() const { return dtype_; }
  const Shape& shape() const { return shape_; }
  int rank() const { return int(shape_.size()); }
  int64_t dim(int i) const { return shape_[size_t(i)]; }
  int64_t size() const { return numel(shape_); }
  bool owns() const { return buf_ != nullptr; }
  const std::shared_ptr<void>& buffer() const { return buf_; }

  template <typename T> T* data() const { return static_cast<T*>(data_); }
  // A rank-0 (or one-element) tensor's value, e.g. an `if` condition or a loop counter.
  template <typename T> T item() const {
    if (size() != 1) throw Error("expected a one-element tensor, got shape " + shape_str(shape_));
    return *data<T>();
  }
  // The same elements under another shape of as many elements, sharing the buffer (no copy):
  // reshape, squeeze and friends. The caller has checked the element count.
  Tensor reshaped(Shape shape) const {
    Tensor t = *this;
    t.shape_ = std::move(shape);
    return t;
  }
  // A deep copy into a buffer of its own.
  Tensor clone() const {
    Tensor t = empty_of(dtype_, shape_);
    if (size()) std::memcpy(t.data_, data_, size_t(size()) * dtype_bytes(dtype_));
    return t;
  }

 private:
  DLDataType dtype_{kDLFloat, 32, 1};
  bool constant_ = false;  // made by constant(): a copy (reshaped, say) keeps the same data
  Shape shape_;
  std::shared_ptr<void> buf_;
  void* data_ = nullptr;
};

}  // namespace weft_rt

namespace weft_rt {

// ---- f16 / bf16 through f32 ----
// Operators compute f16 and bf16 in float and round each result once, as the interpreter
// does (its compute type for both is float): the generated code widens such arguments to
// f32, runs the operator's f32 kernel and narrows the results back. Conversions are exact
// widening and round-to-nearest-even narrowing, matching the interpreter bit for bit.
template <typename To, typename From>
Tensor convert_elements(const Tensor& x) {
  Tensor out = Tensor::empty<To>(x.shape());
  const From* s = x.data<From>();
  To* d = out.data<To>();
  const int64_t n = x.size();
  for (int64_t i = 0; i < n; ++i) d[i] = To(float(s[i]));
  return out;
}

// x as f32 when it is f16 or bf16; any other tensor unchanged.
inline Tensor widen_f32(const Tensor& x) {
  if (same_dtype(x.dtype(), dl_dtype<half>())) return convert_elements<float, half>(x);
  if (same_dtype(x.dtype(), dl_dtype<bfloat16>())) return convert_elements<float, bfloat16>(x);
  return x;
}

// An f32 result x as dtype `to` (f16 or bf16); a result already of dtype `to` unchanged.
inline Tensor narrow_to(const Tensor& x, DLDataType to) {
  if (same_dtype(x.dtype(), to)) return x;
  if (!same_dtype(x.dtype(), dl_dtype<float>())) throw Error("internal: narrowing a tensor that is not f32 to f16/bf16");
  if (same_dtype(to, dl_dtype<half>())) return convert_elements<half, float>(x);
  if (same_dtype(to, dl_dtype<bfloat16>())) return convert_elements<bfloat16, float>(x);
  throw Error("internal: narrowing f32 to a dtype that is not f16/bf16");
}

// narrow_to on each tensor of an operator's tuple result.
template <typename... Ts, size_t... I>
std::tuple<Ts...> narrow_each_impl(std::tuple<Ts...>&& t, const DLDataType* to, std::index_sequence<I...>) {
  return std::tuple<Ts...>(narrow_to(std::get<I>(t), to[I])...);
}
template <typename... Ts>
std::tuple<Ts...> narrow_each(std::tuple<Ts...> t, std::initializer_list<DLDataType> to) {
  return narrow_each_impl(std::move(t), to.begin(), std::index_sequence_for<Ts...>{});
}
// An operator with one tensor result (the generator need not tell a 1-tuple from a tensor).
inline Tensor narrow_each(const Tensor& t, std::initializer_list<DLDataType> to) { return narrow_to(t, *to.begin()); }

}  // namespace weft_rt
