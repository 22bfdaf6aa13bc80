// CheckOracle.cpp - the three oracles of `weft check` and the choice between them (see CheckOracle.h).
#include "cli/CheckOracle.h"

#include <filesystem>
#include <fstream>
#include <map>

#include "cli/TempBuild.h"
#include "cli/host/OrtRuntime.h"
#include "ir/Error.h"
#include "ir/Interpreter.h"
#ifdef WEFT_HAVE_TORCHSCRIPT
#include "importers/torchscript/TorchRunner.h"
#endif
#ifdef WEFT_HAVE_ONNX
#include "importers/onnx/MarkOutputs.h"
#endif

namespace weft::cli {

void flatten_tensors(const Value& v, std::vector<Tensor>& out) {
  if (auto* tup = value_as<TupleValueNode>(v)) {
    for (const Value& f : tup->fields) flatten_tensors(f, out);
  } else if (auto* adt = value_as<AdtValueNode>(v)) {
    if (adt->ctor->adt == "List") {
      for (const Value& e : value_to_list(v)) flatten_tensors(e, out);
    } else if (adt->ctor->adt == "Option") {
      if (adt->ctor->name != "None") flatten_tensors(adt->fields.at(0), out);
    } else {
      throw RuntimeError("the model returns a " + adt->ctor->adt + " value, which `weft check` cannot compare");
    }
  } else {
    out.push_back(value_tensor(v));
  }
}

namespace {

// The outputs, and `marks` values none of which the oracle observes.
Oracle::Result outputs_only(std::vector<Tensor> outputs, size_t marks) { return {std::move(outputs), std::vector<std::optional<std::vector<Tensor>>>(marks)}; }

class InterpreterOracle : public Oracle {
 public:
  explicit InterpreterOracle(const Module& m) : m_(m) {}
  std::string name() const override { return "interpreter"; }
  std::string version() const override { return "weft " WEFT_VERSION " reference interpreter"; }
  Result run(const std::vector<Value>& args, size_t marks) override {
    const Value v = run_main(m_, args);
    Result r;
    if (marks == 0) {
      flatten_tensors(v, r.outputs);
      return r;
    }
    // (the model's result, mark 1, ..., mark n), as expose_intermediates returns them.
    const auto* tup = value_as<TupleValueNode>(v);
    if (!tup || tup->fields.size() != marks + 1) throw RuntimeError("the interpreter's result does not hold the marked values");
    flatten_tensors(tup->fields[0], r.outputs);
    for (size_t j = 1; j < tup->fields.size(); ++j) {
      std::vector<Tensor> ts;
      flatten_tensors(tup->fields[j], ts);
      r.marks.push_back(std::move(ts));
    }
    return r;
  }

 private:
  Module m_;
};

#ifdef WEFT_HAVE_TORCHSCRIPT
class TorchOracle : public Oracle {
 public:
  explicit TorchOracle(const std::string& path) : torch_(path) {}
  std::string name() const override { return "torch"; }
  std::string version() const override { return libtorch_version(); }
  Result run(const std::vector<Value>& args, size_t marks) override { return outputs_only(torch_.run(args), marks); }

 private:
  TorchRunner torch_;
};
#endif

// ONNX Runtime on the model file; with marks, on a copy where every node output is a graph
// output too (written to a temporary directory), each mark then read by its ONNX tensor's name.
class OrtOracle : public Oracle {
 public:
  OrtOracle(const std::string& lib, const std::string& path, const Module& m, const std::vector<MarkedValue>* marks)
      : ort_(lib), model_(ort_, marked_copy(path, marks)) {
    for (const Var& p : m.main()->params) names_.push_back(p->name_hint);
    if (marks) {
      std::map<std::string, size_t> index;
      for (size_t i = 0; i < model_.output_names().size(); ++i) index.emplace(model_.output_names()[i], i);
      for (const MarkedValue& mark : *marks) {
        auto it = mark.onnx_tensor.empty() ? index.end() : index.find(mark.onnx_tensor);
        mark_outputs_.push_back(it == index.end() ? -1 : int(it->second));
      }
    } else {
      own_outputs_ = int(model_.output_names().size());
    }
  }
  std::string name() const override { return "onnxruntime"; }
  std::string version() const override { return "ONNX Runtime " + ort_.version(); }
  Result run(const std::vector<Value>& args, size_t marks) override {
    std::vector<std::pair<std::string, Tensor>> in;
    for (size_t i = 0; i < args.size(); ++i) {
      std::vector<Tensor> ts;
      flatten_tensors(args[i], ts);
      if (ts.size() != 1) throw RuntimeError("input '" + names_[i] + "' is not one tensor, which `weft check` cannot pass to ONNX Runtime");
      in.emplace_back(names_[i], ts[0]);
    }
    const std::vector<Tensor> all = model_.run(in);
    Result r = outputs_only({all.begin(), all.begin() + own_outputs_}, 0);
    for (int k : mark_outputs_) r.marks.push_back(k < 0 ? std::nullopt : std::optional<std::vector<Tensor>>({all[size_t(k)]}));
    if (r.marks.size() != marks) throw RuntimeError("ONNX Runtime was not prepared for these marked values");
    return r;
  }

