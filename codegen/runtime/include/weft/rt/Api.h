// Api.h - the C API table of an artifact: error plumbing, input validation, DLPack outputs.
#pragma once

#include <pthread.h>

#include <exception>
#include <memory>
#include <mutex>
#include <new>
#include <string>
#include <utility>

#include "weft/rt/Tensor.h"
#include "weft/rt/ThreadPool.h"
#include "weft/rt/Values.h"
#include "weft/rt/Weights.h"

namespace weft_rt {

// One input or output of @main as the C API describes it (see weft_tensor_info).
struct IoDesc {
  const char* name;
  DLDataType dtype;
  int ndim;
  const int64_t* shape;          // -1 where only known at run time
  const char* const* dim_names;  // symbol or nullptr per dim
  int kind;                      // weft_value_kind; the fields above describe the (element) tensor
};

// An input or output of @main between the C API and the generated entry: a tensor (one
// element), a list (its elements), an optional (`none`, or one tensor or list).
struct IoValue {
  bool none = false;
  std::vector<Tensor> tensors;
};

// What the generated source tells the runtime about its model.
struct ModelDesc {
  const char* name;
  const IoDesc* inputs;
  int num_inputs;
  const IoDesc* outputs;
  int num_outputs;
  void (*run)(const IoValue* inputs, IoValue* outputs);  // may throw; inputs already validated
  const WeightsSource* weights = nullptr;              // external weights to load at create; nullptr: embedded
  bool deep_stack = false;  // the code may recurse deeply: run it on a thread with a large stack
};

// Runs f on a thread whose stack (1 GiB, reserved, committed only as touched) holds
// millions of frames, so non-tail recursion over a long list does not overflow the
// caller's stack; the interpreter runs on such a stack too. Exceptions come back to the caller.
template <typename F>
void on_deep_stack(F& f) {
  struct Ctx {
    F* f;
    std::exception_ptr error;
  } ctx{&f, nullptr};
  pthread_attr_t attr;
  if (pthread_attr_init(&attr) != 0) throw Error("cannot start the run's thread");
  pthread_attr_setstacksize(&attr, size_t(1) << 30);
  pthread_t thread;
  void* (*body)(void*) = [](void* p) -> void* {
    auto* c = static_cast<Ctx*>(p);
    try {
      (*c->f)();
    } catch (...) {
      c->error = std::current_exception();
    }
    return nullptr;
  };
  const int rc = pthread_create(&thread, &attr, body, &ctx);
  pthread_attr_destroy(&attr);
  if (rc != 0) throw Error("cannot start the run's thread (a 1 GiB stack for deep recursion)");
  pthread_join(thread, nullptr);
  if (ctx.error) std::rethrow_exception(ctx.error);
}

// Runs the model in a workspace of its own, with `pool` (may be nullptr) as its kernels' thread
// pool; `stats` receives how the run got its memory, even when it fails.
inline void run_desc(const ModelDesc& d, const IoValue* in, IoValue* out, Workspace::Stats& stats, ThreadPool* pool = nullptr) {
  auto go = [&] {
    PoolScope pool_scope(pool);  // on the thread that runs the code (the deep stack's, when it has one)
    auto ws = std::make_shared<Workspace>();  // intermediates: the memory plan's frames, else reused freed buffers
    struct Report {
      const Workspace& ws;
      Workspace::Stats& to;
      ~Report() { to = ws.stats(); }
    } report{*ws, stats};
    WorkspaceScope scope(ws);
    d.run(in, out);
  };
  if (d.deep_stack) on_deep_stack(go);
  else go();
}

inline std::string& last_error_slot() {
  thread_local std::string message;
  return message;
}
inline const char* last_error() { return last_error_slot().c_str(); }

// Runs f, turning any exception into status 1 and the calling thread's message.
template <typename F>
int guarded(const char* what, F&& f) noexcept {
  try {
    f();
    return 0;
  } catch (const std::bad_alloc&) {
    try { last_error_slot() = std::string(what) + ": out of memory"; } catch (...) {}
  } catch (const std::exception& e) {
    try { last_error_slot() = std::string(what) + ": " + e.what(); } catch (...) {}
  } catch (...) {
    try { last_error_slot() = std::string(what) + ": unknown error"; } catch (...) {}
  }
  return 1;
}

inline std::string dtype_str(DLDataType t) {
  const char* kind = t.code == kDLFloat ? "f" : t.code == kDLBfloat ? "bf" : t.code == kDLInt ? "i" : t.code == kDLUInt ? "u"
                     : t.code == WEFT_DL_BOOL ? "bool" : "?";
  if (t.code == WEFT_DL_BOOL) return kind;
  std::string s = kind + std::to_string(int(t.bits));
  if (t.lanes != 1) s += "x" + std::to_string(int(t.lanes));
  return s;
}

// Checks one input against its description; `symbols` collects the value each named dim
// takes so that `batch` in two inputs must agree. Throws Error saying which input and dim.
inline void check_input(const DLTensor& t, const IoDesc& d, int index, std::vector<std::pair<const char*, int64_t>>& symbols) {
  const std::string where = "input " + std::to_string(index) + " '" + d.name + "'";
  if (t.device.device_type != kDLCPU) throw Error(where + ": must be on the CPU (device type " + std::to_string(int(t.device.device_type)) + ")");
  if (!same_dtype(t.dtype, d.dtype)) throw Error(where + ": expected dtype " + dtype_str(d.dtype) + ", got " + dtype_str(t.dtype));
  // ndim -1: an input of unknown rank (f32[*]) takes any rank, and its dims are not checked.
  const bool any_rank = d.ndim < 0;
  if (t.ndim < 0) throw Error(where + ": ndim is negative (" + std::to_string(t.ndim) + ")");
  if (!any_rank && t.ndim != d.ndim) throw Error(where + ": expected rank " + std::to_string(d.ndim) + ", got " + std::to_string(t.ndim));
  if (t.ndim > 0 && !t.shape) throw Error(where + ": shape is NULL");
  int64_t n = 1, stride = 1;
  for (int i = t.ndim - 1; i >= 0; --i) {
    const int64_t got = t.shape[i];
    if (got < 0) throw Error(where + ": dim " + std::to_string(i) + " is negative (" + std::to_string(got) + ")");
    if (!any_rank && d.shape[i] >= 0 && got != d.shape[i])
      throw Error(where + ": dim " + std::to_string(i) + " must be " + std::to_string(d.shape[i]) + ", got " + std::to_string(got));
    if (const char* sym = any_rank ? nullptr : d.dim_names[i]) {
      bool seen = false;
      for (auto& [name, value] : symbols)
        if (std::string(name) == sym) {
          seen = true;
          if (value != got)
            throw Error(where + ": dim " + std::to_string(i) + " is '" + sym + "' = " + std::to_string(got) +
                        ", but an earlier input has " + sym + " = " + std::to_string(value));
        }
      if (!seen) symbols.emplace_back(sym, got);
    }
    if (t.strides && got != 1 && t.strides[i] != stride) throw Error(where + ": must be compact row-major (strides not supported)");
    stride *= got;
    n *= got;
  }
  if (n > 0 && !t.data) throw Error(where + ": data is NULL");
}

inline Shape dl_shape(const DLTensor& t) { return Shape(t.shape, t.shape + t.ndim); }

// ---- @main's values from and to IoValues (the generated entry passes the ADT tags) ----

inline Adt list_of(const std::vector<Tensor>& elems, int cons, int nil) {
  Adt list = Adt::make(nil);
  for (size_t i = elems.size(); i-- > 0;) list = Adt::make<Tensor, Adt>(cons, elems[i], list);
  return list;
}
inline Adt io_list(const IoValue& v, int cons, int nil) { return list_of(v.tensors, cons, nil); }
inline Adt io_option(const IoValue& v, int some, int none) { return v.none ? Adt::make(none) : Adt::make<Tensor>(some, v.tensors.at(0)); }
inline Adt io_option_list(const IoValue& v, int some, int none, int cons, int nil) {
  return v.none ? Adt::make(none) : Adt::make<Adt>(some, list_of(v.tensors, cons, nil));
}

inline IoValue out_tensor(Tensor t) { return IoValue{false, {std::move(t)}}; }
inline IoValue out_list(const Adt& list, int cons) {
  IoValue v;
  for (const Adt* p = &list; p->tag() == cons;) {  // along the spine: no recursion
    const auto& f = p->fields<Tensor, Adt>();
    v.tensors.push_back(std::get<0>(f));
    p = &std::get<1>(f);
  }
  return v;
}
inline IoValue out_option(const Adt& opt, int some) {
  if (opt.tag() != some) return IoValue{true, {}};
  return out_tensor(std::get<0>(opt.fields<Tensor>()));
}
inline IoValue out_option_list(const Adt& opt, int some, int cons) {
  if (opt.tag() != some) return IoValue{true, {}};
  return out_list(std::get<0>(opt.fields<Adt>()), cons);
}

inline const char* kind_str(int kind) {
  switch (kind) {
    case WEFT_VALUE_TENSOR: return "a tensor";
    case WEFT_VALUE_LIST: return "a list of tensors";
    case WEFT_VALUE_OPTIONAL: return "an optional tensor";
    case WEFT_VALUE_OPTIONAL_LIST: return "an optional list of tensors";
  }
  return "an unknown kind";
}

// A DLManagedTensor that keeps its runtime tensor (and so its buffer) alive until deleted.
struct ManagedOutput {
  DLManagedTensor managed;
  Tensor tensor;
  Shape shape;
};

inline DLManagedTensor* to_managed(Tensor t) {
  auto* m = new ManagedOutput{};
  m->tensor = t.owns() ? std::move(t) : t.clone();  // a view (input, weight) is copied out
  m->shape = m->tensor.shape();
  DLTensor& dl = m->managed.dl_tensor;
  dl.data = m->tensor.data<void>();
  dl.device = DLDevice{kDLCPU, 0};
  dl.ndim = m->tensor.rank();
  dl.dtype = m->tensor.dtype();
  dl.shape = m->shape.data();
  dl.strides = nullptr;
  dl.byte_offset = 0;
  m->managed.manager_ctx = m;
  m->managed.deleter = [](DLManagedTensor* self) { delete static_cast<ManagedOutput*>(self->manager_ctx); };
  return &m->managed;
}

}  // namespace weft_rt

