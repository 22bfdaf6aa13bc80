// Unifier.cpp - binding, resolution, occurs check and join of IR types.
#include "ir/Unifier.h"

#include <cctype>

#include "ir/Error.h"
#include "ir/TypeFunctor.h"

namespace weft {

namespace {

bool dims_unify(const Dim& a, const Dim& b) { return a == b || a.is_unknown() || b.is_unknown(); }

// Replaces bound unification variables by their bindings, all the way down, and notes
// whether the result is ground (no unbound variable left). Ground composite types are
// remembered in `known_ground`, so resolving them again returns at once.
class Resolver : public TypeMutator {
 public:
  Resolver(const Unifier& u, std::unordered_set<Type, RefHash>& known_ground) : unifier_(u), known_ground_(known_ground) {}
  bool ground = true;

  Type visit(const Type& t) override {
    if (known_ground_.count(t)) return t;
    Type s = unifier_.shallow(t);
    const bool outer = ground;
    ground = true;
    Type out = TypeMutator::visit(s);
    // Tensors and type parameters are ground and cheap to check again: not cached.
    const bool composite = s->kind != TypeKind::TensorType && s->kind != TypeKind::TypeVar && s->kind != TypeKind::IncompleteType;
    if (ground && composite) known_ground_.insert(out);
    ground = outer && ground;
    return out;
  }

 protected:
  using TypeMutator::visit_;
  Type visit_(const IncompleteTypeNode* node) override {
    ground = false;
    return TypeMutator::visit_(node);
  }

 private:
  const Unifier& unifier_;
  std::unordered_set<Type, RefHash>& known_ground_;
};

// Whether unification variable `id` occurs in a type (through bindings).
class OccursCheck : public TypeVisitor {
 public:
  OccursCheck(const Unifier& u, const std::unordered_set<Type, RefHash>& known_ground, int id)
      : unifier_(u), known_ground_(known_ground), id_(id) {}
  bool found = false;

  void visit(const Type& t) override {
    if (found || !t || known_ground_.count(t)) return;
    TypeVisitor::visit(unifier_.shallow(t));
  }

 protected:
  using TypeVisitor::visit_;
  void visit_(const IncompleteTypeNode* node) override { found = found || node->id == id_; }

 private:
  const Unifier& unifier_;
  const std::unordered_set<Type, RefHash>& known_ground_;
  int id_;
};

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
  Resolver resolver(*this, ground_);
  Type out = resolver.mutate(t);
  *ground = resolver.ground;
  return out;
}

bool Unifier::occurs(int id, const Type& t) const {
  OccursCheck check(*this, ground_, id);
  check.visit(t);
  return check.found;
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
