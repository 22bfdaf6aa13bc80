// weft_rss_child.cpp - weft_rss_child LIB RUNS: loads one weft library, runs it RUNS times, prints its peak RSS (KiB).
// Its own executable, not a mode of run_vs_libtorch, so that LibTorch's libraries are not
// mapped into the process whose memory is weft's.
#include <exception>
#include <iostream>
#include <string>

#include "bench/Timing.h"
#include "bench/WeftLibrary.h"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: weft_rss_child LIB RUNS\n";
    return 2;
  }
  try {
    weft::bench::WeftLibrary lib(argv[1]);
    const auto inputs = weft::bench::make_inputs(lib.input_shapes());
    for (int i = 0, n = std::stoi(argv[2]); i < n; ++i) lib.run(inputs);
  } catch (const std::exception& e) {
    std::cerr << e.what() << "\n";
    return 1;
  }
  std::cout << weft::bench::peak_rss_kib() << "\n";
  return 0;
}
