// NpyIO.h - NumPy .npy and .npz files to and from tensors.
#pragma once

#include <string>
#include <vector>

#include "ir/Tensor.h"

namespace weft {

// Reads a .npy file (format 1.0-3.0, little-endian, C order; Fortran order is
// converted). Throws CompileError naming the file for anything it cannot read.
Tensor read_npy(const std::string& path);
Tensor parse_npy(const std::string& bytes, const std::string& what);  // `what` names it in errors
void write_npy(const std::string& path, const Tensor& t);
std::string serialize_npy(const Tensor& t);

// An .npz holding arr_0, arr_1, ... (a list value); stored (uncompressed) entries only.
std::vector<Tensor> read_npz(const std::string& path);
void write_npz(const std::string& path, const std::vector<Tensor>& arrays);

}  // namespace weft
