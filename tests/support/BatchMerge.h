// BatchMerge.h - many small modules as one: each case's functions renamed apart, one @main calling every case's @main.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "ir/Module.h"

namespace weft::testing {

// Every dim symbol in the types of `m` (parameters, results, every typed node): symbols
// are global to a module, so two cases that use the same one must not share a batch.
std::set<std::string> module_symbols(const Module& m);

// True when `m` defines ADTs beyond the prelude (two cases could define the same name).
bool defines_types(const Module& m);

// How many tensors @main's result flattens to (tuples flattened in order, as the C API does).
size_t flat_output_count(const Module& m);

// One module whose @main takes every case's @main parameters in order and returns a tuple
// of their results: flattened, the outputs of case 0, then case 1, ... Case k's functions
// are renamed `k<k>_<name>`. Type-checked. The cases must use disjoint symbols; a case
// defining its own ADTs must be alone.
Module merge_modules(const std::vector<const Module*>& cases);

}  // namespace weft::testing
