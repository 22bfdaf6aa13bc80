// Error.h - source spans, user-facing diagnostics and internal assertions.
#pragma once

#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace weft {

// Where an IR node came from: a text file position, an ONNX node, a TorchScript line.
struct Span {
  std::string source;  // file name, or "onnx node 'conv1' (Conv)" and the like
  int line = 0;        // 1-based, 0 when unknown
  int column = 0;
  bool known() const { return !source.empty() || line > 0; }
  std::string str() const;  // "file:line:col", "file", or "" when unknown
};

enum class Severity { Error, Warning, Note };

// Something a user can cause: a bad model, an unsupported op, a type error.
struct Diagnostic {
  Span span;
  Severity severity = Severity::Error;
  std::string message;
  std::vector<std::string> notes;
  std::string str() const;  // "file:3:7: error: message\n  note: ..."
};

// Thrown for user errors; carries one Diagnostic. Tools catch it at the top level,
// print it and exit nonzero. Never used for our own bugs (see WEFT_ASSERT).
class CompileError : public std::runtime_error {
 public:
  explicit CompileError(Diagnostic d) : std::runtime_error(d.str()), diag_(std::move(d)) {}
  CompileError(const Span& span, const std::string& message)
      : CompileError(Diagnostic{span, Severity::Error, message, {}}) {}
  explicit CompileError(const std::string& message) : CompileError(Span{}, message) {}
  const Diagnostic& diagnostic() const { return diag_; }

 private:
  Diagnostic diag_;
};

// Raised while a program runs (a failed shape check, an index out of range, an
// explicit raise in the model): the user's data or model is at fault.
class RuntimeError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Our own bug.
class InternalError : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

[[noreturn]] void internal_error(const char* file, int line, const std::string& msg);

// Builds a message with stream syntax: throw CompileError(span, Msg() << "got " << n).
class Msg {
 public:
  template <typename T>
  Msg& operator<<(const T& v) { os_ << v; return *this; }
  operator std::string() const { return os_.str(); }
  std::string str() const { return os_.str(); }

 private:
  std::ostringstream os_;
};

}  // namespace weft

#define WEFT_ASSERT(cond, ...)                                                     \
  do {                                                                             \
    if (!(cond))                                                                   \
      ::weft::internal_error(__FILE__, __LINE__,                                   \
                             (::weft::Msg() << "assertion '" #cond "' failed. " __VA_OPT__(<<) __VA_ARGS__).str()); \
  } while (0)
