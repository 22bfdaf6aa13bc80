// grad_vs_forward.cpp - grad_vs_forward MODELS_DIR [NAME,...]: the compiled gradient of each model of
// models/torchscript/make_grad_models.py (outputs and the gradients with respect to its input and
// every parameter), timed against its compiled forward pass (issue 14's target: at most 3x) and
// against LibTorch's forward + torch::autograd::grad on the same TorchScript module; one table.
//
// Each pair is timed alternately in this one process (Timing.h), so a change of machine load
// falls on both; weft and LibTorch both on 1 thread. Cotangents and inputs are the same values
// for both engines.
#include <torch/csrc/autograd/autograd.h>
#include <ATen/Parallel.h>
#include <torch/script.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "bench/Timing.h"
#include "bench/WeftLibrary.h"

using namespace weft::bench;

namespace {

void run_or_die(const std::string& cmd) {
  if (std::system(cmd.c_str()) != 0) throw std::runtime_error("failed: " + cmd);
}

at::Tensor to_torch(const FloatTensor& t) {
  return torch::from_blob(const_cast<float*>(t.data.data()), t.shape, torch::kFloat32).clone();
}

// LibTorch's forward and autograd of one module: d(sum <ct_i, out_i>) w.r.t. x and every parameter.
struct TorchGradient {
  torch::jit::Module module;
  std::vector<at::Tensor> params;
  at::Tensor x;
  std::vector<at::Tensor> cotangents;

  std::vector<at::Tensor> outputs() {
    c10::IValue r = module.forward({x});
    std::vector<at::Tensor> outs;
    if (r.isTuple())
      for (const c10::IValue& e : r.toTupleRef().elements()) outs.push_back(e.toTensor());
    else
      outs.push_back(r.toTensor());
    return outs;
  }
  void forward() {
    torch::NoGradGuard no_grad;
    outputs();
  }
  void gradient() {
    std::vector<at::Tensor> leaves{x};
    leaves.insert(leaves.end(), params.begin(), params.end());
    torch::autograd::grad(outputs(), leaves, cotangents, /*retain_graph=*/false, /*create_graph=*/false, /*allow_unused=*/true);
  }
};

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2 && argc != 3) {
    std::cerr << "usage: grad_vs_forward MODELS_DIR [NAME,...] (models written by models/torchscript/make_grad_models.py)\n";
    return 2;
  }
  const std::string only = argc == 3 ? "," + std::string(argv[2]) + "," : "";
  const std::string dir = argv[1], work = dir + "/bench";
  run_or_die("mkdir -p " + work);
  at::set_num_threads(1);
  std::printf("%-10s %12s %12s %9s %14s %14s %11s %11s\n", "model", "fwd ms", "grad ms", "grad/fwd", "torch fwd ms",
              "torch grad ms", "torch g/f", "weft/torch");
  // Static sizes (the libraries are timed on one size; LibTorch's modules take any).
  const std::vector<std::pair<std::string, std::string>> models = {
      {"attention", "x=f32[8, 32, 8]"}, {"conv_bn", "x=f32[4, 3, 32, 32]"}, {"recurrent", "x=f32[4, 16, 4]"}};
  for (const auto& [name, types] : models) {
    if (!only.empty() && only.find("," + name + ",") == std::string::npos) continue;
    std::ifstream in(dir + "/" + name + "/manifest.json");
    const nlohmann::json m = nlohmann::json::parse(in);
    const std::string pt = dir + "/" + m["model"].get<std::string>();
    TorchGradient tg;
    tg.module = torch::jit::load(pt);
    tg.module.eval();
    std::string wrt = "x";
    for (const auto& p : tg.module.named_parameters(/*recurse=*/true)) {
      wrt += "," + p.name;
      tg.params.push_back(p.value);
      p.value.requires_grad_(true);
    }
    const std::string fwd_so = work + "/lib" + name + "_fwd.so", grad_so = work + "/lib" + name + "_grad.so";
    run_or_die(std::string(WEFT_BIN) + " compile " + pt + " -o " + fwd_so + " --input-type '" + types + "' -q");
    run_or_die(std::string(WEFT_BIN) + " grad " + pt + " -o " + grad_so + " --input-type '" + types + "' --wrt " + wrt + " -q");
    WeftLibrary fwd(fwd_so, 1), grad(grad_so, 1);
    const std::vector<FloatTensor> grad_inputs = make_inputs(grad.input_shapes());
    const std::vector<FloatTensor> fwd_inputs(grad_inputs.begin(), grad_inputs.begin() + 1);  // x
    tg.x = to_torch(grad_inputs[0]).requires_grad_(true);
    for (size_t i = 1; i < grad_inputs.size(); ++i) tg.cotangents.push_back(to_torch(grad_inputs[i]));
    const PairTimes weft = time_alternately([&] { fwd.run(fwd_inputs); }, [&] { grad.run(grad_inputs); });
    const PairTimes torch_fg = time_alternately([&] { tg.forward(); }, [&] { tg.gradient(); });
    const PairTimes vs = time_alternately([&] { grad.run(grad_inputs); }, [&] { tg.gradient(); });
    std::printf("%-10s %12.3f %12.3f %9.2f %14.3f %14.3f %11.2f %11.2f\n", name.c_str(), weft.a.median_ms, weft.b.median_ms,
                weft.b.median_ms / weft.a.median_ms, torch_fg.a.median_ms, torch_fg.b.median_ms,
                torch_fg.b.median_ms / torch_fg.a.median_ms, vs.a.median_ms / vs.b.median_ms);
    std::fflush(stdout);  // a row as soon as it is measured: the next model compiles for minutes
  }
  std::printf("grad/fwd: weft's compiled gradient (outputs and d/dx, d/d(every parameter)) over its compiled forward, "
              "timed alternately; torch g/f: LibTorch's forward + autograd.grad over its no-grad forward; weft/torch: the "
              "two gradients, timed alternately (1 thread each; medians).\n");
  return 0;
}
