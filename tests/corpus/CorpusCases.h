// CorpusCases.h - the real-model corpus (models/corpus/make_corpus.py): its manifest, each model/form imported
// as a user's file would be, and its inputs and LibTorch's outputs at each size.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "ir/Module.h"
#include "ir/Value.h"

namespace weft::testing {

// DIR/manifest.json (see write_manifest in make_corpus.py). Throws std::runtime_error saying
// how to generate it when it is missing.
nlohmann::json read_corpus_manifest(const std::string& dir);

// One manifest entry: `model/form`, e.g. "resnet18/onnx13".
std::string corpus_case_name(const nlohmann::json& entry);

// The entry's file imported: ONNX by import_onnx; TorchScript by import_torchscript with the
// argument types the manifest records (TorchScript itself does not record them). Throws what
// the importer throws.
Module import_corpus_case(const nlohmann::json& entry);

// One size: @main's arguments and LibTorch's outputs (flattened, as the C API flattens them).
struct CorpusSize {
  std::vector<Value> inputs;
  std::vector<Value> expected;
};
std::vector<CorpusSize> read_corpus_sizes(const nlohmann::json& entry);

}  // namespace weft::testing
