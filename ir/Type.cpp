// Type.cpp - type constructors, equality, substitution and printing.
#include "ir/Type.h"

#include "ir/Error.h"
#include "ir/TypeFunctor.h"

namespace weft {

Type tensor_type(DType d, Shape s) { return make_ref<TensorTypeNode>(d, std::move(s)); }
Type scalar_type(DType d) { return tensor_type(d, {}); }
Type unranked_tensor_type(DType d) { return make_ref<TensorTypeNode>(d, Shape{}, true); }
Type tuple_type(std::vector<Type> fields) {
  for (auto& f : fields) WEFT_ASSERT(f, "null tuple field type");
  return make_ref<TupleTypeNode>(std::move(fields));
}
Type unit_type() { return tuple_type({}); }
Type func_type(std::vector<Type> params, Type ret, std::vector<TypeVar> type_params) {
  return make_ref<FuncTypeNode>(std::move(type_params), std::move(params), std::move(ret));
}
Type adt_type(std::string name, std::vector<Type> args) { return make_ref<AdtTypeNode>(std::move(name), std::move(args)); }
Type ref_type(Type inner) { return make_ref<RefTypeNode>(std::move(inner)); }
TypeVar type_var(std::string name) { return make_ref<TypeVarNode>(std::move(name)); }

static bool types_equal(const std::vector<Type>& a, const std::vector<Type>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (!type_equal(a[i], b[i])) return false;
  return true;
}

bool type_equal(const Type& a, const Type& b) {
  if (a.same_as(b)) return true;
  if (!a || !b || a->kind != b->kind) return false;
  switch (a->kind) {
    case TypeKind::TensorType: {
      auto x = as_tensor(a), y = as_tensor(b);
      return x->dtype == y->dtype && x->unknown_rank == y->unknown_rank && x->shape == y->shape;
    }
    case TypeKind::TupleType: return types_equal(as_tuple(a)->fields, as_tuple(b)->fields);
    case TypeKind::FuncType: {
      auto x = as_func(a), y = as_func(b);
      if (x->type_params.size() != y->type_params.size()) return false;
      // Compare polymorphic functions up to renaming of their type parameters.
      std::vector<std::pair<TypeVar, Type>> subst;
      for (size_t i = 0; i < x->type_params.size(); ++i) subst.push_back({y->type_params[i], x->type_params[i]});
      return types_equal(x->params, subst.empty() ? y->params : [&] {
        std::vector<Type> r;
        for (auto& p : y->params) r.push_back(substitute(p, subst));
        return r;
      }()) && type_equal(x->ret, substitute(y->ret, subst));
    }
    case TypeKind::AdtType: return as_adt(a)->name == as_adt(b)->name && types_equal(as_adt(a)->args, as_adt(b)->args);
    case TypeKind::RefType: return type_equal(as_ref(a)->inner, as_ref(b)->inner);
    case TypeKind::TypeVar: return false;  // identity only
    case TypeKind::IncompleteType:
      return static_cast<const IncompleteTypeNode*>(a.get())->id == static_cast<const IncompleteTypeNode*>(b.get())->id;
  }
  return false;
}

namespace {

// Replaces type variables by identity; everything else is rebuilt only where it changed.
class Substituter : public TypeMutator {
 public:
  explicit Substituter(const std::vector<std::pair<TypeVar, Type>>& subst) : subst_(subst) {}

 protected:
  using TypeMutator::visit_;
  Type visit_(const TypeVarNode* node) override {
    for (auto& [v, r] : subst_)
      if (v.get() == node) return r;
    return TypeMutator::visit_(node);
  }

 private:
  const std::vector<std::pair<TypeVar, Type>>& subst_;
};

}  // namespace

Type substitute(const Type& t, const std::vector<std::pair<TypeVar, Type>>& subst) {
  if (!t || subst.empty()) return t;
  return Substituter(subst).mutate(t);
}

std::string tensor_type_str(const TensorTypeNode& t) {
  return std::string(dtype_name(t.dtype)) + (t.unknown_rank ? "[*]" : shape_str(t.shape));
}

static std::string types_str(const std::vector<Type>& ts) {
  std::string s;
  for (size_t i = 0; i < ts.size(); ++i) s += (i ? ", " : "") + type_str(ts[i]);
  return s;
}

std::string type_str(const Type& t) {
  if (!t) return "<untyped>";
  switch (t->kind) {
    case TypeKind::TensorType: return tensor_type_str(*as_tensor(t));
    case TypeKind::TupleType: {
      auto& f = as_tuple(t)->fields;
      return "(" + types_str(f) + (f.size() == 1 ? ",)" : ")");
    }
    case TypeKind::FuncType: {
      auto fn = as_func(t);
      std::string s = "fn";
      if (!fn->type_params.empty()) {
        s += "[";
        for (size_t i = 0; i < fn->type_params.size(); ++i) s += (i ? ", " : "") + fn->type_params[i]->name;
        s += "]";
      }
      return s + "(" + types_str(fn->params) + ") -> " + type_str(fn->ret);
    }
    case TypeKind::AdtType: {
      auto a = as_adt(t);
      return a->args.empty() ? a->name : a->name + "[" + types_str(a->args) + "]";
    }
    case TypeKind::RefType: return "Ref[" + type_str(as_ref(t)->inner) + "]";
    case TypeKind::TypeVar: return as_type_var(t)->name;
    case TypeKind::IncompleteType: return "?t" + std::to_string(static_cast<const IncompleteTypeNode*>(t.get())->id);
  }
  return "?";
}

}  // namespace weft
