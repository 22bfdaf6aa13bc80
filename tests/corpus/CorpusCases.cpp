// CorpusCases.cpp - reading the corpus manifest, importing each model/form and reading its sizes (see CorpusCases.h).
#include "tests/corpus/CorpusCases.h"

#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "importers/onnx/OnnxImporter.h"
#include "importers/torchscript/TorchScriptImporter.h"
#include "ir/NpyIO.h"
#include "ir/Parser.h"

namespace weft::testing {

nlohmann::json read_corpus_manifest(const std::string& dir) {
  std::ifstream in(dir + "/manifest.json");
  if (!in)
    throw std::runtime_error("no corpus at " + dir + "/manifest.json; generate it with /usr/bin/python3 models/corpus/make_corpus.py " + dir +
                             " (ctest runs the generate_corpus_* fixtures)");
  return nlohmann::json::parse(in);
}

std::string corpus_case_name(const nlohmann::json& entry) {
  return entry["model"].get<std::string>() + "/" + entry["form"].get<std::string>();
}

namespace {

// The manifest's weft types of forward's tensor arguments, by name (an int argument has none:
// TorchScript records it), as a user would give them with --input-type.
TorchScriptInputTypes argument_types(const nlohmann::json& entry) {
  std::string params;
  std::vector<std::string> names;
  for (const auto& a : entry["args"]) {
    if (a["type"].is_null()) continue;
    names.push_back(a["name"].get<std::string>());
    params += (params.empty() ? "%" : ", %") + names.back() + ": " + a["type"].get<std::string>();
  }
  Module sig = parse_module("def @signature(" + params + ") -> () { () }", corpus_case_name(entry) + " (manifest args)");
  const auto& ps = sig.function("signature")->params;
  TorchScriptInputTypes types;
  for (size_t k = 0; k < names.size(); ++k) types.given[names[k]] = ps.at(k)->annotation;
  return types;
}

}  // namespace

Module import_corpus_case(const nlohmann::json& entry) {
  const std::string file = entry["file"];
  if (entry["format"] == "onnx") return import_onnx(file);
  return import_torchscript(file, argument_types(entry));
}

std::vector<CorpusSize> read_corpus_sizes(const nlohmann::json& entry) {
  std::vector<CorpusSize> sizes;
  for (const auto& s : entry["sizes"]) {
    CorpusSize& size = sizes.emplace_back();
    for (const auto& f : s["inputs"]) size.inputs.push_back(tensor_value(read_npy(f.get<std::string>())));
    for (const auto& f : s["outputs"]) size.expected.push_back(tensor_value(read_npy(f.get<std::string>())));
  }
  return sizes;
}

}  // namespace weft::testing
