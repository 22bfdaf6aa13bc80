/* main.c - runs the bundled example (librecurrent.so) from C through weft's C API: the inputs of
   models/examples/x.npy and steps.npy (x = arange(8)/8 - 0.25 as 2x4, steps = 5), then prints
   each output, so the numbers can be set beside `weft run` on the same files. */
#include <stdio.h>

#include <weft_models/recurrent.h>

static void print_output(const weft_api* api, const weft_model* model, int i, const DLTensor* t) {
  weft_tensor_info info;
  int64_t n = 1, k;
  int d;
  api->output_info(model, i, &info);
  printf("output %d (%s): shape [", i, info.name);
  for (d = 0; d < t->ndim; ++d) {
    printf("%s%lld", d ? ", " : "", (long long)t->shape[d]);
    n *= t->shape[d];
  }
  printf("]\n ");
  for (k = 0; k < n; ++k) printf(" %.6f", ((const float*)t->data)[k]);
  printf("\n");
}

int main(void) {
  const weft_api* api = recurrent_api();
  weft_options options = {0};
  weft_model* model = NULL;
  float x[8];
  int64_t steps = 5, x_shape[2] = {2, 4};
  DLTensor inputs[2] = {{0}, {0}};
  DLManagedTensor* outputs[2] = {NULL, NULL};
  int i;

  for (i = 0; i < 8; ++i) x[i] = (float)i / 8.0f - 0.25f;
  inputs[0].data = x;
  inputs[0].device.device_type = kDLCPU;
  inputs[0].ndim = 2;
  inputs[0].dtype.code = kDLFloat;
  inputs[0].dtype.bits = 32;
  inputs[0].dtype.lanes = 1;
  inputs[0].shape = x_shape;
  inputs[1].data = &steps;
  inputs[1].device.device_type = kDLCPU;
  inputs[1].ndim = 0;
  inputs[1].dtype.code = kDLInt;
  inputs[1].dtype.bits = 64;
  inputs[1].dtype.lanes = 1;

  if (api->create(&options, &model) != 0) {
    fprintf(stderr, "create failed: %s\n", api->last_error());
    return 1;
  }
  printf("model '%s': %d inputs, %d outputs\n", api->model_name, api->num_inputs(model), api->num_outputs(model));
  if (api->run(model, inputs, 2, outputs, 2) != 0) {
    fprintf(stderr, "run failed: %s\n", api->last_error());
    api->destroy(model);
    return 1;
  }
  for (i = 0; i < 2; ++i) {
    print_output(api, model, i, &outputs[i]->dl_tensor);
    outputs[i]->deleter(outputs[i]);
  }
  api->destroy(model);
  return 0;
}
