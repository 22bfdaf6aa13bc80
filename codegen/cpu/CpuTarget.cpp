// CpuTarget.cpp - the CPU side of the target interface: the operators' CPU facets, PlanFrame, weft_rt::Tensor, g++.
#include "codegen/cpu/CpuTarget.h"

#include "ir/ops/CpuEmit.h"

namespace weft::codegen {

void CpuTarget::check_operator(const OpDef& def) const {
  if (!def.emit_cpu) throw Unsupported{"operator '" + def.name + "' (it has no CPU emitter)"};
}

std::string CpuTarget::group_call(const std::vector<OperatorCall>& group) {
  // Fusion groups are one call each for now (codegen/lower/Fusion.h).
  if (group.size() != 1) throw Unsupported{"fused groups of several operator calls"};
  const OperatorCall& c = group[0];
  const OpDef* def = c.def;
  check_operator(*def);
  CpuEmitArgs a;
  for (const TensorTypeNode* r : c.result_types) {
    a.result_dtypes.push_back(r->dtype);
    a.result_ranks.push_back(r->rank());
  }
  for (size_t i = 0; i < c.args.size(); ++i) {
    a.args.push_back(c.args[i]);
    a.arg_dtypes.push_back(c.arg_types[i]->dtype);
    a.arg_ranks.push_back(c.arg_types[i]->rank());
  }
  a.result_dtype = a.result_dtypes[0];
  a.result_rank = a.result_ranks[0];
  a.attrs = &c.call->attrs;
  // Dims not known here are computed at run time by the op's shape function before its
  // kernel runs (and, with check_shapes, every op's are, to test the shape functions).
  bool dynamic = false;
  for (const TensorTypeNode* r : c.result_types) {
    dynamic = dynamic || !r->has_rank();
    for (const Dim& d : r->shape) dynamic = dynamic || !d.is_static();
  }
  std::string shapes;
  if (dynamic || check_shapes_) {
    if (!def->shape_cpu) throw Unsupported{"operator '" + def->name + "' with run-time dims (it has no run-time shape function)"};
    shapes = def->shape_cpu(a);
  }
  std::string expr = functors_.hoist(cpu_emit_op(def->emit_cpu, std::move(a)));
  // Plain calls, no lambda per call site (each would be a function for g++ to instantiate and inline).
  if (!shapes.empty()) expr = "weft_rt::ShapedCall(" + shapes + ", \"" + def->name + "\").check(" + expr + ")";
  return expr;
}

std::string CpuTarget::frame(const lower::MemoryPlan& plan) const {
  if (plan.slots.empty()) return "";
  std::string slots;
  for (const lower::PlannedSlot& sl : plan.slots)
    slots += (slots.empty() ? "" : ", ") + std::string("{") + std::to_string(sl.offset) + ", " + std::to_string(sl.block) +
             ", weft_rt::dl_dtype<" + cpu_ctype(sl.dtype, "") + ">()}";
  return "  // Memory plan: " + std::to_string(plan.slots.size()) + " intermediates of static shape share a " +
         std::to_string(plan.frame_bytes) + "-byte frame (" + std::to_string(plan.naive_bytes) + " bytes unshared).\n" +
         "  static const weft_rt::PlanSlot weft_plan_slots[] = {" + slots + "};\n" +
         "  weft_rt::PlanFrame weft_plan(weft_plan_slots, " + std::to_string(plan.slots.size()) + ", " +
         std::to_string(plan.frame_bytes) + ");\n";
}

std::string CpuTarget::in_slot(int slot, const std::string& expr) const {
  return "weft_plan.offer(" + std::to_string(slot) + ").take(" + expr + ")";
}

std::string CpuTarget::release(const std::string& var) const { return var + " = weft_rt::Tensor();"; }

std::string CpuTarget::tensor_type(DType dtype) const {
  cpu_ctype(dtype, "");  // rejects dtypes the runtime has no element type for
  return "weft_rt::Tensor";
}

std::string CpuTarget::element_type(DType dtype) const { return cpu_ctype(dtype, ""); }

std::string CpuTarget::condition(const std::string& scalar) const { return scalar + ".item<bool>()"; }

// The runtime first: weft compile may have a precompiled header of it, which g++ uses only
// for the first include of the file (Toolchain.h). The fused loops' driver is header-only and
// small, and outside runtime.h so the precompiled runtime archives do not depend on it.
std::string CpuTarget::prologue() const {
  return "#include \"weft/runtime.h\"\n#include \"weft/rt/Fused.h\"\n\n#include <cmath>\n#include <tuple>\n#include <utility>\n\n";
}

BuildRecipe CpuTarget::build_recipe(const std::string& name) const { return cpu_build_recipe(name, toolchain_); }

}  // namespace weft::codegen
