// WeftLibrary.cpp - dlopen, the C API table, f32 DLPack tensors in and out (see WeftLibrary.h).
#include "bench/WeftLibrary.h"

#include <dlfcn.h>

#include <cstring>
#include <stdexcept>

namespace weft::bench {

std::vector<FloatTensor> make_inputs(const std::vector<std::vector<int64_t>>& shapes) {
  std::vector<FloatTensor> out;
  uint64_t state = 0x9e3779b97f4a7c15ull;  // a fixed seed: the same inputs in every process
  for (const auto& shape : shapes) {
    FloatTensor t{shape, {}};
    int64_t n = 1;
    for (int64_t d : shape) n *= d;
    t.data.resize(size_t(n));
    for (float& v : t.data) {
      state = state * 6364136223846793005ull + 1442695040888963407ull;
      v = float(double(state >> 40) / double(1ull << 24)) * 2.0f - 1.0f;
    }
    out.push_back(std::move(t));
  }
  return out;
}

std::string shape_text(const std::vector<int64_t>& shape) {
  std::string s;
  for (int64_t d : shape) s += (s.empty() ? "" : "x") + std::to_string(d);
  return s;
}

std::vector<int64_t> parse_shape(const std::string& text) {
  std::vector<int64_t> shape;
  size_t start = 0;
  while (start <= text.size()) {
    size_t x = text.find('x', start);
    shape.push_back(std::stoll(text.substr(start, x - start)));
    if (x == std::string::npos) break;
    start = x + 1;
  }
  return shape;
}

WeftLibrary::WeftLibrary(const std::string& path, int num_threads) : path_(path) {
  lib_ = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!lib_) throw std::runtime_error(std::string("dlopen: ") + dlerror());
  // Every library exports weft_model_api besides NAME_api; RTLD_LOCAL keeps each one's apart.
  auto get = reinterpret_cast<const weft_api* (*)()>(dlsym(lib_, "weft_model_api"));
  if (!get) throw std::runtime_error("no weft_model_api in " + path);
  api_ = get();
  if (!api_ || api_->version < 3) throw std::runtime_error(path + ": not a C API version 3 library (memory_stats)");
  weft_options options = {};
  options.num_threads = num_threads;
  if (api_->create(&options, &model_) != 0) throw std::runtime_error(path + ": create: " + api_->last_error());
}

WeftLibrary::~WeftLibrary() {
  if (model_) api_->destroy(model_);
  if (lib_) dlclose(lib_);
}

std::vector<std::vector<int64_t>> WeftLibrary::input_shapes() const {
  std::vector<std::vector<int64_t>> shapes;
  for (int i = 0; i < api_->num_inputs(model_); ++i) {
    weft_tensor_info info;
    if (api_->input_info(model_, i, &info) != 0) throw std::runtime_error(path_ + ": " + api_->last_error());
    if (info.dtype.code != kDLFloat || info.dtype.bits != 32 || info.ndim < 0)
      throw std::runtime_error(path_ + ": input '" + info.name + "' is not an f32 tensor of known rank");
    std::vector<int64_t> shape(info.shape, info.shape + info.ndim);
    for (int64_t d : shape)
      if (d < 0) throw std::runtime_error(path_ + ": input '" + info.name + "' has a dimension known only at run time");
    shapes.push_back(shape);
  }
  return shapes;
}

void WeftLibrary::run(const std::vector<FloatTensor>& inputs, std::vector<FloatTensor>* out) const {
  std::vector<DLTensor> in(inputs.size());
  for (size_t i = 0; i < inputs.size(); ++i) {
    DLTensor& d = in[i];
    d = {};
    d.data = const_cast<float*>(inputs[i].data.data());
    d.device = {kDLCPU, 0};
    d.ndim = int(inputs[i].shape.size());
    d.dtype = {kDLFloat, 32, 1};
    d.shape = const_cast<int64_t*>(inputs[i].shape.data());
  }
  const int n = api_->num_outputs(model_);
  std::vector<DLManagedTensor*> outs(size_t(n), nullptr);
  if (api_->run(model_, in.data(), int(in.size()), outs.data(), n) != 0)
    throw std::runtime_error(path_ + ": run: " + api_->last_error());
  if (out) out->clear();
  for (DLManagedTensor* o : outs) {
    const DLTensor& d = o->dl_tensor;
    if (out) {
      if (d.dtype.code != kDLFloat || d.dtype.bits != 32) throw std::runtime_error(path_ + ": an output is not f32");
      FloatTensor t{std::vector<int64_t>(d.shape, d.shape + d.ndim), {}};
      int64_t count = 1;
      for (int64_t s : t.shape) count *= s;
      t.data.resize(size_t(count));
      std::memcpy(t.data.data(), static_cast<const char*>(d.data) + d.byte_offset, t.data.size() * sizeof(float));
      out->push_back(std::move(t));
    }
    if (o->deleter) o->deleter(o);
  }
}

weft_memory_stats WeftLibrary::memory_stats() const {
  weft_memory_stats s = {};
  if (api_->memory_stats(model_, &s) != 0) throw std::runtime_error(path_ + ": memory_stats: " + api_->last_error());
  return s;
}

}  // namespace weft::bench
