// Fusion.cpp - the placeholder grouping: one group per operator call, in evaluation order.
#include "codegen/lower/Fusion.h"

#include "ir/ExprFunctor.h"

namespace weft::lower {

namespace {

class OperatorCalls : public ExprVisitor {
 public:
  explicit OperatorCalls(FusionGroups& out) : out_(out) {}

 protected:
  using ExprVisitor::visit_;
  void visit_(const CallNode* call) override {
    ExprVisitor::visit_(call);  // arguments first: a group comes after those it reads
    if (!as<OpNode>(call->callee)) return;
    out_.group_of[call] = int(out_.groups.size());
    out_.groups.push_back({call});
  }

 private:
  FusionGroups& out_;
};

}  // namespace

FusionGroups group_operator_calls(const Expr& body) {
  FusionGroups out;
  OperatorCalls(out).visit(body);
  return out;
}

}  // namespace weft::lower
