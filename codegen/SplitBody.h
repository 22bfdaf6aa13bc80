// SplitBody.h - a long straight-line function body cut into chunks the C++ compiler optimizes one at a time.
#pragma once

#include <string>

namespace weft::codegen {

// A model's @main is often one straight line of hundreds of operator calls. g++'s optimizer is
// superlinear in function size (points-to analysis, exception cleanups of every live tensor),
// so such a body is cut into chunks of `per_chunk` statements, each a lambda marked noinline
// and called in place, with the chunks' tensor variables declared up front:
//
//   weft_rt::Tensor a, b;  ...  [&]() __attribute__((noinline)) { a = ...; b = ...; }();  ...  return b;
//
// Values, order of evaluation and lifetimes are unchanged (the variables lived to the end of the
// function before too). `body` is the emitter's text at indent 2; it is returned unchanged
// unless it is a sequence of top-level statements ending in `return`, with no other return,
// break or continue, whose top-level declarations with a value are of weft_rt::Tensor or (nested)
// std::tuples of it (declarations without one, default-constructed anyway, move up as they are), longer than one chunk.
std::string split_body(const std::string& body, size_t per_chunk);

}  // namespace weft::codegen
