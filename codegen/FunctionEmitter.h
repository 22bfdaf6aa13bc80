// FunctionEmitter.h - the host emitter of one lowered function instance: A-normal form, self tail calls as a loop,
// closures as lambdas, ADT values, match and references over the runtime's value types (rt/Values.h); the target prints operator calls.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "codegen/SplitBody.h"
#include "codegen/Target.h"
#include "codegen/Weights.h"
#include "codegen/lower/Lowered.h"
#include "ir/Module.h"

namespace weft::codegen {

using lower::FunctionInstance;
using lower::Instances;
using lower::TypeSubst;
using lower::match_type;

// The C++ name of global function @name (of its only instance when monomorphic).
std::string cpp_function_name(const std::string& name);
// fn_name, or fn_name__N for the N-th instance of a polymorphic function.
std::string cpp_instance_name(const FunctionInstance& inst);
// `R fn_name(T a, ...)`, the signature of an instance (params by value: a loop reassigns them).
std::string cpp_signature(const FunctionInstance& inst, const Function& fn, const Target& target);

// One emitted function instance: its definition (an IR comment line, then the signature and
// body, without a storage class) and, when its body was split (SplitBody.h), the frame struct,
// the chunk functions and their declarations, which go before it.
struct EmittedFunction {
  std::string definition;
  SplitFunction split;
};

// Prints host C++ for every construct but operator calls, frames and the tensor type, which it
// asks of `target` (codegen/Target.h).
class FunctionEmitter {
 public:
  FunctionEmitter(const Module& m, Weights& weights, Instances& instances, Target& target)
      : module_(m), weights_(weights), instances_(instances), target_(target) {}
  // The definition of the lowered instance `f`, preceded by a comment with its IR signature.
  // Instances it calls or uses as values are requested from `instances`.
  EmittedFunction emit(const lower::LoweredFunction& f);
  // Whether the code emitted so far may recurse without bound on the C++ stack: a cycle of
  // calls between instances (self tail calls are loops, not calls), or any call of a
  // closure (which may reach itself through a captured value or a reference). Such a
  // model runs on a thread with a large stack, as the interpreter does.
  bool may_recurse() const;

 private:
  // The function whose body is being emitted: a global instance or a closure literal.
  struct Scope {
    const FunctionInstance* inst = nullptr;  // a global: its self tail calls loop
    const VarNode* self = nullptr;           // a let-bound closure: calls of this var are self calls
    std::vector<Var> params;
    Type ret;
    bool loops = false;  // a self tail call was emitted
  };

  // Emits statements computing e and returns a C++ expression for it; `hint` names the
  // variable holding the result (a let's name). `expected` is the type the context gives
  // e; it is needed only for a bare constructor (`Nil`), whose shared node has no instance type.
  std::string value(const Expr& e, const std::string& hint = "", const Type& expected = Type());
  void tail(const Expr& e);  // emits statements returning e (a self tail call becomes `continue`)
  Expr bind_lets(Expr e);    // emits a let-chain's bindings; returns its final body
  bool self_tail_call(const Expr& e);
  std::string op_call(const CallNode& call, const std::string& hint);
  std::string fused_call(const CallNode& call, const std::string& hint);
  std::string global_call(const CallNode& call, const std::string& callee, const std::string& hint);
  std::string closure_call(const CallNode& call, const std::string& hint);
  std::string args_of(const CallNode& call, const std::vector<Type>& param_types);
  std::string bind(const Type& t, const Span& where, const std::string& hint, const std::string& expr, const std::string& comment);
  std::string bind(const Expr& e, const std::string& hint, const std::string& expr, const std::string& comment);

  // ADTs, match, closures and references (DataEmitter.cpp).
  std::string ctor_call(const CallNode& call, const std::string& hint);
  std::string ctor_value(const ConstructorNode& c, const Type& t, const Span& where, const std::string& hint);
  std::string global_value(const Expr& g, const std::string& hint);
  std::string closure(const Expr& fn, const std::string& hint, const Var& self);
  std::string poly_closure_call(const CallNode& call, const VarNode* var, const std::string& hint);
  std::string poly_instance(const CallNode& call, const VarNode* var, TypeSubst& inst);
  std::string scrutinee(const MatchNode& m, Type& t);
  void match(const Expr& e, const std::string& result, bool in_tail);
  void pattern_test(const Pattern& p, const std::string& path, const Type& t, std::vector<std::string>& conds);
  void pattern_bind(const Pattern& p, const std::string& path, const Type& t);
  std::string ref_expr(const Expr& e, const std::string& hint);

  Type type_of(const Expr& e) const;  // checked type with the instance's type arguments substituted
  Type type_at(const Expr& e, const Type& expected);
  std::string cpp(const Type& t, const Expr& where) const;
  std::string fresh(const std::string& hint);
  void line(const std::string& s);
  std::string loop_wrapped(const std::string& body) const;
  void release_dead(const ExprNode* after);   // drops the results the plan says die after `after`
  [[noreturn]] void unsupported(const Expr& e, const std::string& what);

  const Module& module_;
  Weights& weights_;
  Instances& instances_;
  Target& target_;
  const lower::LoweredFunction* lowered_ = nullptr;   // the global instance being emitted
  std::map<const ExprNode*, std::string> produced_;   // op call -> the C++ variable holding its result
  const FunctionInstance* inst_ = nullptr;
  TypeSubst subst_;  // the instance's type arguments, and those of a polymorphic closure being emitted
  // Let-bound polymorphic closure literals (`let %f = fn[A] ...`), called only: each call
  // emits the closure at its instance. `poly_key_` holds the instance being emitted.
  std::map<const VarNode*, Expr> poly_closures_;
  std::map<const VarNode*, std::string> poly_key_;
  Function fn_;
  Scope scope_;
  std::string out_;
  int indent_ = 1;
  std::map<const VarNode*, std::string> vars_;
  std::map<std::string, int> used_;  // shared by nested lambdas, so their names never shadow a capture
  std::map<const FunctionInstance*, std::vector<const FunctionInstance*>> calls_;  // calls emitted, by caller
  bool calls_closures_ = false;
};

}  // namespace weft::codegen
