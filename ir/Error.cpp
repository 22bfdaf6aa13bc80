// Error.cpp - formatting of spans and diagnostics.
#include "ir/Error.h"

namespace weft {

std::string Span::str() const {
  std::string s = source;
  if (line > 0) {
    s += (s.empty() ? "" : ":") + std::to_string(line);
    if (column > 0) s += ":" + std::to_string(column);
  }
  return s;
}

std::string Diagnostic::str() const {
  std::string s = span.str();
  if (!s.empty()) s += ": ";
  s += severity == Severity::Error ? "error: " : severity == Severity::Warning ? "warning: " : "note: ";
  s += message;
  for (const auto& n : notes) s += "\n  note: " + n;
  return s;
}

void internal_error(const char* file, int line, const std::string& msg) {
  throw InternalError(std::string("internal error at ") + file + ":" + std::to_string(line) + ": " + msg);
}

}  // namespace weft
