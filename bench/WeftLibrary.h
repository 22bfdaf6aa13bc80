// WeftLibrary.h - a library `weft compile` wrote, opened with dlopen and run through its C API (weft.h); no LibTorch here.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "weft/weft.h"

namespace weft::bench {

// A dense f32 tensor: what every benchmark model takes and returns.
struct FloatTensor {
  std::vector<int64_t> shape;
  std::vector<float> data;
};

// Deterministic inputs in [-1, 1) for the given shapes; both engines get the same ones.
std::vector<FloatTensor> make_inputs(const std::vector<std::vector<int64_t>>& shapes);

// "32x512" <-> {32, 512}: how the parent passes shapes to a memory child on its command line.
std::string shape_text(const std::vector<int64_t>& shape);
std::vector<int64_t> parse_shape(const std::string& text);

// One library and one model handle. Every failure throws std::runtime_error saying what.
class WeftLibrary {
 public:
  // `num_threads` goes to weft_options (0: the library's choice).
  explicit WeftLibrary(const std::string& path, int num_threads = 0);
  ~WeftLibrary();
  WeftLibrary(const WeftLibrary&) = delete;
  WeftLibrary& operator=(const WeftLibrary&) = delete;

  // The static shape of every input; throws if one is not f32 or not static.
  std::vector<std::vector<int64_t>> input_shapes() const;
  // Runs once through run(); the outputs are copied out only when `out` is given.
  void run(const std::vector<FloatTensor>& inputs, std::vector<FloatTensor>* out = nullptr) const;
  // The C API's memory_stats (version 3) after the last run.
  weft_memory_stats memory_stats() const;

 private:
  void* lib_ = nullptr;
  const weft_api* api_ = nullptr;
  weft_model* model_ = nullptr;
  std::string path_;
};

}  // namespace weft::bench
