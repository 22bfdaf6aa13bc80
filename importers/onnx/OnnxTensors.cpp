// OnnxTensors.cpp - TensorProto decoding (raw, typed, external data) and TypeProto mapping.
#include "importers/onnx/OnnxTensors.h"

#include <cstring>
#include <filesystem>
#include <fstream>

namespace weft::onnx_import {

namespace fs = std::filesystem;
using TP = onnx::TensorProto;

DType to_dtype(int t, const Span& where) {
  switch (t) {
    case TP::FLOAT: return DType::F32;
    case TP::DOUBLE: return DType::F64;
    case TP::FLOAT16: return DType::F16;
    case TP::BFLOAT16: return DType::BF16;
    case TP::INT8: return DType::I8;
    case TP::INT16: return DType::I16;
    case TP::INT32: return DType::I32;
    case TP::INT64: return DType::I64;
    case TP::UINT8: return DType::U8;
    case TP::UINT16: return DType::U16;
    case TP::UINT32: return DType::U32;
    case TP::UINT64: return DType::U64;
    case TP::BOOL: return DType::Bool;
    default: break;
  }
  std::string name = TP::DataType_IsValid(t) ? TP::DataType_Name(TP::DataType(t)) : std::to_string(t);
  throw CompileError(where, "unsupported tensor element type " + name + " (weft tensors hold numbers and booleans)");
}

namespace {

std::vector<int64_t> checked_dims(const TP& p, const Span& where) {
  std::vector<int64_t> dims;
  for (int64_t d : p.dims()) {
    if (d < 0) throw CompileError(where, Msg() << "tensor '" << p.name() << "' has negative dim " << d);
    dims.push_back(d);
  }
  try {
    shape_numel(dims);
  } catch (const RuntimeError&) {
    throw CompileError(where, Msg() << "tensor '" << p.name() << "' has dims whose product overflows");
  }
  return dims;
}

std::string read_external(const TP& p, const std::string& model_dir, size_t expected, const Span& where) {
  std::string location;
  int64_t offset = 0, length = -1;
  for (auto& kv : p.external_data()) {
    if (kv.key() == "location") location = kv.value();
    else if (kv.key() == "offset") offset = std::stoll(kv.value());
    else if (kv.key() == "length") length = std::stoll(kv.value());
  }
  if (location.empty()) throw CompileError(where, "tensor '" + p.name() + "' has external data without a location");
  fs::path rel(location);
  if (rel.is_absolute()) throw CompileError(where, "tensor '" + p.name() + "': external data path '" + location + "' is absolute");
  for (auto& part : rel)
    if (part == "..") throw CompileError(where, "tensor '" + p.name() + "': external data path '" + location + "' leaves the model directory");
  std::error_code ec;
  fs::path dir = fs::weakly_canonical(model_dir.empty() ? fs::path(".") : fs::path(model_dir), ec);
  fs::path file = fs::weakly_canonical(dir / rel, ec);
  auto [d_end, f_it] = std::mismatch(dir.begin(), dir.end(), file.begin(), file.end());
  if (d_end != dir.end()) throw CompileError(where, "tensor '" + p.name() + "': external data '" + location + "' resolves outside the model directory");
  std::ifstream in(file, std::ios::binary);
  if (!in) throw CompileError(where, "tensor '" + p.name() + "': cannot open external data file '" + location + "'");
  in.seekg(0, std::ios::end);
  int64_t size = int64_t(in.tellg());
  if (length < 0) length = size - offset;
  if (offset < 0 || offset + length > size)
    throw CompileError(where, Msg() << "tensor '" << p.name() << "': external data range [" << offset << ", " << offset + length
                                    << ") exceeds file size " << size);
  if (size_t(length) != expected)
    throw CompileError(where, Msg() << "tensor '" << p.name() << "': external data has " << length << " bytes, shape needs " << expected);
  std::string bytes(size_t(length), '\0');
  in.seekg(offset);
  in.read(bytes.data(), length);
  return bytes;
}

// Copies a typed repeated field into the tensor, converting each element.
template <typename Field, typename Get>
void fill_typed(Tensor& t, const Field& field, Get get, const std::string& name, const Span& where) {
  if (int64_t(field.size()) != t.numel())
    throw CompileError(where, Msg() << "tensor '" << name << "' has " << field.size() << " values for shape " << shape_str(t.shape())
                                    << " (" << t.numel() << " elements)");
  dispatch_dtype(t.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    T* dst = t.data<T>();
    for (int i = 0; i < field.size(); ++i) dst[i] = get(field.Get(i), tag);
  });
}

}  // namespace

