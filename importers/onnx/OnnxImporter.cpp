// OnnxImporter.cpp - loads a ModelProto, checks its versions and builds @main from its graph.
#include "importers/onnx/OnnxImporter.h"

#include <onnx/onnx_pb.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "importers/onnx/GraphBuilder.h"
#include "importers/onnx/MarkOutputs.h"
#include "importers/onnx/OnnxTensors.h"
#include "ir/OpRegistry.h"
#include "ir/OutputNames.h"
#include "ir/TypeInference.h"

namespace weft::onnx_import {

namespace {

constexpr int64_t kMinIrVersion = 3;
// Opsets 7-17 are the target; older default-domain opsets are accepted too because the
// converters handle the pre-7 forms that still occur (broadcast/axis attributes, Reshape's
// shape attribute, Cast's string `to`).
constexpr int kMinOpset = 1, kMaxOpset = 17;

onnx::ModelProto load(const std::string& path) {
  Span where{path};
  std::ifstream in(path, std::ios::binary);
  if (!in) throw CompileError(where, std::string("cannot open ONNX model: ") + std::strerror(errno));
  std::ostringstream bytes;
  bytes << in.rdbuf();
  if (in.bad()) throw CompileError(where, "cannot read ONNX model");
  onnx::ModelProto model;
  if (!model.ParseFromString(bytes.str())) throw CompileError(where, "not an ONNX model: the file is not a valid ModelProto");
  if (model.ir_version() == 0 || !model.has_graph())
    throw CompileError(where, "not an ONNX model: it has no IR version or no graph");
  return model;
}

std::map<std::string, int> check_versions(const onnx::ModelProto& model, const Span& where) {
  if (model.ir_version() < kMinIrVersion)
    throw CompileError(where, Msg() << "ONNX IR version " << model.ir_version() << " is not supported (" << kMinIrVersion << " and up are)");
  std::map<std::string, int> opsets;
  for (auto& o : model.opset_import()) opsets[normalize_domain(o.domain())] = int(o.version());
  // A model may import only another domain (ai.onnx.preview.training); a node of a domain
  // the model does not import is reported where it is converted.
  auto it = opsets.find("");
  if (it != opsets.end() && (it->second < kMinOpset || it->second > kMaxOpset))
    throw CompileError(where, Msg() << "default-domain opset " << it->second << " is not supported (" << kMinOpset << " to " << kMaxOpset << " are)");
  return opsets;
}

// The initializers `parameters` names, as @main parameters named after them (appended to
// `params`), their values recorded; the names `add_initializers` must then skip.
std::set<std::string> initializers_as_inputs(const onnx::GraphProto& graph, GraphBuilder& main, const std::string& model_dir,
                                             ParametersAsInputs& parameters, std::vector<Var>& params) {
  std::set<std::string> taken;
  for (const std::string& name : parameters.names) {
    const onnx::TensorProto* found = nullptr;
    for (auto& init : graph.initializer())
      if (init.name() == name) found = &init;
    if (!found) {
      std::string known;
      int listed = 0;
      for (auto& init : graph.initializer())
        if (listed++ < 12) known += (known.empty() ? "" : ", ") + init.name();
      if (graph.initializer_size() > 12) known += ", ...";
      throw CompileError(Msg() << "the model has no input or initializer named '" << name << "' (its initializers: "
                                                << (known.empty() ? "none" : known) << ")");
    }
    if (!taken.insert(name).second) throw CompileError(Span{"onnx initializer '" + name + "'"}, "named twice");
    Span where{"onnx initializer '" + name + "'"};
    Tensor value = to_tensor(*found, model_dir, where);
    Var p = make_var(name, tensor_type(value.dtype(), Shape(value.shape().begin(), value.shape().end())), where);
    main.define_param(name, p, p->annotation);
    params.push_back(p);
    parameters.values[name] = std::move(value);
  }
  return taken;
}

// `let_names` (when given) receives, per let of @main's chain, the ONNX tensor it binds or "".
Module build(const onnx::ModelProto& model, const std::string& path, std::vector<std::string>* let_names,
             ParametersAsInputs* parameters) {
  ImportState state;
  state.model_dir = std::filesystem::path(path).parent_path().string();
  state.opsets = check_versions(model, Span{path});
  for (auto& fn : model.functions()) state.functions[{normalize_domain(fn.domain()), fn.name()}] = &fn;
  const onnx::GraphProto& graph = model.graph();
  GraphBuilder main(state, graph.name().empty() ? "main" : graph.name());
  // An initializer that is also listed as a graph input (every model before IR version 4,
  // and exporters that keep weights overridable) stays a constant with the initializer's
  // value: ONNX Runtime lets a caller override it, but as a parameter it would make every
  // caller pass every weight, and constant weights are what folding and packing need.
  std::set<std::string> initializers;
  for (auto& init : graph.initializer()) initializers.insert(init.name());
  std::vector<Var> params;
  std::set<std::string> seen;
  for (auto& input : graph.input()) {
    if (initializers.count(input.name())) continue;
    Span where{"onnx graph input '" + input.name() + "'"};
    if (input.name().empty()) throw CompileError(Span{"onnx graph '" + main.graph_name() + "'"}, "a graph input has no name");
    if (!seen.insert(input.name()).second) throw CompileError(where, "the graph lists this input twice");
    Type t = input.has_type() ? to_type(input.type(), where, /*unranked_ok=*/true) : nullptr;
    if (!t) throw CompileError(where, "the input has no type; weft needs each input's element type");
    // The name as the model spells it: `weft run --input`, the C API and messages use it.
    Var p = make_var(input.name(), t, where);
    main.define_param(input.name(), p, t);
    params.push_back(p);
  }
  std::set<std::string> skipped;
  if (parameters) skipped = initializers_as_inputs(graph, main, state.model_dir, *parameters, params);
  main.add_initializers(graph, skipped);
  main.convert_nodes(graph);
  std::vector<Expr> outs = main.outputs(graph);
  Expr result = outs.size() == 1 ? outs[0] : Expr(make_tuple(outs, main.graph_span()));
  // The output names as the model spells them, for the compiled library's output_info.
  std::vector<std::string> output_names;
  for (auto& output : graph.output()) output_names.push_back(output.name());
  Attrs main_attrs;
  main_attrs.set(kFunctionAttrOutputNames, output_names);
  if (let_names) *let_names = main.binding_onnx_names();
  state.module.add_function("main", make_function(params, nullptr, main.finish(result), {}, main.graph_span(), std::move(main_attrs)));
  // A module that does not type-check is not returned: the error names the node it came from.
  infer_types(state.module);
  return state.module;
}

}  // namespace

}  // namespace weft::onnx_import

namespace weft {

namespace onnx_import {

Module import_model(const std::string& path, std::vector<std::string>* let_names, ParametersAsInputs* parameters) {
  onnx::ModelProto model = load(path);
  try {
    return build(model, path, let_names, parameters);
  } catch (const CompileError&) {
    throw;
  } catch (const InternalError&) {
    throw;
  } catch (const TypeRelationError& e) {
    throw CompileError(Span{path}, e.what());
  } catch (const RuntimeError& e) {
    throw CompileError(Span{path}, e.what());
  } catch (const std::bad_alloc&) {
    throw CompileError(Span{path}, "out of memory while importing the model");
  }
}

onnx::ModelProto load_model(const std::string& path) { return load(path); }

}  // namespace onnx_import

Module import_onnx(const std::string& path, ParametersAsInputs* parameters) { return onnx_import::import_model(path, nullptr, parameters); }

std::vector<std::string> onnx_tensor_of_each_let(const std::string& path) {
  std::vector<std::string> names;
  onnx_import::import_model(path, &names, nullptr);
  return names;
}

}  // namespace weft
