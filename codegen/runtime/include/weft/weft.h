/* weft.h - the C API of every library weft compiles: one versioned table of functions, DLPack tensors. */
#ifndef WEFT_WEFT_H
#define WEFT_WEFT_H

#include <stdint.h>

#include <dlpack/dlpack.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Bumped when weft_api changes incompatibly; new members are only ever appended. */
#define WEFT_API_VERSION 1

/* DLPack before 0.8 has no kDLBool; weft uses its value (6) for bool tensors either way. */
#define WEFT_DL_BOOL 6

typedef struct weft_model weft_model; /* one loaded model; run() may be called on it from several threads */

/* Zero-initialize it (weft_options o = {0};): members are only ever appended, and 0 or
   NULL always means the default. */
typedef struct weft_options {
  int num_threads;          /* 0: the library's choice */
  const char* weights_path; /* a library built with --weights external: its sidecar file; NULL: the one beside the library */
} weft_options;

/* Describes one input or output. Pointers stay valid as long as the model handle. */
typedef struct weft_tensor_info {
  const char* name;
  DLDataType dtype;
  int ndim;
  const int64_t* shape;          /* ndim entries; -1 for a dimension known only at run time */
  const char* const* dim_names;  /* ndim entries; the symbol ("batch") or NULL */
} weft_tensor_info;

/* Every function returning int returns 0 on success and nonzero on failure, with a
   message for the calling thread in last_error(). Nothing aborts or throws. */
typedef struct weft_api {
  uint32_t version;     /* WEFT_API_VERSION the library was built with */
  uint32_t size;        /* sizeof(weft_api) in that version */
  const char* model_name;
  int (*create)(const weft_options* options, weft_model** out); /* options may be NULL */
  void (*destroy)(weft_model* model);                           /* NULL is fine */
  int (*num_inputs)(const weft_model* model);                   /* -1 on a NULL model */
  int (*num_outputs)(const weft_model* model);
  int (*input_info)(const weft_model* model, int index, weft_tensor_info* info);
  int (*output_info)(const weft_model* model, int index, weft_tensor_info* info);
  /* Runs the model on CPU tensors (compact row-major; strides NULL or compact). The library
     allocates each output; the caller releases it with outputs[i]->deleter(outputs[i]).
     On failure no outputs are left allocated and outputs[i] are NULL. */
  int (*run)(weft_model* model, const DLTensor* inputs, int num_inputs, DLManagedTensor** outputs, int num_outputs);
  const char* (*last_error)(void); /* the calling thread's last message; "" if none */
} weft_api;

/* Every library exports this, and the same table as <name>_api. */
const weft_api* weft_model_api(void);

#ifdef __cplusplus
}
#endif

#endif /* WEFT_WEFT_H */
