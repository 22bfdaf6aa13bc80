// InlineFunctions.cpp - replaces calls of small or once-called global functions by their bodies.
//
// Note on the order. The call graph (an edge for every reference to a global, called or
// passed as a value) is split into strongly connected components by Tarjan's algorithm,
// which emits them callees first. A function in a component of several functions, or with
// an edge to itself, is recursive and never inlined (a loop stays a loop). Processing the
// components in that order means a callee's body is final (its own calls inlined) when a
// caller inlines it, so the size test sees what would be copied. Sizes are counted with a
// cap, and each body is renamed once per call site, so the cost is the size of the output.
#include "opt/InlineFunctions.h"

#include <algorithm>
#include <functional>
#include <map>
#include <set>
#include <unordered_map>
#include <vector>

#include "ir/DeepStack.h"
#include "ir/ExprFunctor.h"
#include "ir/Sharing.h"
#include "ir/TypeInference.h"
#include "opt/InlineCall.h"
#include "opt/Pass.h"

namespace weft {

namespace {

bool is_primitive(const FunctionNode* fn) {
  if (!fn->attrs.has(kFunctionAttrPrimitive)) return false;
  const std::string v = attr_value_str(fn->attrs.get(kFunctionAttrPrimitive));
  return v != "0" && v != "false";
}

// The function's inline hint: "always", "never" or "" (none); CompileError for another value.
std::string inline_hint(const std::string& name, const FunctionNode* fn) {
  if (!fn->attrs.has(kFunctionAttrInline)) return "";
  const AttrValue& v = fn->attrs.get(kFunctionAttrInline);
  if (auto* s = std::get_if<std::string>(&v); s && (*s == "always" || *s == "never")) return *s;
  throw CompileError(fn->span, "@" + name + ": attribute inline must be \"always\" or \"never\", found " + attr_value_str(v));
}

// Non-atomic nodes of `e` (as a tree), counting no further than `cap` + 1.
int size_up_to(const Expr& e, int cap) {
  int n = 0;
  std::vector<Expr> todo{e};
  while (!todo.empty() && n <= cap) {
    Expr x = std::move(todo.back());
    todo.pop_back();
    if (is_atomic(x)) continue;
    ++n;
    for_each_child(x, [&](const Expr& c, int, bool) { todo.push_back(c); });
  }
  return n;
}

// Tarjan's strongly connected components, callees first; `recursive` gets each function on a cycle.
std::vector<std::string> callees_first(const Module& m, const std::map<std::string, std::map<std::string, int>>& edges,
                                       std::set<std::string>* recursive) {
  std::map<std::string, int> index, low;
  std::vector<std::string> stack, order;
  std::set<std::string> on_stack;
  int next = 0;
  std::function<void(const std::string&)> connect = [&](const std::string& v) {
    index[v] = low[v] = next++;
    stack.push_back(v);
    on_stack.insert(v);
    for (const auto& [w, n] : edges.at(v)) {
      if (!edges.count(w)) continue;  // not a function of the module (type checking rejects it)
      if (!index.count(w)) {
        connect(w);
        low[v] = std::min(low[v], low[w]);
      } else if (on_stack.count(w)) {
        low[v] = std::min(low[v], index[w]);
      }
    }
    if (low[v] != index[v]) return;
    std::vector<std::string> component;
    do {
      component.push_back(stack.back());
      on_stack.erase(stack.back());
      stack.pop_back();
    } while (component.back() != v);
    if (component.size() > 1 || edges.at(v).count(v)) recursive->insert(component.begin(), component.end());
    order.insert(order.end(), component.begin(), component.end());
  };
  for (const std::string& name : m.function_names())
    if (!index.count(name)) connect(name);
  return order;
}

class Inliner {
 public:
  explicit Inliner(const Module& m) : m_(m) {
    for (const std::string& name : m.function_names()) {
      edges_[name] = global_references(m.function(name)->body);
      for (const auto& [callee, n] : edges_[name]) refs_[callee] += n;
      inline_hint(name, m.function(name).get());  // reject a bad hint even where nothing calls it
    }
  }

  Module run() {
    std::set<std::string> recursive;
    Module out = m_;
    for (const std::string& name : callees_first(m_, edges_, &recursive)) {
      Function fn = m_.function(name);
      recursive_ = &recursive;
      Expr body = is_primitive(fn.get()) ? fn->body : rewrite(fn->body);
      final_[name] = body;
      if (!body.same_as(fn->body)) out.add_function(name, make_function(fn->params, fn->ret_type, body, fn->type_params, fn->span, fn->attrs));
    }
    if (inlined_.empty()) return m_;
    // Functions inlined at every reference are gone.
    std::map<std::string, int> left;
    for (const std::string& name : out.function_names())
      for (const auto& [callee, n] : global_references(out.function(name)->body)) left[callee] += n;
    std::set<std::string> drop;
    for (const std::string& name : inlined_)
      if (name != "main" && !left.count(name)) drop.insert(name);
    Module kept = without_functions(out, drop);
    infer_types(kept);
    return kept;
  }

 private:
  bool inlinable(const std::string& name) {
    Function f = m_.function(name);
    if (!f || name == "main" || recursive_->count(name) || !f->type_params.empty() || is_primitive(f.get())) return false;
    const std::string hint = inline_hint(name, f.get());
    if (hint == "never") return false;
    if (hint == "always" || refs_[name] == 1) return true;
    return size_up_to(final_.at(name), kInlineMaxNodes) <= kInlineMaxNodes;
  }

  Expr rewrite(const Expr& body) {
    return rewrite_with(
        body,
        [this](auto* self, const CallNode* call) -> Expr {
          auto* g = as<GlobalVarNode>(call->callee);
          if (!g || !final_.count(g->name) || !inlinable(g->name)) return self->mutate_default(call);
          std::vector<Expr> args;
          for (const Expr& a : call->args) args.push_back(self->mutate(a));
          inlined_.insert(g->name);
          return inline_call(m_.function(g->name).get(), final_.at(g->name), args, call->span);
        },
        [](auto* self, const FunctionNode* fn) -> Expr {
          if (is_primitive(fn)) return Expr(fn);  // a fused group is one operator: nothing goes in
          return self->mutate_default(fn);
        });
  }

  const Module& m_;
  std::map<std::string, std::map<std::string, int>> edges_;
  std::map<std::string, int> refs_;
  std::map<std::string, Expr> final_;  // bodies already inlined into, callees first
  std::set<std::string> inlined_;
  const std::set<std::string>* recursive_ = nullptr;
};

class InlineFunctionsPass : public Pass {
 public:
  const char* name() const override { return "inline-functions"; }
  const char* summary() const override { return "inline non-recursive global functions that are small, called once or marked inline=\"always\""; }
  Module run(Module m, const PassContext&) const override { return inline_functions(m); }
};

}  // namespace

Module inline_functions(const Module& m) {
  return with_deep_stack([&] { return Inliner(m).run(); });
}

const Pass& inline_functions_pass() {
  static const InlineFunctionsPass pass;
  return pass;
}

}  // namespace weft
