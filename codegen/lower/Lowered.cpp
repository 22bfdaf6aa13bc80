// Lowered.cpp - lowering one function instance (tail calls, fusion groups, memory plan) and its text dump.
#include "codegen/lower/Lowered.h"

#include <vector>

#include "ir/ExprFunctor.h"
#include "ir/Lexer.h"
#include "ir/OpRegistry.h"

namespace weft::lower {

Type LoweredFunction::type_of(const Expr& e) const {
  WEFT_ASSERT(e->checked_type, "lowering needs a type-checked module");
  return instance->subst.empty() ? e->checked_type : substitute(e->checked_type, instance->subst);
}

LoweredFunction lower_function(const Module& m, const FunctionInstance& inst, const Instances& instances) {
  LoweredFunction f;
  f.instance = &inst;
  f.fn = m.function(inst.name);
  WEFT_ASSERT(f.fn, "lowering an instance of a function the module does not have");
  auto type_of = [&f](const Expr& e) { return f.type_of(e); };
  f.tail_calls = find_tail_calls(f.fn, inst, instances, type_of);
  f.fusion = group_operator_calls(f.fn->body, type_of);
  f.plan = plan_memory(f.fn->body, type_of);
  return f;
}

namespace {

// The statements dump() prints, in evaluation order, and the let variable naming each value.
class Statements : public ExprVisitor {
 public:
  explicit Statements(const LoweredFunction& f) : f_(f) {}
  std::vector<const ExprNode*> order;
  std::map<const ExprNode*, std::string> names;

 protected:
  using ExprVisitor::visit_;
  void visit_let_binding(const LetNode* let) override {
    names[let->value.get()] = local_name_text(let->var->name_hint);
    ExprVisitor::visit_let_binding(let);
  }
  void visit_(const CallNode* c) override {
    if (primitive_callee(*c)) {  // one statement: its body's ops are the group
      for (const Expr& a : c->args) visit(a);
      order.push_back(c);
      return;
    }
    ExprVisitor::visit_(c);
    if (as<OpNode>(c->callee) || f_.tail_calls.calls.count(c)) order.push_back(c);
  }
  void visit_(const IfNode* i) override {
    ExprVisitor::visit_(i);
    order.push_back(i);
  }
  void visit_(const MatchNode* m) override {
    ExprVisitor::visit_(m);
    order.push_back(m);
  }

 private:
  const LoweredFunction& f_;
};

std::string callee_text(const CallNode& c) {
  if (auto* op = as<OpNode>(c.callee)) return op->def->name;
  if (auto* g = as<GlobalVarNode>(c.callee)) return "@" + g->name;
  if (auto* v = as<VarNode>(c.callee)) return local_name_text(v->name_hint);
  if (primitive_callee(c)) return "a fused group";
  return "a closure";
}

}  // namespace

std::string dump(const LoweredFunction& f) {
  const FunctionInstance& inst = *f.instance;
  std::string s = "@" + inst.name;
  if (!inst.subst.empty()) {
    s += "[";
    for (size_t i = 0; i < inst.subst.size(); ++i) s += (i ? ", " : "") + inst.subst[i].first->name + "=" + type_str(inst.subst[i].second);
    s += "]";
  }
  s += "(";
  for (size_t i = 0; i < f.fn->params.size(); ++i)
    s += (i ? ", " : "") + local_name_text(f.fn->params[i]->name_hint) + ": " + type_str(f.type_of(f.fn->params[i]));
  s += ") -> " + type_str(f.type_of(f.fn->body)) + "\n";

  Statements st(f);
  st.visit(f.fn->body);
  auto name_of = [&](const ExprNode* n) {
    auto it = st.names.find(n);
    return it != st.names.end() ? it->second : callee_text(*static_cast<const CallNode*>(n));
  };
  for (const ExprNode* n : st.order) {
    std::string line;
    if (n->kind == ExprKind::Call) {
      auto* c = static_cast<const CallNode*>(n);
      if (f.tail_calls.calls.count(n)) {
        line = "self tail call " + callee_text(*c) + ": loop";
      } else {
        auto named = st.names.find(n);
        auto fused = f.fusion.fused.find(n);
        line = (fused != f.fusion.fused.end() ? "fused " : "op ") + (named != st.names.end() ? named->second + " = " : std::string()) +
               (fused != f.fusion.fused.end() ? fused->second.name() : callee_text(*c));
        line += ": group " + std::to_string(f.fusion.group_of.at(n));
        if (auto slot = f.plan.slot_of.find(n); slot != f.plan.slot_of.end()) {
          const PlannedSlot& sl = f.plan.slots[size_t(slot->second)];
          line += ", slot " + std::to_string(slot->second) + " (offset " + std::to_string(sl.offset) + ", " + std::to_string(sl.block) +
                  " bytes, " + dtype_name(sl.dtype) + ")";
        }
      }
    } else {
      line = n->kind == ExprKind::If ? "if" : "match";
      if (auto named = st.names.find(n); named != st.names.end()) line += " " + named->second;
    }
    if (auto rel = f.plan.release_after.find(n); rel != f.plan.release_after.end()) {
      line += "; release";
      for (size_t i = 0; i < rel->second.size(); ++i) line += (i ? ", " : " ") + name_of(rel->second[i]);
    }
    s += "  " + line + "\n";
  }
  s += "  frame: " + std::to_string(f.plan.slots.size()) + " slots, " + std::to_string(f.plan.frame_bytes) + " bytes (" +
       std::to_string(f.plan.naive_bytes) + " unshared)\n";
  return s;
}

}  // namespace weft::lower