 private:
  // The file ORT loads: the model itself, or with marks its marked copy.
  std::string marked_copy(const std::string& path, const std::vector<MarkedValue>* marks) {
    if (!marks) return path;
#ifdef WEFT_HAVE_ONNX
    std::vector<std::string> wanted;
    for (const MarkedValue& mark : *marks)
      if (!mark.onnx_tensor.empty()) wanted.push_back(mark.onnx_tensor);
    const std::string bytes = onnx_model_with_every_node_output(path, wanted, &own_outputs_);
    tmp_ = std::make_unique<TempDir>("weft-check-ort");
    const std::filesystem::path file = tmp_->path / "marked.onnx";
    std::ofstream out(file, std::ios::binary);
    out << bytes;
    if (!out.flush()) throw CompileError(Span{file.string(), 0, 0}, "cannot write the model with every node output marked");
    return file.string();
#else
    throw CompileError("--mark-all against ONNX Runtime: this build of weft has no ONNX importer");
#endif
  }

  std::unique_ptr<TempDir> tmp_;  // before model_: it holds the file model_ is made from
  int own_outputs_ = 0;
  std::vector<int> mark_outputs_;  // per mark, its index among the session's outputs; -1: none
  host::OrtLibrary ort_;
  host::OrtModel model_;
  std::vector<std::string> names_;
};

}  // namespace

std::unique_ptr<Oracle> make_oracle(const std::string& which, const std::string& path, const Module& m, const std::string& ort_lib,
                                    std::string* note, const std::vector<MarkedValue>* marks) {
  const std::string ext = std::filesystem::path(path).extension().string();
  if (which == "interpreter") return std::make_unique<InterpreterOracle>(m);
  if (which == "torch" || (which.empty() && ext == ".pt")) {
    if (ext != ".pt") throw CompileError(Span{path, 0, 0}, "--oracle torch runs TorchScript files (.pt), not " + ext);
    if (marks)
      throw CompileError("--mark-all: LibTorch cannot observe a scripted module's intermediates; leave out --oracle torch "
                         "(a .pt's intermediates are compared against weft's interpreter)");
#ifdef WEFT_HAVE_TORCHSCRIPT
    return std::make_unique<TorchOracle>(path);
#else
    throw CompileError("--oracle torch: this build of weft has no LibTorch (the TorchScript importer was not built)");
#endif
  }
  if (which == "onnxruntime" || (which.empty() && ext == ".onnx")) {
    if (ext != ".onnx") throw CompileError(Span{path, 0, 0}, "--oracle onnxruntime runs ONNX files (.onnx), not " + ext);
    const std::string lib = host::find_ort_library(ort_lib);
    if (lib.empty()) {
      if (which.empty()) {
        *note = "no ONNX Runtime library found (--ort-lib PATH or WEFT_ORT_LIB), so weft's interpreter is the oracle";
        return std::make_unique<InterpreterOracle>(m);
      }
      throw CompileError("--oracle onnxruntime: no ONNX Runtime library found; give --ort-lib PATH/libonnxruntime.so.1 or set WEFT_ORT_LIB");
    }
    try {
      return std::make_unique<OrtOracle>(lib, path, m, marks);
    } catch (const CompileError&) {
      throw;
    } catch (const std::exception& e) {
      throw CompileError(Msg() << "ONNX Runtime (" << lib << "): " << e.what());
    }
  }
  if (!which.empty()) throw CompileError("--oracle '" + which + "': expected torch, onnxruntime or interpreter");
  return std::make_unique<InterpreterOracle>(m);
}

}  // namespace weft::cli
