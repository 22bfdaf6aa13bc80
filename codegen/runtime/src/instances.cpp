// instances.cpp - the contents of libweft_rt_<level>.a: the kernels Precompiled.h declares, and the C API table's code.
// Built once per ISA level when weft is built (codegen/runtime/CMakeLists.txt) with the flags
// of a model compile at that level; a model compiled with WEFT_RT_PRECOMPILED links it.
#include "weft/runtime.h"

#define WEFT_RT_INSTANTIATE_KERNEL(fn, T) template decltype(weft_rt::fn<T>) weft_rt::fn<T>;
WEFT_RT_PRECOMPILED_KERNELS(WEFT_RT_INSTANTIATE_KERNEL)

namespace weft_rt::linked {

// The bodies are WEFT_RT_DEFINE_API's (Api.h), one copy for every model.
int create(const ModelDesc& desc, const weft_options* o, weft_model** out) {
  return weft_rt::guarded("create", [&] {
    if (!out) throw weft_rt::Error("out is NULL");
    weft_rt::load_weights(desc.weights, o ? o->weights_path : nullptr);
    *out = weft_rt::make_model(desc, o);  // checks num_threads, starts the handle's thread pool
  });
}
void destroy(weft_model* m) { delete m; }
int num_inputs(const weft_model* m) { return m ? m->desc->num_inputs : -1; }
int num_outputs(const weft_model* m) { return m ? m->desc->num_outputs : -1; }
int input_info(const weft_model* m, int i, weft_tensor_info* info) { return weft_rt::info_of(m, i, info, true); }
int output_info(const weft_model* m, int i, weft_tensor_info* info) { return weft_rt::info_of(m, i, info, false); }
const char* last_error() { return weft_rt::last_error(); }
int input_value_info(const weft_model* m, int i, weft_value_info* info) { return weft_rt::value_info_of(m, i, info, true); }
int output_value_info(const weft_model* m, int i, weft_value_info* info) { return weft_rt::value_info_of(m, i, info, false); }
int run(weft_model* m, const DLTensor* inputs, int num_inputs, DLManagedTensor** outputs, int num_outputs) {
  return weft_rt::run_model(m, inputs, num_inputs, outputs, num_outputs);
}
int run_values(weft_model* m, const weft_value* inputs, int num_inputs, weft_output_value** outputs, int num_outputs) {
  return weft_rt::run_values(m, inputs, num_inputs, outputs, num_outputs);
}
int memory_stats(const weft_model* m, weft_memory_stats* stats) { return weft_rt::memory_stats(m, stats); }

}  // namespace weft_rt::linked
