// GradientTypes.cpp - the types of values in a differentiated program.
#include "opt/GradientTypes.h"

#include "ir/ops/GradientHelpers.h"

namespace weft::grad {

bool carries_adjoint(const Type& t) {
  const TensorTypeNode* tt = as_tensor(t);
  return tt && is_float(tt->dtype);
}

Type lift_type(const Type& t, const Span& where) {
  if (!t) return t;
  switch (t->kind) {
    case TypeKind::TensorType:
      return carries_adjoint(t) ? tuple_type({t, ref_type(t)}) : t;
    case TypeKind::TupleType: {
      std::vector<Type> fields;
      for (const Type& f : as_tuple(t)->fields) fields.push_back(lift_type(f, where));
      return tuple_type(fields);
    }
    case TypeKind::FuncType: {
      const FuncTypeNode* f = as_func(t);
      if (!f->type_params.empty())
        throw CompileError(where, Msg() << "cannot differentiate through a polymorphic function of type " << type_str(t));
      std::vector<Type> params;
      for (const Type& p : f->params) params.push_back(lift_type(p, where));
      return func_type(params, lift_type(f->ret, where));
    }
    case TypeKind::TypeVar:
      return t;  // instantiated, where used, to the lifted type of the value
    case TypeKind::AdtType: {
      const AdtTypeNode* a = as_adt(t);
      std::vector<Type> args;
      for (const Type& p : a->args) args.push_back(lift_type(p, where));
      return adt_type(a->name, args);
    }
    case TypeKind::RefType:
      return ref_type(lift_type(as_ref(t)->inner, where));
    case TypeKind::IncompleteType:
      break;
  }
  throw CompileError(where, Msg() << "cannot differentiate a value of type " << type_str(t));
}

Type backpropagator_type() { return ref_type(func_type({}, unit_type())); }

Expr zeros_of(const Expr& x, const Type& type) {
  const TensorTypeNode& t = vjp::tensor_of(type);
  std::vector<int64_t> dims;
  for (const Dim& d : t.shape) {
    if (!d.is_static()) return vjp::zeros_like(x, type);
    dims.push_back(d.value());
  }
  return make_constant(Tensor(t.dtype, dims));
}

}  // namespace weft::grad
