// CheckInterface.h - does a compiled library take and return what a model does? (`weft check --lib`).
#pragma once

#include <string>
#include <vector>

#include "cli/host/LoadedLibrary.h"
#include "ir/Module.h"

namespace weft::cli {

// The library's output names in order, as the C API reports them.
std::vector<std::string> library_output_names(const host::LoadedLibrary& lib);

// Throws CompileError naming `library` and the first input or output that differs from
// @main of `m` in count, name (inputs), kind (tensor, list, optional), dtype or rank.
void check_library_interface(const Module& m, const host::LoadedLibrary& lib, const std::string& library);

}  // namespace weft::cli
