// DeepStack.h - run deeply recursive IR work on a thread with a large stack.
#pragma once

#include <exception>
#include <functional>
#include <optional>
#include <type_traits>

namespace weft {

// Why: the printer, parser, type checker and interpreter recurse over expression nesting
// (let-chains are iterated, but a 100,000-deep nested call `add(add(add(...)))` is not
// a chain). Rather than make every algorithm explicitly iterative, public entry points
// run their work here: on a thread whose stack (1 GiB, reserved, committed only as
// touched) holds millions of frames. Re-entrant: nested calls run inline.
void run_with_deep_stack(const std::function<void()>& work);

template <typename F>
auto with_deep_stack(F&& f) -> std::invoke_result_t<F> {
  using R = std::invoke_result_t<F>;
  if constexpr (std::is_void_v<R>) {
    run_with_deep_stack([&] { f(); });
  } else {
    std::optional<R> result;
    run_with_deep_stack([&] { result.emplace(f()); });
    return std::move(*result);
  }
}

}  // namespace weft
