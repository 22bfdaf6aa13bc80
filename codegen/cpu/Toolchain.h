// Toolchain.h - turns generated source into lib<name>.so with the system C++ compiler.
#pragma once

#include <string>
#include <vector>

#include "codegen/Target.h"
#include "codegen/cpu/EmitCpu.h"

namespace weft::codegen {

struct ToolchainOptions {
  std::string compiler = "g++";       // or $WEFT_CXX
  std::string runtime_include_dir;    // empty: runtime_include_dir()
  std::string cpu = "native";         // -march=CPU: native is the build machine; x86-64-v3 etc. for portable builds
  int opt_level = 3;                  // the C++ compiler's -O0 .. -O3 (`weft compile --cxx-opt`; its -O is the pass level)
  std::vector<std::string> extra_flags;
  int jobs = 0;                       // translation units compiled at a time (weft compile -j); 0: the machine's cores
  bool precompiled_runtime = true;    // link libweft_rt_<level>.a when there is one for -march (RuntimeArchive.h)
  std::string cache_dir;              // a CompileCache directory; empty: no cache (weft compile passes default_cache_dir())
  // Where precompiled headers of weft/runtime.h are kept, one per compiler, flags and runtime
  // headers, built by the first compile that needs one (g++ then skips parsing the runtime and
  // the standard headers it includes, about a second per compile); empty: none (weft compile
  // passes default_cache_dir()/pch, also with --no-cache; WEFT_CACHE=0 turns it off). g++
  // checks a precompiled header against the compile's flags and ignores one that does not fit.
  std::string pch_dir;
};

// What build_shared_library did, for `weft compile` to print: each step and its wall time,
// which runtime it linked, and whether the library came from the cache.
struct BuildReport {
  struct Step {
    std::string what;
    double ms;
  };
  std::vector<Step> steps;
  std::string runtime;     // RuntimeArchive::why
  bool cache_hit = false;
  std::string pch;         // the precompiled header used ("" if none)
  std::string cache_note;  // e.g. why a library could not be stored; empty when all went well
};

// Where the runtime headers (weft/weft.h, weft/runtime.h, weft/rt/*) are: $WEFT_RUNTIME_DIR,
// else the installed headers beside this weft (BINDIR/../include), else the source tree
// this weft was built from.
std::string runtime_include_dir();

// Checks that the C++ compiler accepts -march=CPU (and that CPU is a plain word that is
// safe in build.sh); CompileError naming the value and the compiler's complaint otherwise.
void check_cpu_level(const std::string& cpu, const ToolchainOptions& options = {});

// How the CPU builds lib<name>.so (CpuTarget::build_recipe): g++ (or $WEFT_CXX), the language
// flags (-std=c++20 -O3 -march=CPU -fPIC ..., -DWEFT_RT_PRECOMPILED with an archive), the
// shared-library link flags and the precompiled runtime archive, as in build.sh.
BuildRecipe cpu_build_recipe(const std::string& name, const ToolchainOptions& options = {});

// Writes `src` (as NAME.cpp and weights.bin, or src.weights_file for external weights), exports.map, build.sh, the runtime
// headers and the precompiled runtime archive (lib/, when one is linked) into `dir`, laid out so that the compile and
// link commands can be rerun there by hand.
void write_source_tree(const CpuSource& src, const std::string& name, const std::string& dir, const ToolchainOptions& options = {});

// Compiles `src` in a fresh temporary directory with
//   g++ -std=c++20 -O3 -march=native -fPIC -c NAME.cpp  (with -DWEFT_RT_PRECOMPILED when an archive is linked)
//   g++ -shared -static-libstdc++ -static-libgcc ... NAME.o lib/libweft_rt_<level>.a
// exporting only weft_model_api and NAME_api (a version script; libstdc++ stays inside),
// and moves the library to `output` atomically (a temporary file beside it, then rename):
// on failure nothing is left at `output`. With external weights (src.weights_file set)
// the blob goes to that file beside `output`, written and renamed the same way first. The same source gives the same bytes (the
// compiler runs in the build directory on relative paths). Throws CompileError with the
// compiler's messages if it fails.
BuildReport build_shared_library(const CpuSource& src, const std::string& name, const std::string& output,
                                 const ToolchainOptions& options = {});

}  // namespace weft::codegen
