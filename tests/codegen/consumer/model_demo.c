/* model_demo.c - a C99 program linked with a model built by weft_add_model(): lists the inputs,
   runs the model on deterministic inputs and prints every output.
   Input i, element k: floats ((7k + 3i) mod 11 - 5) / 4, integers (k + i) mod 3 + 1; each
   dimension known only at run time is 3. cmake_package_test.cpp builds the same inputs for
   `weft run` (the interpreter) and compares the printed outputs. */
#include <stdio.h>
#include <stdlib.h>

#include <weft_models/demo.h>

static const char* dtype_name(DLDataType t) {
  if (t.code == kDLFloat && t.bits == 32) return "f32";
  if (t.code == kDLFloat && t.bits == 64) return "f64";
  if (t.code == kDLInt && t.bits == 32) return "i32";
  if (t.code == kDLInt && t.bits == 64) return "i64";
  return NULL;
}

static double element(const DLTensor* t, int64_t k) {
  if (t->dtype.code == kDLFloat) return t->dtype.bits == 32 ? ((const float*)t->data)[k] : ((const double*)t->data)[k];
  return t->dtype.bits == 32 ? ((const int32_t*)t->data)[k] : (double)((const int64_t*)t->data)[k];
}

int main(void) {
  const weft_api* api = demo_api();
  weft_options options = {0};
  weft_model* model = NULL;
  DLTensor inputs[8];
  int64_t shapes[8][8];
  DLManagedTensor* outputs[8];
  int n_in, n_out, i, d, status = 1;
  int64_t k, n;

  for (i = 0; i < 8; ++i) inputs[i].data = NULL;
  if (api->version != WEFT_API_VERSION || api->create(&options, &model) != 0) {
    fprintf(stderr, "create failed: %s\n", api->last_error());
    return 1;
  }
  n_in = api->num_inputs(model);
  n_out = api->num_outputs(model);
  printf("model %s: %d inputs, %d outputs\n", api->model_name, n_in, n_out);
  if (n_in > 8 || n_out > 8) goto done;
  for (i = 0; i < n_in; ++i) {
    weft_tensor_info info;
    const char* dt;
    api->input_info(model, i, &info);
    dt = dtype_name(info.dtype);
    if (!dt || info.ndim > 8) {
      fprintf(stderr, "input %s: unsupported dtype or rank in this demo\n", info.name);
      goto done;
    }
    printf("input %d %s %s [", i, info.name, dt);
    n = 1;
    for (d = 0; d < info.ndim; ++d) {
      shapes[i][d] = info.shape[d] < 0 ? 3 : info.shape[d];
      n *= shapes[i][d];
      printf("%s%s", d ? ", " : "", info.dim_names[d] ? info.dim_names[d] : "");
      if (info.shape[d] >= 0) printf("%lld", (long long)info.shape[d]);
    }
    printf("]\n");
    inputs[i].data = malloc((size_t)(n ? n : 1) * (info.dtype.bits / 8));
    inputs[i].device.device_type = kDLCPU;
    inputs[i].device.device_id = 0;
    inputs[i].ndim = info.ndim;
    inputs[i].dtype = info.dtype;
    inputs[i].shape = shapes[i];
    inputs[i].strides = NULL;
    inputs[i].byte_offset = 0;
    for (k = 0; k < n; ++k) {
      double f = (double)((7 * k + 3 * i) % 11 - 5) / 4.0;
      int64_t v = (k + i) % 3 + 1;
      if (info.dtype.code == kDLFloat && info.dtype.bits == 32) ((float*)inputs[i].data)[k] = (float)f;
      else if (info.dtype.code == kDLFloat) ((double*)inputs[i].data)[k] = f;
      else if (info.dtype.bits == 32) ((int32_t*)inputs[i].data)[k] = (int32_t)v;
      else ((int64_t*)inputs[i].data)[k] = v;
    }
  }
  if (api->run(model, inputs, n_in, outputs, n_out) != 0) {
    fprintf(stderr, "run failed: %s\n", api->last_error());
    goto done;
  }
  for (i = 0; i < n_out; ++i) {
    const DLTensor* t = &outputs[i]->dl_tensor;
    const char* dt = dtype_name(t->dtype);
    n = 1;
    printf("output %d %s [", i, dt ? dt : "?");
    for (d = 0; d < t->ndim; ++d) {
      printf("%s%lld", d ? ", " : "", (long long)t->shape[d]);
      n *= t->shape[d];
    }
    printf("]:");
    for (k = 0; dt && k < n; ++k) printf(" %.9g", element(t, k));
    printf("\n");
    outputs[i]->deleter(outputs[i]);
  }
  status = 0;
done:
  for (i = 0; i < 8; ++i) free(inputs[i].data);
  api->destroy(model);
  return status;
}
