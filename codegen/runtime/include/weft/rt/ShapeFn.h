// ShapeFn.h - how the generated code runs an op whose result dims are only known at run time:
// the op's shape function (OpDef::shape_cpu) computes them first, then the kernel runs and its
// result is checked against them.
#pragma once

#include <string>
#include <tuple>
#include <type_traits>
#include <utility>

#include "weft/rt/Tensor.h"

namespace weft_rt {

inline void check_result_shape(const Shapes& want, size_t i, const Tensor& got, const char* op) {
  if (i >= want.size() || want[i] != got.shape())
    throw Error(std::string("internal error: operator '") + op + "' produced output " + std::to_string(i) + " of shape " +
                shape_str(got.shape()) + " but its shape function gave " +
                (i < want.size() ? shape_str(want[i]) : std::string("no shape")));
}

template <typename... Ts, size_t... I>
void check_result_shapes(const Shapes& want, const std::tuple<Ts...>& got, const char* op, std::index_sequence<I...>) {
  (check_result_shape(want, I, std::get<I>(got), op), ...);
}

// An op's run-time result dims, checked against what its kernel returns. The generated code
// prints one plain call per such op (no lambda, no template instance per call site):
//   weft_rt::Tensor y = weft_rt::ShapedCall(weft_rt::Shapes{...}, "add").check(weft_rt::binary<...>(...));
// C++17 evaluates the object expression (the shape function) before the argument (the kernel),
// so the shape function still runs first and reports bad dims before the kernel sees them.
class ShapedCall {
 public:
  ShapedCall(Shapes shapes, const char* op) : shapes_(std::move(shapes)), op_(op) {}

  // The result must have exactly the dims the shape function gave.
  Tensor check(Tensor result) const {
    if (shapes_.size() != 1) throw Error(std::string("internal error: the shape function of '") + op_ + "' gave " +
                                         std::to_string(shapes_.size()) + " shapes for one output");
    check_result_shape(shapes_, 0, result, op_);
    return result;
  }
  template <typename... Ts>
  std::tuple<Ts...> check(std::tuple<Ts...> result) const {
    if (shapes_.size() != sizeof...(Ts))
      throw Error(std::string("internal error: the shape function of '") + op_ + "' gave " + std::to_string(shapes_.size()) +
                  " shapes for " + std::to_string(sizeof...(Ts)) + " outputs");
    check_result_shapes(shapes_, result, op_, std::index_sequence_for<Ts...>{});
    return result;
  }

 private:
  Shapes shapes_;
  const char* op_;
};

}  // namespace weft_rt
