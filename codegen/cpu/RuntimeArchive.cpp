// RuntimeArchive.cpp - the ISA level of a -march value and the precompiled runtime archive for it.
#include "codegen/cpu/RuntimeArchive.h"

#include <stdio.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

namespace weft::codegen {

namespace fs = std::filesystem;

namespace {

// The compiler's predefined macros for -march=cpu ("" if it cannot be run). popen is fine here:
// cpu was checked to be a plain word (check_cpu_level) and compiler is the user's own choice.
std::string predefined_macros(const std::string& compiler, const std::string& cpu) {
  const std::string cmd = compiler + " -march=" + cpu + " -dM -E -x c++ /dev/null 2>/dev/null";
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return "";
  std::string out;
  char buf[4096];
  for (size_t n; (n = fread(buf, 1, sizeof buf, p)) > 0;) out.append(buf, n);
  pclose(p);
  return out;
}

bool defines_all(const std::string& macros, const std::vector<const char*>& names) {
  for (const char* n : names)
    if (macros.find(std::string("#define ") + n + " ") == std::string::npos) return false;
  return true;
}

}  // namespace

std::string isa_level(const std::string& compiler, const std::string& cpu) {
  const std::string m = predefined_macros(compiler, cpu);
  if (!defines_all(m, {"__x86_64__"})) return "";
  // The x86-64 psABI levels, by the feature macros each adds (v2's are implied by v3's here).
  const bool v3 = defines_all(m, {"__AVX2__", "__BMI__", "__BMI2__", "__F16C__", "__FMA__", "__LZCNT__", "__MOVBE__"});
  if (v3 && defines_all(m, {"__AVX512F__", "__AVX512BW__", "__AVX512CD__", "__AVX512DQ__", "__AVX512VL__"})) return "x86-64-v4";
  return v3 ? "x86-64-v3" : "x86-64";
}

std::string runtime_archive_dir() {
  if (const char* env = std::getenv("WEFT_RUNTIME_LIB_DIR"); env && *env) return env;
  if (const char* hdrs = std::getenv("WEFT_RUNTIME_DIR"); hdrs && *hdrs) return "";
  std::error_code ec;
#ifdef WEFT_INSTALL_BIN_TO_RTLIB
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const fs::path installed = (exe.parent_path() / WEFT_INSTALL_BIN_TO_RTLIB).lexically_normal();
    if (fs::is_directory(installed, ec)) return installed.string();
  }
#endif
#ifdef WEFT_RUNTIME_ARCHIVE_DIR
  if (fs::is_directory(WEFT_RUNTIME_ARCHIVE_DIR, ec)) return WEFT_RUNTIME_ARCHIVE_DIR;
#endif
  return "";
}

RuntimeArchive find_runtime_archive(const std::string& compiler, const std::string& cpu) {
  RuntimeArchive a;
  a.level = isa_level(compiler, cpu);
  if (a.level.empty()) {
    a.why = "runtime: header-only (-march=" + cpu + " is no x86-64 level with a precompiled archive)";
    return a;
  }
  const std::string dir = runtime_archive_dir();
  if (dir.empty()) {
    a.why = "runtime: header-only (no precompiled runtime directory: WEFT_RUNTIME_DIR is set without WEFT_RUNTIME_LIB_DIR, "
            "or this weft was built without archives)";
    return a;
  }
  const fs::path p = fs::absolute(fs::path(dir) / ("libweft_rt_" + a.level + ".a"));
  std::error_code ec;
  if (!fs::is_regular_file(p, ec)) {
    a.why = "runtime: header-only (no " + p.string() + ")";
    return a;
  }
  a.path = p.string();
  a.why = "runtime: precompiled " + a.level + " (" + a.path + ")";
  return a;
}

}  // namespace weft::codegen
