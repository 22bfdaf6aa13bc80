// ValueIO.h - model inputs from NumPy files and outputs to NumPy files, checked against @main's type.
#pragma once

#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "ir/Module.h"
#include "ir/Value.h"

namespace weft::cli {

// One --input NAME=PATH.
struct NamedInput {
  std::string name;
  std::string path;
};

// The --input flags' NAME=PATH values; CompileError quoting one without a name or a path.
std::vector<NamedInput> parse_named_inputs(const std::vector<std::string>& args);

// Reads and checks every @main argument: a tensor from an .npy, a List from an .npz
// (arr_0, arr_1, ...), an Option from its file or None when not passed. Checks dtype,
// rank, static dims, and that each symbolic dim has one value across all inputs.
// Throws CompileError naming the input and the file for anything missing or mistyped.
std::vector<Value> read_inputs(const Module& m, const std::vector<NamedInput>& inputs);

// The tensor type of the value in an input file, for a model that records no input types
// (TorchScript): an .npy's dtype and shape, an .npz's first array's (nullptr for an empty
// one). CompileError naming the file.
Type sample_type(const std::string& path);

// Flattens the result (tuples, recursively, in order) and writes output i to DIR/i.npy
// (a list to DIR/i.npz; an absent option writes nothing and prints `none`). Prints one
// line per output: index, dtype and shape. With an empty `dir`, prints values instead.
void write_outputs(const Value& result, const std::string& dir, std::ostream& out);

}  // namespace weft::cli