// The handle behind weft_model*: runs may share it; only the memory statistics change, under a
// lock. `pool` (nullptr for one thread) is made at create and joined at destroy; concurrent
// runs share it as ThreadPool.h describes (a run that finds it busy runs its kernels serially).
struct weft_model {
  const weft_rt::ModelDesc* desc;
  int num_threads;
  std::mutex stats_mu{};
  weft_memory_stats stats{};
  std::unique_ptr<weft_rt::ThreadPool> pool{};
};

namespace weft_rt {

inline int fill_info(const IoDesc& d, weft_tensor_info* info) {
  info->name = d.name;
  info->dtype = d.dtype;
  info->ndim = d.ndim;
  info->shape = d.shape;
  info->dim_names = d.dim_names;
  return 0;
}

inline int info_of(const weft_model* m, int index, weft_tensor_info* info, bool input) {
  return guarded(input ? "input_info" : "output_info", [&] {
    if (!m || !info) throw Error("model or info is NULL");
    const int n = input ? m->desc->num_inputs : m->desc->num_outputs;
    if (index < 0 || index >= n) throw Error("index " + std::to_string(index) + " out of range [0, " + std::to_string(n) + ")");
    fill_info(input ? m->desc->inputs[index] : m->desc->outputs[index], info);
  });
}

inline int value_info_of(const weft_model* m, int index, weft_value_info* info, bool input) {
  return guarded(input ? "input_value_info" : "output_value_info", [&] {
    if (!m || !info) throw Error("model or info is NULL");
    const int n = input ? m->desc->num_inputs : m->desc->num_outputs;
    if (index < 0 || index >= n) throw Error("index " + std::to_string(index) + " out of range [0, " + std::to_string(n) + ")");
    const IoDesc& d = input ? m->desc->inputs[index] : m->desc->outputs[index];
    info->kind = d.kind;
    fill_info(d, &info->tensor);
  });
}

// Every input and output a tensor, as run() (version 1) requires.
inline void check_tensor_only(const ModelDesc& d) {
  for (int i = 0; i < d.num_inputs; ++i)
    if (d.inputs[i].kind != WEFT_VALUE_TENSOR)
      throw Error("input " + std::to_string(i) + " '" + d.inputs[i].name + "' is " + kind_str(d.inputs[i].kind) +
                  "; run() takes tensors only, call run_values()");
  for (int i = 0; i < d.num_outputs; ++i)
    if (d.outputs[i].kind != WEFT_VALUE_TENSOR)
      throw Error("output " + std::to_string(i) + " '" + d.outputs[i].name + "' is " + kind_str(d.outputs[i].kind) +
                  "; run() returns tensors only, call run_values()");
}

inline Tensor input_view(const DLTensor& t) {
  return Tensor::view(static_cast<const char*>(t.data) + t.byte_offset, t.dtype, dl_shape(t));
}

// Checks one input of run_values against its description and turns it into an IoValue.
inline IoValue check_value(const weft_value& v, const IoDesc& d, int index, std::vector<std::pair<const char*, int64_t>>& symbols) {
  const std::string where = "input " + std::to_string(index) + " '" + d.name + "'";
  if (v.kind != d.kind)
    throw Error(where + ": is " + kind_str(d.kind) + " (kind " + std::to_string(d.kind) + "), got kind " + std::to_string(v.kind));
  IoValue r;
  const bool optional = d.kind == WEFT_VALUE_OPTIONAL || d.kind == WEFT_VALUE_OPTIONAL_LIST;
  if (optional && v.is_none) {
    r.none = true;
    return r;
  }
  if (!optional && v.is_none) throw Error(where + ": is_none is set, but the input is not optional");
  const bool list = d.kind == WEFT_VALUE_LIST || d.kind == WEFT_VALUE_OPTIONAL_LIST;
  if (v.num_tensors < 0) throw Error(where + ": num_tensors is negative (" + std::to_string(v.num_tensors) + ")");
  if (!list && v.num_tensors != 1) throw Error(where + ": expected 1 tensor, got num_tensors = " + std::to_string(v.num_tensors));
  if (v.num_tensors > 0 && !v.tensors) throw Error(where + ": tensors is NULL");
  for (int64_t i = 0; i < v.num_tensors; ++i) {
    check_input(v.tensors[i], d, index, symbols);
    r.tensors.push_back(input_view(v.tensors[i]));
  }
  return r;
}

// A weft_output_value owning its managed tensors.
struct OutputValue : weft_output_value {
  std::vector<DLManagedTensor*> slots;
  static void release(weft_output_value* self) {
    if (!self) return;
    for (int64_t i = 0; i < self->num_tensors; ++i)
      if (DLManagedTensor* t = self->tensors[i]) t->deleter(t);
    delete static_cast<OutputValue*>(self);
  }
};

inline weft_output_value* to_output_value(IoValue& v, int kind) {
  auto* o = new OutputValue{};
  o->kind = kind;
  o->is_none = v.none ? 1 : 0;
  o->num_tensors = 0;
  o->tensors = nullptr;
  o->deleter = OutputValue::release;
  try {
    o->slots.reserve(v.tensors.size());
    for (auto& t : v.tensors) {
      o->slots.push_back(to_managed(std::move(t)));
      o->num_tensors = int64_t(o->slots.size());
      o->tensors = o->slots.data();
    }
  } catch (...) {
    OutputValue::release(o);
    throw;
  }
  return o;
}

// The checks run() and run_values() share: the handle, the counts, the arrays.
inline const ModelDesc& check_call(const weft_model* m, const void* inputs, int num_inputs, const void* outputs, int num_outputs) {
  if (!m) throw Error("model is NULL");
  const ModelDesc& d = *m->desc;
  if (num_inputs != d.num_inputs) throw Error("expected " + std::to_string(d.num_inputs) + " inputs, got " + std::to_string(num_inputs));
  if (num_outputs != d.num_outputs) throw Error("expected " + std::to_string(d.num_outputs) + " outputs, got " + std::to_string(num_outputs));
  if (!inputs && num_inputs > 0) throw Error("inputs is NULL");
  if (!outputs) throw Error("outputs is NULL");
  return d;
}

// Runs the model on validated inputs and records how the run got its memory on the handle.
inline void run_on(weft_model* m, const IoValue* in, IoValue* out) {
  Workspace::Stats ws;
  struct Record {
    weft_model* m;
    Workspace::Stats& ws;
    ~Record() {
      std::lock_guard<std::mutex> lock(m->stats_mu);
      m->stats.runs += 1;
      m->stats.planned = ws.planned;
      m->stats.plan_missed = ws.plan_missed;
      m->stats.pooled = ws.reused;
      m->stats.fresh = ws.fresh;
    }
  } record{m, ws};
  run_desc(*m->desc, in, out, ws, m->pool.get());
}

// A handle for `desc` with weft_options' thread count (0: the machine's cores; see pool_threads).
inline weft_model* make_model(const ModelDesc& desc, const weft_options* o) {
  const int requested = o ? o->num_threads : 0;
  if (requested < 0) throw Error("num_threads is negative (" + std::to_string(requested) + "); use 0 for the machine's cores");
  const int threads = pool_threads(requested);
  std::unique_ptr<weft_model> m(new weft_model{&desc, threads});
  if (threads > 1) m->pool = std::make_unique<ThreadPool>(threads);
  return m.release();
}

inline int memory_stats(const weft_model* m, weft_memory_stats* stats) {
  return guarded("memory_stats", [&] {
    if (!m || !stats) throw Error("model or stats is NULL");
    std::lock_guard<std::mutex> lock(const_cast<weft_model*>(m)->stats_mu);
    *stats = m->stats;
  });
}

inline int run_values(weft_model* m, const weft_value* inputs, int num_inputs, weft_output_value** outputs, int num_outputs) {
  if (outputs && m && num_outputs == m->desc->num_outputs)
    for (int i = 0; i < num_outputs; ++i) outputs[i] = nullptr;
  return guarded("run_values", [&] {
    const ModelDesc& d = check_call(m, inputs, num_inputs, outputs, num_outputs);
    std::vector<std::pair<const char*, int64_t>> symbols;
    std::vector<IoValue> ins;
    for (int i = 0; i < num_inputs; ++i) ins.push_back(check_value(inputs[i], d.inputs[i], i, symbols));
    std::vector<IoValue> outs(static_cast<size_t>(num_outputs));
    run_on(m, ins.data(), outs.data());
    std::vector<weft_output_value*> made;
    try {
      for (int i = 0; i < num_outputs; ++i) made.push_back(to_output_value(outs[size_t(i)], d.outputs[i].kind));
    } catch (...) {
      for (auto* p : made) p->deleter(p);
      throw;
    }
    for (int i = 0; i < num_outputs; ++i) outputs[i] = made[size_t(i)];
  });
}

inline int run_model(weft_model* m, const DLTensor* inputs, int num_inputs, DLManagedTensor** outputs, int num_outputs) {
  if (outputs && m && num_outputs == m->desc->num_outputs)
    for (int i = 0; i < num_outputs; ++i) outputs[i] = nullptr;
  std::vector<IoValue> outs;
  return guarded("run", [&] {
    const ModelDesc& d = check_call(m, inputs, num_inputs, outputs, num_outputs);
    check_tensor_only(d);
    std::vector<std::pair<const char*, int64_t>> symbols;
    std::vector<IoValue> ins;
    for (int i = 0; i < num_inputs; ++i) {
      check_input(inputs[i], d.inputs[i], i, symbols);
      ins.push_back(IoValue{false, {input_view(inputs[i])}});
    }
    outs.resize(size_t(num_outputs));
    run_on(m, ins.data(), outs.data());
    std::vector<DLManagedTensor*> made;
    try {
      for (auto& v : outs) made.push_back(to_managed(std::move(v.tensors.at(0))));
    } catch (...) {
      for (auto* p : made) p->deleter(p);
      throw;
    }
    for (int i = 0; i < num_outputs; ++i) outputs[i] = made[size_t(i)];
  });
}

}  // namespace weft_rt

