// TorchScriptCases.h - the generated TorchScript models (models/torchscript/make_models.py): the manifest and
// each case folder's inputs, for LibTorch and for weft alike.
#pragma once

#include <torch/script.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "ir/Module.h"
#include "ir/Tensor.h"
#include "ir/Value.h"

namespace weft::testing {

// DIR/manifest.json: {"models": [{"name", "file", "inputs": [kind...], "cases": [folder...]}]}.
// Throws std::runtime_error saying how to generate it when it is missing.
nlohmann::json read_torchscript_manifest(const std::string& dir);

// A LibTorch copy of `t`; std::runtime_error for a dtype the models do not use.
at::Tensor to_torch(const Tensor& t);

// One case's inputs, the same data twice: LibTorch's forward() arguments and @main's.
struct TorchScriptInputs {
  std::vector<c10::IValue> torch;
  std::vector<Value> weft;
};

// Reads FOLDER/<i>.npy for each input of manifest `entry`, by its kind: "tensor", "int",
// "float", "int_list", or "optional" (None when its file is absent). `m` is the imported
// module, whose prelude builds the Option and List values.
TorchScriptInputs read_torchscript_inputs(const nlohmann::json& entry, const std::string& folder, const Module& m);

}  // namespace weft::testing
