// TorchScriptCases.cpp - the models' manifest and case inputs as LibTorch and weft values (see TorchScriptCases.h).
#include "tests/importers/torchscript/TorchScriptCases.h"

#include <fstream>
#include <stdexcept>

#include "ir/NpyIO.h"

namespace weft::testing {

nlohmann::json read_torchscript_manifest(const std::string& dir) {
  std::ifstream in(dir + "/manifest.json");
  if (!in) throw std::runtime_error("no " + dir + "/manifest.json (run models/torchscript/make_models.py)");
  return nlohmann::json::parse(in);
}

namespace {

at::ScalarType torch_type(DType d) {
  switch (d) {
    case DType::F32: return at::kFloat;
    case DType::F64: return at::kDouble;
    case DType::I64: return at::kLong;
    case DType::I32: return at::kInt;
    case DType::Bool: return at::kBool;
    case DType::U8: return at::kByte;
    default: throw std::runtime_error("dtype " + std::string(dtype_name(d)) + " not used by the models");
  }
}

}  // namespace

at::Tensor to_torch(const Tensor& t) {
  std::vector<int64_t> shape(t.shape().begin(), t.shape().end());
  return torch::from_blob(t.raw(), shape, torch_type(t.dtype())).clone();
}

TorchScriptInputs read_torchscript_inputs(const nlohmann::json& entry, const std::string& folder, const Module& m) {
  TorchScriptInputs in;
  for (size_t i = 0; i < entry["inputs"].size(); ++i) {
    std::string path = folder + "/" + std::to_string(i) + ".npy";
    std::string kind = entry["inputs"][i];
    if (kind == "optional" && !std::ifstream(path)) {  // absent: None
      in.torch.emplace_back();
      in.weft.push_back(none_value(m));
      continue;
    }
    Tensor t = read_npy(path);
    if (kind == "optional") {
      in.torch.emplace_back(to_torch(t));
      in.weft.push_back(some_value(m, tensor_value(t)));
    } else if (kind == "int_list") {
      std::vector<Value> items;
      for (int64_t x : t.to_int_vector()) items.push_back(scalar_value(x));
      in.torch.emplace_back(c10::List<int64_t>(t.to_int_vector()));
      in.weft.push_back(list_value(m, items));
    } else {
      in.weft.push_back(tensor_value(t));
      if (kind == "int") in.torch.emplace_back(t.as_int());
      else if (kind == "float") in.torch.emplace_back(t.as_double());
      else in.torch.emplace_back(to_torch(t));
    }
  }
  return in;
}

}  // namespace weft::testing