namespace weft_rt {

// The API table's entries that are not defined above, written once: WEFT_RT_DEFINE_API takes them
// into each model's table, and the precompiled archive (src/instances.cpp) compiles them once.
inline int api_create(const ModelDesc& desc, const weft_options* o, weft_model** out) {
  return guarded("create", [&] {
    if (!out) throw Error("out is NULL");
    load_weights(desc.weights, o ? o->weights_path : nullptr);
    *out = make_model(desc, o);
  });
}
inline void api_destroy(weft_model* m) { delete m; }
inline int api_num_inputs(const weft_model* m) { return m ? m->desc->num_inputs : -1; }
inline int api_num_outputs(const weft_model* m) { return m ? m->desc->num_outputs : -1; }
inline int api_input_info(const weft_model* m, int i, weft_tensor_info* info) { return info_of(m, i, info, true); }
inline int api_output_info(const weft_model* m, int i, weft_tensor_info* info) { return info_of(m, i, info, false); }
inline const char* api_last_error() { return last_error(); }
inline int api_input_value_info(const weft_model* m, int i, weft_value_info* info) { return value_info_of(m, i, info, true); }
inline int api_output_value_info(const weft_model* m, int i, weft_value_info* info) { return value_info_of(m, i, info, false); }

}  // namespace weft_rt

// Defines the exported API table for `desc`: weft_model_api() and NAME_api().
#define WEFT_RT_DEFINE_API(DESC, NAME)                                                                                \
  namespace {                                                                                                         \
  int weft_api_create(const weft_options* o, weft_model** out) { return weft_rt::api_create((DESC), o, out); }       \
  const weft_api weft_api_table = {WEFT_API_VERSION,                 sizeof(weft_api),                                \
                                   (DESC).name,                      weft_api_create,                                 \
                                   weft_rt::api_destroy,             weft_rt::api_num_inputs,                         \
                                   weft_rt::api_num_outputs,         weft_rt::api_input_info,                         \
                                   weft_rt::api_output_info,         weft_rt::run_model,                              \
                                   weft_rt::api_last_error,          weft_rt::api_input_value_info,                   \
                                   weft_rt::api_output_value_info,   weft_rt::run_values,                             \
                                   weft_rt::memory_stats};                                                            \
  }                                                                                                                   \
  extern "C" __attribute__((visibility("default"))) const weft_api* weft_model_api(void) { return &weft_api_table; }  \
  extern "C" __attribute__((visibility("default"))) const weft_api* NAME##_api(void) { return &weft_api_table; }
