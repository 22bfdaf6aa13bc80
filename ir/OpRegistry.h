// OpRegistry.h - the one table of operators: every facet of an op lives in its entry.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ir/Attrs.h"
#include "ir/Expr.h"
#include "ir/Tensor.h"
#include "ir/Type.h"

namespace weft {

// How an op may be fused with its neighbours (Relay's TOpPattern).
enum class OpPattern { Elementwise, Broadcast, Injective, Reduction, OutFusable, Opaque };
const char* op_pattern_name(OpPattern p);

struct AttrSpec {
  std::string name;
  AttrKind kind;
  std::optional<AttrValue> default_value;  // nullopt: required
  std::string doc;
};

// What a type relation knows about one argument: its type, and its value when the
// argument is a compile-time constant (so reshape(x, const [2, -1]) gets a static type).
struct ArgInfo {
  Type type;
  const Tensor* value = nullptr;
};

// Given argument types (never null; tensor args are TensorTypes, see OpDef::tuple_input)
// and the call's attributes (defaults filled), returns the result type: a TensorType,
// or a TupleType for ops with several outputs. Reports a user error by throwing
// TypeRelationError with a message saying what was expected and what was found.
using TypeRelation = std::function<Type(const std::vector<ArgInfo>& args, const Attrs& attrs)>;

// Computes the outputs from input tensors. One tensor per output (one for a
// single-output op, tuple arity otherwise). Throws RuntimeError on bad data
// (an index out of range, a reshape that does not fit).
using RefKernel = std::function<std::vector<Tensor>(const std::vector<Tensor>& inputs, const Attrs& attrs)>;

// What a CPU emitter is given for one op call. The code generator has already bound
// every argument to a C++ variable of the runtime's tensor type (weft_rt::Tensor); the
// emitter returns one C++ expression computing the result tensor from them, using the
// header-only runtime (codegen/runtime/include/weft/rt). Types are static here, so the
// emitter picks element types and normalizes axes at compile time; dims are run-time.
struct CpuEmitArgs {
  std::vector<std::string> args;         // C++ names of the argument tensors
  std::vector<DType> arg_dtypes;
  std::vector<int> arg_ranks;
  DType result_dtype = DType::F32;      // of the (first) output
  int result_rank = 0;
  // One entry per output. An op with several outputs (a TupleType result: split, topk,
  // lstm) returns an expression of type std::tuple<weft_rt::Tensor, ...>, one per output.
  std::vector<DType> result_dtypes;
  std::vector<int> result_ranks;
  const Attrs* attrs = nullptr;          // normalized (defaults filled)
  // Ops with OpDef::out_epilogue: the C++ name of a weft_rt::Epilogue<T> (rt/Epilogue.h) the
  // kernel applies to its result's tiles, passed as its last argument; empty for none.
  std::string epilogue;
};
// Returns the C++ expression; throws CompileError to reject a case it does not handle
// (a dtype, an attribute value), saying what.
using CpuEmitter = std::function<std::string(const CpuEmitArgs&)>;

// The run-time shape function of an op in the generated code: given the same arguments as
// the CPU emitter, returns one C++ expression of type weft_rt::Shapes (one weft_rt::Shape per
// output) computing the result dims from the argument tensors' shapes, and from their values
// where the result shape depends on data (reshape's target, range, non_zero's count). It
// reads only shapes and integer values, so f16/bf16 arguments are passed as they are. The
// generated code calls it where the result type has a symbolic or unknown dim, ahead of the
// kernel, and checks the kernel's result against it (kernels still allocate their outputs;
// the dims computed first are what a destination-passing kernel or a run-time memory plan
// would allocate from). With CpuEmitOptions::check_shapes every op call does this.
using CpuShapeEmitter = std::function<std::string(const CpuEmitArgs&)>;

// The scalar expression of an Elementwise or Broadcast op: one element of the result from one
// element of each argument, as C++ text. The op family's table compiles the interpreter's kernel
// from the same line (ir/ops/ElementwiseKernels.h), so the CPU emitter, a fused loop or a GPU
// emitter that prints the text computes what the interpreter does. The text names:
//  - the argument elements by `params`, in argument order ("x"; "a", "b"), each a value of its
//    argument's compute type (float for f16/bf16, the dtype's own C++ type otherwise);
//  - C, the compute type of the first argument, which the consumer defines;
//  - functions of <cmath> and of the runtime's exact-scalar header (weft_rt::..., in
//    weft/rt/scalar/Scalar.h, the one runtime header ir/ includes too);
//  - the call's attributes as literals (the facet binds them).
// The consumer converts the value to the result's element type (`R(text)`), as the kernels do.
struct ScalarExpr {
  std::vector<std::string> params;
  std::string text;
};
// Given the call's attributes (normalized) and its argument dtypes, the expression.
using ScalarExprFn = std::function<ScalarExpr(const Attrs& attrs, const std::vector<DType>& arg_dtypes)>;

// What a gradient facet is given for one op call `result = op(args...)` inside a program being
// differentiated (opt/Gradient.h). Arguments and result are variables or constants, so the
// facet may use each any number of times; their types are those type inference gave.
struct GradientCall {
  std::vector<Expr> args;
  std::vector<Type> arg_types;
  const Attrs* attrs = nullptr;  // normalized (defaults filled)
  Expr result;
  Type result_type;
  // d(result): an expression of result_type (a tuple of one cotangent per output for an op
  // with several outputs). Every output has one; an unused output's is zeros.
  Expr cotangent;
};
// The vector-Jacobian product of one op call, built from calls of other registry ops: one
// expression per argument, the argument's cotangent of its type, or null for an argument
// that takes none (an integer index, a shape, a mask). Non-float arguments always get null.
using GradientFn = std::function<std::vector<Expr>(const GradientCall& call)>;

class TypeRelationError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct OpDef {
  std::string name;     // "add", "conv", "reduce_sum"
  std::string doc;      // one line
  int min_inputs = 0;
  int max_inputs = 0;   // -1: variadic
  std::vector<AttrSpec> attrs;
  OpPattern pattern = OpPattern::Opaque;
  TypeRelation type_relation;
  RefKernel kernel;
  // Elementwise and Broadcast ops: their scalar expression; an op that has none says why in
  // no_scalar_expr (the registry test requires one or the other).
  ScalarExprFn scalar_expr;
  std::string no_scalar_expr;
  // The argument whose buffer the result may share (a view: reshape, squeeze, identity), or -1
  // when the result is always a fresh buffer. The memory plan keeps a viewed buffer alive as
  // long as its view.
  int view_of = -1;
  // When the reference kernel raises a RuntimeError for argument *values* that the type
  // relation accepts (a zero integer divisor, an index out of range, a reshape target that
  // does not fit), the condition in a few words; empty when only shapes the type relation
  // could not check (unknown dims) make it raise. Passes that drop or move op calls read
  // it (opt/Purity.h): a call that may raise keeps its place, since the error is its effect.
  std::string raises_on_values;
  // OutFusable ops whose kernel applies an elementwise epilogue to each output tile as it
  // stores it (conv, matmul, gemm): fuse-ops groups such a call with the elementwise tree
  // reading its result, and the CPU emitter receives the epilogue (CpuEmitArgs::epilogue).
  bool out_epilogue = false;
  CpuEmitter emit_cpu;  // null: the CPU code generator rejects the op
  CpuShapeEmitter shape_cpu;  // run-time shape function; every op with emit_cpu has one
  // Differentiable ops: the vector-Jacobian product (see GradientFn); an op that has none says
  // why in no_gradient (comparisons, integer ops, argmax). The registry test requires one or the
  // other (or the op on its list of gradients still to write).
  GradientFn gradient;
  std::string no_gradient;
  // Facets of later stages (CUDA emitter) become further members here; nothing
  // outside the entry switches on op names.

