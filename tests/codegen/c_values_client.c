/* c_values_client.c - a plain C99 user of the version 2 API: lists and optionals through run_values. Every f32 input
   tensor has its dynamic dims set to 2; element j of a list input (3 elements) is filled with j + 1, a tensor input
   with 1; optional inputs are passed absent. Prints each output's kind and the sum of each of its tensors. */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>

#include <weft/weft.h>

#define MAX_IN 8
#define LIST_LEN 3

int main(int argc, char** argv) {
  void* lib;
  const weft_api* (*get)(void);
  const weft_api* api;
  weft_model* model = NULL;
  weft_value values[MAX_IN];
  DLTensor tensors[MAX_IN][LIST_LEN];
  int64_t shapes[MAX_IN][8];
  float* buffers[MAX_IN][LIST_LEN];
  weft_output_value* outputs[MAX_IN];
  weft_value bad;
  int n_in, n_out, i, j, d, status;

  if (argc != 2) return 2;
  lib = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
  if (!lib) return 1;
  *(void**)(&get) = dlsym(lib, "weft_model_api");
  if (!get) return 1;
  api = get();
  if (api->version < 2 || api->size < sizeof(weft_api) || api->create(NULL, &model) != 0) return 1;
  n_in = api->num_inputs(model);
  n_out = api->num_outputs(model);
  if (n_in > MAX_IN || n_out > MAX_IN) return 1;
  for (i = 0; i < n_in; ++i) {
    weft_value_info info;
    size_t count = 1, k;
    int n;
    if (api->input_value_info(model, i, &info) != 0 || info.tensor.ndim > 8) return 1;
    if (info.tensor.dtype.code != kDLFloat || info.tensor.dtype.bits != 32) return 1;
    printf("input %d: %s kind %d\n", i, info.tensor.name, info.kind);
    for (d = 0; d < info.tensor.ndim; ++d) {
      shapes[i][d] = info.tensor.shape[d] < 0 ? 2 : info.tensor.shape[d];
      count *= (size_t)shapes[i][d];
    }
    n = info.kind == WEFT_VALUE_LIST || info.kind == WEFT_VALUE_OPTIONAL_LIST ? LIST_LEN : 1;
    values[i].kind = info.kind;
    values[i].is_none = info.kind == WEFT_VALUE_OPTIONAL || info.kind == WEFT_VALUE_OPTIONAL_LIST;
    values[i].num_tensors = n;
    values[i].tensors = tensors[i];
    for (j = 0; j < n; ++j) {
      buffers[i][j] = (float*)malloc((count ? count : 1) * sizeof(float));
      for (k = 0; k < count; ++k) buffers[i][j][k] = info.kind == WEFT_VALUE_TENSOR ? 1.0f : (float)(j + 1);
      tensors[i][j].data = buffers[i][j];
      tensors[i][j].device.device_type = kDLCPU;
      tensors[i][j].device.device_id = 0;
      tensors[i][j].ndim = info.tensor.ndim;
      tensors[i][j].dtype = info.tensor.dtype;
      tensors[i][j].shape = shapes[i];
      tensors[i][j].strides = NULL;
      tensors[i][j].byte_offset = 0;
    }
  }
  /* A bad call first: the wrong kind for input 0. */
  bad = values[0];
  bad.kind = values[0].kind == WEFT_VALUE_TENSOR ? WEFT_VALUE_LIST : WEFT_VALUE_TENSOR;
  values[0] = bad;
  if (api->run_values(model, values, n_in, outputs, n_out) == 0) return 1;
  printf("bad call: %s\n", api->last_error());
  values[0].kind = bad.kind == WEFT_VALUE_TENSOR ? WEFT_VALUE_LIST : WEFT_VALUE_TENSOR;

  status = api->run_values(model, values, n_in, outputs, n_out);
  if (status != 0) {
    printf("run_values failed: %s\n", api->last_error());
    return 1;
  }
  for (i = 0; i < n_out; ++i) {
    printf("output %d: kind %d%s", i, outputs[i]->kind, outputs[i]->is_none ? " none" : "");
    for (j = 0; j < outputs[i]->num_tensors; ++j) {
      const DLTensor* t = &outputs[i]->tensors[j]->dl_tensor;
      int64_t count = 1, k;
      double sum = 0;
      for (d = 0; d < t->ndim; ++d) count *= t->shape[d];
      for (k = 0; k < count; ++k) sum += ((const float*)t->data)[k];
      printf(" %.3f", sum);
    }
    printf("\n");
    outputs[i]->deleter(outputs[i]);
  }
  for (i = 0; i < n_in; ++i)
    for (j = 0; j < values[i].num_tensors; ++j) free(buffers[i][j]);
  api->destroy(model);
  dlclose(lib);
  return 0;
}
