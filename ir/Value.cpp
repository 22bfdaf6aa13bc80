// Value.cpp - building, printing and comparing run-time values.
#include "ir/Value.h"

#include <set>

#include "ir/Module.h"

namespace weft {

const char* value_kind_name(ValueKind k) {
  switch (k) {
    case ValueKind::Tensor: return "tensor";
    case ValueKind::Tuple: return "tuple";
    case ValueKind::Closure: return "closure";
    case ValueKind::Adt: return "ADT value";
    case ValueKind::Ref: return "reference";
  }
  return "?";
}

Value tensor_value(Tensor t) {
  WEFT_ASSERT(t.defined(), "tensor value without data");
  return make_ref<TensorValueNode>(std::move(t));
}
Value tuple_value(std::vector<Value> fields) {
  for (auto& f : fields) WEFT_ASSERT(f, "null tuple field");
  return make_ref<TupleValueNode>(std::move(fields));
}
Value unit_value() { return make_ref<TupleValueNode>(std::vector<Value>{}); }
Value closure_value(Function fn, std::vector<Capture> env, Var self) {
  WEFT_ASSERT(fn, "closure without a function");
  return make_ref<ClosureValueNode>(std::move(fn), std::move(env), std::move(self));
}
Value adt_value(Constructor ctor, std::vector<Value> fields) {
  WEFT_ASSERT(ctor && ctor->fields.size() == fields.size(), "constructor arity");
  for (auto& f : fields) WEFT_ASSERT(f, "null constructor field");
  return make_ref<AdtValueNode>(std::move(ctor), std::move(fields));
}
Value ref_value(Value initial) {
  WEFT_ASSERT(initial, "reference to null");
  return make_ref<RefValueNode>(std::move(initial));
}

const Tensor& value_tensor(const Value& v) {
  auto* t = value_as<TensorValueNode>(v);
  if (!t) throw RuntimeError(Msg() << "expected a tensor, found " << (v ? value_kind_name(v->kind) : "nothing"));
  return t->tensor;
}

namespace {
Constructor prelude_ctor(const Module& m, const char* name) {
  Constructor c = m.constructor(name);
  WEFT_ASSERT(c, "prelude constructor " << name << " missing");
  return c;
}
}  // namespace

Value list_value(const Module& m, const std::vector<Value>& elems) {
  Constructor cons = prelude_ctor(m, "Cons");
  Value list = adt_value(prelude_ctor(m, "Nil"));
  for (size_t i = elems.size(); i-- > 0;) list = adt_value(cons, {elems[i], list});
  return list;
}

std::vector<Value> value_to_list(const Value& list) {
  std::vector<Value> out;
  const AdtValueNode* node = value_as<AdtValueNode>(list);
  while (node && node->ctor->adt == "List" && node->fields.size() == 2) {
    out.push_back(node->fields[0]);
    node = value_as<AdtValueNode>(node->fields[1]);
  }
  if (!node || node->ctor->adt != "List" || !node->fields.empty())
    throw RuntimeError("expected a List value, found " + value_str(list, 200));
  return out;
}

Value some_value(const Module& m, Value v) { return adt_value(prelude_ctor(m, "Some"), {std::move(v)}); }
Value none_value(const Module& m) { return adt_value(prelude_ctor(m, "None")); }

namespace {

// Appends to `out` until `budget` is spent; recursion depth is bounded by the budget,
// since every level prints at least one character before descending.
class ValuePrinter {
 public:
  explicit ValuePrinter(size_t budget) : budget_(budget) {}
  std::string out;

