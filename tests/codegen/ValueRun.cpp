// ValueRun.cpp - test helper: interpreter values through run_values, and back, compared with the interpreter's.
#include "ValueRun.h"

#include <gtest/gtest.h>

#include <cstring>

#include "ir/Interpreter.h"
#include "tests/support/TestSupport.h"

namespace weft::testing {

std::vector<Value> interpret_values(const Module& m, const std::vector<Value>& inputs) {
  return flatten_result(run_main(m, inputs));
}

std::vector<Value> run_values(const Module& m, const CompiledModel& lib, const std::vector<Value>& inputs) {
  const weft_api* api = lib.api();
  std::vector<std::vector<Tensor>> held(inputs.size());
  std::vector<std::vector<DLTensor>> dl(inputs.size());
  std::vector<weft_value> values(inputs.size());
  for (size_t i = 0; i < inputs.size(); ++i) {
    weft_value_info info;
    if (api->input_value_info(lib.model(), int(i), &info) != 0) {
      ADD_FAILURE() << api->last_error();
      return {};
    }
    values[i] = weft_value{info.kind, 0, 0, nullptr};
    Value v = inputs[i];
    if (auto* adt = value_as<AdtValueNode>(v); adt && adt->ctor->adt == "Option") {
      if (adt->ctor->name == "None") {
        values[i].is_none = 1;
        continue;
      }
      v = adt->fields[0];
    }
    if (value_as<TensorValueNode>(v)) held[i].push_back(value_tensor(v));
    else
      for (auto& e : value_to_list(v)) held[i].push_back(value_tensor(e));
    for (auto& t : held[i]) dl[i].push_back(as_dl(t));
    values[i].num_tensors = int64_t(held[i].size());
    values[i].tensors = dl[i].data();
  }
  const int n = api->num_outputs(lib.model());
  std::vector<weft_output_value*> outs(size_t(n), nullptr);
  if (api->run_values(lib.model(), values.data(), int(values.size()), outs.data(), n) != 0) {
    ADD_FAILURE() << "run_values failed: " << api->last_error();
    return {};
  }
  std::vector<Value> result;
  for (weft_output_value* o : outs) {
    std::vector<Value> elems;
    for (int64_t i = 0; i < o->num_tensors; ++i) elems.push_back(tensor_value(codegen::tensor_from_dlpack(o->tensors[i]->dl_tensor)));
    Value v;
    if (o->is_none) v = none_value(m);
    else if (o->kind == WEFT_VALUE_LIST || o->kind == WEFT_VALUE_OPTIONAL_LIST) v = list_value(m, elems);
    else v = elems.at(0);
    if (!o->is_none && (o->kind == WEFT_VALUE_OPTIONAL || o->kind == WEFT_VALUE_OPTIONAL_LIST)) v = some_value(m, v);
    o->deleter(o);
    result.push_back(v);
  }
  return result;
}

std::string compare_values(const std::vector<Value>& want, const std::vector<Value>& got) {
  if (want.size() != got.size()) return "expected " + std::to_string(want.size()) + " outputs, got " + std::to_string(got.size());
  auto close = [](const Tensor& a, const Tensor& b) { return bool(tensors_close(a, b, 1e-5, 1e-5)); };
  for (size_t i = 0; i < want.size(); ++i)
    if (!values_equal(want[i], got[i], close))
      return "output " + std::to_string(i) + ": expected " + value_str(want[i], 300) + ", got " + value_str(got[i], 300);
  return "";
}

void expect_compiled_matches(const Module& m, const std::string& name, const std::vector<std::vector<Value>>& input_sets) {
  CompiledModel lib(m, name);
  for (size_t s = 0; s < input_sets.size(); ++s)
    EXPECT_EQ(compare_values(interpret_values(m, input_sets[s]), run_values(m, lib, input_sets[s])), "") << name << " input set " << s;
}

}  // namespace weft::testing
