// TorchvisionOps.cpp - finds and loads torchvision's operator library when a model calls its operators.
#include "importers/torchscript/TorchvisionOps.h"

#include <dlfcn.h>
#include <glob.h>

#include <cstdlib>
#include <mutex>
#include <vector>

namespace weft::ts {

namespace {

const char* kEnvVar = "WEFT_TORCHVISION_LIB";
const std::string kUnknownOp = "Unknown builtin op: ";  // LibTorch's words, then the op's name

// Where torchvision's extension is, in the order tried: Debian's package, then pip's.
const std::vector<std::string> kPatterns = {
    "/usr/lib/python3/dist-packages/torchvision/_C.*.so",
    "/usr/local/lib/python3*/dist-packages/torchvision/_C.*.so",
    "/usr/local/lib/python3*/site-packages/torchvision/_C.*.so",
};

std::vector<std::string> candidates() {
  std::vector<std::string> out;
  if (const char* env = std::getenv(kEnvVar); env && *env) return {env};  // set: only it
  for (const std::string& pattern : kPatterns) {
    glob_t g{};
    if (glob(pattern.c_str(), 0, nullptr, &g) == 0)
      for (size_t i = 0; i < g.gl_pathc; ++i) out.push_back(g.gl_pathv[i]);
    globfree(&g);
  }
  return out;
}

// Loads the library once per process (its operators stay registered); "" when loaded, else why not.
std::string load_library() {
  static std::once_flag once;
  static std::string why;
  std::call_once(once, [] {
    std::vector<std::string> paths = candidates();
    if (paths.empty()) {
      why = "torchvision's operator library was not found (looked for " + kPatterns[0] + " and pip's under /usr/local/lib/python3*)";
      return;
    }
    std::string tried;
    for (const std::string& p : paths) {
      // RTLD_GLOBAL: the library's operators register with the LibTorch weft already has loaded.
      if (dlopen(p.c_str(), RTLD_NOW | RTLD_GLOBAL)) return;
      const char* err = dlerror();
      tried += (tried.empty() ? "" : "; ") + p + ": " + (err ? err : "dlopen failed");
    }
    why = "torchvision's operator library could not be loaded (" + tried + ")";
  });
  return why;
}

}  // namespace

torch::jit::Module load_with_torchvision_ops(const std::string& path, torch::jit::ExtraFilesMap* extra) {
  torch::jit::ExtraFilesMap none;
  try {
    return torch::jit::load(path, c10::nullopt, extra ? *extra : none);
  } catch (const std::exception& e) {  // the compiler's ErrorReport, not a c10::Error
    const std::string what = e.what();
    const size_t at = what.find(kUnknownOp + "torchvision::");
    if (at == std::string::npos) throw;
    const size_t name = at + kUnknownOp.size();
    std::string why = load_library();
    if (!why.empty())
      TORCH_CHECK(false, "the model calls ", what.substr(name, what.find_first_of(".\n", name) - name),
                  ", an operator of torchvision, which LibTorch has not: ", why,
                  ". Install torchvision for this LibTorch (Debian: apt-get install python3-torchvision) or set ",
                  kEnvVar, " to its library (torchvision/_C.*.so)");
  }
  return torch::jit::load(path, c10::nullopt, extra ? *extra : none);
}

}  // namespace weft::ts
