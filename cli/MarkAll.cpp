// MarkAll.cpp - @main's let chain walked once, its operator results added to what it returns (see MarkAll.h).
#include "cli/MarkAll.h"

#include <set>

#include "cli/MarkLoops.h"
#include "ir/OutputNames.h"
#include "ir/TypeInference.h"

namespace weft::cli {

namespace {

Module expose(const Module& m, std::vector<MarkedValue>& marks, const std::vector<std::string>* onnx_tensors, bool loops) {
  const Function main = m.main();
  // The chain of lets, iteratively: an imported model is one let per node, thousands deep.
  std::vector<const LetNode*> lets;
  Expr e = main->body;
  while (const LetNode* let = as<LetNode>(e)) {
    lets.push_back(let);
    e = let->body;
  }
  // A chain of another length is not the one the names were taken from (a pass changed it).
  if (onnx_tensors && onnx_tensors->size() != lets.size()) onnx_tensors = nullptr;
  Module out = m;
  struct Binding {
    Var var;
    Expr value;
    Span span;
  };
  std::vector<Binding> chain;
  std::vector<Expr> fields = {e};
  for (size_t i = 0; i < lets.size(); ++i) {
    const LetNode* let = lets[i];
    chain.push_back({let->var, let->value, let->span});
    // A call of a loop: the marked copy instead, which also returns each value per iteration.
    const CallNode* call = as<CallNode>(let->value);
    if (const GlobalVarNode* g = loops && call ? as<GlobalVarNode>(call->callee) : nullptr) {
      const MarkedLoop loop = mark_loop(out, g->name);
      if (loop.copy.empty()) continue;
      std::vector<Expr> args = call->args;
      for (size_t j = 0; j < loop.values.size(); ++j) args.push_back(make_call(out.constructor("Nil"), {}, let->span));
      const Var marked = make_var(let->var->name_hint + "_marked", nullptr, let->span);
      chain.back() = {marked, make_call(make_global_var(loop.copy, call->span), args, call->span), let->span};
      chain.push_back({let->var, make_tuple_get(marked, 0, let->span), let->span});
      for (size_t j = 0; j < loop.values.size(); ++j) {
        fields.push_back(make_tuple_get(marked, int(j + 1), let->span));
        marks.push_back(loop.values[j]);
        marks.back().loop_call = int(i);
      }
      continue;
    }
    const std::string& op = called_op_name(let->value);
    const Type t = let->var->checked_type ? let->var->checked_type : let->value->checked_type;
    if (op.empty() || !as_tensor(t)) continue;
    fields.push_back(let->var);
    const Span& where = let->value->span.known() ? let->value->span : let->span;
    marks.push_back({"%" + let->var->name_hint, op, where.str(), onnx_tensors ? (*onnx_tensors)[i] : std::string(), "", -1});
  }
  // The library's output names: the model's own, then the marks' variables (unique).
  Attrs attrs = main->attrs;
  if (attrs.has(kFunctionAttrOutputNames)) {
    std::vector<std::string> names = attrs.get_strings(kFunctionAttrOutputNames);
    std::set<std::string> used(names.begin(), names.end());
    for (const MarkedValue& mark : marks) {
      const std::string base = mark.name.substr(1) + (mark.loop.empty() ? "" : "_iterations");
      std::string name = base;
      for (int k = 2; !used.insert(name).second; ++k) name = base + "_" + std::to_string(k);
      names.push_back(name);
    }
    attrs.set(kFunctionAttrOutputNames, names);
  }
  Expr body = make_tuple(fields);
  for (size_t i = chain.size(); i-- > 0;) body = make_let(chain[i].var, chain[i].value, body, chain[i].span);
  out.add_function("main", make_function(main->params, nullptr, body, main->type_params, main->span, attrs));
  infer_types(out);
  return out;
}

}  // namespace

Module expose_intermediates(const Module& m, std::vector<MarkedValue>* marks, const std::vector<std::string>* onnx_tensors) {
  std::vector<MarkedValue> found;
  Module out;
  try {
    out = expose(m, found, onnx_tensors, /*loops=*/true);
  } catch (const CompileError&) {
    // A loop whose per-iteration lists do not type-check (a value whose type changes from one
    // iteration to the next): @main's own values only, the same for the library and the oracle.
    found.clear();
    out = expose(m, found, onnx_tensors, /*loops=*/false);
  }
  if (marks) marks->insert(marks->end(), found.begin(), found.end());
  return out;
}

}  // namespace weft::cli
