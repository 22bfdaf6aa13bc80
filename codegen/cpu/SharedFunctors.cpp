// SharedFunctors.cpp - finds captureless lambda literals in an operator call's text by bracket matching.
#include "codegen/cpu/SharedFunctors.h"

namespace weft::codegen {

namespace {

// The index just past the bracket matching the one at `open` ('(' or '{'), skipping string and
// character literals; npos if unbalanced.
size_t past_matching(const std::string& s, size_t open) {
  const char o = s[open], c = o == '(' ? ')' : '}';
  int depth = 0;
  for (size_t i = open; i < s.size(); ++i) {
    const char ch = s[i];
    if (ch == '"' || ch == '\'') {  // skip the literal, with its escapes
      for (++i; i < s.size() && s[i] != ch; ++i)
        if (s[i] == '\\') ++i;
      continue;
    }
    if (ch == o) ++depth;
    if (ch == c && --depth == 0) return i + 1;
  }
  return std::string::npos;
}

}  // namespace

std::string SharedFunctors::hoist(const std::string& expr) {
  std::string out;
  size_t pos = 0;
  for (size_t at; (at = expr.find("[](", pos)) != std::string::npos;) {
    const size_t params_end = past_matching(expr, at + 2);
    const size_t body = params_end == std::string::npos ? params_end : expr.find('{', params_end);
    // Only `[](params) {body}` (optionally `-> type` between): anything else is left as printed.
    bool plain = body != std::string::npos;
    for (size_t i = params_end; plain && i < body; ++i) plain = expr[i] != ';' && expr[i] != '(' && expr[i] != ')';
    const size_t end = plain ? past_matching(expr, body) : std::string::npos;
    if (end == std::string::npos) break;
    const std::string text = expr.substr(at, end - at);
    auto [it, fresh] = names_.emplace(text, "weft_fn_" + std::to_string(names_.size()));
    if (fresh) defs_ += "const auto " + it->second + " = " + text + ";\n";
    out += expr.substr(pos, at - pos) + it->second;
    pos = end;
  }
  return out + expr.substr(pos);
}

std::string SharedFunctors::definitions() const {
  if (defs_.empty()) return "";
  return "// The elementwise bodies of the operator calls, each once (SharedFunctors.h).\n" + defs_ + "\n";
}

}  // namespace weft::codegen
