// ValueIO.cpp - NumPy files to checked @main arguments, results to NumPy files.
#include "cli/ValueIO.h"

#include <filesystem>
#include <map>

#include "ir/NpyIO.h"

namespace weft::cli {

namespace fs = std::filesystem;

namespace {

std::string tensor_summary(const Tensor& t) { return std::string(dtype_name(t.dtype())) + shape_str(t.shape()); }

// Binds symbolic dims to the sizes seen in the inputs, so `batch` must agree across them.
class DimBinder {
 public:
  void check(const std::string& input, const std::string& path, const TensorTypeNode& want, const Tensor& got) {
    auto mismatch = [&](const std::string& why) {
      throw CompileError(Span{path, 0, 0}, Msg() << "input '" << input << "': expected " << type_str(Type(&want)) << ", found "
                                                 << tensor_summary(got) << why);
    };
    if (got.dtype() != want.dtype) mismatch("");
    if (!want.has_rank()) return;  // `f32[*]`: any rank
    if (got.rank() != want.rank()) mismatch(" (rank " + std::to_string(got.rank()) + ", expected " + std::to_string(want.rank()) + ")");
    for (int d = 0; d < want.rank(); ++d) {
      const Dim& dim = want.shape[size_t(d)];
      int64_t size = got.shape()[size_t(d)];
      if (dim.is_static()) {
        if (dim.value() != size) mismatch(Msg() << " (dim " << d << " is " << size << ", expected " << dim.value() << ")");
      } else if (dim.is_symbol()) {
        std::string sym = dim.symbol_name();
        auto it = bound_.find(sym);
        if (it == bound_.end()) {
          bound_[sym] = {size, input};
        } else if (it->second.first != size) {
          mismatch(Msg() << " (dim " << d << " is " << sym << " = " << size << ", but input '" << it->second.second << "' has "
                         << sym << " = " << it->second.first << ")");
        }
      } else if (!dim.is_unknown()) {
        auto v = dim.evaluate(values());
        if (v && *v != size) mismatch(Msg() << " (dim " << d << " is " << dim.str() << " = " << *v << ", found " << size << ")");
      }
    }
  }

