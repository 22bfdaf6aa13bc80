// RunLibrary.cpp - `weft run libNAME.so`: a compiled model opened through host/LoadedLibrary and run on NumPy files.
#include <filesystem>
#include <iostream>

#include "cli/CompileCommand.h"
#include "cli/RunLibrary.h"
#include "cli/host/ApiValues.h"
#include "cli/host/LoadedLibrary.h"
#include "ir/Module.h"
#include "ir/NpyIO.h"

namespace weft::cli {

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

}  // namespace

// Inputs as DESIGN.md "Values at the command line" says: a tensor from an .npy, a list from
// an .npz (arr_0, arr_1, ...), an absent optional by not passing it. The library checks
// dtypes, ranks and dims itself (run_values validates every input).
std::vector<host::ApiValue> read_library_inputs(const host::LoadedLibrary& lib, const std::string& file,
                                                const std::vector<NamedInput>& inputs) {
  const int n_in = lib.api()->num_inputs(lib.model());
  std::vector<std::string> names;
  std::vector<host::ApiValue> values(static_cast<size_t>(n_in));
  for (int i = 0; i < n_in; ++i) {
    weft_value_info info;
    if (lib.input_info(i, &info) != 0) throw RuntimeError(lib.api()->last_error());
    names.push_back(info.tensor.name);
    const NamedInput* given = given_input(inputs, info.tensor.name);
    const bool list = info.kind == WEFT_VALUE_LIST || info.kind == WEFT_VALUE_OPTIONAL_LIST;
    const bool optional = info.kind == WEFT_VALUE_OPTIONAL || info.kind == WEFT_VALUE_OPTIONAL_LIST;
    host::ApiValue& v = values[size_t(i)];
    v.kind = info.kind;
    if (!given) {
      if (optional) {
        v.none = true;
        continue;
      }
      throw CompileError(Msg() << "missing --input " << info.tensor.name << "=PATH" << (list ? ".npz" : ".npy") << " (input " << i
                               << " of " << file << ")");
    }
    if (list) v.tensors = read_npz(given->path);
    else v.tensors.push_back(read_npy(given->path));
  }
  for (auto& in : inputs) {
    bool known = false;
    for (auto& n : names) known = known || in.name == n;
    if (!known) throw CompileError(Msg() << "--input " << in.name << ": " << file << " has no input of that name");
  }
  return values;
}

int run_library(const std::string& file, const std::vector<NamedInput>& inputs, const std::string& out_dir) {
  const std::string path = std::filesystem::absolute(file).string();
  if (!std::filesystem::exists(path)) throw CompileError(Span{file, 0, 0}, "no such file");
  // Every library exports weft_model_api besides NAME_api.
  const host::LoadedLibrary lib(path, "weft_model");
  if (!lib.error().empty()) throw CompileError(Span{file, 0, 0}, "cannot load library: " + lib.error());
  const std::vector<host::ApiValue> values = read_library_inputs(lib, file, inputs);
  std::vector<host::ApiValue> outs;
  const std::string error = lib.run(values, &outs);
  if (!error.empty()) throw RuntimeError(error);
  Module prelude;
  std::vector<Value> results;
  for (const host::ApiValue& o : outs) {
    try {
      results.push_back(host::from_api(o, prelude));
    } catch (const std::runtime_error& e) {
      throw RuntimeError(std::string("the library returned ") + e.what());
    }
  }
  write_outputs(results.size() == 1 ? results[0] : tuple_value(results), out_dir, std::cout);
  return 0;
}

}  // namespace weft::cli
