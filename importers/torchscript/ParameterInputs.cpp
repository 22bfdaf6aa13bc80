// ParameterInputs.cpp - TorchScript parameters as @main inputs: looked up by path, kept out of freezing.
#include "importers/torchscript/ParameterInputs.h"

#include "importers/torchscript/GraphTranslator.h"
#include "importers/torchscript/IrBuilder.h"

namespace weft::ts {

namespace {

// The module holding the attribute at `path` ("a.b.w" -> module a.b), and the attribute's name.
std::pair<torch::jit::Module, std::string> owner_of(const torch::jit::Module& mod, const std::string& path) {
  torch::jit::Module m = mod;
  std::string rest = path;
  for (size_t dot; (dot = rest.find('.')) != std::string::npos; rest = rest.substr(dot + 1))
    m = m.attr(rest.substr(0, dot)).toModule();
  return {m, rest};
}

}  // namespace

std::vector<ParameterInput> resolve_parameters(const torch::jit::Module& mod, const std::vector<std::string>& names) {
  std::map<std::string, at::Tensor> all;
  std::string known;
  for (const auto& p : mod.named_parameters(/*recurse=*/true)) {
    if (all.size() < 12) known += (known.empty() ? "" : ", ") + p.name;
    all[p.name] = p.value;
  }
  if (all.size() > 12) known += ", ...";
  std::vector<ParameterInput> out;
  for (const std::string& name : names) {
    auto it = all.find(name);
    if (it == all.end())
      throw CompileError(Msg() << "the model has no input or parameter named '" << name << "' (its named_parameters(): "
                               << (known.empty() ? "none" : known) << ")");
    for (const ParameterInput& p : out)
      if (p.path == name) throw CompileError(Msg() << "parameter '" << name << "' is named twice");
    Span where{"parameter '" + name + "'"};
    Tensor value = to_weft_tensor(it->second.detach(), where);
    Type t = tensor_type(value.dtype(), Shape(value.shape().begin(), value.shape().end()));
    out.push_back({name, it->second, value, make_var(name, t, where), t});
  }
  return out;
}

std::map<std::string, TsVal> preserved_attributes(const torch::jit::Module& mod, const std::vector<ParameterInput>& ps) {
  std::map<std::string, TsVal> out;
  for (const ParameterInput& p : ps) out["self." + p.path] = TsVal::tensor({p.var, p.type});
  for (const ParameterInput& p : ps) {
    auto [owner, attr] = owner_of(mod, p.path);
    const std::string prefix = "self." + p.path.substr(0, p.path.size() - attr.size());
    for (const auto& a : owner.named_attributes(/*recurse=*/false)) {
      if (!a.value.isList() || out.count(prefix + a.name)) continue;
      std::vector<TsVal> elems;
      bool holds_one = false;
      for (const c10::IValue& e : a.value.toListRef()) {
        if (!e.isTensor()) {
          elems.clear();
          break;
        }
        const ParameterInput* match = nullptr;
        for (const ParameterInput& q : ps)
          if (q.value.is_same(e.toTensor())) match = &q;
        holds_one = holds_one || match;
        elems.push_back(match ? TsVal::tensor({match->var, match->type})
                              : TsVal::tensor(IrBuilder::constant(to_weft_tensor(e.toTensor(), Span{prefix + a.name}))));
      }
      if (holds_one && !elems.empty()) out[prefix + a.name] = TsVal::static_list(Kind::Tensor, elems);
    }
  }
  return out;
}

namespace {

void collect_attr_nodes(torch::jit::Block* b, std::vector<torch::jit::Node*>& reads, bool& writes) {
  for (torch::jit::Node* n : b->nodes()) {
    if (n->kind() == c10::prim::GetAttr) reads.push_back(n);
    if (n->kind() == c10::prim::SetAttr) writes = true;
    for (torch::jit::Block* sub : n->blocks()) collect_attr_nodes(sub, reads, writes);
  }
}

}  // namespace

void hoist_attribute_reads(torch::jit::Graph& g) {
  std::vector<torch::jit::Node*> reads;
  bool writes = false;
  collect_attr_nodes(g.block(), reads, writes);
  if (writes || reads.empty()) return;
  // In program order a read's object (self or an earlier read) is hoisted before it.
  torch::jit::Node* last = nullptr;
  for (torch::jit::Node* n : reads) {
    if (n->input(0)->node()->owningBlock() != g.block() && n->input(0)->node()->kind() != c10::prim::Param) continue;
    if (last) n->moveAfter(last);
    else n->moveBefore(g.block()->nodes().front());
    last = n;
  }
}

}  // namespace weft::ts
