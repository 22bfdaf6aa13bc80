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

// Runs `kernel` (a callable returning the op's Tensor or tuple of Tensors) once `shapes`, the
// op's shape function, has given the result dims; the result must have exactly those dims.
template <typename Kernel>
auto shaped_call(const Shapes& shapes, Kernel&& kernel, const char* op) {
  auto result = kernel();
  if constexpr (std::is_same_v<std::decay_t<decltype(result)>, Tensor>) {
    if (shapes.size() != 1) throw Error(std::string("internal error: the shape function of '") + op + "' gave " +
                                        std::to_string(shapes.size()) + " shapes for one output");
    check_result_shape(shapes, 0, result, op);
  } else {
    if (shapes.size() != std::tuple_size_v<std::decay_t<decltype(result)>>)
      throw Error(std::string("internal error: the shape function of '") + op + "' gave " + std::to_string(shapes.size()) +
                  " shapes for " + std::to_string(std::tuple_size_v<std::decay_t<decltype(result)>>) + " outputs");
    check_result_shapes(shapes, result, op, std::make_index_sequence<std::tuple_size_v<std::decay_t<decltype(result)>>>{});
  }
  return result;
}

}  // namespace weft_rt
