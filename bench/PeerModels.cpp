// PeerModels.cpp - reads peer_manifest.txt and runs `weft compile` on a model (see PeerModels.h).
#include "bench/PeerModels.h"

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace weft::bench {

namespace {

// "x=1,3,224,224" -> {"x", {1, 3, 224, 224}}.
PeerInput parse_input(const std::string& text, const std::string& where) {
  const size_t eq = text.find('=');
  if (eq == std::string::npos || eq == 0) throw std::runtime_error(where + ": '" + text + "' is not NAME=D0,D1,...");
  PeerInput in{text.substr(0, eq), {}};
  std::stringstream dims(text.substr(eq + 1));
  for (std::string d; std::getline(dims, d, ',');) {
    try {
      in.shape.push_back(std::stoll(d));
    } catch (const std::exception&) {
      throw std::runtime_error(where + ": '" + d + "' in '" + text + "' is not a dimension");
    }
  }
  return in;
}

std::string quoted(const std::string& s) { return "'" + s + "'"; }

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

std::vector<PeerModel> read_peer_manifest(const std::string& dir) {
  const std::string path = dir + "/peer_manifest.txt";
  std::ifstream in(path);
  if (!in) throw std::runtime_error("no " + path + ": run bench/make_peer_models.py " + dir + " first");
  std::vector<PeerModel> models;
  int line_no = 0;
  for (std::string line; std::getline(in, line);) {
    ++line_no;
    std::stringstream words(line);
    PeerModel m;
    if (!(words >> m.name)) continue;
    for (std::string w; words >> w;) m.inputs.push_back(parse_input(w, path + ":" + std::to_string(line_no)));
    if (m.inputs.empty()) throw std::runtime_error(path + ":" + std::to_string(line_no) + ": model '" + m.name + "' lists no inputs");
    models.push_back(std::move(m));
  }
  if (models.empty()) throw std::runtime_error(path + " lists no models");
  return models;
}

std::vector<std::vector<int64_t>> input_shapes(const PeerModel& model) {
  std::vector<std::vector<int64_t>> shapes;
  for (const PeerInput& in : model.inputs) shapes.push_back(in.shape);
  return shapes;
}

double compile_with_weft(const std::string& weft_bin, const PeerModel& model, const std::string& model_path,
                         const std::string& lib, bool pass_shapes) {
  std::string cmd = quoted(weft_bin) + " compile " + quoted(model_path) + " -o " + quoted(lib);
  for (const PeerInput& in : model.inputs) {
    if (!pass_shapes) break;
    std::string dims;
    for (int64_t d : in.shape) dims += (dims.empty() ? "" : ",") + std::to_string(d);
    cmd += " --input-shape " + quoted(in.name + "=" + dims);
  }
  const std::string log = lib + ".log";
  cmd += " 2> " + quoted(log);
  const auto t0 = std::chrono::steady_clock::now();
  const int rc = std::system(cmd.c_str());
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (rc != 0) throw std::runtime_error("weft compile failed for " + model_path + ":\n" + read_text(log));
  return s;
}

}  // namespace weft::bench
