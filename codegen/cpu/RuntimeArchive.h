// RuntimeArchive.h - which precompiled runtime archive (libweft_rt_<level>.a) a model compile links, and why.
#pragma once

#include <string>

namespace weft::codegen {

// The precompiled runtime for one compile: the archive to link, or none (header-only) with the
// reason, so that `weft compile --verbose` can say which it used.
struct RuntimeArchive {
  std::string level;  // the ISA level the -march value covers: x86-64-v4, x86-64-v3, x86-64, or empty
  std::string path;   // absolute path of libweft_rt_<level>.a; empty: compile the runtime from its headers
  std::string why;    // one line: what was picked, or why none was
};

// The highest ISA level whose features `compiler -march=cpu` enables (read from the compiler's
// predefined macros), or "" when it covers none of them (another architecture).
std::string isa_level(const std::string& compiler, const std::string& cpu);

// Where the archives are: $WEFT_RUNTIME_LIB_DIR; else, unless $WEFT_RUNTIME_DIR points at other
// headers (an archive must come from the same headers), the installed ones beside this weft
// (BINDIR/../lib/weft), else this build tree's. Empty when there is none.
std::string runtime_archive_dir();

// The archive for `cpu` (looked up in runtime_archive_dir()), or none with the reason.
RuntimeArchive find_runtime_archive(const std::string& compiler, const std::string& cpu);

}  // namespace weft::codegen
