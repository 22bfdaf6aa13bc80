/* weft.h - the C API of every library weft compiles: one versioned table of functions, DLPack tensors. */
#ifndef WEFT_WEFT_H
#define WEFT_WEFT_H

#include <stdint.h>

#include <dlpack/dlpack.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Bumped when weft_api changes incompatibly; new members are only ever appended. */
#define WEFT_API_VERSION 3

/* DLPack before 0.8 has no kDLBool; weft uses its value (6) for bool tensors either way. */
#define WEFT_DL_BOOL 6

typedef struct weft_model weft_model; /* one loaded model; run() may be called on it from several threads */

/* Zero-initialize it (weft_options o = {0};): members are only ever appended, and 0 or
   NULL always means the default. */
typedef struct weft_options {
  int num_threads;          /* threads a run may use (one pool per handle); 0: the machine's cores, at most 16 */
  const char* weights_path; /* a library built with --weights external: its sidecar file; NULL: the one beside the library */
} weft_options;

/* Describes one input or output. Pointers stay valid as long as the model handle. */
typedef struct weft_tensor_info {
  const char* name;
  DLDataType dtype;
  int ndim;                      /* -1: any rank (an IR type f32[*]); shape and dim_names are then NULL */
  const int64_t* shape;          /* ndim entries; -1 for a dimension known only at run time */
  const char* const* dim_names;  /* ndim entries; the symbol ("batch") or NULL */
} weft_tensor_info;

/* What one input or output is (version 2). A model whose inputs and outputs are all
   WEFT_VALUE_TENSOR runs through run() as well as run_values(); any other needs run_values(). */
typedef enum weft_value_kind {
  WEFT_VALUE_TENSOR = 0,       /* one tensor */
  WEFT_VALUE_LIST = 1,         /* a list of tensors (ONNX sequence, TorchScript List[Tensor]), maybe empty */
  WEFT_VALUE_OPTIONAL = 2,     /* a tensor or nothing (ONNX optional) */
  WEFT_VALUE_OPTIONAL_LIST = 3 /* a list of tensors or nothing */
} weft_value_kind;

/* Describes one input or output (version 2). `tensor` is the tensor, or each element of a
   list, as input_info/output_info describe it; all elements of a list share a symbol's size. */
typedef struct weft_value_info {
  int kind; /* a weft_value_kind */
  weft_tensor_info tensor;
} weft_value_info;

/* One input of run_values, borrowed for the call. */
typedef struct weft_value {
  int kind;             /* must be the input's kind */
  int is_none;          /* optionals: nonzero for an absent value (tensors ignored); 0 otherwise */
  int64_t num_tensors;  /* a tensor or present optional tensor: 1; a list: its length */
  const DLTensor* tensors;
} weft_value;

/* One output of run_values, allocated by the library; release it with deleter(self). A
   caller may keep a tensor past that by taking it out (set its slot to NULL) and later
   calling its own deleter. */
typedef struct weft_output_value {
  int kind;
  int is_none;              /* an absent optional */
  int64_t num_tensors;
  DLManagedTensor** tensors; /* num_tensors entries */
  void (*deleter)(struct weft_output_value* self);
} weft_output_value;

/* How the last run on a model that finished got its memory (version 3). Intermediates of
   static shape live in frames the compiler planned from their live ranges; the rest come from
   a per-run pool that reuses freed buffers, and the pool from the system. */
typedef struct weft_memory_stats {
  uint64_t runs;         /* runs finished on this model, successful or not */
  uint64_t planned;      /* last run: intermediates placed where the memory plan put them */
  uint64_t plan_missed;  /* last run: planned intermediates whose bytes were still held (by a view
                            that outlived its plan) and so came from the pool */
  uint64_t pooled;       /* last run: buffers (frames included) reused from the run's pool */
  uint64_t fresh;        /* last run: buffers (frames included) taken from the system */
} weft_memory_stats;

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
     On failure no outputs are left allocated and outputs[i] are NULL. Fails for a model
     with an input or output that is not a tensor: use run_values (input_info and
     output_info describe a list's or an optional's tensors). */
  int (*run)(weft_model* model, const DLTensor* inputs, int num_inputs, DLManagedTensor** outputs, int num_outputs);
  const char* (*last_error)(void); /* the calling thread's last message; "" if none */
  /* ---- version 2: check version >= 2 (or size) before using these ---- */
  int (*input_value_info)(const weft_model* model, int index, weft_value_info* info);
  int (*output_value_info)(const weft_model* model, int index, weft_value_info* info);
  /* Runs the model on inputs of any kind, in input order, validated like run()'s. On
     success outputs[i] is a new weft_output_value; on failure all outputs[i] are NULL. */
  int (*run_values)(weft_model* model, const weft_value* inputs, int num_inputs, weft_output_value** outputs,
                    int num_outputs);
  /* ---- version 3: check version >= 3 (or size) before using this ---- */
  int (*memory_stats)(const weft_model* model, weft_memory_stats* stats);
} weft_api;

/* Every library exports this, and the same table as <name>_api. */
const weft_api* weft_model_api(void);

#ifdef __cplusplus
}
#endif

#endif /* WEFT_WEFT_H */
