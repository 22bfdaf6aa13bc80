// Inferencer.h - the state of one type inference run; internal to TypeInference*.cpp / Infer*.cpp.
#pragma once

#include <string>
#include <unordered_map>
#include <vector>

#include "ir/Module.h"
#include "ir/Unifier.h"

namespace weft::infer_detail {

// One run over a module or an expression. Expressions are walked in evaluation order
// (InferExprs.cpp), calls and op type relations are in InferCalls.cpp, functions and the
// final resolution of every checked_type in TypeInference.cpp. See the Note there.
class Inferencer {
 public:
  Inferencer(const Module& m, bool allow_free_vars) : m_(m), allow_free_vars_(allow_free_vars) {}

  void check_module();
  Type check_expr(const Expr& e);

 private:
  struct Global {
    Function fn;
    Type sig;  // FuncType; its ret is a unification variable until the body is checked
    enum State { Todo, Active, Done } state = Todo;
  };
  // An op call whose argument types were not known yet; its `result` stands in for it.
  struct PendingOp {
    const CallNode* call;
    std::vector<Type> args;
    Type result;
  };

  // ---- bookkeeping and messages (TypeInference.cpp) ----
  void record(const ExprNode* node, const Type& t);
  void bind(const Var& v, const Type& t);
  std::string show(const Type& t) const;
  [[noreturn]] void mismatch(const Span& where, const std::string& what, const Type& expected, const Type& found,
                             const Expr& offender, const Unifier::Conflict& c) const;
  void add_conflict_note(Diagnostic& d, const Type& expected, const Type& found, const Unifier::Conflict& c) const;
  [[noreturn]] static void fail(const Span& where, const std::string& msg);
  Type structure(const Type& t);

  // ---- functions (TypeInference.cpp) ----
  Global& global(const std::string& name, const Span& where);
  Type signature(const Function& fn, const std::string& owner, bool require_param_types);
  void check_body(const Function& fn, const Type& sig, const std::string& owner);
  void infer_global(const std::string& name, const Span& where);
  void finish();

  // ---- expressions (InferExprs.cpp) ----
  Type infer(const Expr& e);
  Type infer_var(const VarNode* v);
  Type infer_let_chain(const Expr& e);
  void bind_let(const LetNode* let);
  Type infer_tuple_get(const Expr& e);
  Type infer_if(const Expr& e);
  Type infer_match(const Expr& e);
  void bind_pattern(const Pattern& p, const Type& t, const Span& where, const Expr& scrutinee);
  Type infer_ref_read(const Expr& e);
  Type infer_ref_write(const Expr& e);

  // ---- calls (InferCalls.cpp) ----
  Type infer_constructor_value(const ConstructorNode* ctor);
  Type infer_call(const CallNode* call);
  Type infer_op_call(const CallNode* call, const OpNode* op);
  int first_unresolved(const std::vector<Type>& args) const;
  Type run_relation(const CallNode* call, const std::vector<Type>& args);
  void solve_pending(bool final);

  const Module& m_;
  bool allow_free_vars_;
  Unifier u_;
  std::unordered_map<const VarNode*, Type> locals_;
  // Variables let-bound to a constant: their value reaches type relations like a literal's.
  std::unordered_map<const VarNode*, const Tensor*> const_vars_;
  std::unordered_map<std::string, Global> globals_;
  std::vector<PendingOp> pending_;
  std::vector<const ExprNode*> visited_;  // every node given a type, in visit order
};

}  // namespace weft::infer_detail
