// PeerBench.cpp - compile, compare, time alternately, report (see PeerBench.h).
#include "bench/PeerBench.h"

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <sstream>
#include <stdexcept>

#include "bench/MachineInfo.h"
#include "bench/PeerModels.h"
#include "bench/PeerReport.h"
#include "bench/Timing.h"

namespace weft::bench {

namespace {

std::vector<std::string> split_commas(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream s(text);
  for (std::string item; std::getline(s, item, ',');)
    if (!item.empty()) out.push_back(item);
  return out;
}

// One model at one thread count: both engines loaded, compared on one run, then timed in turns.
PeerRow measure(const PeerBenchConfig& config, const MakePeer& make_peer, const PeerModel& model,
                const std::string& lib_path, const std::vector<FloatTensor>& inputs, int threads) {
  PeerRow row{model.name, threads, {}, {}, {}};
  WeftLibrary weft(lib_path, threads);
  if (weft.input_shapes() != input_shapes(model))
    throw std::runtime_error("the weft library's input shapes are not the manifest's: the shapes were not specialized");
  std::unique_ptr<PeerEngine> peer = make_peer(config.models_dir + "/" + model.name + config.extension, threads, inputs);
  std::vector<FloatTensor> weft_out, peer_out;
  weft.run(inputs, &weft_out);
  peer->run(&peer_out);
  row.agreement = compare_outputs(weft_out, peer_out);
  row.times = time_alternately([&] { peer->run(nullptr); }, [&] { weft.run(inputs); }, config.rounds,
                               config.round_budget_s);
  return row;
}

}  // namespace

bool parse_peer_args(int argc, char** argv, int first, const std::string& usage, PeerBenchConfig& config) {
  auto fail = [&](const std::string& why) {
    std::cerr << why << "\nusage: " << usage << "\n";
    return false;
  };
  for (int i = first; i < argc; ++i) {
    const std::string arg = argv[i];
    const bool has_value = i + 1 < argc;
    try {
      if (arg == "--threads" && has_value) {
        config.threads.clear();
        for (const std::string& t : split_commas(argv[++i])) config.threads.push_back(std::stoi(t));
        if (config.threads.empty() || *std::min_element(config.threads.begin(), config.threads.end()) < 1)
          return fail("--threads needs thread counts of at least 1, e.g. 1,2");
      } else if (arg == "--rounds" && has_value) {
        config.rounds = std::stoi(argv[++i]);
        if (config.rounds < 1) return fail("--rounds needs at least 1");
      } else if (arg == "--only" && has_value) {
        config.only = split_commas(argv[++i]);
      } else if (arg.rfind("--", 0) == 0) {
        return fail("unknown option or missing value: " + arg);
      } else if (config.models_dir.empty()) {
        config.models_dir = arg;
      } else {
        return fail("unexpected argument: " + arg);
      }
    } catch (const std::exception&) {
      return fail("not a number after " + arg + ": " + argv[i]);
    }
  }
  if (config.models_dir.empty()) return fail("no MODELS_DIR");
  return true;
}

int run_peer_benchmark(const PeerBenchConfig& config, const MakePeer& make_peer) {
  std::vector<PeerModel> models;
  try {
    models = read_peer_manifest(config.models_dir);
  } catch (const std::exception& e) {
    std::cerr << e.what() << "\n";
    return 2;
  }
  std::printf("weft vs %s on %s models\nCPU: %s; nproc: %d; load average at start: %s\n", config.peer_name.c_str(),
              config.extension.c_str(), cpu_model_name().c_str(), usable_cores(), load_average().c_str());
  std::fflush(stdout);
  std::vector<PeerRow> rows;
  for (const PeerModel& model : models) {
    if (!config.only.empty() && std::find(config.only.begin(), config.only.end(), model.name) == config.only.end())
      continue;
    const std::string form = config.extension.substr(1);
    const std::string lib_path = config.models_dir + "/lib" + model.name + "_" + form + ".so";
    std::string compile_failure;
    try {
      const double s = compile_with_weft(config.weft_bin, model, config.models_dir + "/" + model.name + config.extension,
                                         lib_path, config.pass_shapes);
      std::printf("%s: weft compile %.1f s\n", model.name.c_str(), s);
    } catch (const std::exception& e) {
      compile_failure = e.what();
    }
    const auto inputs = make_inputs(input_shapes(model));
    for (int threads : config.threads) {
      if (!compile_failure.empty()) {
        rows.push_back({model.name, threads, {}, {}, compile_failure});
        continue;
      }
      try {
        rows.push_back(measure(config, make_peer, model, lib_path, inputs, threads));
        const PeerRow& r = rows.back();
        std::printf("  %d thread(s): %s %.3f ms, weft %.3f ms%s\n", threads, config.peer_label.c_str(), r.times.a.median_ms,
                    r.times.b.median_ms,
                    r.agreement.agree ? "" : " (outputs differ)");
      } catch (const std::exception& e) {
        rows.push_back({model.name, threads, {}, {}, e.what()});
      }
      std::fflush(stdout);
    }
  }
  print_peer_table(config.peer_label, config.peer_name, rows);
  std::printf("CPU: %s; nproc: %d; load average at start: see above; at end: %s\n", cpu_model_name().c_str(),
              usable_cores(), load_average().c_str());
  const bool all_good = std::all_of(rows.begin(), rows.end(),
                                    [](const PeerRow& r) { return r.failure.empty() && r.agreement.agree; });
  return all_good ? 0 : 1;
}

}  // namespace weft::bench
