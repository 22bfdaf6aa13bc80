// Unifier.cpp - binding, resolution, occurs check and join of IR types.
#include "ir/Unifier.h"

#include <cctype>

#include "ir/Error.h"

namespace weft {

namespace {

bool dims_unify(const Dim& a, const Dim& b) { return a == b || a.is_unknown() || b.is_unknown(); }

// Rebuilds `ts` through `f`; reports whether any element changed identity.
template <typename F>
std::vector<Type> map_types(const std::vector<Type>& ts, F&& f, bool* changed) {
  std::vector<Type> out;
  out.reserve(ts.size());
  for (auto& t : ts) {
    out.push_back(f(t));
    if (!out.back().same_as(t)) *changed = true;
  }
  return out;
}

}  // namespace

Type Unifier::fresh() {
  bindings_.push_back(nullptr);
  return make_ref<IncompleteTypeNode>(int(bindings_.size()) - 1);
}

Type Unifier::shallow(const Type& t) const {
  Type cur = t;
  while (auto inc = as_incomplete(cur)) {
    const Type& b = bindings_.at(size_t(inc->id));
    if (!b) break;
    cur = b;
  }
  return cur;
}

Type Unifier::resolve(const Type& t) const {
  bool ground;
  return resolve(t, &ground);
}

bool Unifier::is_resolved(const Type& t) const {
  bool ground;
  resolve(t, &ground);
  return ground;
}

Type Unifier::resolve(const Type& t, bool* ground) const {
  *ground = true;
  if (!t) return t;
  if (ground_.count(t)) return t;
  Type s = shallow(t);
  bool changed = !s.same_as(t);
  auto rec = [&](const Type& x) {
    bool g;
    Type r = resolve(x, &g);
    *ground = *ground && g;
    return r;
  };
  Type out = s;
  switch (s->kind) {
    case TypeKind::IncompleteType: *ground = false; return s;
    case TypeKind::TupleType: {
      auto f = map_types(as_tuple(s)->fields, rec, &changed);
      if (changed) out = tuple_type(std::move(f));
      break;
    }
    case TypeKind::FuncType: {
      auto fn = as_func(s);
      auto p = map_types(fn->params, rec, &changed);
      Type r = rec(fn->ret);
      if (!r.same_as(fn->ret)) changed = true;
      if (changed) out = func_type(std::move(p), r, fn->type_params);
      break;
    }
    case TypeKind::AdtType: {
      auto a = map_types(as_adt(s)->args, rec, &changed);
      if (changed) out = adt_type(as_adt(s)->name, std::move(a));
      break;
    }
    case TypeKind::RefType: {
      Type i = rec(as_ref(s)->inner);
      if (!i.same_as(as_ref(s)->inner)) out = ref_type(i);
      break;
    }
    default: return out;  // tensors and type parameters: ground, and cheap to check again
  }
  if (*ground) ground_.insert(out);
  return out;
}

bool Unifier::occurs(int id, const Type& t) const {
  if (ground_.count(t)) return false;
  Type s = shallow(t);
  if (!s) return false;
  auto any = [&](const std::vector<Type>& ts) {
    for (auto& x : ts)
      if (occurs(id, x)) return true;
    return false;
  };
  switch (s->kind) {
    case TypeKind::IncompleteType: return as_incomplete(s)->id == id;
    case TypeKind::TupleType: return any(as_tuple(s)->fields);
    case TypeKind::FuncType: return any(as_func(s)->params) || occurs(id, as_func(s)->ret);
    case TypeKind::AdtType: return any(as_adt(s)->args);
    case TypeKind::RefType: return occurs(id, as_ref(s)->inner);
    default: return false;
  }
}

bool Unifier::unify_many(const std::vector<Type>& a, const std::vector<Type>& b, Polarity pol, Conflict* c) {
  for (size_t i = 0; i < a.size(); ++i)
    if (!unify(a[i], b[i], pol, c)) return false;
  return true;
}

Unifier::Polarity Unifier::flip(Polarity p) {
  switch (p) {
    case Polarity::Widen: return Polarity::Narrow;
    case Polarity::Narrow: return Polarity::Widen;
    default: return Polarity::Exact;  // a closure parameter met from both sides must agree
  }
}

bool Unifier::unify(const Type& expected, const Type& found, Polarity pol, Conflict* conflict) {
  Type a = shallow(expected), b = shallow(found);
  auto fail = [&](std::string why) {
    if (conflict) *conflict = Conflict{resolve(a), resolve(b), std::move(why)};
    return false;
  };
  WEFT_ASSERT(a && b, "unify of a null type");
  if (a.same_as(b)) return true;
  auto ia = as_incomplete(a), ib = as_incomplete(b);
  if (ia && ib && ia->id == ib->id) return true;
  if (ia || ib) {
    int id = ia ? ia->id : ib->id;
    const Type& other = ia ? b : a;
    if (occurs(id, other)) return fail("infinite type");
    bindings_[size_t(id)] = other;
    return true;
  }
  if (a->kind != b->kind) return fail("");
  switch (a->kind) {
    case TypeKind::TensorType: {
      auto x = as_tensor(a), y = as_tensor(b);
      if (x->dtype != y->dtype) return fail("");
      if (x->has_rank() != y->has_rank()) {
        // One side unranked; the Note in Unifier.h says which side may be.
        bool ok = pol == Polarity::Either || (pol == Polarity::Widen && !x->has_rank()) ||
                  (pol == Polarity::Narrow && !y->has_rank());
        if (ok) return true;
        return fail(x->has_rank() ? "a tensor of unknown rank where a known rank is needed"
                                  : "a known rank where a tensor of unknown rank is needed");
      }
      if (!x->has_rank()) return true;
      if (x->rank() != y->rank()) return fail("");
      for (size_t i = 0; i < x->shape.size(); ++i)
        if (!dims_unify(x->shape[i], y->shape[i]))
          return fail(Msg() << "dim " << i << ": " << x->shape[i].str() << " vs " << y->shape[i].str());
      return true;
    }
    case TypeKind::TupleType: {
      auto &x = as_tuple(a)->fields, &y = as_tuple(b)->fields;
      if (x.size() != y.size()) return fail("");
      return unify_many(x, y, pol, conflict);
    }
    case TypeKind::FuncType: {
      auto x = as_func(a), y = as_func(b);
      if (x->params.size() != y->params.size() || x->type_params.size() != y->type_params.size()) return fail("");
      // Polymorphic function types are equal up to renaming their type parameters.
      std::vector<std::pair<TypeVar, Type>> rename;
      for (size_t i = 0; i < x->type_params.size(); ++i) rename.push_back({y->type_params[i], x->type_params[i]});
      std::vector<Type> yp;
      for (auto& p : y->params) yp.push_back(substitute(resolve(p), rename));
      return unify_many(x->params, yp, flip(pol), conflict) && unify(x->ret, substitute(resolve(y->ret), rename), pol, conflict);
    }
    case TypeKind::AdtType: {
      auto x = as_adt(a), y = as_adt(b);
      if (x->name != y->name || x->args.size() != y->args.size()) return fail("");
      return unify_many(x->args, y->args, pol, conflict);
    }
    case TypeKind::RefType: return unify(as_ref(a)->inner, as_ref(b)->inner, Polarity::Exact, conflict);
    case TypeKind::TypeVar: return fail("");  // rigid: equal only by identity, checked above
    case TypeKind::IncompleteType: break;     // handled above
  }
  return fail("");
}

Type Unifier::join(const Type& a, const Type& b) const {
  Type x = resolve(a), y = resolve(b);
  if (!x || !y || x->kind != y->kind) return x;
  auto join_all = [this](const std::vector<Type>& p, const std::vector<Type>& q) {
    std::vector<Type> out;
    for (size_t i = 0; i < p.size(); ++i) out.push_back(i < q.size() ? join(p[i], q[i]) : p[i]);
    return out;
  };
  switch (x->kind) {
    case TypeKind::TensorType: {
      auto s = as_tensor(x), t = as_tensor(y);
      if (s->dtype != t->dtype) return x;
      if (!s->has_rank()) return x;
      if (!t->has_rank() || s->rank() != t->rank()) return unranked_tensor_type(s->dtype);
      if (s->shape == t->shape) return x;
      Shape shape = s->shape;
      for (size_t i = 0; i < shape.size(); ++i)
        if (shape[i] != t->shape[i]) shape[i] = Dim::unknown();
      return tensor_type(s->dtype, std::move(shape));
    }
    case TypeKind::TupleType: return tuple_type(join_all(as_tuple(x)->fields, as_tuple(y)->fields));
    case TypeKind::AdtType: return adt_type(as_adt(x)->name, join_all(as_adt(x)->args, as_adt(y)->args));
    case TypeKind::RefType: return ref_type(join(as_ref(x)->inner, as_ref(y)->inner));
    // Function types: keep the first. Joining a parameter would need a meet; a closure's
    // parameter types are exact after unification anyway.
    default: return x;
  }
}

Type Unifier::instantiate(const Type& t) {
  Type s = resolve(t);
  auto fn = as_func(s);
  if (!fn || fn->type_params.empty()) return s;
  std::vector<std::pair<TypeVar, Type>> subst;
  for (auto& tp : fn->type_params) subst.push_back({tp, fresh()});
  std::vector<Type> params;
  for (auto& p : fn->params) params.push_back(substitute(p, subst));
  return func_type(std::move(params), substitute(fn->ret, subst));
}

std::string type_str_for_user(const Type& t) {
  // type_str prints a unification variable as `?t<id>`; users see `_` (ids mean nothing
  // to them). A dim `?` is never followed by `t`, so the rewrite cannot touch dims.
  std::string s = type_str(t), out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '?' && i + 2 < s.size() && s[i + 1] == 't' && std::isdigit(static_cast<unsigned char>(s[i + 2]))) {
      out += '_';
      i += 2;
      while (i + 1 < s.size() && std::isdigit(static_cast<unsigned char>(s[i + 1]))) ++i;
    } else {
      out += s[i];
    }
  }
  return out;
}

}  // namespace weft
