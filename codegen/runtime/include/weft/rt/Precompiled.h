// Precompiled.h - what libweft_rt_<level>.a holds: the heavy kernels instantiated once, and the C API table's code.
#pragma once
// Included by weft/runtime.h when WEFT_RT_PRECOMPILED is defined (weft compile defines it when it
// links an archive). The `extern template` declarations below tell the compiler that these
// kernels are already compiled (in codegen/runtime/src/instances.cpp, built into the archive
// when weft is built), so a model's translation unit only parses them: the -O3 work on
// convolution, GEMM, pooling and the rest is done once per weft build instead of once per
// model. Elementwise kernels taking a per-call functor (unary, binary) cannot be shared this
// way and stay in the model's code. The lists are X-macros so the declarations here and the
// definitions in instances.cpp cannot drift apart: each entry names a kernel template and the
// dtypes it is instantiated for; `decltype(fn<T>)` spells its signature.

#include <cstdint>

#include "weft/rt/Api.h"
#include "weft/rt/Kernels.h"
#include "weft/rt/Matmul.h"
#include "weft/rt/Nn.h"
#include "weft/rt/Reduce.h"

// X(fn, T) for each kernel and dtype in the archive.
#define WEFT_RT_FLOATING(X, fn) X(fn, float) X(fn, double)
#define WEFT_RT_NUMERIC(X, fn) WEFT_RT_FLOATING(X, fn) X(fn, int64_t) X(fn, int32_t)
#define WEFT_RT_ANY(X, fn) WEFT_RT_NUMERIC(X, fn) X(fn, bool) X(fn, uint8_t) X(fn, int8_t)

#define WEFT_RT_PRECOMPILED_KERNELS(X)                                                                                  \
  WEFT_RT_FLOATING(X, conv) WEFT_RT_FLOATING(X, conv_transpose) WEFT_RT_FLOATING(X, max_pool)                           \
  WEFT_RT_FLOATING(X, avg_pool) WEFT_RT_FLOATING(X, lp_pool) WEFT_RT_FLOATING(X, global_avg_pool)                       \
  WEFT_RT_FLOATING(X, global_max_pool) WEFT_RT_FLOATING(X, batch_norm) WEFT_RT_FLOATING(X, layer_norm)                  \
  WEFT_RT_FLOATING(X, instance_norm) WEFT_RT_FLOATING(X, group_norm) WEFT_RT_FLOATING(X, lrn)                           \
  WEFT_RT_FLOATING(X, softmax) WEFT_RT_FLOATING(X, log_softmax) WEFT_RT_FLOATING(X, reduce_mean)                        \
  WEFT_RT_FLOATING(X, gemm) WEFT_RT_FLOATING(X, matmul) WEFT_RT_FLOATING(X, resize) WEFT_RT_FLOATING(X, lstm)            \
  WEFT_RT_FLOATING(X, gru) WEFT_RT_FLOATING(X, rnn) WEFT_RT_FLOATING(X, reduce_l2) WEFT_RT_FLOATING(X, reduce_log_sum)  \
  WEFT_RT_FLOATING(X, reduce_log_sum_exp) WEFT_RT_FLOATING(X, prelu)                                                    \
  WEFT_RT_NUMERIC(X, reduce_sum) WEFT_RT_NUMERIC(X, reduce_max) WEFT_RT_NUMERIC(X, reduce_min)                           \
  WEFT_RT_NUMERIC(X, reduce_prod) WEFT_RT_NUMERIC(X, cumsum) WEFT_RT_NUMERIC(X, argmax) WEFT_RT_NUMERIC(X, argmin)      \
  WEFT_RT_NUMERIC(X, clip) WEFT_RT_NUMERIC(X, topk) WEFT_RT_NUMERIC(X, sort) WEFT_RT_NUMERIC(X, range)                   \
  WEFT_RT_ANY(X, transpose) WEFT_RT_ANY(X, expand) WEFT_RT_ANY(X, tile) WEFT_RT_ANY(X, concat) WEFT_RT_ANY(X, slice)     \
  WEFT_RT_ANY(X, pad) WEFT_RT_ANY(X, strided_copy) WEFT_RT_ANY(X, split) WEFT_RT_ANY(X, where)

#define WEFT_RT_EXTERN_KERNEL(fn, T) extern template decltype(weft_rt::fn<T>) weft_rt::fn<T>;
WEFT_RT_PRECOMPILED_KERNELS(WEFT_RT_EXTERN_KERNEL)
#undef WEFT_RT_EXTERN_KERNEL

namespace weft_rt::linked {

// The C API table's functions, compiled into the archive: input validation, DLPack outputs,
// error plumbing, the deep-stack thread. Only `create` needs the model (its ModelDesc); the
// others reach it through weft_model. Hidden like everything but the two exported symbols.
int create(const ModelDesc& desc, const weft_options* o, weft_model** out);
void destroy(weft_model* m);
int num_inputs(const weft_model* m);
int num_outputs(const weft_model* m);
int input_info(const weft_model* m, int i, weft_tensor_info* info);
int output_info(const weft_model* m, int i, weft_tensor_info* info);
const char* last_error();
int input_value_info(const weft_model* m, int i, weft_value_info* info);
int output_value_info(const weft_model* m, int i, weft_value_info* info);
int run(weft_model* m, const DLTensor* inputs, int num_inputs, DLManagedTensor** outputs, int num_outputs);
int run_values(weft_model* m, const weft_value* inputs, int num_inputs, weft_output_value** outputs, int num_outputs);
int memory_stats(const weft_model* m, weft_memory_stats* stats);

}  // namespace weft_rt::linked

// WEFT_RT_DEFINE_API (Api.h) with the table's functions taken from the archive.
#define WEFT_RT_DEFINE_LINKED_API(DESC, NAME)                                                                           \
  namespace {                                                                                                         \
  int weft_api_create(const weft_options* o, weft_model** out) { return weft_rt::linked::create((DESC), o, out); }    \
  const weft_api weft_api_table = {WEFT_API_VERSION,                   sizeof(weft_api),                               \
                                   (DESC).name,                        weft_api_create,                                \
                                   weft_rt::linked::destroy,           weft_rt::linked::num_inputs,                    \
                                   weft_rt::linked::num_outputs,       weft_rt::linked::input_info,                    \
                                   weft_rt::linked::output_info,       weft_rt::linked::run,                           \
                                   weft_rt::linked::last_error,        weft_rt::linked::input_value_info,              \
                                   weft_rt::linked::output_value_info, weft_rt::linked::run_values,                    \
                                   weft_rt::linked::memory_stats};                                                     \
  }                                                                                                                   \
  extern "C" __attribute__((visibility("default"))) const weft_api* weft_model_api(void) { return &weft_api_table; }  \
  extern "C" __attribute__((visibility("default"))) const weft_api* NAME##_api(void) { return &weft_api_table; }
