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
#include "importers/torchscript/ParameterInputs.h"
#include "importers/torchscript/TorchScriptImporter.h"
#include "importers/torchscript/TorchvisionOps.h"
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

// The weft type of a value of torch type `t` whose tensors have type `tensor` (an
// Optional or List of tensors wraps it); nullptr where `t` holds something else.
Type wrap_tensor_type(const c10::TypePtr& t, const Type& tensor) {
  using c10::TypeKind;
  switch (t->kind()) {
    case TypeKind::TensorType: return tensor;
    case TypeKind::OptionalType: {
      Type e = wrap_tensor_type(t->expectRef<c10::OptionalType>().getElementType(), tensor);
      return e ? adt_type("Option", {e}) : nullptr;
    }
    case TypeKind::ListType: {
      Type e = wrap_tensor_type(t->expectRef<c10::ListType>().getElementType(), tensor);
      return e ? adt_type("List", {e}) : nullptr;
    }
    default: return nullptr;
  }
}

// Forward's argument names, "x.1" -> "x" as TorchScript's graph spells them.
std::string argument_name(const torch::jit::Value* v) {
  std::string nm = v->debugName();
  if (auto dot = nm.find('.'); dot != std::string::npos) nm = nm.substr(0, dot);
  return nm;
}

// Chooses each argument's type (see TorchScriptImporter.h for the order).
class ArgumentTypes {
 public:
  ArgumentTypes(const std::string& path, const TorchScriptInputTypes& inputs, std::map<std::string, Type> declared)
      : path_(path), inputs_(inputs), declared_(std::move(declared)) {}

  std::vector<Type> choose(const std::shared_ptr<torch::jit::Graph>& graph) {
    std::vector<std::pair<std::string, c10::TypePtr>> args;
    auto inputs = graph->inputs();
    for (size_t i = 0; i < inputs.size(); ++i)
      if (i > 0 || inputs[i]->type()->kind() != c10::TypeKind::ClassType) args.push_back({argument_name(inputs[i]), inputs[i]->type()});
    check_names(args, inputs_.given, "a type");
    check_names(args, inputs_.shapes, "a shape");
    std::vector<Type> types;
    for (auto& [nm, t] : args) types.push_back(type_of(nm, t));
    return types;
  }

 private:
  template <typename Map>
  void check_names(const std::vector<std::pair<std::string, c10::TypePtr>>& args, const Map& given, const std::string& what) {
    std::string names;
    for (auto& a : args) names += (names.empty() ? "" : ", ") + a.first;
    for (auto& entry : given) {
      const std::string& nm = entry.first;
      bool found = false;
      for (auto& a : args) found = found || a.first == nm;
      if (!found)
        throw CompileError(Span{path_}, "forward has no argument named '" + nm + "' to give " + what + " (its arguments: " +
                                            (names.empty() ? "none" : names) + ")");
    }
  }

  Type type_of(const std::string& nm, const c10::TypePtr& t) {
    const Type recorded = type_from_torch(t);  // numbers and lists of them: complete already
    if (auto it = inputs_.given.find(nm); it != inputs_.given.end()) {
      if (recorded)
        throw CompileError(Span{path_}, "forward argument '" + nm + "' (" + t->annotation_str() + ") has a type TorchScript records (" +
                                            type_str(recorded) + "); it takes no input type");
      return it->second;
    }
    if (auto it = inputs_.shapes.find(nm); it != inputs_.shapes.end()) return shaped(nm, t, it->second);
    if (auto it = declared_.find(nm); it != declared_.end()) return it->second;
    if (recorded) return recorded;
    if (auto it = inputs_.samples.find(nm); it != inputs_.samples.end() && it->second)
      if (Type w = wrap_tensor_type(t, it->second)) return w;
    const bool tensor = t->kind() == c10::TypeKind::TensorType;
    const std::string example = tensor ? "f32[...]" : "Option[f32[...]]";
    throw CompileError(Span{path_}, "forward argument '" + nm + "' is " + (tensor ? "a Tensor" : "of type " + t->annotation_str()) +
                                        (tensor ? " whose dtype and rank" : ", whose tensors' dtype and rank") +
                                        " TorchScript does not record: pass --input-type " + nm + "=" + example +
                                        (tensor ? " or --input-shape " + nm + "=D0,D1,..." : "") +
                                        " (or save the model with the extra file weft_inputs, e.g. _extra_files={'weft_inputs': '" + nm +
                                        ": " + example + "'})");
  }

