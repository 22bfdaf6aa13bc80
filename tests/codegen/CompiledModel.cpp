// CompiledModel.cpp - test helper: compile, dlopen, run through the C API, compare with the interpreter.
#include "CompiledModel.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <random>

#include "codegen/cpu/EmitCpu.h"
#include "codegen/cpu/Toolchain.h"
#include "ir/Interpreter.h"
#include "ir/Parser.h"
#include "ir/TypeInference.h"
#include "ir/WellFormed.h"
#include "cli/host/LoadedLibrary.h"
#include "tests/support/TestSupport.h"

namespace weft::testing {

namespace fs = std::filesystem;
using host::LoadedLibrary;

Module parse_checked(const std::string& text) {
  Module m = parse_module(text, "test.weft");
  check_well_formed(m);
  infer_types(m);
  return m;
}

std::vector<Tensor> interpret_flat(const Module& m, const std::vector<Tensor>& inputs) {
  std::vector<Value> args;
  for (auto& t : inputs) args.push_back(tensor_value(t));
  std::vector<Tensor> out;
  for (const Value& v : flatten_result(run_main(m, args))) out.push_back(value_tensor(v));
  return out;
}

CompiledModel::CompiledModel(const Module& m, const std::string& name) {
  dir_ = (fs::temp_directory_path() / ("weft_codegen_" + std::to_string(getpid()) + "_" + name)).string();
  fs::create_directories(dir_);
  path_ = dir_ + "/lib" + name + ".so";
  codegen::build_shared_library(codegen::emit_cpu(m, name), name, path_);
  lib_ = std::make_unique<LoadedLibrary>(path_, name);
  if (!lib_->error().empty()) throw std::runtime_error(lib_->error());
  api_ = lib_->api();
  model_ = lib_->model();
}

CompiledModel::~CompiledModel() {
  lib_.reset();  // destroys the model and closes the library before its folder goes
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

std::vector<Tensor> CompiledModel::run(const std::vector<Tensor>& inputs) const {
  std::vector<DLTensor> dl;
  for (auto& t : inputs) dl.push_back(as_dl(t));
  const int n = api_->num_outputs(model_);
  std::vector<DLManagedTensor*> outs(size_t(n), nullptr);
  std::vector<Tensor> result;
  if (api_->run(model_, dl.data(), int(dl.size()), outs.data(), n) != 0) {
    ADD_FAILURE() << "run failed: " << api_->last_error();
    return result;
  }
  for (DLManagedTensor* o : outs) {
    Tensor t = codegen::tensor_from_dlpack(o->dl_tensor);
    o->deleter(o);
    result.push_back(t);
  }
  return result;
}

Tensor random_tensor(DType t, std::vector<int64_t> shape, unsigned seed) {
  std::mt19937 gen(seed);
  Tensor out(t, shape);
  for (int64_t i = 0; i < out.numel(); ++i) {
    if (t == DType::F32) out.data<float>()[i] = std::uniform_real_distribution<float>(-2, 2)(gen);
    else if (t == DType::F64) out.data<double>()[i] = std::uniform_real_distribution<double>(-2, 2)(gen);
    else if (t == DType::F16) out.data<Half>()[i] = Half(std::uniform_real_distribution<float>(-2, 2)(gen));
    else if (t == DType::BF16) out.data<BFloat16>()[i] = BFloat16(std::uniform_real_distribution<float>(-2, 2)(gen));
    else if (t == DType::I64) out.data<int64_t>()[i] = std::uniform_int_distribution<int64_t>(0, 4)(gen);
    else if (t == DType::I32) out.data<int32_t>()[i] = std::uniform_int_distribution<int32_t>(0, 4)(gen);
    else if (t == DType::Bool) out.data<bool>()[i] = gen() & 1;
  }
  return out;
}

std::string compare(const Tensor& expected, const Tensor& got, double rtol) {
  // |got - expected| <= rtol * (1 + |expected|): atol and rtol both `rtol`.
  ::testing::AssertionResult close = tensors_close(got, expected, rtol, rtol);
  return close ? "" : close.message();
}

}  // namespace weft::testing
