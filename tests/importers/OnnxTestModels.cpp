// OnnxTestModels.cpp - reading the ONNX test models' cases.json and run values.
#include "tests/support/TestSupport.h"
#include "tests/importers/OnnxTestModels.h"

#include <cstdlib>
#include <fstream>
#include <map>
#include <stdexcept>

#include "ir/NpyIO.h"

namespace weft::testing {

using json = nlohmann::json;

std::string onnx_test_models_dir() {
  return testing::env_or("WEFT_ONNX_TEST_MODELS", WEFT_ONNX_TEST_MODELS_DEFAULT);
}

const json& onnx_test_case(const std::string& name) {
  static const std::map<std::string, json> all = [] {
    std::ifstream in(onnx_test_models_dir() + "/cases.json");
    if (!in)
      throw std::runtime_error("no " + onnx_test_models_dir() + "/cases.json: run models/onnx/make_test_models.py (the ctest fixture)");
    std::map<std::string, json> m;
    for (auto& c : json::parse(in)) m[c["name"].get<std::string>()] = c;
    return m;
  }();
  auto it = all.find(name);
  if (it == all.end()) throw std::runtime_error("no test case " + name);
  return it->second;
}

Value onnx_test_value(const json& spec, const Module& m) {
  std::string kind = spec["kind"];
  if (kind == "none") return none_value(m);
  std::string file = spec["file"];
  if (kind == "list") {
    std::vector<Value> elems;
    for (auto& t : read_npz(file)) elems.push_back(tensor_value(t));
    return list_value(m, elems);
  }
  Value t = tensor_value(read_npy(file));
  return kind == "some" ? some_value(m, t) : t;
}

}  // namespace weft::testing
