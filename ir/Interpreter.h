// Interpreter.h - the reference interpreter: runs any well-formed module on run-time values.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "ir/Module.h"
#include "ir/Value.h"

namespace weft {

// Runs IR directly; the oracle every other stage is checked against (DESIGN.md).
// Needs no type inference (checked_type is only read, where present, to tell a
// one-element tuple result of an op from a tensor). Evaluation is strict and left to
// right; tail calls run in constant stack, so a loop of any length is fine; deep
// non-tail nesting (a 100,000-deep call chain) runs on with_deep_stack.
//
// Errors: RuntimeError for anything the program or its data causes (no matching
// clause, a non-bool condition, a kernel's error, calling a non-function), its message
// prefixed with the position of the expression ("file.weft:3:7: ...").
//
// An Interpreter caches per-function frame layouts across calls; it is not thread-safe
// (use one per thread). The free functions below build a fresh one per call.
class Interpreter {
 public:
  explicit Interpreter(Module m);
  ~Interpreter();
  Interpreter(const Interpreter&) = delete;
  Interpreter& operator=(const Interpreter&) = delete;

  // Calls global `function` (RuntimeError if absent or the argument count is wrong).
  Value call(const std::string& function, const std::vector<Value>& args);
  // Calls a closure value, e.g. one a previous call returned.
  Value apply(const Value& closure, const std::vector<Value>& args);

 private:
  struct Machine;
  std::unique_ptr<Machine> machine_;
};

Value interpret(const Module& m, const std::string& function, const std::vector<Value>& args);
Value run_main(const Module& m, const std::vector<Value>& args);

}  // namespace weft
