// TorchvisionOps.h - loading a .pt whose code calls torchvision's C++ operators (torchvision::nms, roi_align, ...).
#pragma once

#include <torch/csrc/jit/serialization/import.h>

#include <string>

namespace weft::ts {

// torch::jit::load(path, nullopt, extra), once more after registering torchvision's
// operators when the first try fails on an unknown `torchvision::` operator. LibTorch itself
// has none of them; torchvision's own library (a Python extension that needs no Python:
// its operators register when it is loaded) holds them. It is looked for only then, so
// models without torchvision operators never need it: $WEFT_TORCHVISION_LIB (the library's
// path), else Debian's python3-torchvision (/usr/lib/python3/dist-packages/torchvision/_C.*.so),
// else a pip install under /usr/local/lib/python3*/. Any other load error propagates as is;
// when the library cannot be found or loaded, a c10::Error says what to install or set.
torch::jit::Module load_with_torchvision_ops(const std::string& path, torch::jit::ExtraFilesMap* extra = nullptr);

}  // namespace weft::ts
