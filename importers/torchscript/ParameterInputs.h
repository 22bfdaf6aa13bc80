// ParameterInputs.h - TorchScript parameters kept as @main inputs instead of frozen constants (`weft grad --wrt fc.weight`).
#pragma once

#include <torch/script.h>

#include <map>
#include <string>
#include <vector>

#include "importers/torchscript/TsValue.h"

namespace weft::ts {

struct ParameterInput {
  std::string path;  // as named_parameters() spells it: "encoder.layers.0.linear1.weight"
  at::Tensor value;   // the module's own tensor (freezing's list attributes hold the same one)
  Tensor weft_value;
  Var var;           // the @main parameter standing for it
  Type type;
};

// Each name looked up in mod.named_parameters(); CompileError for one that is not there
// (listing some that are) or named twice.
std::vector<ParameterInput> resolve_parameters(const torch::jit::Module& mod, const std::vector<std::string>& names);

// The attributes freezing must leave as reads of the module, so that no LibTorch pass folds
// them, each with the value forward then reads, by path ("self.fc.weight"): every parameter,
// and every tensor-list attribute of its module that holds it (nn.LSTM passes its weights to
// aten::lstm as the list `_flat_weights`), as a static list of the parameters' variables and
// constants for the other elements.
std::map<std::string, TsVal> preserved_attributes(const torch::jit::Module& mod, const std::vector<ParameterInput>& ps);

// Moves every prim::GetAttr to the top of forward's graph (after what it reads), so that a
// parameter read inside a loop or branch body is an outer value the body captures, as the
// translator passes outer values into loop functions. Nothing is moved when forward assigns an
// attribute (prim::SetAttr): a read would then depend on where it happens.
void hoist_attribute_reads(torch::jit::Graph& g);

}  // namespace weft::ts
