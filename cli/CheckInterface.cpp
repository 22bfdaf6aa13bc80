// CheckInterface.cpp - a library's weft_value_info against @main's parameter and result types (see CheckInterface.h).
#include "cli/CheckInterface.h"

#include "codegen/DlpackTensors.h"
#include "cli/host/ApiValues.h"
#include "ir/Error.h"

namespace weft::cli {

namespace {

const char* kind_name(int kind) {
  switch (kind) {
    case WEFT_VALUE_TENSOR: return "a tensor";
    case WEFT_VALUE_LIST: return "a list of tensors";
    case WEFT_VALUE_OPTIONAL: return "an optional tensor";
    case WEFT_VALUE_OPTIONAL_LIST: return "an optional list of tensors";
    default: return "a value the C API cannot pass";
  }
}

// The tensor type inside a tensor, List, Option type.
const TensorTypeNode* element_type(const Type& t) {
  if (auto* tt = as_tensor(t)) return tt;
  if (auto* adt = as_adt(t)) return adt->args.empty() ? nullptr : element_type(adt->args[0]);
  return nullptr;
}

void flatten_types(const Type& t, std::vector<Type>& out) {
  if (auto* tup = as_tuple(t)) {
    for (const Type& f : tup->fields) flatten_types(f, out);
  } else {
    out.push_back(t);
  }
}

// "" or how `info` differs from `want`.
std::string differs(const weft_value_info& info, const Type& want) {
  const int kind = host::api_kind(want);
  if (info.kind != kind) return Msg() << "is " << kind_name(info.kind) << ", the model's " << kind_name(kind) << " (" << type_str(want) << ")";
  const TensorTypeNode* t = element_type(want);
  std::optional<DType> dtype = codegen::dtype_of_dlpack(info.tensor.dtype);
  if (!t) return "";
  if (!dtype || *dtype != t->dtype)
    return Msg() << "has dtype " << (dtype ? dtype_name(*dtype) : "unknown") << ", the model's " << dtype_name(t->dtype) << " ("
                 << type_str(want) << ")";
  if (info.tensor.ndim >= 0 && t->has_rank() && info.tensor.ndim != t->rank())
    return Msg() << "has rank " << info.tensor.ndim << ", the model's " << t->rank() << " (" << type_str(want) << ")";
  return "";
}

weft_value_info value_info(const host::LoadedLibrary& lib, bool input, int i) {
  weft_value_info info;
  if ((input ? lib.input_info(i, &info) : lib.output_info(i, &info)) != 0)
    throw RuntimeError(std::string(input ? "input" : "output") + "_value_info: " + lib.api()->last_error());
  return info;
}

}  // namespace

std::vector<std::string> library_output_names(const host::LoadedLibrary& lib) {
  std::vector<std::string> names;
  for (int i = 0; i < lib.api()->num_outputs(lib.model()); ++i) names.push_back(value_info(lib, false, i).tensor.name);
  return names;
}

void check_library_interface(const Module& m, const host::LoadedLibrary& lib, const std::string& library) {
  const Function main = m.main();
  const int n_in = lib.api()->num_inputs(lib.model()), n_out = lib.api()->num_outputs(lib.model());
  auto fail = [&](const std::string& why) {
    throw CompileError(Span{library, 0, 0}, "the library does not match the model: " + why);
  };
  if (n_in != int(main->params.size())) fail(Msg() << "it takes " << n_in << " inputs, the model " << main->params.size());
  for (int i = 0; i < n_in; ++i) {
    const weft_value_info info = value_info(lib, true, i);
    const Var& p = main->params[size_t(i)];
    if (p->name_hint != info.tensor.name) fail(Msg() << "input " << i << " is '" << info.tensor.name << "', the model's '" << p->name_hint << "'");
    const std::string why = differs(info, p->checked_type ? p->checked_type : p->annotation);
    if (!why.empty()) fail("input '" + p->name_hint + "' " + why);
  }
  std::vector<Type> results;
  flatten_types(main->body->checked_type ? main->body->checked_type : main->ret_type, results);
  if (n_out != int(results.size())) fail(Msg() << "it returns " << n_out << " outputs, the model " << results.size());
  for (int i = 0; i < n_out; ++i) {
    const weft_value_info info = value_info(lib, false, i);
    const std::string why = differs(info, results[size_t(i)]);
    if (!why.empty()) fail(Msg() << "output " << i << " ('" << info.tensor.name << "') " << why);
  }
}

}  // namespace weft::cli