  const AttrSpec* find_attr(const std::string& attr) const;
};

// Fluent registration, in the style of RELAY_REGISTER_OP: one chain per op holds every facet.
//   reg.add("relu").doc("max(x, 0)").inputs(1).pattern(OpPattern::Elementwise)
//      .type_relation(SameAsInput).kernel(ReluKernel).scalar_expr(...).shape_cpu(...).emit_cpu(...);
class OpDefBuilder {
 public:
  explicit OpDefBuilder(OpDef* def) : def_(def) {}
  OpDefBuilder& doc(std::string d) { def_->doc = std::move(d); return *this; }
  OpDefBuilder& inputs(int n) { def_->min_inputs = def_->max_inputs = n; return *this; }
  OpDefBuilder& inputs(int min, int max) { def_->min_inputs = min; def_->max_inputs = max; return *this; }
  OpDefBuilder& attr(std::string name, AttrKind kind, std::optional<AttrValue> def = std::nullopt, std::string doc = "") {
    def_->attrs.push_back({std::move(name), kind, std::move(def), std::move(doc)});
    return *this;
  }
  OpDefBuilder& pattern(OpPattern p) { def_->pattern = p; return *this; }
  OpDefBuilder& type_relation(TypeRelation r) { def_->type_relation = std::move(r); return *this; }
  OpDefBuilder& kernel(RefKernel k) { def_->kernel = std::move(k); return *this; }
  OpDefBuilder& scalar_expr(ScalarExprFn e) { def_->scalar_expr = std::move(e); return *this; }
  OpDefBuilder& no_scalar_expr(std::string why) { def_->no_scalar_expr = std::move(why); return *this; }
  OpDefBuilder& view_of(int arg) { def_->view_of = arg; return *this; }
  OpDefBuilder& raises_on_values(std::string when) { def_->raises_on_values = std::move(when); return *this; }
  OpDefBuilder& out_epilogue() { def_->out_epilogue = true; return *this; }
  OpDefBuilder& emit_cpu(CpuEmitter e) { def_->emit_cpu = std::move(e); return *this; }
  OpDefBuilder& shape_cpu(CpuShapeEmitter e) { def_->shape_cpu = std::move(e); return *this; }
  OpDefBuilder& gradient(GradientFn g) { def_->gradient = std::move(g); return *this; }
  OpDefBuilder& no_gradient(std::string why) { def_->no_gradient = std::move(why); return *this; }

 private:
  OpDef* def_;
};

class OpRegistry {
 public:
  // The process-wide registry, filled on first use by every op family (ops/AllOps.cpp).
  static const OpRegistry& global();

  const OpDef* find(const std::string& name) const;  // null if absent
  std::vector<const OpDef*> all() const;             // sorted by name
  // The op's one builder chain, which sets every facet; InternalError on a duplicate.
  OpDefBuilder add(const std::string& name);

 private:
  std::map<std::string, std::unique_ptr<OpDef>> ops_;
};

// Checks `attrs` against the op's schema and returns them with defaults filled in.
// Throws CompileError (at `where`) for an unknown attribute, a wrong kind (an int is
// accepted for a float) or a missing required one.
Attrs normalize_attrs(const OpDef& op, const Attrs& attrs, const struct Span& where);

}  // namespace weft
