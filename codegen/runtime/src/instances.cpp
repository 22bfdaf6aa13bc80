// instances.cpp - the contents of libweft_rt_<level>.a: the kernels Precompiled.h declares, and the C API table's code.
// Built once per ISA level when weft is built (codegen/runtime/CMakeLists.txt) with the flags
// of a model compile at that level; a model compiled with WEFT_RT_PRECOMPILED links it.
#include "weft/runtime.h"

#define WEFT_RT_INSTANTIATE_KERNEL(fn, T) template decltype(weft_rt::fn<T>) weft_rt::fn<T>;
WEFT_RT_PRECOMPILED_KERNELS(WEFT_RT_INSTANTIATE_KERNEL)

namespace weft_rt::linked {

// Each is Api.h's entry (the one WEFT_RT_DEFINE_API uses), compiled here once for every model.
int create(const ModelDesc& desc, const weft_options* o, weft_model** out) { return weft_rt::api_create(desc, o, out); }
void destroy(weft_model* m) { weft_rt::api_destroy(m); }
int num_inputs(const weft_model* m) { return weft_rt::api_num_inputs(m); }
int num_outputs(const weft_model* m) { return weft_rt::api_num_outputs(m); }
int input_info(const weft_model* m, int i, weft_tensor_info* info) { return weft_rt::api_input_info(m, i, info); }
int output_info(const weft_model* m, int i, weft_tensor_info* info) { return weft_rt::api_output_info(m, i, info); }
const char* last_error() { return weft_rt::api_last_error(); }
int input_value_info(const weft_model* m, int i, weft_value_info* info) { return weft_rt::api_input_value_info(m, i, info); }
int output_value_info(const weft_model* m, int i, weft_value_info* info) { return weft_rt::api_output_value_info(m, i, info); }
int run(weft_model* m, const DLTensor* inputs, int num_inputs, DLManagedTensor** outputs, int num_outputs) {
  return weft_rt::run_model(m, inputs, num_inputs, outputs, num_outputs);
}
int run_values(weft_model* m, const weft_value* inputs, int num_inputs, weft_output_value** outputs, int num_outputs) {
  return weft_rt::run_values(m, inputs, num_inputs, outputs, num_outputs);
}
int memory_stats(const weft_model* m, weft_memory_stats* stats) { return weft_rt::memory_stats(m, stats); }

}  // namespace weft_rt::linked
