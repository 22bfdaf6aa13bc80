// GoldenFile.cpp - splits a pass golden file into cases and reads their directives.
#include "GoldenFile.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace weft::testing {

namespace {

std::string trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r"), e = s.find_last_not_of(" \t\r");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

// The value of `// KEY: value` on `line`, or false when the line is not that directive.
bool directive(const std::string& line, const std::string& key, std::string* value) {
  const std::string t = trim(line), prefix = "// " + key + ":";
  if (t.rfind(prefix, 0) != 0) return false;
  *value = trim(t.substr(prefix.size()));
  return true;
}

std::vector<std::string> split_list(const std::string& s) {
  std::vector<std::string> out;
  std::string item;
  std::istringstream in(s);
  while (std::getline(in, item, ','))
    if (!trim(item).empty()) out.push_back(trim(item));
  return out;
}

}  // namespace

std::vector<GoldenCase> read_golden_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::vector<std::string> lines;
  for (std::string l; std::getline(in, l);) lines.push_back(l);

  auto fail = [&](size_t i, const std::string& what) { throw std::runtime_error(path + ":" + std::to_string(i + 1) + ": " + what); };
  // Text of lines [from, to) with every earlier line blank, so spans give file lines.
  auto section = [&](size_t from, size_t to) {
    std::string s(from, '\n');
    for (size_t i = from; i < to; ++i) s += lines[i] + "\n";
    return s;
  };

  std::vector<std::string> file_passes, file_shapes, file_binds;
  std::vector<GoldenCase> cases;
  size_t i = 0;
  for (; i < lines.size() && trim(lines[i]).rfind("// ----", 0) != 0; ++i) {
    std::string v;
    if (directive(lines[i], "passes", &v)) file_passes = split_list(v);
    if (directive(lines[i], "input-shape", &v)) file_shapes.push_back(v);
    if (directive(lines[i], "bind", &v)) file_binds.push_back(v);
  }
  while (i < lines.size()) {
    std::string name;
    if (!directive(lines[i], "---- case", &name) || name.empty()) fail(i, "expected '// ---- case: NAME'");
    GoldenCase c;
    c.file = path;
    c.name = name;
    c.line = int(i + 1);
    size_t start = ++i, expect_at = 0;
    bool has_passes = false, has_shapes = false, has_binds = false;
    for (; i < lines.size() && trim(lines[i]).rfind("// ---- case", 0) != 0; ++i) {
      std::string v;
      if (trim(lines[i]) == "// ---- expect") {
        if (expect_at) fail(i, "a second '// ---- expect' in case '" + name + "'");
        expect_at = i;
      } else if (trim(lines[i]).rfind("// ----", 0) == 0) {
        fail(i, "unknown marker (the markers are '// ---- case: NAME' and '// ---- expect')");
      } else if (directive(lines[i], "passes", &v)) {
        c.passes = split_list(v);
        has_passes = true;
      } else if (directive(lines[i], "input-shape", &v)) {
        c.input_shapes.push_back(v);
        has_shapes = true;
      } else if (directive(lines[i], "bind", &v)) {
        c.binds.push_back(v);
        has_binds = true;
      } else if (directive(lines[i], "expect-error", &v)) {
        c.expect_error = v;
      } else if (directive(lines[i], "rtol", &v)) {
        c.rtol = std::stod(v);
      }
    }
    if (!has_passes) c.passes = file_passes;
    if (!has_shapes) c.input_shapes = file_shapes;
    if (!has_binds) c.binds = file_binds;
    if (c.passes.empty()) fail(start - 1, "case '" + name + "' has no passes (a '// passes: a,b' line in the file header or the case)");
    if (expect_at && !c.expect_error.empty()) fail(expect_at, "case '" + name + "' has both '// ---- expect' and '// expect-error:'");
    if (!expect_at && c.expect_error.empty()) fail(start - 1, "case '" + name + "' has neither '// ---- expect' nor '// expect-error:'");
    c.input = section(start, expect_at ? expect_at : i);
    if (expect_at) c.expected = section(expect_at + 1, i);
    cases.push_back(std::move(c));
  }
  if (cases.empty()) throw std::runtime_error(path + ": no cases (each starts with '// ---- case: NAME')");
  return cases;
}

std::vector<std::string> golden_files(const std::string& dir) {
  std::vector<std::string> files;
  std::error_code ec;
  for (auto it = std::filesystem::recursive_directory_iterator(dir, ec); !ec && it != std::filesystem::recursive_directory_iterator();
       it.increment(ec))
    if (it->is_regular_file() && it->path().extension() == ".weft") files.push_back(it->path().string());
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace weft::testing
