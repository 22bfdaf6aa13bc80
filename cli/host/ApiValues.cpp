// ApiValues.cpp - interpreter values to and from run_values' weft_value (see ApiValues.h).
#include "cli/host/ApiValues.h"

#include <stdexcept>

namespace weft::host {

int api_kind(const Type& t) {
  if (as_tensor(t)) return WEFT_VALUE_TENSOR;
  auto* a = as_adt(t);
  if (!a || a->args.size() != 1) return -1;
  if (a->name == "List") return as_tensor(a->args[0]) ? WEFT_VALUE_LIST : -1;
  if (a->name != "Option") return -1;
  if (as_tensor(a->args[0])) return WEFT_VALUE_OPTIONAL;
  auto* inner = as_adt(a->args[0]);
  return inner && inner->name == "List" && inner->args.size() == 1 && as_tensor(inner->args[0]) ? WEFT_VALUE_OPTIONAL_LIST : -1;
}

namespace {

std::vector<Tensor> list_tensors(const Value& v) {
  std::vector<Tensor> out;
  for (const Value& e : value_to_list(v)) out.push_back(value_tensor(e));
  return out;
}

}  // namespace

ApiValue to_api(const Value& v, int kind) {
  ApiValue r;
  r.kind = kind;
  if (kind == WEFT_VALUE_TENSOR) {
    r.tensors = {value_tensor(v)};
    return r;
  }
  if (kind == WEFT_VALUE_LIST) {
    r.tensors = list_tensors(v);
    return r;
  }
  auto* opt = value_as<AdtValueNode>(v);
  if (!opt || opt->ctor->adt != "Option") throw std::runtime_error("expected an Option value, got " + value_str(v, 200));
  r.none = opt->fields.empty();
  if (!r.none) r.tensors = kind == WEFT_VALUE_OPTIONAL ? std::vector<Tensor>{value_tensor(opt->fields[0])} : list_tensors(opt->fields[0]);
  return r;
}

Value from_api(const ApiValue& v, const Module& m) {
  auto list = [&] {
    std::vector<Value> items;
    for (const Tensor& t : v.tensors) items.push_back(tensor_value(t));
    return list_value(m, items);
  };
  switch (v.kind) {
    case WEFT_VALUE_TENSOR:
      if (v.tensors.size() != 1) throw std::runtime_error("a tensor output with " + std::to_string(v.tensors.size()) + " tensors");
      return tensor_value(v.tensors[0]);
    case WEFT_VALUE_LIST: return list();
    case WEFT_VALUE_OPTIONAL:
      if (v.none) return none_value(m);
      if (v.tensors.size() != 1) throw std::runtime_error("an optional output with " + std::to_string(v.tensors.size()) + " tensors");
      return some_value(m, tensor_value(v.tensors[0]));
    case WEFT_VALUE_OPTIONAL_LIST: return v.none ? none_value(m) : some_value(m, list());
  }
  throw std::runtime_error("an output of unknown kind " + std::to_string(v.kind));
}

}  // namespace weft::host
