// GradientTape.h - the gradient of an op defined as a composition of other registry ops: record, then replay their facets in reverse.
#pragma once

#include <deque>
#include <vector>

#include "ir/OpRegistry.h"

namespace weft::vjp {

// A straight-line composition of registry op calls (each bound to a variable, typed by its
// op's type relation), differentiated by calling each recorded op's own gradient facet in
// reverse order and summing the cotangents of values used several times. For ops whose
// definition is a loop of known length (the recurrent layers), written out step by step.
class GradientTape {
 public:
  using Node = size_t;
  // A value the composition starts from (a facet's argument: a variable or constant).
  Node input(const Expr& e, const Type& t);
  Node constant(const Tensor& value);
  Node scalar(double v, DType d);
  // A call of registry op `name` (attributes normalized here); CompileError if its type
  // relation refuses the arguments.
  Node op(const std::string& name, const std::vector<Node>& args, Attrs attrs = {});
  const Type& type(Node n) const { return nodes_[n].type; }

  // let-bound forward calls, then the backward pass seeded with `seeds` (node, its cotangent
  // expression); the result is a tuple of the cotangent of each of `wrt` in order (zeros of
  // its type where nothing reached it). Use it once: the facet returns its fields.
  Expr gradients(const std::vector<std::pair<Node, Expr>>& seeds, const std::vector<Node>& wrt) const;

 private:
  struct Entry {
    Expr value;  // a variable or constant
    Var var;     // the variable an op call is bound to
    Type type;
    const OpDef* op = nullptr;  // null for inputs and constants
    std::vector<Node> args;
    Attrs attrs;
    Expr call;  // the bound call
  };
  Node add(Entry e);
  std::vector<Entry> nodes_;
  std::deque<Tensor> constants_;  // values type relations may read
};

}  // namespace weft::vjp
