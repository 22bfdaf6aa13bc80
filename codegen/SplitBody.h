// SplitBody.h - a long straight-line function body cut into chunk functions the C++ compiler optimizes one at a time.
#pragma once

#include <string>
#include <vector>

namespace weft::codegen {

// A model's @main is often one straight line of hundreds of operator calls. g++'s optimizer is
// superlinear in function size (points-to analysis, exception cleanups of every live tensor),
// so such a body is cut into chunks of `per_chunk` statements. Its top-level variables become
// elements of one frame struct (an array per type), and each chunk is a free function over that
// frame (plus the variables the body's prefix declares, and the function's parameters, by reference):
//
//   struct weft_frame_fn_main { weft_rt::Tensor v0[1000]; std::tuple<weft_rt::Tensor, weft_rt::Tensor> v1[12]; };
//   __attribute__((noinline)) void weft_chunk0_fn_main(weft_frame_fn_main& weft_f, weft_rt::Tensor& x, ...) {
//     weft_rt::Tensor& a = weft_f.v0[0];  // only the variables this chunk names
//     a = ...;
//   }
//   ... the function:  weft_frame_fn_main weft_f;  weft_chunk0_fn_main(weft_f, x, ...);  ...  return b;
//
// Free functions rather than lambdas in place: the outer function then holds one object, not
// hundreds of tensors whose addresses escape into closures, and the chunks can be compiled in
// other translation units (EmitModule.h). Values, order of evaluation and lifetimes are unchanged
// (the variables lived to the end of the function before too).
struct SplitFunction {
  bool split = false;
  std::string frame;                      // `struct weft_frame_NAME {...};` (empty when not split)
  std::string chunk_declarations;         // one declaration per chunk function
  std::vector<std::string> chunks;        // the chunk functions' definitions
  std::string body;                       // the function's body: `prefix` then the calls (or `body` as given)
};

// `body` is the emitter's text at indent 2, `prefix` the statements before it (a frame of the memory
// plan: its `TYPE NAME(args);` declarations are passed to every chunk by reference; static ones are
// not), `params` the function's parameters as `TYPE NAME` (passed by reference too), `name` the C++
// function's name. The body is returned unchanged unless it is a sequence of top-level statements
// ending in `return`, with no other return, break or continue, whose top-level declarations with a
// value are of weft_rt::Tensor or (nested) std::tuples of it (declarations without one,
// default-constructed anyway, become members as they are), longer than one chunk.
SplitFunction split_body(const std::string& prefix, const std::string& body, const std::vector<std::string>& params,
                         const std::string& name, size_t per_chunk);

}  // namespace weft::codegen