  Type shaped(const std::string& nm, const c10::TypePtr& t, const std::vector<int64_t>& dims) {
    if (t->kind() != c10::TypeKind::TensorType)
      throw CompileError(Span{path_}, "forward argument '" + nm + "' (" + t->annotation_str() +
                                          ") is not a Tensor: a shape does not say its type (give its whole type instead, e.g. --input-type)");
    auto it = declared_.find(nm);
    const TensorTypeNode* d = it == declared_.end() ? nullptr : as_tensor(it->second);
    if (d && d->has_rank() && d->rank() != int(dims.size()))
      throw CompileError(Span{path_}, "forward argument '" + nm + "' is declared " + type_str(it->second) + " in weft_inputs, of rank " +
                                          std::to_string(d->rank()) + ", but the shape gives " + std::to_string(dims.size()) + " dims");
    if (d) return it->second;
    Shape shape(dims.begin(), dims.end());
    return tensor_type(DType::F32, shape);
  }

  const std::string& path_;
  const TorchScriptInputTypes& inputs_;
  std::map<std::string, Type> declared_;  // from weft_inputs
};

}  // namespace

Module import_torchscript(const std::string& path, const TorchScriptInputTypes& inputs, ParametersAsInputs* parameters) {
  torch::jit::ExtraFilesMap extra{{"weft_inputs", ""}};
  torch::jit::Module mod;
  std::vector<ts::ParameterInput> kept;
  std::map<std::string, ts::TsVal> preserved;
  try {
    mod = ts::load_with_torchvision_ops(path, &extra);
    mod.eval();
    if (parameters) {
      kept = ts::resolve_parameters(mod, parameters->names);
      preserved = ts::preserved_attributes(mod, kept);
    }
    std::vector<std::string> preserved_paths;
    for (const auto& [p, v] : preserved) preserved_paths.push_back(p.substr(5));  // without "self."
    // freeze_module, not torch::jit::freeze: the latter also rewrites numerics (conv-bn
    // folding, linear transposes), which weft's own passes are there for. Freezing still
    // unrolls loops whose trip count is a small constant; every other loop stays a loop.
    mod = torch::jit::freeze_module(mod, preserved_paths);
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
  if (!kept.empty()) ts::hoist_attribute_reads(*graph);

  std::vector<Type> types = ArgumentTypes(path, inputs, parse_signature(extra["weft_inputs"], path)).choose(graph);
  Module m;
  ts::IrBuilder ir(m);
  ts::GraphTranslator tr(ir);
  Function main;
  std::vector<Var> weights;
  for (const ts::ParameterInput& p : kept) weights.push_back(p.var);
  for (const auto& [p, v] : preserved) tr.preset_module_attr(p, v);
  try {
    main = tr.translate_main(graph, types, weights);
  } catch (const c10::Error& e) {
    throw CompileError(Span{path}, std::string("LibTorch: ") + e.what_without_backtrace());
  }
  // A parameter forward never reads as weft translates it would get a gradient of zero: refuse.
  for (const ts::ParameterInput& p : kept) {
    bool read = tr.read_module_attr("self." + p.path);
    for (const auto& [path, v] : preserved)
      if (v.kind == ts::Kind::List)
        for (const ts::TsVal& e : v.elems) read = read || (e.v.e.get() == p.var.get() && tr.read_module_attr(path));
    if (!read)
      throw CompileError(Span{path}, "parameter '" + p.path + "' is not read by forward as weft translates it, so weft cannot differentiate with respect to it");
    parameters->values[p.path] = p.weft_value;
  }
  ir.commit();
  m.add_function("main", main);
  infer_types(m);
  return m;
}

}  // namespace weft
