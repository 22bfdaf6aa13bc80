// SplitBody.cpp - groups a body's lines into top-level statements and wraps runs of them in noinline lambdas.
#include "codegen/SplitBody.h"

#include <vector>

namespace weft::codegen {

namespace {

bool starts_with(const std::string& s, const char* p) { return s.rfind(p, 0) == 0; }

// A line that begins a top-level statement: exactly two spaces of indent, not a closing brace.
bool top_level(const std::string& l) { return l.size() > 2 && starts_with(l, "  ") && l[2] != ' ' && l[2] != '}'; }

// A statement that leaves the function or a loop (only the final return may, outside a chunk).
bool jumps(const std::string& l) {
  const size_t i = l.find_first_not_of(' ');
  if (i == std::string::npos) return false;
  const std::string s = l.substr(i);
  return starts_with(s, "return ") || starts_with(s, "return;") || starts_with(s, "continue;") || starts_with(s, "break;") ||
         starts_with(s, "goto ");
}

// Whether `type` is weft_rt::Tensor or a std::tuple of such types, nested: the types whose
// default value a hoisted declaration may hold until its chunk assigns it. Advances `at` past it.
bool default_constructible(const std::string& type, size_t& at) {
  static const std::string kTensor = "weft_rt::Tensor", kTuple = "std::tuple<";
  if (type.compare(at, kTensor.size(), kTensor) == 0) {
    at += kTensor.size();
    return true;
  }
  if (type.compare(at, kTuple.size(), kTuple) != 0) return false;
  at += kTuple.size();
  for (;;) {
    if (!default_constructible(type, at)) return false;
    if (type.compare(at, 2, ", ") == 0) {
      at += 2;
    } else if (at < type.size() && type[at] == '>') {
      ++at;
      return true;
    } else {
      return false;
    }
  }
}

bool hoistable(const std::string& type) {
  size_t at = 0;
  return default_constructible(type, at) && at == type.size();
}

}  // namespace

std::string split_body(const std::string& body, size_t per_chunk) {
  std::vector<std::string> lines;
  for (size_t at = 0; at < body.size();) {
    size_t eol = body.find('\n', at);
    if (eol == std::string::npos) eol = body.size();
    lines.push_back(body.substr(at, eol - at));
    at = eol + 1;
  }
  while (!lines.empty() && lines.back().empty()) lines.pop_back();
  if (lines.size() < 2 || !top_level(lines.back()) || !starts_with(lines.back(), "  return ")) return body;
  const std::string ret = lines.back();
  lines.pop_back();

  // Top-level statements (their first line and continuation lines), hoisting the declarations.
  std::vector<std::vector<std::string>> stmts;
  std::string decls;
  size_t counted = 0;  // statements that are not comments
  for (std::string l : lines) {
    if (jumps(l)) return body;
    if (!top_level(l)) {
      if (stmts.empty()) return body;
      stmts.back().push_back(l);
      continue;
    }
    const size_t eq = l.find(" = ");
    const bool comment = starts_with(l, "  //");
    // `TYPE NAME;` (an if's result, assigned in its branches): default-constructed here or
    // hoisted alike, and later chunks read it.
    // A qualified type (`std::`, `weft_rt::`) tells it from a statement such as `throw e;`.
    const size_t space = l.find(' ', 2);
    if (!comment && eq == std::string::npos && l.back() == ';' && l.find('(') == std::string::npos &&
        space != std::string::npos && l.substr(2, space - 2).find("::") != std::string::npos) {
      decls += l + "\n";
      continue;
    }
    if (!comment && eq != std::string::npos && l.rfind(' ', eq - 1) > 2) {  // `TYPE NAME = ...`: a declaration
      const size_t name_at = l.rfind(' ', eq - 1) + 1;
      const std::string type = l.substr(2, name_at - 3), name = l.substr(name_at, eq - name_at);
      if (!hoistable(type) || name.find_first_of("<>(),") != std::string::npos) return body;
      decls += "  " + type + " " + name + ";\n";
      l = "  " + l.substr(name_at);
    }
    counted += comment ? 0 : 1;
    stmts.push_back({l});
  }
  if (counted <= per_chunk) return body;

  std::string out = decls;
  size_t in_chunk = 0;
  bool open = false;
  for (const auto& st : stmts) {
    if (!open) out += "  [&]() __attribute__((noinline)) {\n";
    open = true;
    for (const std::string& l : st) out += "  " + l + "\n";
    if (!starts_with(st[0], "  //") && ++in_chunk == per_chunk) {
      out += "  }();\n";
      open = false;
      in_chunk = 0;
    }
  }
  if (open) out += "  }();\n";
  return out + ret + "\n";
}

}  // namespace weft::codegen