 private:
  std::map<std::string, int64_t> values() const {
    std::map<std::string, int64_t> v;
    for (auto& [k, p] : bound_) v[k] = p.first;
    return v;
  }
  std::map<std::string, std::pair<int64_t, std::string>> bound_;  // symbol -> (size, input that bound it)
};

Type param_type(const Var& p) { return p->checked_type ? p->checked_type : p->annotation; }

Value read_one(const Module& m, const std::string& name, const std::string& path, const Type& type, DimBinder& dims) {
  if (auto tt = as_tensor(type)) {
    Tensor t = read_npy(path);
    dims.check(name, path, *tt, t);
    return tensor_value(t);
  }
  if (auto adt = as_adt(type)) {
    if (adt->name == "Option") return some_value(m, read_one(m, name, path, adt->args.at(0), dims));
    if (adt->name == "List") {
      auto elem = as_tensor(adt->args.at(0));
      if (!elem) throw CompileError(Span{path, 0, 0}, "input '" + name + "' is a list of " + type_str(adt->args[0]) + ", which cannot be read from an .npz");
      std::vector<Value> elems;
      for (auto& t : read_npz(path)) {
        dims.check(name, path, *elem, t);
        elems.push_back(tensor_value(t));
      }
      return list_value(m, elems);
    }
  }
  throw CompileError(Span{path, 0, 0}, "input '" + name + "' has type " + type_str(type) + ", which cannot be passed as a file");
}

void flatten(const Value& v, std::vector<Value>& out) {
  if (auto tup = value_as<TupleValueNode>(v)) {
    for (auto& f : tup->fields) flatten(f, out);
  } else {
    out.push_back(v);
  }
}

}  // namespace

std::vector<Value> read_inputs(const Module& m, const std::vector<NamedInput>& inputs) {
  const auto& params = m.main()->params;
  std::map<std::string, std::string> given;
  for (auto& in : inputs) {
    bool known = false;
    for (auto& p : params) known = known || p->name_hint == in.name;
    if (!known) {
      std::string names;
      for (auto& p : params) names += (names.empty() ? "" : ", ") + p->name_hint;
      throw CompileError(Msg() << "no input named '" << in.name << "' (@main takes: " << (names.empty() ? "nothing" : names) << ")");
    }
    if (given.count(in.name)) throw CompileError(Msg() << "input '" << in.name << "' is given twice");
    given[in.name] = in.path;
  }
  DimBinder dims;
  std::vector<Value> args;
  for (auto& p : params) {
    Type t = param_type(p);
    auto it = given.find(p->name_hint);
    if (it == given.end()) {
      auto adt = as_adt(t);
      if (adt && adt->name == "Option") {
        args.push_back(none_value(m));
        continue;
      }
      throw CompileError(Msg() << "missing input '" << p->name_hint << "' of type " << type_str(t) << "; pass --input "
                               << p->name_hint << "=PATH.npy");
    }
    args.push_back(read_one(m, p->name_hint, it->second, t, dims));
  }
  return args;
}

Type sample_type(const std::string& path) {
  std::vector<Tensor> arrays;
  if (fs::path(path).extension() == ".npz")
    arrays = read_npz(path);
  else
    arrays.push_back(read_npy(path));
  if (arrays.empty()) return nullptr;
  return tensor_type(arrays[0].dtype(), Shape(arrays[0].shape().begin(), arrays[0].shape().end()));
}

void write_outputs(const Value& result, const std::string& dir, std::ostream& out) {
  std::vector<Value> outputs;
  flatten(result, outputs);
  if (!dir.empty()) {
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) throw CompileError(Span{dir, 0, 0}, "cannot create output directory: " + ec.message());
  }
  for (size_t i = 0; i < outputs.size(); ++i) {
    Value v = outputs[i];
    auto adt = value_as<AdtValueNode>(v);
    if (adt && adt->ctor->adt == "Option") {
      if (adt->ctor->name == "None") {
        out << i << ": none\n";
        continue;
      }
      v = adt->fields.at(0);
      adt = value_as<AdtValueNode>(v);
    }
    std::string line = std::to_string(i) + ": ";
    if (auto t = value_as<TensorValueNode>(v)) {
      std::string path = dir.empty() ? "" : (fs::path(dir) / (std::to_string(i) + ".npy")).string();
      if (!path.empty()) write_npy(path, t->tensor);
      // "0: f32[2, 4] [0.1, ...] -> DIR/0.npy": type, leading values, file.
      out << line << t->tensor.str(path.empty() ? 64 : 8) << (path.empty() ? "" : " -> " + path) << "\n";
    } else if (adt && adt->ctor->adt == "List") {
      std::vector<Tensor> elems;
      for (auto& e : value_to_list(v)) elems.push_back(value_tensor(e));
      std::string path = dir.empty() ? "" : (fs::path(dir) / (std::to_string(i) + ".npz")).string();
      if (!path.empty()) write_npz(path, elems);
      out << line << "list of " << elems.size();
      out << (path.empty() ? " " + value_str(v, 512) : " -> " + path) << "\n";
    } else {
      throw RuntimeError(Msg() << "output " << i << " is a " << value_kind_name(v->kind) << " (" << value_str(v, 200)
                               << "), which cannot be written as a NumPy file");
    }
  }
}

std::vector<NamedInput> parse_named_inputs(const std::vector<std::string>& args) {
  std::vector<NamedInput> inputs;
  for (const std::string& arg : args) {
    const size_t eq = arg.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == arg.size())
      throw CompileError("--input '" + arg + "' must have the form NAME=PATH");
    inputs.push_back({arg.substr(0, eq), arg.substr(eq + 1)});
  }
  return inputs;
}

}  // namespace weft::cli
