// run_vs_libtorch.cpp - run_vs_libtorch MODELS_DIR: each model of make_models.py compiled by `weft compile`, timed
// against LibTorch on the same inputs, outputs compared, memory measured; one table of ratios.
//
// weft runs on 1 thread here (num_threads = 1 in weft_options), so the ratio is against LibTorch on 1 thread;
// LibTorch on its default threads is printed beside it. Peak RSS comes from one fresh child
// process per engine (weft_rss_child for weft, this program with --rss-child for LibTorch),
// so that neither engine's memory is counted in the other's.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "bench/Timing.h"
#include "bench/TorchModel.h"
#include "bench/WeftLibrary.h"

using namespace weft::bench;

namespace {

// Outputs agree when max |weft - torch| <= kTolerance * max(1, max |torch|): f32 sums in a
// different order differ by far less; a wrong kernel by far more.
constexpr double kTolerance = 1e-4;
constexpr int kRssRuns = 20;  // runs in each memory child

struct Row {
  std::string name;
  double compile_s = 0;
  RunTimes weft, torch1, torch_default;
  weft_memory_stats stats{};
  double rss_weft = -1, rss_torch = -1;
  double max_diff = 0, limit = 0;
};

// --rss-child MODEL.pt RUNS SHAPE...: LibTorch (1 thread) in a fresh process; prints its peak RSS (KiB).
int torch_rss_child(int argc, char** argv) {
  std::vector<std::vector<int64_t>> shapes;
  for (int i = 4; i < argc; ++i) shapes.push_back(parse_shape(argv[i]));
  set_torch_threads(1);
  const auto inputs = make_inputs(shapes);
  TorchModel model(argv[2], inputs);
  for (int i = 0, n = std::stoi(argv[3]); i < n; ++i) model.run();
  std::cout << peak_rss_kib() << "\n";
  return 0;
}

std::string self_path() {
  char buf[4096];
  const ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
  return n > 0 ? std::string(buf, size_t(n)) : "/proc/self/exe";
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// `weft compile` with its defaults (passes -O2, --cxx-opt 3, -march=native, weights embedded); its stage log kept in LOG.
double compile(const std::string& model, const std::string& lib, const std::string& log) {
  const std::string cmd = std::string("'") + WEFT_BIN + "' compile '" + model + "' -o '" + lib + "' 2> '" + log + "'";
  const auto t0 = std::chrono::steady_clock::now();
  const int rc = std::system(cmd.c_str());
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (rc != 0) throw std::runtime_error("weft compile failed for " + model + ":\n" + read_file(log));
  return s;
}

// max |a - b| over all outputs, and the tolerance for them; throws if shapes differ.
std::pair<double, double> compare(const std::vector<FloatTensor>& weft, const std::vector<FloatTensor>& torch) {
  if (weft.size() != torch.size())
    throw std::runtime_error("weft returns " + std::to_string(weft.size()) + " outputs, LibTorch " + std::to_string(torch.size()));
  double diff = 0, scale = 1;
  for (size_t i = 0; i < weft.size(); ++i) {
    if (weft[i].shape != torch[i].shape)
      throw std::runtime_error("output " + std::to_string(i) + " has shape " + shape_text(weft[i].shape) + " in weft, " +
                               shape_text(torch[i].shape) + " in LibTorch");
    for (size_t k = 0; k < weft[i].data.size(); ++k) {
      diff = std::max(diff, double(std::fabs(weft[i].data[k] - torch[i].data[k])));
      scale = std::max(scale, double(std::fabs(torch[i].data[k])));
    }
  }
  return {diff, kTolerance * scale};
}

Row bench_model(const std::string& dir, const std::string& name, int default_threads) {
  Row r;
  r.name = name;
  const std::string pt = dir + "/" + name + ".pt", lib_path = dir + "/lib" + name + ".so";
  r.compile_s = compile(pt, lib_path, dir + "/" + name + ".compile.log");
  WeftLibrary lib(lib_path, 1);  // the table compares against LibTorch on 1 thread
  const auto shapes = lib.input_shapes();
  const auto inputs = make_inputs(shapes);
  TorchModel torch(pt, inputs);

  std::vector<FloatTensor> weft_out, torch_out;
  lib.run(inputs, &weft_out);
  set_torch_threads(1);
  torch.run(&torch_out);
  std::tie(r.max_diff, r.limit) = compare(weft_out, torch_out);

  r.weft = time_runs([&] { lib.run(inputs); });
  r.stats = lib.memory_stats();
  r.torch1 = time_runs([&] { torch.run(); });
  set_torch_threads(default_threads);
  r.torch_default = time_runs([&] { torch.run(); });
  set_torch_threads(1);

  r.rss_weft = child_peak_rss_mib({WEFT_RSS_CHILD, lib_path, std::to_string(kRssRuns)});
  std::vector<std::string> argv = {self_path(), "--rss-child", pt, std::to_string(kRssRuns)};
  for (const auto& s : shapes) argv.push_back(shape_text(s));
  r.rss_torch = child_peak_rss_mib(argv);
  return r;
}

void print_table(const std::vector<Row>& rows, int default_threads) {
  const std::string default_header = "torch " + std::to_string(default_threads) + "t(dflt) ms";
  std::printf("\n%-14s %17s %17s %11s %17s %21s %14s %14s %10s %10s\n", "model", "weft ms med/min",
              "torch 1t ms m/min", "weft/torch1t", default_header.c_str(),
              "weft planned/pool/new", "RSS weft MiB", "RSS torch MiB", "compile s", "max|diff|");
  for (const Row& r : rows) {
    char stats[64];
    std::snprintf(stats, sizeof stats, "%llu/%llu/%llu", (unsigned long long)r.stats.planned,
                  (unsigned long long)r.stats.pooled, (unsigned long long)r.stats.fresh);
    std::printf("%-14s %8.3f/%8.3f %8.3f/%8.3f %10.2fx  %8.3f/%8.3f %21s %14.1f %14.1f %10.1f %10.2g\n", r.name.c_str(),
                r.weft.median_ms, r.weft.min_ms, r.torch1.median_ms, r.torch1.min_ms,
                r.weft.median_ms / r.torch1.median_ms, r.torch_default.median_ms, r.torch_default.min_ms, stats,
                r.rss_weft, r.rss_torch, r.compile_s, r.max_diff);
  }
  std::printf("\nweft/torch1t < 1 means weft is faster (both on 1 thread: weft's handle is made\n"
              "with num_threads = 1). Medians over >= 10 runs (about 0.5 s) after 3 warm-up runs.\n"
              "planned/pool/new: weft memory_stats of the last run (intermediates placed by the memory plan,\n"
              "buffers reused from the run's pool, buffers from the system). RSS: peak of a fresh process that\n"
              "loads the model and runs it %d times (LibTorch on 1 thread; its RSS includes LibTorch's own libraries).\n"
              "Outputs agree within %g x max(1, max|torch|). Peer: %s.\n",
              kRssRuns, kTolerance, torch_build_info().c_str());
}

}  // namespace

int main(int argc, char** argv) {
  if (argc >= 4 && std::string(argv[1]) == "--rss-child") return torch_rss_child(argc, argv);
  if (argc != 2) {
    std::cerr << "usage: run_vs_libtorch MODELS_DIR   (written by bench/make_models.py)\n";
    return 2;
  }
  const std::string dir = argv[1];
  const int default_threads = torch_threads();  // before any set_num_threads
  std::ifstream manifest(dir + "/manifest.txt");
  if (!manifest) {
    std::cerr << "no " << dir << "/manifest.txt: run bench/make_models.py " << dir << " first\n";
    return 2;
  }
  std::vector<Row> rows;
  std::vector<std::string> failures;
  for (std::string name; std::getline(manifest, name);) {
    if (name.empty()) continue;
    std::cout << "benchmarking " << name << " ..." << std::endl;
    try {
      Row r = bench_model(dir, name, default_threads);
      if (r.max_diff > r.limit)
        failures.push_back(name + ": weft and LibTorch outputs differ by " + std::to_string(r.max_diff) + " > " +
                           std::to_string(r.limit));
      rows.push_back(std::move(r));
    } catch (const std::exception& e) {
      failures.push_back(name + ": " + e.what());
    }
  }
  print_table(rows, default_threads);
  if (!rows.empty())  // make_models.py lists the ~50 MB model last
    std::cout << "\nweft compile stages of the last (largest) model, " << rows.back().name << ":\n"
              << read_file(dir + "/" + rows.back().name + ".compile.log");
  for (const std::string& f : failures) std::cerr << "FAIL " << f << "\n";
  return failures.empty() ? 0 : 1;
}
