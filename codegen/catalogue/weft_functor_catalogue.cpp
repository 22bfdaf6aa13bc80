// weft_functor_catalogue.cpp - writes the source of the runtime archives' precompiled elementwise kernels (ir/ops/CpuFunctorCatalogue.h).
// Run by the build (codegen/runtime/CMakeLists.txt): `weft_functor_catalogue OUT.cpp`. The file is
// rewritten only when its text changes, so an unrelated change to the registry does not rebuild
// the archives.
#include <fstream>
#include <iostream>
#include <sstream>

#include "ir/ops/CpuFunctorCatalogue.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: weft_functor_catalogue OUT.cpp\n";
    return 2;
  }
  const std::string text = weft::catalogue_archive_source();
  std::ifstream old(argv[1], std::ios::binary);
  std::stringstream have;
  have << old.rdbuf();
  if (old && have.str() == text) return 0;
  old.close();
  const std::string tmp = std::string(argv[1]) + ".partial";
  {
    std::ofstream out(tmp, std::ios::binary);
    out << text;
    if (!out.flush()) {
      std::cerr << "weft_functor_catalogue: cannot write " << tmp << "\n";
      return 1;
    }
  }
  if (std::rename(tmp.c_str(), argv[1]) != 0) {
    std::cerr << "weft_functor_catalogue: cannot write " << argv[1] << "\n";
    return 1;
  }
  return 0;
}
