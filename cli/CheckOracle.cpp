// CheckOracle.cpp - the three oracles of `weft check` and the choice between them (see CheckOracle.h).
#include "cli/CheckOracle.h"

#include <filesystem>

#include "cli/host/OrtRuntime.h"
#include "ir/Error.h"
#include "ir/Interpreter.h"
#ifdef WEFT_HAVE_TORCHSCRIPT
#include "importers/torchscript/TorchRunner.h"
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

class InterpreterOracle : public Oracle {
 public:
  explicit InterpreterOracle(const Module& m) : m_(m) {}
  std::string name() const override { return "interpreter"; }
  std::string version() const override { return "weft " WEFT_VERSION " reference interpreter"; }
  std::vector<Tensor> run(const std::vector<Value>& args) override {
    std::vector<Tensor> out;
    flatten_tensors(run_main(m_, args), out);
    return out;
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
  std::vector<Tensor> run(const std::vector<Value>& args) override { return torch_.run(args); }

 private:
  TorchRunner torch_;
};
#endif

class OrtOracle : public Oracle {
 public:
  OrtOracle(const std::string& lib, const std::string& path, const Module& m) : ort_(lib), model_(ort_, path) {
    for (const Var& p : m.main()->params) names_.push_back(p->name_hint);
  }
  std::string name() const override { return "onnxruntime"; }
  std::string version() const override { return "ONNX Runtime " + ort_.version(); }
  std::vector<Tensor> run(const std::vector<Value>& args) override {
    std::vector<std::pair<std::string, Tensor>> in;
    for (size_t i = 0; i < args.size(); ++i) {
      std::vector<Tensor> ts;
      flatten_tensors(args[i], ts);
      if (ts.size() != 1) throw RuntimeError("input '" + names_[i] + "' is not one tensor, which `weft check` cannot pass to ONNX Runtime");
      in.emplace_back(names_[i], ts[0]);
    }
    return model_.run(in);
  }

 private:
  host::OrtLibrary ort_;
  host::OrtModel model_;
  std::vector<std::string> names_;
};

}  // namespace

std::unique_ptr<Oracle> make_oracle(const std::string& which, const std::string& path, const Module& m, const std::string& ort_lib,
                                    std::string* note) {
  const std::string ext = std::filesystem::path(path).extension().string();
  if (which == "interpreter") return std::make_unique<InterpreterOracle>(m);
  if (which == "torch" || (which.empty() && ext == ".pt")) {
    if (ext != ".pt") throw CompileError(Span{path, 0, 0}, "--oracle torch runs TorchScript files (.pt), not " + ext);
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
      return std::make_unique<OrtOracle>(lib, path, m);
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
