// TorchLoader.cpp - loads a .pt through LibTorch, freezes and lowers it, and drives the translation.
#include <torch/csrc/jit/passes/constant_propagation.h>
#include <torch/csrc/jit/passes/dead_code_elimination.h>
#include <torch/csrc/jit/passes/freeze_module.h>
#include <torch/csrc/jit/passes/inliner.h>
#include <torch/csrc/jit/passes/lower_tuples.h>
#include <torch/csrc/jit/passes/remove_mutation.h>
#include <torch/csrc/jit/serialization/import.h>

#include <sstream>

#include "importers/torchscript/GraphTranslator.h"
#include "importers/torchscript/TorchScriptImporter.h"
#include "ir/Parser.h"
#include "ir/TypeInference.h"

namespace weft {

namespace {

// `name: type` lines of the extra file weft_inputs, parsed as the parameters of a def.
std::map<std::string, Type> parse_signature(const std::string& text, const std::string& path) {
  std::map<std::string, Type> out;
  if (text.empty()) return out;
  std::istringstream in(text);
  std::string line, params;
  while (std::getline(in, line)) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    params += (params.empty() ? "%" : ", %") + line;
  }
  Module m = parse_module("def @signature(" + params + ") -> () { () }", path + " (weft_inputs)");
  for (auto& p : m.function("signature")->params) out[p->name_hint] = p->annotation;
  return out;
}

// The weft type of an argument TorchScript types completely (numbers and lists of them).
Type type_from_torch(const c10::TypePtr& t) {
  using c10::TypeKind;
  switch (t->kind()) {
    case TypeKind::IntType: return scalar_type(DType::I64);
    case TypeKind::FloatType: return scalar_type(DType::F64);
    case TypeKind::BoolType: return scalar_type(DType::Bool);
    case TypeKind::ListType: {
      Type e = type_from_torch(t->expectRef<c10::ListType>().getElementType());
      return e ? adt_type("List", {e}) : nullptr;
    }
    case TypeKind::OptionalType: {
      Type e = type_from_torch(t->expectRef<c10::OptionalType>().getElementType());
      return e ? adt_type("Option", {e}) : nullptr;
    }
    default: return nullptr;
  }
}

}  // namespace

Module import_torchscript(const std::string& path) { return import_torchscript(path, {}); }

Module import_torchscript(const std::string& path, const std::vector<Type>& input_types) {
  torch::jit::ExtraFilesMap extra{{"weft_inputs", ""}};
  torch::jit::Module mod;
  try {
    mod = torch::jit::load(path, c10::nullopt, extra);
    mod.eval();
    // freeze_module, not torch::jit::freeze: the latter also rewrites numerics (conv-bn
    // folding, linear transposes), which weft's own passes are there for. Freezing still
    // unrolls loops whose trip count is a small constant; every other loop stays a loop.
    mod = torch::jit::freeze_module(mod);
  } catch (const c10::Error& e) {
    throw CompileError(Span{path}, std::string("LibTorch could not load and freeze the model: ") + e.what_without_backtrace());
  }
  auto graph = mod.get_method("forward").graph()->copy();
  torch::jit::Inline(*graph);
  torch::jit::LowerSimpleTuples(graph);
  torch::jit::RemoveListMutation(graph);
  torch::jit::RemoveTensorMutation(graph);
  torch::jit::ConstantPropagation(graph);
  torch::jit::EliminateDeadCode(graph);

  std::map<std::string, Type> sig = parse_signature(extra["weft_inputs"], path);
  std::vector<Type> types;
  auto inputs = graph->inputs();
  for (size_t i = 0; i < inputs.size(); ++i) {
    if (i == 0 && inputs[i]->type()->kind() == c10::TypeKind::ClassType) continue;
    std::string nm = inputs[i]->debugName();
    if (auto dot = nm.find('.'); dot != std::string::npos) nm = nm.substr(0, dot);
    size_t k = types.size();
    Type t = k < input_types.size() ? input_types[k] : nullptr;
    if (!t && sig.count(nm)) t = sig[nm];
    if (!t) t = type_from_torch(inputs[i]->type());
    if (!t)
      throw CompileError(Span{path}, "forward argument '" + nm + "' is a " + inputs[i]->type()->str() +
                                          " whose dtype and rank TorchScript does not record: give its weft type in the extra file "
                                          "weft_inputs (torch.jit.save(m, path, _extra_files={'weft_inputs': '" + nm + ": f32[batch, 3]'}))");
    types.push_back(t);
  }
  Module m;
  ts::IrBuilder ir(m);
  ts::GraphTranslator tr(ir);
  Function main;
  try {
    main = tr.translate_main(graph, types);
  } catch (const c10::Error& e) {
    throw CompileError(Span{path}, std::string("LibTorch: ") + e.what_without_backtrace());
  }
  ir.commit();
  m.add_function("main", main);
  infer_types(m);
  return m;
}

}  // namespace weft
