// TorchModel.cpp - torch::jit::load, forward under NoGradGuard, outputs flattened to FloatTensors (see TorchModel.h).
#include "bench/TorchModel.h"

#include <torch/script.h>

#include <ATen/Parallel.h>
#include <ATen/Version.h>
#include <stdexcept>

namespace weft::bench {

struct TorchModel::State {
  torch::jit::Module module;
  std::vector<torch::jit::IValue> inputs;
};

namespace {

void flatten(const torch::jit::IValue& v, std::vector<FloatTensor>& out) {
  if (v.isTuple()) {
    for (const auto& e : v.toTupleRef().elements()) flatten(e, out);
  } else if (v.isTensor()) {
    at::Tensor t = v.toTensor().contiguous();
    if (t.scalar_type() != at::kFloat) throw std::runtime_error("LibTorch returned a tensor that is not f32");
    FloatTensor f{t.sizes().vec(), std::vector<float>(t.data_ptr<float>(), t.data_ptr<float>() + t.numel())};
    out.push_back(std::move(f));
  } else {
    throw std::runtime_error("LibTorch returned a " + v.tagKind() + ", not tensors");
  }
}

}  // namespace

TorchModel::TorchModel(const std::string& path, const std::vector<FloatTensor>& inputs) : state_(new State) {
  try {
    state_->module = torch::jit::load(path);
  } catch (const c10::Error& e) {
    throw std::runtime_error(path + ": " + e.what_without_backtrace());
  }
  state_->module.eval();
  for (const FloatTensor& t : inputs)
    state_->inputs.emplace_back(torch::from_blob(const_cast<float*>(t.data.data()), t.shape, torch::kFloat));
}

TorchModel::~TorchModel() = default;

void TorchModel::run(std::vector<FloatTensor>* out) {
  torch::NoGradGuard no_grad;
  torch::jit::IValue result = state_->module.forward(state_->inputs);
  if (out) {
    out->clear();
    flatten(result, *out);
  }
}

int torch_threads() { return at::get_num_threads(); }
void set_torch_threads(int n) { at::set_num_threads(n); }

std::string torch_build_info() {
  const std::string config = at::show_config();
  auto field = [&](const std::string& key) {
    const size_t at = config.find(key + "=");
    if (at == std::string::npos) return std::string("unknown");
    const size_t start = at + key.size() + 1;
    return config.substr(start, config.find_first_of(", \n", start) - start);
  };
  return "LibTorch " + field("TORCH_VERSION") + ", BLAS_INFO=" + field("BLAS_INFO");
}

}  // namespace weft::bench
