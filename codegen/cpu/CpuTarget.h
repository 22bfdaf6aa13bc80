// CpuTarget.h - the CPU target: operator calls through the operators' CPU facets, host frames, weft_rt::Tensor, g++.
#pragma once

#include "codegen/Target.h"
#include "codegen/cpu/FusedLoop.h"
#include "codegen/cpu/SharedFunctors.h"
#include "codegen/cpu/Toolchain.h"

namespace weft::codegen {

// Operator calls print through each operator's emit_cpu facet (via cpu_emit_op, ir/ops/CpuEmit.h,
// which widens f16/bf16 to f32) as plain calls of the runtime's CPU kernels, and, where result
// dims are only known at run time, through its shape_cpu facet:
// `weft_rt::ShapedCall(shapes, op).check(kernel(...))`. Planned results go to a
// weft_rt::PlanFrame in host memory; the build is Toolchain's (g++).
class CpuTarget : public Target {
 public:
  // check_shapes: every operator call runs its shape function and checks its kernel's result
  // against it (the test suites' mode); otherwise only calls with run-time dims do.
  explicit CpuTarget(bool check_shapes = false, ToolchainOptions toolchain = {})
      : check_shapes_(check_shapes), toolchain_(std::move(toolchain)) {}

  std::string name() const override { return "CPU"; }
  void check_operator(const OpDef& def) const override;
  std::string group_call(const std::vector<OperatorCall>& group) override;
  std::string frame(const lower::MemoryPlan& plan) const override;
  std::string in_slot(int slot, const std::string& expr) const override;
  std::string release(const std::string& var) const override;
  std::string tensor_type(DType dtype) const override;
  std::string element_type(DType dtype) const override;
  std::string condition(const std::string& scalar) const override;
  std::string prologue() const override;
  // A fused group: a call of its one-loop-nest function (FusedLoop.h).
  std::string fused_call(const FusedCall& c) override { return fused_.call(*c.kernel, c.args); }
  std::string file_scope() const override { return functors_.definitions() + fused_.definitions(); }
  std::string global_scope() const override { return functors_.global_definitions(); }
  BuildRecipe build_recipe(const std::string& name) const override;

 private:
  bool check_shapes_ = false;
  ToolchainOptions toolchain_;
  SharedFunctors functors_;  // across all functions of the module
  FusedLoops fused_;
};

}  // namespace weft::codegen
