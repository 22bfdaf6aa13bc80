// OpRegistry.cpp - the registry itself and attribute normalization.
#include "ir/OpRegistry.h"

#include "ir/Error.h"
#include "ir/ops/AllOps.h"

namespace weft {

const char* op_pattern_name(OpPattern p) {
  switch (p) {
    case OpPattern::Elementwise: return "elementwise";
    case OpPattern::Broadcast: return "broadcast";
    case OpPattern::Injective: return "injective";
    case OpPattern::Reduction: return "reduction";
    case OpPattern::OutFusable: return "out-fusable";
    case OpPattern::Opaque: return "opaque";
  }
  return "?";
}

const AttrSpec* OpDef::find_attr(const std::string& attr) const {
  for (auto& a : attrs)
    if (a.name == attr) return &a;
  return nullptr;
}

const OpRegistry& OpRegistry::global() {
  static const OpRegistry* reg = [] {
    auto* r = new OpRegistry();
    register_all_ops(*r);
    return r;
  }();
  return *reg;
}

const OpDef* OpRegistry::find(const std::string& name) const {
  auto it = ops_.find(name);
  return it == ops_.end() ? nullptr : it->second.get();
}

std::vector<const OpDef*> OpRegistry::all() const {
  std::vector<const OpDef*> out;
  for (auto& [n, d] : ops_) out.push_back(d.get());
  return out;
}

OpDefBuilder OpRegistry::add(const std::string& name) {
  WEFT_ASSERT(!ops_.count(name), "operator '" << name << "' registered twice");
  auto def = std::make_unique<OpDef>();
  def->name = name;
  OpDef* p = def.get();
  ops_[name] = std::move(def);
  return OpDefBuilder(p);
}

Attrs normalize_attrs(const OpDef& op, const Attrs& attrs, const Span& where) {
  Attrs out;
  for (auto& [name, value] : attrs.values()) {
    const AttrSpec* spec = op.find_attr(name);
    if (!spec) {
      std::string known;
      for (auto& a : op.attrs) known += (known.empty() ? "" : ", ") + a.name;
      throw CompileError(where, Msg() << "operator '" << op.name << "' has no attribute '" << name << "'"
                                      << (known.empty() ? std::string(" (it takes none)") : " (expected one of: " + known + ")"));
    }
    AttrKind got = attr_kind(value);
    AttrValue v = value;
    if (got != spec->kind) {
      // Literals whose kind the text cannot tell apart: 1 for 1.0, [] for any list, [1] for [1.0].
      if (spec->kind == AttrKind::Float && got == AttrKind::Int) v = double(std::get<int64_t>(value));
      else if (spec->kind == AttrKind::Floats && got == AttrKind::Ints) {
        std::vector<double> f;
        for (auto x : std::get<std::vector<int64_t>>(value)) f.push_back(double(x));
        v = f;
      } else if (got == AttrKind::Ints && std::get<std::vector<int64_t>>(value).empty() &&
                 (spec->kind == AttrKind::Floats || spec->kind == AttrKind::Strings)) {
        v = spec->kind == AttrKind::Floats ? AttrValue(std::vector<double>{}) : AttrValue(std::vector<std::string>{});
      } else if (spec->kind == AttrKind::Bool && got == AttrKind::Int) {
        v = std::get<int64_t>(value) != 0;
      } else {
        throw CompileError(where, Msg() << "attribute '" << name << "' of operator '" << op.name << "' expects "
                                        << attr_kind_name(spec->kind) << ", found " << attr_kind_name(got) << " "
                                        << attr_value_str(value));
      }
    }
    out.set(name, std::move(v));
  }
  for (auto& spec : op.attrs) {
    if (out.has(spec.name)) continue;
    if (!spec.default_value)
      throw CompileError(where, Msg() << "operator '" << op.name << "' requires attribute '" << spec.name << "' ("
                                      << attr_kind_name(spec.kind) << ")");
    out.set(spec.name, *spec.default_value);
  }
  return out;
}

}  // namespace weft
