// Expr.h - the expression nodes of the IR, listed once in an X-macro.
//
// Rules every pass may rely on:
// - Nodes are immutable and reference counted; build them only with the make_* functions
//   below, which check invariants. A node's `checked_type` is the one mutable slot: type
//   inference fills it.
// - Variables are compared by identity, never by name; name_hint is for printing only.
//   In a well-formed program each Var is bound exactly once (let, fn param, match pattern).
// - Evaluation is strict, call-by-value, left to right: a call evaluates callee then
//   arguments in order; let evaluates its value before its body; if evaluates only the
//   branch taken.
// - Effects: only ref_new / ref_write (and ops that raise run-time errors) have effects.
//   An expression free of them (and of calls to unknown functions) may be duplicated,
//   reordered or dropped when unused.
// - A loop is a tail-recursive function: a call in tail position does not grow the stack,
//   in the interpreter or in generated code.
#pragma once

#include <string>
#include <vector>

#include "ir/Attrs.h"
#include "ir/Error.h"
#include "ir/Ref.h"
#include "ir/Tensor.h"
#include "ir/Type.h"

namespace weft {

struct OpDef;

#define WEFT_FOR_EACH_EXPR(X) \
  X(Var)                      \
  X(GlobalVar)                \
  X(Constant)                 \
  X(Tuple)                    \
  X(TupleGet)                 \
  X(Let)                      \
  X(If)                       \
  X(Function)                 \
  X(Call)                     \
  X(Op)                       \
  X(Constructor)              \
  X(Match)                    \
  X(RefNew)                   \
  X(RefRead)                  \
  X(RefWrite)

enum class ExprKind {
#define X(n) n,
  WEFT_FOR_EACH_EXPR(X)
#undef X
};
const char* expr_kind_name(ExprKind k);

class ExprNode : public RefCounted {
 public:
  ExprNode(ExprKind k, Span s) : kind(k), span(std::move(s)) {}
  const ExprKind kind;
  const Span span;
  mutable Type checked_type;  // filled by type inference
};
using Expr = Ref<ExprNode>;

#define X(n) struct n##Node;
WEFT_FOR_EACH_EXPR(X)
#undef X
#define X(n) using n = Ref<n##Node>;
WEFT_FOR_EACH_EXPR(X)
#undef X

// A local variable. `annotation` is the declared type, or null when left to inference.
struct VarNode : ExprNode {
  VarNode(std::string n, Type a, Span s) : ExprNode(ExprKind::Var, std::move(s)), name_hint(std::move(n)), annotation(std::move(a)) {}
  std::string name_hint;
  Type annotation;
};

// A module-level function, by name (`@main`).
struct GlobalVarNode : ExprNode {
  GlobalVarNode(std::string n, Span s) : ExprNode(ExprKind::GlobalVar, std::move(s)), name(std::move(n)) {}
  std::string name;
};

// Tensor data known at compile time.
struct ConstantNode : ExprNode {
  ConstantNode(Tensor v, Span s) : ExprNode(ExprKind::Constant, std::move(s)), value(std::move(v)) {}
  Tensor value;
};

struct TupleNode : ExprNode {
  TupleNode(std::vector<Expr> f, Span s) : ExprNode(ExprKind::Tuple, std::move(s)), fields(std::move(f)) {}
  std::vector<Expr> fields;
};

// tuple.index
struct TupleGetNode : ExprNode {
  TupleGetNode(Expr t, int i, Span s) : ExprNode(ExprKind::TupleGet, std::move(s)), tuple(std::move(t)), index(i) {}
  Expr tuple;
  int index;
};

// let var = value; body
struct LetNode : ExprNode {
  LetNode(Var v, Expr val, Expr b, Span s)
      : ExprNode(ExprKind::Let, std::move(s)), var(std::move(v)), value(std::move(val)), body(std::move(b)) {}
  Var var;
  Expr value;
  Expr body;
};

// if (cond) { then } else { else }; cond is a bool scalar tensor.
struct IfNode : ExprNode {
  IfNode(Expr c, Expr t, Expr e, Span s)
      : ExprNode(ExprKind::If, std::move(s)), cond(std::move(c)), then_branch(std::move(t)), else_branch(std::move(e)) {}
  Expr cond;
  Expr then_branch;
  Expr else_branch;
};

// fn[T...](params) -> ret_type attrs(...) { body }: a closure capturing the free variables
// of body. Module-level functions are Functions too. ret_type may be null (inferred).
// `attrs` are marks for passes, not semantics: a pass may drop them and the program means
// the same (see kFunctionAttr* below for the names passes agree on).
struct FunctionNode : ExprNode {
  FunctionNode(std::vector<Var> p, Type r, Expr b, std::vector<TypeVar> tp, Span s, Attrs a)
      : ExprNode(ExprKind::Function, std::move(s)), params(std::move(p)), ret_type(std::move(r)), body(std::move(b)),
        type_params(std::move(tp)), attrs(std::move(a)) {}
  std::vector<Var> params;
  Type ret_type;
  Expr body;
  std::vector<TypeVar> type_params;
  Attrs attrs;
};

// Function attribute names the passes share. primitive=1: the function is a fused group
// that later passes treat as one operator (no inlining into it, no fusing across it).
// inline="always" | "never": a hint to an inliner.
inline constexpr const char* kFunctionAttrPrimitive = "primitive";
inline constexpr const char* kFunctionAttrInline = "inline";

// callee(args...). The callee is an Op (then `attrs` holds its normalized attributes),
// a Constructor, a GlobalVar, or any expression of function type.
struct CallNode : ExprNode {
  CallNode(Expr c, std::vector<Expr> a, Attrs at, Span s)
      : ExprNode(ExprKind::Call, std::move(s)), callee(std::move(c)), args(std::move(a)), attrs(std::move(at)) {}
  Expr callee;
  std::vector<Expr> args;
  Attrs attrs;
};

// A reference to a registered operator; only valid as a Call's callee.
struct OpNode : ExprNode {
  OpNode(const OpDef* d) : ExprNode(ExprKind::Op, Span{}), def(d) {}
  const OpDef* def;
  const std::string& name() const;
};

// A constructor of an algebraic data type (Cons, Nil, Some, None, ...). `fields` are in
// terms of the ADT's type parameters `adt_params`.
struct ConstructorNode : ExprNode {
  ConstructorNode(std::string n, std::string a, int t, std::vector<Type> f, std::vector<TypeVar> ap)
      : ExprNode(ExprKind::Constructor, Span{}), name(std::move(n)), adt(std::move(a)), tag(t), fields(std::move(f)),
        adt_params(std::move(ap)) {}
  std::string name;
  std::string adt;  // name of the ADT it builds
  int tag;          // index among the ADT's constructors
  std::vector<Type> fields;
  std::vector<TypeVar> adt_params;
};

// Patterns of a match clause: `_`, `%x`, `Cons(%h, _)`, `(%a, %b)`.
enum class PatternKind { Wildcard, Var, Constructor, Tuple };
class PatternNode : public RefCounted {
 public:
  PatternNode(PatternKind k, Var v, Constructor c, std::vector<Ref<PatternNode>> s)
      : kind(k), var(std::move(v)), ctor(std::move(c)), sub(std::move(s)) {}
  PatternKind kind;
  Var var;                            // Var patterns
  Constructor ctor;                   // Constructor patterns
  std::vector<Ref<PatternNode>> sub;  // Constructor and Tuple patterns
};
using Pattern = Ref<PatternNode>;

struct Clause {
  Pattern pattern;
  Expr body;
};

// match (scrutinee) { pattern => body, ... }: the first matching clause runs; no match
// is a run-time error.
struct MatchNode : ExprNode {
  MatchNode(Expr d, std::vector<Clause> c, Span s) : ExprNode(ExprKind::Match, std::move(s)), scrutinee(std::move(d)), clauses(std::move(c)) {}
  Expr scrutinee;
  std::vector<Clause> clauses;
};

struct RefNewNode : ExprNode {
  RefNewNode(Expr v, Span s) : ExprNode(ExprKind::RefNew, std::move(s)), value(std::move(v)) {}
  Expr value;
};
struct RefReadNode : ExprNode {
  RefReadNode(Expr r, Span s) : ExprNode(ExprKind::RefRead, std::move(s)), ref(std::move(r)) {}
  Expr ref;
};
// Writes value into ref; evaluates to ().
struct RefWriteNode : ExprNode {
  RefWriteNode(Expr r, Expr v, Span s) : ExprNode(ExprKind::RefWrite, std::move(s)), ref(std::move(r)), value(std::move(v)) {}
  Expr ref;
  Expr value;
};

// Typed downcast: as<LetNode>(e) is null unless e is a Let.
template <typename N>
const N* as(const Expr& e);
#define X(n) \
  template <> inline const n##Node* as<n##Node>(const Expr& e) { return e && e->kind == ExprKind::n ? static_cast<const n##Node*>(e.get()) : nullptr; }
WEFT_FOR_EACH_EXPR(X)
#undef X

// Factories; each checks its structural invariants (no null children, index >= 0, ...).
Var make_var(std::string name_hint, Type annotation = nullptr, Span span = {});
GlobalVar make_global_var(std::string name, Span span = {});
Constant make_constant(Tensor value, Span span = {});
Tuple make_tuple(std::vector<Expr> fields, Span span = {});
TupleGet make_tuple_get(Expr tuple, int index, Span span = {});
Let make_let(Var var, Expr value, Expr body, Span span = {});
If make_if(Expr cond, Expr then_branch, Expr else_branch, Span span = {});
Function make_function(std::vector<Var> params, Type ret_type, Expr body, std::vector<TypeVar> type_params = {}, Span span = {},
                       Attrs attrs = {});
Call make_call(Expr callee, std::vector<Expr> args, Span span = {});
// An operator call: looks the op up, checks the argument count and normalizes the
// attributes against its schema. CompileError at `span` for an unknown op or a bad call.
Call make_op_call(const std::string& op, std::vector<Expr> args, Attrs attrs = {}, Span span = {});
Op op_ref(const std::string& name);  // the shared Op node; CompileError if unknown
Match make_match(Expr scrutinee, std::vector<Clause> clauses, Span span = {});
RefNew make_ref_new(Expr value, Span span = {});
RefRead make_ref_read(Expr ref, Span span = {});
RefWrite make_ref_write(Expr ref, Expr value, Span span = {});

Pattern pattern_wildcard();
Pattern pattern_var(Var v);
Pattern pattern_constructor(Constructor c, std::vector<Pattern> sub);
Pattern pattern_tuple(std::vector<Pattern> sub);

// The op name when `e` is a call of an op, else "".
const std::string& called_op_name(const Expr& e);

}  // namespace weft
