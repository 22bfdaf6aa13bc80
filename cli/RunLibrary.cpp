// RunLibrary.cpp - `weft run libNAME.so`: dlopen a compiled model and run it through its C API.
#include <dlfcn.h>

#include <cstring>
#include <filesystem>
#include <iostream>

#include "cli/CompileCommand.h"
#include "codegen/DlpackTensors.h"
#include "ir/Module.h"
#include "ir/NpyIO.h"
#include "weft/weft.h"

namespace weft::cli {

namespace {

// The library handle and model, released in order.
struct Loaded {
  void* lib = nullptr;
  const weft_api* api = nullptr;
  weft_model* model = nullptr;
  ~Loaded() {
    if (model) api->destroy(model);
    if (lib) dlclose(lib);
  }
};

}  // namespace

bool is_compiled_library(const std::string& file) { return std::filesystem::path(file).extension() == ".so"; }

namespace {

// The input named `name` in --input, or null.
const NamedInput* given_input(const std::vector<NamedInput>& inputs, const std::string& name) {
  const NamedInput* found = nullptr;
  for (auto& in : inputs)
    if (in.name == name) {
      if (found) throw CompileError(Msg() << "input '" << name << "' is given twice");
      found = &in;
    }
  return found;
}

// A weft_output_value as the interpreter's value (a Module supplies the prelude's constructors).
Value from_output(const Module& prelude, const weft_output_value& o) {
  if (o.is_none) return none_value(prelude);
  std::vector<Value> elems;
  for (int64_t i = 0; i < o.num_tensors; ++i) elems.push_back(tensor_value(codegen::tensor_from_dlpack(o.tensors[i]->dl_tensor)));
  Value v;
  if (o.kind == WEFT_VALUE_LIST || o.kind == WEFT_VALUE_OPTIONAL_LIST) v = list_value(prelude, elems);
  else if (elems.size() == 1) v = elems[0];
  else throw RuntimeError(Msg() << "the library returned " << elems.size() << " tensors for a single-tensor output");
  return o.kind == WEFT_VALUE_OPTIONAL || o.kind == WEFT_VALUE_OPTIONAL_LIST ? some_value(prelude, v) : v;
}

// Releases the outputs of run_values.
struct Outputs {
  std::vector<weft_output_value*> values;
  ~Outputs() {
    for (auto* v : values)
      if (v) v->deleter(v);
  }
};

}  // namespace

// Inputs as DESIGN.md "Values at the command line" says: a tensor from an .npy, a list from
// an .npz (arr_0, arr_1, ...), an absent optional by not passing it. The library checks
// dtypes, ranks and dims itself (run_values validates every input).
int run_library(const std::string& file, const std::vector<NamedInput>& inputs, const std::string& out_dir) {
  Loaded l;
  const std::string path = std::filesystem::absolute(file).string();
  if (!std::filesystem::exists(path)) throw CompileError(Span{file, 0, 0}, "no such file");
  l.lib = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!l.lib) throw CompileError(Span{file, 0, 0}, std::string("cannot load library: ") + dlerror());
  auto get_api = reinterpret_cast<const weft_api* (*)()>(dlsym(l.lib, "weft_model_api"));
  if (!get_api) throw CompileError(Span{file, 0, 0}, "not a weft library (no weft_model_api)");
  l.api = get_api();
  if (!l.api || l.api->version < 1 || l.api->version > WEFT_API_VERSION)
    throw CompileError(Span{file, 0, 0}, "built for weft C API version " + std::to_string(l.api ? l.api->version : 0) +
                                             ", this weft speaks versions 1 to " + std::to_string(WEFT_API_VERSION));
  // A version 1 library (tensors only) runs through run(); version 2 adds run_values.
  const bool v2 = l.api->version >= 2 && l.api->size >= sizeof(weft_api);
  if (l.api->create(nullptr, &l.model) != 0) throw RuntimeError(std::string("create: ") + l.api->last_error());

  const int n_in = l.api->num_inputs(l.model), n_out = l.api->num_outputs(l.model);
  std::vector<std::string> names;
  std::vector<std::vector<Tensor>> held(static_cast<size_t>(n_in));  // the data each DLTensor points into
  std::vector<std::vector<DLTensor>> dl(static_cast<size_t>(n_in));
  std::vector<weft_value> values(static_cast<size_t>(n_in));
  for (int i = 0; i < n_in; ++i) {
    weft_value_info info;
    info.kind = WEFT_VALUE_TENSOR;
    if ((v2 ? l.api->input_value_info(l.model, i, &info) : l.api->input_info(l.model, i, &info.tensor)) != 0)
      throw RuntimeError(l.api->last_error());
    names.push_back(info.tensor.name);
    const NamedInput* given = given_input(inputs, info.tensor.name);
    const bool list = info.kind == WEFT_VALUE_LIST || info.kind == WEFT_VALUE_OPTIONAL_LIST;
    const bool optional = info.kind == WEFT_VALUE_OPTIONAL || info.kind == WEFT_VALUE_OPTIONAL_LIST;
    weft_value& v = values[size_t(i)];
    v = weft_value{info.kind, 0, 0, nullptr};
    if (!given) {
      if (optional) {
        v.is_none = 1;
        continue;
      }
      throw CompileError(Msg() << "missing --input " << info.tensor.name << "=PATH" << (list ? ".npz" : ".npy") << " (input " << i
                               << " of " << file << ")");
    }
    auto& ts = held[size_t(i)];
    if (list) ts = read_npz(given->path);
    else ts.push_back(read_npy(given->path));
    for (auto& t : ts) dl[size_t(i)].push_back(codegen::dlpack_view(t));
    v.num_tensors = int64_t(ts.size());
    v.tensors = dl[size_t(i)].data();
  }
  for (auto& in : inputs) {
    bool known = false;
    for (auto& n : names) known = known || in.name == n;
    if (!known) throw CompileError(Msg() << "--input " << in.name << ": " << file << " has no input of that name");
  }
  Module prelude;
  std::vector<Value> results;
  if (v2) {
    Outputs outs;
    outs.values.assign(size_t(n_out), nullptr);
    if (l.api->run_values(l.model, values.data(), n_in, outs.values.data(), n_out) != 0) throw RuntimeError(l.api->last_error());
    for (weft_output_value* o : outs.values) results.push_back(from_output(prelude, *o));
  } else {
    std::vector<DLTensor> flat;
    for (auto& v : values) flat.push_back(v.tensors[0]);
    std::vector<DLManagedTensor*> outs(size_t(n_out), nullptr);
    if (l.api->run(l.model, flat.data(), n_in, outs.data(), n_out) != 0) throw RuntimeError(l.api->last_error());
    for (DLManagedTensor* o : outs) {
      results.push_back(tensor_value(codegen::tensor_from_dlpack(o->dl_tensor)));
      o->deleter(o);
    }
  }
  write_outputs(results.size() == 1 ? results[0] : tuple_value(results), out_dir, std::cout);
  return 0;
}

}  // namespace weft::cli
