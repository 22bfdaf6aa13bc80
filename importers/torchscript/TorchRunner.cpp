// TorchRunner.cpp - torch::jit::load and forward on weft tensors, dtypes mapped both ways (see TorchRunner.h).
#include "importers/torchscript/TorchRunner.h"

#include <torch/script.h>

#include <torch/version.h>
#include <cstring>

#include "importers/torchscript/TorchvisionOps.h"
#include "ir/Error.h"

namespace weft {

struct TorchRunner::State {
  torch::jit::Module module;
  std::vector<c10::Argument> params;  // forward's, without self
};

namespace {

// The dtypes both sides have; u16/u32/u64 have no LibTorch 1.13 dtype.
std::optional<at::ScalarType> torch_dtype(DType t) {
  switch (t) {
    case DType::F16: return at::kHalf;
    case DType::BF16: return at::kBFloat16;
    case DType::F32: return at::kFloat;
    case DType::F64: return at::kDouble;
    case DType::I8: return at::kChar;
    case DType::I16: return at::kShort;
    case DType::I32: return at::kInt;
    case DType::I64: return at::kLong;
    case DType::U8: return at::kByte;
    case DType::Bool: return at::kBool;
    default: return std::nullopt;
  }
}

std::optional<DType> weft_dtype(at::ScalarType t) {
  for (DType d : {DType::F16, DType::BF16, DType::F32, DType::F64, DType::I8, DType::I16, DType::I32, DType::I64, DType::U8, DType::Bool})
    if (torch_dtype(d) == t) return d;
  return std::nullopt;
}

at::Tensor to_torch(const Tensor& t) {
  auto dtype = torch_dtype(t.dtype());
  if (!dtype) throw RuntimeError(std::string("LibTorch has no dtype ") + dtype_name(t.dtype()));
  at::Tensor out = at::empty(t.shape(), at::TensorOptions().dtype(*dtype));
  if (t.nbytes()) std::memcpy(out.data_ptr(), t.raw(), t.nbytes());
  return out;
}

Tensor from_torch(const at::Tensor& in) {
  at::Tensor t = in.detach().contiguous().cpu();
  auto dtype = weft_dtype(t.scalar_type());
  if (!dtype) throw RuntimeError(std::string("LibTorch returned a tensor of dtype ") + c10::toString(t.scalar_type()) + ", which weft has not");
  Tensor out(*dtype, t.sizes().vec());
  if (out.nbytes()) std::memcpy(out.raw(), t.data_ptr(), out.nbytes());
  return out;
}

// A weft value as the IValue forward's parameter of type `type` takes.
c10::IValue to_ivalue(const Value& v, const c10::TypePtr& type) {
  using c10::TypeKind;
  if (type->kind() == TypeKind::OptionalType) {
    auto* adt = value_as<AdtValueNode>(v);
    if (adt && adt->ctor->adt == "Option") {
      if (adt->ctor->name == "None") return c10::IValue();
      return to_ivalue(adt->fields.at(0), type->expectRef<c10::OptionalType>().getElementType());
    }
    return to_ivalue(v, type->expectRef<c10::OptionalType>().getElementType());
  }
  if (type->kind() == TypeKind::ListType) {
    const c10::TypePtr elem = type->expectRef<c10::ListType>().getElementType();
    c10::impl::GenericList list(elem);
    for (const Value& e : value_to_list(v)) list.push_back(to_ivalue(e, elem));
    return list;
  }
  const Tensor& t = value_tensor(v);
  switch (type->kind()) {
    case TypeKind::IntType: return c10::IValue(t.as_int());
    case TypeKind::FloatType: return c10::IValue(t.as_double());
    case TypeKind::BoolType: return c10::IValue(t.as_int() != 0);
    default: return to_torch(t);
  }
}

void flatten(const c10::IValue& v, std::vector<Tensor>& out) {
  if (v.isTuple()) {
    for (const auto& e : v.toTupleRef().elements()) flatten(e, out);
  } else if (v.isList()) {
    for (const c10::IValue& e : v.toListRef()) flatten(e, out);
  } else if (v.isTensor()) {
    out.push_back(from_torch(v.toTensor()));
  } else if (v.isInt()) {
    out.push_back(Tensor::scalar<int64_t>(v.toInt()));
  } else if (v.isDouble()) {
    out.push_back(Tensor::scalar<double>(v.toDouble()));
  } else if (v.isBool()) {
    out.push_back(Tensor::scalar<bool>(v.toBool()));
  } else if (!v.isNone()) {
    throw RuntimeError("LibTorch returned a " + v.tagKind() + ", which `weft check` cannot compare");
  }
}

}  // namespace

TorchRunner::TorchRunner(const std::string& path) : state_(new State), path_(path) {
  try {
    state_->module = ts::load_with_torchvision_ops(path);
  } catch (const c10::Error& e) {
    throw CompileError(Span{path, 0, 0}, std::string("LibTorch cannot load it: ") + e.what_without_backtrace());
  }
  state_->module.eval();
  const auto& args = state_->module.get_method("forward").function().getSchema().arguments();
  state_->params.assign(args.begin() + 1, args.end());
}

TorchRunner::~TorchRunner() = default;

std::vector<Tensor> TorchRunner::run(const std::vector<Value>& args) const {
  if (args.size() != state_->params.size())
    throw RuntimeError(Msg() << path_ << ": forward takes " << state_->params.size() << " arguments, " << args.size() << " given");
  std::vector<c10::IValue> in;
  for (size_t i = 0; i < args.size(); ++i) in.push_back(to_ivalue(args[i], state_->params[i].type()));
  std::vector<Tensor> out;
  try {
    torch::NoGradGuard no_grad;
    flatten(state_->module.forward(in), out);
  } catch (const c10::Error& e) {
    throw RuntimeError(path_ + ": LibTorch forward failed: " + e.what_without_backtrace());
  }
  return out;
}

std::string libtorch_version() { return "LibTorch " TORCH_VERSION; }

}  // namespace weft