Tensor to_tensor(const TP& p, const std::string& model_dir, const Span& where) {
  if (!p.has_data_type()) throw CompileError(where, "tensor '" + p.name() + "' has no data type");
  DType dtype = to_dtype(p.data_type(), where);
  Tensor t(dtype, checked_dims(p, where));
  size_t nbytes = t.nbytes();
  if (p.data_location() == TP::EXTERNAL) {
    std::string bytes = read_external(p, model_dir, nbytes, where);
    if (nbytes) std::memcpy(t.raw(), bytes.data(), nbytes);
    return t;
  }
  if (p.has_raw_data()) {
    if (p.raw_data().size() != nbytes)
      throw CompileError(where, Msg() << "tensor '" << p.name() << "' has " << p.raw_data().size() << " bytes of raw data, shape "
                                      << shape_str(t.shape()) << " of " << dtype_name(dtype) << " needs " << nbytes);
    if (nbytes) std::memcpy(t.raw(), p.raw_data().data(), nbytes);
    return t;
  }
  auto from_bits16 = [](int32_t v, auto tag) {
    using T = typename decltype(tag)::type;
    if constexpr (std::is_same_v<T, Half> || std::is_same_v<T, BFloat16>) {
      T h;
      h.bits = uint16_t(v);
      return h;
    } else {
      return T(v);
    }
  };
  switch (dtype) {
    case DType::F32: fill_typed(t, p.float_data(), [](float v, auto tag) { return typename decltype(tag)::type(v); }, p.name(), where); break;
    case DType::F64: fill_typed(t, p.double_data(), [](double v, auto tag) { return typename decltype(tag)::type(v); }, p.name(), where); break;
    case DType::I64: fill_typed(t, p.int64_data(), [](int64_t v, auto tag) { return typename decltype(tag)::type(v); }, p.name(), where); break;
    case DType::U32:
    case DType::U64: fill_typed(t, p.uint64_data(), [](uint64_t v, auto tag) { return typename decltype(tag)::type(v); }, p.name(), where); break;
    case DType::F16:
    case DType::BF16: fill_typed(t, p.int32_data(), from_bits16, p.name(), where); break;
    default:  // int8/16/32, uint8/16, bool live in int32_data
      fill_typed(t, p.int32_data(), [](int32_t v, auto tag) {
        using T = typename decltype(tag)::type;
        if constexpr (std::is_same_v<T, Half> || std::is_same_v<T, BFloat16>) return T(float(v));
        else return T(v);
      }, p.name(), where);
  }
  return t;
}

std::string sanitize_symbol(const std::string& dim_param) {
  std::string s;
  for (char c : dim_param) s += (std::isalnum(uint8_t(c)) || c == '_') ? c : '_';
  if (s.empty() || std::isdigit(uint8_t(s[0]))) s = "d_" + s;
  return s;
}

namespace {
// A sequence's elements may differ in size (ONNX types them once, with dim_params), while a
// weft symbol means one size everywhere: inside a sequence, named dims become unknown.
Type forget_symbols(const Type& t) {
  auto* tt = as_tensor(t);
  if (!tt || tt->unknown_rank) return t;
  Shape shape;
  for (const Dim& d : tt->shape) shape.push_back(d.is_static() ? d : Dim::unknown());
  return tensor_type(tt->dtype, shape);
}
}  // namespace

Type to_type(const onnx::TypeProto& proto, const Span& where, bool unranked_ok) {
  switch (proto.value_case()) {
    case onnx::TypeProto::kTensorType: {
      auto& tt = proto.tensor_type();
      if (!tt.has_elem_type() || tt.elem_type() == TP::UNDEFINED) return nullptr;
      DType dtype = to_dtype(tt.elem_type(), where);
      if (!tt.has_shape()) return unranked_ok ? unranked_tensor_type(dtype) : nullptr;  // else left to inference
      Shape shape;
      for (auto& d : tt.shape().dim()) {
        if (d.has_dim_value()) {
          if (d.dim_value() < 0) throw CompileError(where, Msg() << "negative dim " << d.dim_value() << " in a value's type");
          shape.push_back(Dim(d.dim_value()));
        } else if (d.has_dim_param() && !d.dim_param().empty()) {
          shape.push_back(Dim::symbol(sanitize_symbol(d.dim_param())));
        } else {
          shape.push_back(Dim::unknown());
        }
      }
      return tensor_type(dtype, shape);
    }
    case onnx::TypeProto::kSequenceType: {
      Type elem = to_type(proto.sequence_type().elem_type(), where, unranked_ok);
      return elem ? adt_type("List", {forget_symbols(elem)}) : nullptr;
    }
    case onnx::TypeProto::kOptionalType: {
      Type elem = to_type(proto.optional_type().elem_type(), where, unranked_ok);
      return elem ? adt_type("Option", {elem}) : nullptr;
    }
    case onnx::TypeProto::VALUE_NOT_SET: return nullptr;
    default: throw CompileError(where, "unsupported ONNX value type (maps and sparse tensors are not supported)");
  }
}

}  // namespace weft::onnx_import