  bool print(const Value& v) {
    if (out.size() >= budget_) return cut();
    if (!v) return put("<null>");
    switch (v->kind) {
      case ValueKind::Tensor: return put(static_cast<const TensorValueNode&>(*v).tensor.str());
      case ValueKind::Tuple: {
        auto& fields = static_cast<const TupleValueNode&>(*v).fields;
        put("(");
        if (!list(fields)) return false;
        return put(fields.size() == 1 ? ",)" : ")");
      }
      case ValueKind::Adt: {
        auto& a = static_cast<const AdtValueNode&>(*v);
        put(a.ctor->name);
        if (a.fields.empty()) return true;
        put("(");
        return list(a.fields) && put(")");
      }
      case ValueKind::Ref:
        put("ref(");
        return print(static_cast<const RefValueNode&>(*v).value) && put(")");
      case ValueKind::Closure: {
        auto& c = static_cast<const ClosureValueNode&>(*v);
        std::string s = "<fn(";
        for (size_t i = 0; i < c.fn->params.size(); ++i) s += (i ? ", %" : "%") + c.fn->params[i]->name_hint;
        s += ")";
        if (!c.env.empty()) s += " +" + std::to_string(c.env.size()) + " captured";
        return put(s + ">");
      }
    }
    return true;
  }

 private:
  bool list(const std::vector<Value>& vs) {
    for (size_t i = 0; i < vs.size(); ++i) {
      if (i) put(", ");
      if (!print(vs[i])) return false;
    }
    return true;
  }
  bool put(const std::string& s) {
    if (out.size() >= budget_) return cut();
    out += s;
    return true;
  }
  bool cut() {
    if (!cut_) out += "...";
    cut_ = true;
    return false;
  }
  size_t budget_;
  bool cut_ = false;
};

}  // namespace

std::string value_str(const Value& v, size_t max_chars) {
  ValuePrinter p(max_chars);
  p.print(v);
  return std::move(p.out);
}

bool values_equal(const Value& a, const Value& b, const std::function<bool(const Tensor&, const Tensor&)>& tensors_equal) {
  // An explicit worklist: a list is as deep as it is long.
  std::vector<std::pair<const ValueNode*, const ValueNode*>> work{{a.get(), b.get()}};
  std::set<std::pair<const ValueNode*, const ValueNode*>> refs_seen;  // cuts cycles through refs
  auto push_all = [&](const std::vector<Value>& x, const std::vector<Value>& y) {
    if (x.size() != y.size()) return false;
    for (size_t i = x.size(); i-- > 0;) work.push_back({x[i].get(), y[i].get()});
    return true;
  };
  while (!work.empty()) {
    auto [x, y] = work.back();
    work.pop_back();
    if (x == y) continue;
    if (!x || !y || x->kind != y->kind) return false;
    switch (x->kind) {
      case ValueKind::Tensor:
        if (!tensors_equal(static_cast<const TensorValueNode*>(x)->tensor, static_cast<const TensorValueNode*>(y)->tensor))
          return false;
        break;
      case ValueKind::Tuple:
        if (!push_all(static_cast<const TupleValueNode*>(x)->fields, static_cast<const TupleValueNode*>(y)->fields)) return false;
        break;
      case ValueKind::Adt: {
        auto *p = static_cast<const AdtValueNode*>(x), *q = static_cast<const AdtValueNode*>(y);
        if (p->ctor->adt != q->ctor->adt || p->ctor->tag != q->ctor->tag || !push_all(p->fields, q->fields)) return false;
        break;
      }
      case ValueKind::Ref:
        if (refs_seen.insert({x, y}).second)
          work.push_back({static_cast<const RefValueNode*>(x)->value.get(), static_cast<const RefValueNode*>(y)->value.get()});
        break;
      case ValueKind::Closure: {
        auto *p = static_cast<const ClosureValueNode*>(x), *q = static_cast<const ClosureValueNode*>(y);
        if (p->fn != q->fn || p->self != q->self || p->env.size() != q->env.size()) return false;
        for (size_t i = 0; i < p->env.size(); ++i) {
          if (p->env[i].var != q->env[i].var) return false;
          work.push_back({p->env[i].value.get(), q->env[i].value.get()});
        }
        break;
      }
    }
  }
  return true;
}

bool values_identical(const Value& a, const Value& b) {
  return values_equal(a, b, [](const Tensor& x, const Tensor& y) { return x.identical(y); });
}

}  // namespace weft
