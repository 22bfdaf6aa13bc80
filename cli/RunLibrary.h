// RunLibrary.h - the inputs of a compiled library read from the command line's NumPy files (`weft run LIB.so`, `weft bench LIB.so`).
#pragma once

#include <string>
#include <vector>

#include "cli/ValueIO.h"
#include "cli/host/LoadedLibrary.h"

namespace weft::cli {

// One value per input of `lib` (opened from `file`), in its order: a tensor from an .npy, a
// list from an .npz, an absent optional when not given. CompileError for a missing input or
// a name the library does not have; the library checks dtypes and dims when it runs.
std::vector<host::ApiValue> read_library_inputs(const host::LoadedLibrary& lib, const std::string& file,
                                                const std::vector<NamedInput>& inputs);

}  // namespace weft::cli
