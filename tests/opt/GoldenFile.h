// GoldenFile.h - reads a pass golden file (tests/opt/<pass>/*.weft, format in tests/opt/README.md) into its cases.
#pragma once

#include <string>
#include <vector>

namespace weft::testing {

struct GoldenCase {
  std::string file;   // path of the .weft file
  std::string name;   // from `// ---- case: NAME`
  int line = 0;       // line of the case marker
  std::vector<std::string> passes;        // `// passes:` (the case's, else the file's)
  std::vector<std::string> input_shapes;  // `// input-shape: NAME=D0,...` (the case's, else the file's)
  std::vector<std::string> binds;         // `// bind: NAME=VALUE` (the case's, else the file's)
  std::string input;                      // the input module; lines before it blanked, so parse errors give file lines
  std::string expected;                   // the expected module, likewise; empty for an error case
  std::string expect_error;               // `// expect-error: TEXT`: the passes must fail with a message holding TEXT
  double rtol = 0;                        // `// rtol: X` for the before/after run (default: exact)
};

// All cases of one file, in order. Throws std::runtime_error naming the file and line for
// a malformed file: no `// passes:`, a case with neither `// ---- expect` nor
// `// expect-error:`, both, or an unknown `// ---- ` marker.
std::vector<GoldenCase> read_golden_file(const std::string& path);

// Every *.weft under `dir` (recursively), sorted.
std::vector<std::string> golden_files(const std::string& dir);

}  // namespace weft::testing
