// CheckInputs.h - the inputs of `weft check`: --sweep combinations and seeded inputs generated from @main's types.
#pragma once

#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "ir/Module.h"
#include "ir/Value.h"

namespace weft::cli {

// One --sweep SYMBOL=V1,V2,...
struct Sweep {
  std::string symbol;
  std::vector<int64_t> values;
};
// Parses "batch=1,3,8"; CompileError quoting the flag when malformed.
Sweep parse_sweep(const std::string& text);
// Every combination of the sweeps' values (the first sweep varies slowest); one empty
// combination when there are no sweeps.
std::vector<std::map<std::string, int64_t>> sweep_combinations(const std::vector<Sweep>& sweeps);

// The range of generated integers of one input: --input-range NAME=LO,HI (inclusive).
struct IntRange {
  int64_t lo = 0;
  int64_t hi = 9;
};
std::pair<std::string, IntRange> parse_input_range(const std::string& text);

// @main's arguments drawn from `seed`: floats from the standard normal distribution,
// integers uniform in their input's range (default 0..9), bools uniform. Every dim must be
// static or a symbol of `sizes` (or computed from them); CompileError naming the input,
// the dim and the flag that would give it otherwise. Tensors and Option[tensor] (always
// passed) only: a List input must come from a file.
std::vector<Value> generate_inputs(const Module& m, const std::map<std::string, int64_t>& sizes,
                                   const std::map<std::string, IntRange>& ranges, uint64_t seed);

// One input's tensor of type `t` drawn from `rng` as generate_inputs draws it; a symbolic dim
// takes its value from `sizes`, and the error for one missing names `size_flag`.
Tensor generate_tensor(const std::string& input, const TensorTypeNode& t, const std::map<std::string, int64_t>& sizes, IntRange range,
                       std::mt19937_64& rng, const std::string& size_flag);

// Every symbol that @main's parameter types name, for checking --sweep against them.
std::vector<std::string> input_symbols(const Module& m);

}  // namespace weft::cli
