// CpuFunctionEmitter.h - one IR function as one C++ function: A-normal form, self tail calls as a loop.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "codegen/Weights.h"
#include "ir/Module.h"

namespace weft::codegen {

// The C++ name of global function @name.
std::string cpp_function_name(const std::string& name);
// The C++ names of fn's parameters, in order.
std::vector<std::string> cpp_param_names(const Function& fn);
// `R fn_name(weft_rt::Tensor a, ...)`, the signature of @name (params by value: a loop reassigns them).
std::string cpp_signature(const std::string& name, const Function& fn);

class CpuFunctionEmitter {
 public:
  CpuFunctionEmitter(const Module& m, Weights& weights) : module_(m), weights_(weights) {}
  // The definition of @name, preceded by a comment with its IR signature.
  std::string emit(const std::string& name, const Function& fn);

 private:
  // Emits statements computing e and returns a C++ expression for it; `hint` names the
  // variable holding the result (a let's name), else it is named after the op or callee.
  std::string value(const Expr& e, const std::string& hint = "");
  void tail(const Expr& e);
  Expr bind_lets(Expr e);            // emits a let-chain's bindings; returns its final body          // emits statements returning e (a self call becomes `continue`)
  std::string op_call(const CallNode& call, const std::string& hint);
  std::string global_call(const CallNode& call, const std::string& callee, const std::string& hint);
  std::string bind(const Expr& e, const std::string& hint, const std::string& expr, const std::string& comment);
  std::string fresh(const std::string& hint);
  void line(const std::string& s);
  [[noreturn]] void unsupported(const Expr& e, const std::string& what);

  const Module& module_;
  Weights& weights_;
  std::string name_;
  Function fn_;
  std::string out_;
  int indent_ = 1;
  bool loops_ = false;  // a self tail call was emitted
  std::map<const VarNode*, std::string> vars_;
  std::map<std::string, int> used_;
};

}  // namespace weft::codegen
