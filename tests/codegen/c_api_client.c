/* c_api_client.c - a plain C99 user of a weft library: load it, list its inputs, run it once. */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <weft/weft.h>

static const char* dtype_name(DLDataType t) {
  if (t.code == kDLFloat && t.bits == 32) return "f32";
  if (t.code == kDLFloat && t.bits == 64) return "f64";
  if (t.code == kDLInt && t.bits == 64) return "i64";
  if (t.code == kDLInt && t.bits == 32) return "i32";
  if (t.code == WEFT_DL_BOOL) return "bool";
  return "?";
}

static void print_info(const char* what, int i, const weft_tensor_info* info) {
  int d;
  printf("%s %d: %s %s[", what, i, info->name, dtype_name(info->dtype));
  for (d = 0; d < info->ndim; ++d) {
    if (d) printf(", ");
    if (info->dim_names[d]) printf("%s", info->dim_names[d]);
    else if (info->shape[d] < 0) printf("?");
    else printf("%lld", (long long)info->shape[d]);
  }
  printf("]\n");
}

int main(int argc, char** argv) {
  void* lib;
  const weft_api* (*get)(void);
  const weft_api* api;
  weft_model* model = NULL;
  weft_options options = {0};
  DLTensor inputs[16];
  int64_t shapes[16][8];
  void* buffers[16];
  DLManagedTensor* outputs[16];
  int n_in, n_out, i, d, status = 0;

  if (argc != 2) {
    fprintf(stderr, "usage: %s LIBRARY.so\n", argv[0]);
    return 2;
  }
  lib = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
  if (!lib) {
    fprintf(stderr, "dlopen: %s\n", dlerror());
    return 1;
  }
  *(void**)(&get) = dlsym(lib, "weft_model_api");
  if (!get) return 1;
  api = get();
  options.num_threads = 1;
  if (api->version != WEFT_API_VERSION || api->create(&options, &model) != 0) return 1;
  n_in = api->num_inputs(model);
  n_out = api->num_outputs(model);
  if (n_in > 16 || n_out > 16) return 1;

  /* Every input filled with ones; each dynamic dimension set to 2. */
  for (i = 0; i < n_in; ++i) {
    weft_tensor_info info;
    size_t count = 1, k, elem;
    if (api->input_info(model, i, &info) != 0 || info.ndim > 8) return 1;
    print_info("input", i, &info);
    for (d = 0; d < info.ndim; ++d) {
      shapes[i][d] = info.shape[d] < 0 ? 2 : info.shape[d];
      count *= (size_t)shapes[i][d];
    }
    elem = info.dtype.bits / 8;
    buffers[i] = calloc(count ? count : 1, elem);
    for (k = 0; k < count; ++k) {
      if (info.dtype.code == kDLFloat && info.dtype.bits == 32) ((float*)buffers[i])[k] = 1.0f;
      if (info.dtype.code == kDLInt && info.dtype.bits == 64) ((int64_t*)buffers[i])[k] = 1;
    }
    inputs[i].data = buffers[i];
    inputs[i].device.device_type = kDLCPU;
    inputs[i].device.device_id = 0;
    inputs[i].ndim = info.ndim;
    inputs[i].dtype = info.dtype;
    inputs[i].shape = shapes[i];
    inputs[i].strides = NULL;
    inputs[i].byte_offset = 0;
  }
  if (api->run(model, inputs, n_in, outputs, n_out) != 0) {
    fprintf(stderr, "run: %s\n", api->last_error());
    status = 1;
  } else {
    for (i = 0; i < n_out; ++i) {
      const DLTensor* t = &outputs[i]->dl_tensor;
      printf("output %d: %s[", i, dtype_name(t->dtype));
      for (d = 0; d < t->ndim; ++d) printf(d ? ", %lld" : "%lld", (long long)t->shape[d]);
      printf("]\n");
      outputs[i]->deleter(outputs[i]);
    }
  }
  /* A bad call (one input short) fails with a message instead of crashing. */
  if (n_in > 0) {
    if (api->run(model, inputs, n_in - 1, outputs, n_out) == 0) status = 1;
    printf("bad call: %s\n", api->last_error());
  }
  for (i = 0; i < n_in; ++i) free(buffers[i]);
  api->destroy(model);
  dlclose(lib);
  return status;
}
