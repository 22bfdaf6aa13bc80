// NnInternal.h - private helpers shared by the nn and rnn op families (ir/ops/Nn*.cpp, Rnn*.cpp).
#pragma once

#include <cstdint>
#include <string>
#include <type_traits>
#include <vector>

#include "ir/OpRegistry.h"
#include "ir/ops/OpHelpers.h"

namespace weft {

// Family parts, called by register_nn_ops / register_rnn_ops.
void register_matmul_ops(OpRegistry& reg);  // NnMatmul.cpp: matmul, gemm
void register_conv_ops(OpRegistry& reg);    // NnConv.cpp: conv, conv_transpose
void register_pool_ops(OpRegistry& reg);    // NnPool.cpp: max/avg/lp/global pools
void register_norm_ops(OpRegistry& reg);    // NnNorm.cpp: batch/layer/instance/group norm, lrn
void register_rnn_cell_ops(OpRegistry& reg);  // RnnCells.cpp: lstm_cell, gru_cell, rnn_cell

// C[i, j] (+)= sum_k A[i, k] * B[k, j] for i < m, j < n, k < kdim.
// A and B are addressed through element strides (A[i, k] = a[i * a_rs + k * a_cs]), so a
// transposed operand costs nothing; C is row-major with row stride ldc. `accumulate`
// adds to C instead of overwriting it. T is a compute type: float, double, or uint64_t
// for integers (wrapping arithmetic, which truncates to the same bits as NumPy's).
// One routine serves matmul, gemm, conv and the rnns; see the Note in NnGemm.cpp.
template <typename T>
void gemm_strided(int64_t m, int64_t n, int64_t kdim, const T* a, int64_t a_rs, int64_t a_cs, const T* b,
                  int64_t b_rs, int64_t b_cs, T* c, int64_t ldc, bool accumulate);

// Calls f(type_tag<C>{}) with the compute type of a floating-point dtype: float for
// f16/bf16/f32, double for f64. Any other dtype is a RuntimeError naming the op.
template <typename F>
decltype(auto) dispatch_float_compute(DType t, const std::string& op, F&& f) {
  switch (t) {
    case DType::F16:
    case DType::BF16:
    case DType::F32: return f(type_tag<float>{});
    case DType::F64: return f(type_tag<double>{});
    default: break;
  }
  throw RuntimeError(Msg() << op << ": expected a floating-point tensor, found " << dtype_name(t));
}

// A tensor's elements as compute type C: the tensor's own buffer when it already holds
// C, else a converted copy. Integers convert to uint64_t modulo 2^64.
template <typename C>
class ComputeIn {
 public:
  ComputeIn() = default;
  explicit ComputeIn(const Tensor& t) {
    if (!t.defined()) return;
    if (t.dtype() == dtype_of<C>::value) { ptr_ = t.data<C>(); return; }
    buf_.resize(size_t(t.numel()));
    dispatch_dtype(t.dtype(), [&](auto tag) {
      using T = typename decltype(tag)::type;
      const T* src = static_cast<const T*>(t.raw());
      for (size_t i = 0; i < buf_.size(); ++i) buf_[i] = static_cast<C>(static_cast<compute_t<T>>(src[i]));
    });
    ptr_ = buf_.data();
  }
  ComputeIn(const ComputeIn&) = delete;
  ComputeIn& operator=(const ComputeIn&) = delete;
  const C* data() const { return ptr_; }

 private:
  const C* ptr_ = nullptr;
  std::vector<C> buf_;
};

// An output tensor filled through compute type C: written in place when the dtype is C,
// else through a buffer that finish() converts.
template <typename C>
class ComputeOut {
 public:
  ComputeOut(DType dtype, std::vector<int64_t> shape) : out_(dtype, std::move(shape)) {
    if (dtype == dtype_of<C>::value) ptr_ = out_.data<C>();
    else { buf_.assign(size_t(out_.numel()), C(0)); ptr_ = buf_.data(); }
  }
  C* data() { return ptr_; }
  Tensor finish() {
    if (!buf_.empty()) {
      dispatch_dtype(out_.dtype(), [&](auto tag) {
        using T = typename decltype(tag)::type;
        T* dst = static_cast<T*>(out_.raw());
        for (size_t i = 0; i < buf_.size(); ++i) dst[i] = T(static_cast<compute_t<T>>(buf_[i]));
      });
    }
    return out_;
  }

 private:
  Tensor out_;
  C* ptr_ = nullptr;
  std::vector<C> buf_;
};

// Errors found while checking attributes are TypeRelationErrors at type time and
// RuntimeErrors in kernels; helpers that serve both take a Stage.
enum class Stage { Type, Run };
[[noreturn]] void nn_fail(Stage stage, const std::string& msg);

// An int-list attribute with one entry per spatial dim: [] means `fill` everywhere.
std::vector<int64_t> spatial_attr(const Attrs& attrs, const std::string& name, size_t nsp, int64_t fill,
                                  const std::string& op, Stage stage);

// Window geometry shared by conv, conv_transpose and the pools (ONNX attribute names).
struct WindowAttrs {
  std::vector<int64_t> strides, pads_begin, pads_end, dilations;
};
// Reads strides, pads ([begin..., end...]) and dilations (when the op has that attribute),
// checking lengths and signs.
WindowAttrs window_attrs(const Attrs& attrs, size_t nsp, const std::string& op, Stage stage);

// conv / pool output length, floor((in + pb + pe - d*(k-1) - 1) / s) + 1, kept symbolic.
Dim window_out_dim(const Dim& in, const Dim& k, int64_t s, int64_t pb, int64_t pe, int64_t d);
int64_t window_out_len(int64_t in, int64_t k, int64_t s, int64_t pb, int64_t pe, int64_t d, bool ceil_mode);

// An optional argument is absent when not passed or when it is a zero-size tensor (a
// static 0 dim at type time, numel() == 0 at run time): ONNX cannot skip a middle input.
bool arg_present(const std::vector<ArgInfo>& args, size_t i);
bool input_present(const std::vector<Tensor>& inputs, size_t i);

// "[2, 3]" for a static shape, used in messages.
std::string dims_str(const Shape& s);

// Product of a shape's entries.
inline int64_t prod(const std::vector<int64_t>& v, size_t from = 0) {
  int64_t p = 1;
  for (size_t i = from; i < v.size(); ++i) p *= v[i];
  return p;
}

// Static equality check for two dims that must agree; silent when either is symbolic.
inline bool dims_conflict(const Dim& a, const Dim& b) { return a.is_static() && b.is_static() && a.value() != b.value(); }

}  // namespace weft
