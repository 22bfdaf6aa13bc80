// MarkAll.cpp - @main's let chain walked once, its operator results added to what it returns (see MarkAll.h).
#include "cli/MarkAll.h"

#include "ir/TypeInference.h"

namespace weft::cli {

Module expose_intermediates(const Module& m, std::vector<MarkedValue>* marks, const std::vector<std::string>* onnx_tensors) {
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
  std::vector<Expr> fields = {e};
  for (size_t i = 0; i < lets.size(); ++i) {
    const LetNode* let = lets[i];
    const std::string& op = called_op_name(let->value);
    const Type t = let->var->checked_type ? let->var->checked_type : let->value->checked_type;
    if (op.empty() || !as_tensor(t)) continue;
    fields.push_back(let->var);
    if (marks) {
      const Span& where = let->value->span.known() ? let->value->span : let->span;
      marks->push_back({"%" + let->var->name_hint, op, where.str(), onnx_tensors ? (*onnx_tensors)[i] : std::string()});
    }
  }
  Expr body = make_tuple(fields);
  for (size_t i = lets.size(); i-- > 0;) body = make_let(lets[i]->var, lets[i]->value, body, lets[i]->span);
  Module out = m;
  out.add_function("main", make_function(main->params, nullptr, body, main->type_params, main->span, main->attrs));
  infer_types(out);
  return out;
}

}  // namespace weft::cli
