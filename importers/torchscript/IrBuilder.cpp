// IrBuilder.cpp - typed emission, constant folding, list/option helpers and type joins.
#include "importers/torchscript/IrBuilder.h"

#include "ir/OpRegistry.h"

namespace weft::ts {

namespace {

Expr i64_const(int64_t v) { return make_constant(Tensor::scalar<int64_t>(v)); }
Type list_of(Type t) { return adt_type("List", {std::move(t)}); }
const Type& adt_arg(const Type& t) {
  static Type unk = unknown_type();
  auto a = as_adt(t);
  return a && !a->args.empty() ? a->args[0] : unk;
}

}  // namespace

DType TExpr::dtype() const {
  auto tt = tensor();
  WEFT_ASSERT(tt, "not a tensor: " << (t ? type_str(t) : "null"));
  return tt->dtype;
}
int TExpr::rank() const {
  auto tt = tensor();
  WEFT_ASSERT(tt, "not a tensor: " << (t ? type_str(t) : "null"));
  return tt->rank();
}
const Tensor* TExpr::constant() const {
  auto c = as<ConstantNode>(e);
  return c ? &c->value : nullptr;
}

const char* kind_name(Kind k) {
  static const char* names[] = {"Tensor", "int", "float", "bool", "None", "list", "tuple", "Optional", "str", "Device", "other", "uninitialized", "dict"};
  return names[int(k)];
}

DType scalar_dtype(Kind k) { return k == Kind::Int ? DType::I64 : k == Kind::Float ? DType::F64 : DType::Bool; }

TsVal int_const(int64_t v) { return TsVal::make(Kind::Int, IrBuilder::constant(Tensor::scalar<int64_t>(v))); }
TsVal float_const(double v) { return TsVal::make(Kind::Float, IrBuilder::constant(Tensor::scalar<double>(v))); }
TsVal bool_const(bool b) { return TsVal::make(Kind::Bool, IrBuilder::constant(Tensor::scalar<bool>(b))); }

TExpr Block::bind(TExpr value, const std::string& hint) {
  if (as<ConstantNode>(value.e) || as<VarNode>(value.e) || as<GlobalVarNode>(value.e)) return value;
  Var v = make_var(hint, nullptr, value.e->span);
  lets_.emplace_back(v, value.e);
  return {v, value.t};
}

Expr Block::finish(Expr result) const {
  for (auto it = lets_.rbegin(); it != lets_.rend(); ++it) result = make_let(it->first, it->second, result);
  return result;
}

Type unknown_type() {
  static Type t = Type(make_ref<IncompleteTypeNode>(-7777));
  return t;
}
bool is_unknown(const Type& t) { return t.get() == unknown_type().get(); }

Type concrete(const Type& t) {
  if (is_unknown(t)) return scalar_type(DType::F32);
  if (auto tu = as_tuple(t)) {
    std::vector<Type> f;
    for (auto& x : tu->fields) f.push_back(concrete(x));
    return tuple_type(std::move(f));
  }
  if (auto a = as_adt(t)) {
    std::vector<Type> f;
    for (auto& x : a->args) f.push_back(concrete(x));
    return adt_type(a->name, std::move(f));
  }
  return t;
}

Type join_types(const Type& a, const Type& b) {
  if (is_unknown(a)) return b;
  if (is_unknown(b)) return a;
  if (!a || !b) return nullptr;
  if (auto ta = as_tensor(a)) {
    auto tb = as_tensor(b);
    if (!tb || ta->dtype != tb->dtype || ta->rank() != tb->rank()) return nullptr;
    Shape s;
    for (int i = 0; i < ta->rank(); ++i) s.push_back(ta->shape[i] == tb->shape[i] ? ta->shape[i] : Dim::unknown());
    return tensor_type(ta->dtype, s);
  }
  if (auto ua = as_tuple(a)) {
    auto ub = as_tuple(b);
    if (!ub || ua->fields.size() != ub->fields.size()) return nullptr;
    std::vector<Type> f;
    for (size_t i = 0; i < ua->fields.size(); ++i) {
      Type j = join_types(ua->fields[i], ub->fields[i]);
      if (!j) return nullptr;
      f.push_back(j);
    }
    return tuple_type(std::move(f));
  }
  if (auto da = as_adt(a)) {
    auto db = as_adt(b);
    if (!db || da->name != db->name || da->args.size() != db->args.size()) return nullptr;
    std::vector<Type> f;
    for (size_t i = 0; i < da->args.size(); ++i) {
      Type j = join_types(da->args[i], db->args[i]);
      if (!j) return nullptr;
      f.push_back(j);
    }
    return adt_type(da->name, std::move(f));
  }
  return type_equal(a, b) ? a : nullptr;
}

TExpr IrBuilder::constant(Tensor t) {
  Shape s(t.shape().begin(), t.shape().end());
  Type ty = tensor_type(t.dtype(), s);
  return {make_constant(std::move(t)), ty};
}

TExpr IrBuilder::op(Block& b, const std::string& name, std::vector<TExpr> args, const Attrs& attrs, const Span& span) {
  std::vector<Expr> exprs;
  std::vector<ArgInfo> infos;
  bool all_const = true;
  for (auto& a : args) {
    exprs.push_back(a.e);
    if (!as_tensor(a.t)) throw CompileError(span, Msg() << "operator " << name << " given a non-tensor value of type " << (a.t ? type_str(a.t) : "?"));
    infos.push_back({a.t, a.constant()});
    all_const = all_const && a.constant();
  }
  Call call = make_op_call(name, exprs, attrs, span);
  const OpDef* def = static_cast<const OpNode*>(call->callee.get())->def;
  Type t;
  try {
    t = def->type_relation(infos, call->attrs);
  } catch (const TypeRelationError& e) {
    throw CompileError(span, Msg() << name << ": " << e.what());
  }
  if (all_const && def->kernel) {
    try {
      std::vector<Tensor> in;
      for (auto& a : args) in.push_back(*a.constant());
      auto outs = def->kernel(in, call->attrs);
      if (as_tensor(t) && outs.size() == 1) return constant(outs[0]);
      std::vector<Expr> f;
      for (auto& o : outs) f.push_back(make_constant(o));
      return {make_tuple(f, span), t};
    } catch (const RuntimeError&) {
      // Left to fail at run time, where TorchScript fails too (it may sit on a path never taken).
    }
  }
  return b.bind({call, t}, name);
}

TExpr IrBuilder::tuple_get(Block& b, const TExpr& tuple, int index) {
  if (auto tu = as<TupleNode>(tuple.e)) return {tu->fields[index], as_tuple(tuple.t)->fields[index]};
  auto tt = as_tuple(tuple.t);
  WEFT_ASSERT(tt && index < int(tt->fields.size()), "tuple_get on " << type_str(tuple.t));
  return b.bind({make_tuple_get(tuple.e, index), tt->fields[index]}, "f");
}

std::string IrBuilder::fresh_name(const std::string& hint) { return "ts_" + hint + "_" + std::to_string(counter_++); }

void IrBuilder::commit() {
  for (auto& [name, f] : pending_) module_.add_function(name, f);
  pending_.clear();
}

// Polymorphic list helpers, built once per module.
GlobalVar IrBuilder::generic_helper(const std::string& name) {
  auto it = helpers_.find(name);
  if (it != helpers_.end()) return it->second;
  GlobalVar self = make_global_var(name);
  helpers_[name] = self;
  Constructor cons = module_.constructor("Cons"), nil = module_.constructor("Nil");
  TypeVar T = type_var("T");
  Type lt = list_of(T);
  Var l = make_var("l", lt), h = make_var("h"), t = make_var("t"), x = make_var("x", T), i = make_var("i", scalar_type(DType::I64));
  auto cons_pat = pattern_constructor(cons, {pattern_var(h), pattern_var(t)});
  auto nil_pat = pattern_constructor(nil, {});
  auto is_zero = make_op_call("equal", {i, i64_const(0)});
  auto dec = make_op_call("sub", {i, i64_const(1)});
  Function f;
  if (name == "ts_list_append") {
    Expr rec = make_call(cons, {h, make_call(self, {t, x})});
    Expr last = make_call(cons, {x, make_call(nil, {})});
    f = make_function({l, x}, lt, make_match(l, {{cons_pat, rec}, {nil_pat, last}}), {T});
  } else if (name == "ts_list_len") {
    Var acc = make_var("acc", scalar_type(DType::I64));
    Expr rec = make_call(self, {t, make_op_call("add", {acc, i64_const(1)})});
    f = make_function({l, acc}, scalar_type(DType::I64), make_match(l, {{cons_pat, rec}, {nil_pat, acc}}), {T});
  } else if (name == "ts_list_get") {
    Expr body = make_if(is_zero, h, make_call(self, {t, dec}));
    f = make_function({l, i}, T, make_match(l, {{cons_pat, body}}, Span{"list index out of range"}), {T});
  } else if (name == "ts_list_set") {
    Expr body = make_if(is_zero, make_call(cons, {x, t}), make_call(cons, {h, make_call(self, {t, dec, x})}));
    f = make_function({l, i, x}, lt, make_match(l, {{cons_pat, body}}, Span{"list assignment index out of range"}), {T});
  } else {
    WEFT_ASSERT(false, "unknown helper " << name);
  }
  module_.add_function(name, f);
  return self;
}

TExpr IrBuilder::nil(const Type& elem) { return {make_call(module_.constructor("Nil"), {}), list_of(elem)}; }

namespace {
// `e` as a variable annotated with the wider type `t` (a no-op when it has t already): a
// list's elements of different shapes (a pyramid's levels) share their joined type.
Expr widened(Block& b, const TExpr& e, const Type& t) {
  if (type_equal(e.t, t)) return e.e;
  Var v = make_var("widened", t, e.e->span);
  return b.bind({make_let(v, e.e, v), t}, "widened").e;
}
}  // namespace

TExpr IrBuilder::cons(Block& b, const TExpr& head, const TExpr& tail) {
  Type elem = join_types(head.t, adt_arg(tail.t));
  WEFT_ASSERT(elem, "cons of " << type_str(head.t) << " onto " << type_str(tail.t));
  Expr h = widened(b, head, elem), rest = widened(b, tail, list_of(elem));
  return b.bind({make_call(module_.constructor("Cons"), {h, rest}), list_of(elem)}, "list");
}

TExpr IrBuilder::list_append(Block& b, const TExpr& list, const TExpr& x) {
  Type elem = join_types(adt_arg(list.t), x.t);
  if (!elem) throw CompileError(Msg() << "list of " << type_str(adt_arg(list.t)) << " appended " << type_str(x.t));
  return b.bind({make_call(generic_helper("ts_list_append"), {list.e, x.e}), list_of(elem)}, "list");
}

TExpr IrBuilder::list_len(Block& b, const TExpr& list) {
  return b.bind({make_call(generic_helper("ts_list_len"), {list.e, i64_const(0)}), scalar_type(DType::I64)}, "len");
}

namespace {
// A negative index counts from the end, as in Python.
TExpr normalize_index(IrBuilder& ir, Block& b, const TExpr& list, const TExpr& index, const Span& span) {
  if (auto c = index.constant(); c && c->as_int() >= 0) return index;
  TExpr zero = IrBuilder::constant(Tensor::scalar<int64_t>(0));
  TExpr neg = ir.op(b, "less", {index, zero}, {}, span);
  TExpr wrapped = ir.op(b, "add", {index, ir.list_len(b, list)}, {}, span);
  return ir.op(b, "where", {neg, wrapped, index}, {}, span);
}
}  // namespace

TExpr IrBuilder::list_get(Block& b, const TExpr& list, const TExpr& index, const Span& span) {
  TExpr i = normalize_index(*this, b, list, index, span);
  return b.bind({make_call(generic_helper("ts_list_get"), {list.e, i.e}, span), adt_arg(list.t)}, "item");
}

TExpr IrBuilder::list_set(Block& b, const TExpr& list, const TExpr& index, const TExpr& x, const Span& span) {
  TExpr i = normalize_index(*this, b, list, index, span);
  Type elem = join_types(adt_arg(list.t), x.t);
  if (!elem) throw CompileError(span, Msg() << "list of " << type_str(adt_arg(list.t)) << " assigned " << type_str(x.t));
  return b.bind({make_call(generic_helper("ts_list_set"), {list.e, i.e, x.e}, span), list_of(elem)}, "list");
}

TExpr IrBuilder::list_concat(Block& b, const TExpr& list, int64_t axis, bool stack, const Span& span) {
  Type elem = concrete(adt_arg(list.t));
  auto et = as_tensor(elem);
  if (!et) throw CompileError(span, "cat/stack of a list whose elements are not tensors");
  int out_rank = et->rank() + (stack ? 1 : 0);
  if (axis < 0) axis += out_rank;
  if (axis < 0 || axis >= out_rank) throw CompileError(span, Msg() << "cat/stack axis " << axis << " out of range");
  std::string key = type_str(elem) + (stack ? " stack " : " cat ") + std::to_string(axis);
  auto it = helpers_.find(key);
  Shape s = et->shape;
  if (stack) s.insert(s.begin() + axis, Dim::unknown());
  else s[size_t(axis)] = Dim::unknown();
  Type ret = tensor_type(et->dtype, s);
  GlobalVar fn;
  if (it != helpers_.end()) {
    fn = it->second;
  } else {
    std::string name = fresh_name(stack ? "stack" : "cat");
    fn = make_global_var(name);
    helpers_[key] = fn;
    Constructor cons = module_.constructor("Cons"), nil = module_.constructor("Nil");
    Var l = make_var("l", list_of(elem)), h = make_var("h"), h2 = make_var("h"), t = make_var("t");
    auto piece = [&](Expr e) { return stack ? Expr(make_op_call("unsqueeze", {e}, Attrs{{"axes", std::vector<int64_t>{axis}}})) : e; };
    Expr one = piece(h);
    Expr more = make_op_call("concat", {piece(h2), make_call(fn, {t})}, Attrs{{"axis", axis}});
    Expr body = make_match(l, {{pattern_constructor(cons, {pattern_var(h), pattern_constructor(nil, {})}), one},
                               {pattern_constructor(cons, {pattern_var(h2), pattern_var(t)}), more}},
                           Span{"stack/cat of an empty list"});
    module_.add_function(name, make_function({l}, ret, body));
  }
  return b.bind({make_call(fn, {list.e}, span), ret}, stack ? "stacked" : "cat");
}

TExpr IrBuilder::some(Block& b, const TExpr& x) {
  return b.bind({make_call(module_.constructor("Some"), {x.e}), adt_type("Option", {x.t})}, "some");
}
TExpr IrBuilder::none_of(const Type& payload) { return {make_call(module_.constructor("None"), {}), adt_type("Option", {payload})}; }

TExpr IrBuilder::unwrap(Block& b, const TExpr& option, const Span& span) {
  Var x = make_var("x");
  Expr m = make_match(option.e, {{pattern_constructor(module_.constructor("Some"), {pattern_var(x)}), x}},
                      Span{span.str() + ": unwrapped a None optional"});
  return b.bind({m, adt_arg(option.t)}, "value");
}

TExpr IrBuilder::is_none(Block& b, const TExpr& option) {
  Expr m = make_match(option.e, {{pattern_constructor(module_.constructor("Some"), {pattern_wildcard()}), make_constant(Tensor::scalar<bool>(false))},
                                 {pattern_wildcard(), make_constant(Tensor::scalar<bool>(true))}});
  return b.bind({m, scalar_type(DType::Bool)}, "is_none");
}

TExpr IrBuilder::raise(const Type& t, const std::string& message, const Span& span) {
  // The scrutinee is annotated so that the match has type t wherever it stands.
  Var x = make_var("x"), none = make_var("none", adt_type("Option", {concrete(t)}));
  std::string where = span.str();
  Expr m = make_match(none, {{pattern_constructor(module_.constructor("Some"), {pattern_var(x)}), x}},
                      Span{(where.empty() ? "" : where + ": ") + "TorchScript raised: " + message});
  return {make_let(none, make_call(module_.constructor("None"), {}), m), t};
}

TExpr IrBuilder::materialize(Block& b, const TsVal& v, const Span& span) {
  switch (v.kind) {
    case Kind::Tensor: case Kind::Int: case Kind::Float: case Kind::Bool: case Kind::Option:
      return v.v;
    case Kind::List: {
      if (!v.is_static) return v.v;
      std::vector<TExpr> items;
      Type elem = unknown_type();
      for (auto& e : v.elems) {
        items.push_back(materialize(b, e, span));
        elem = join_types(elem, items.back().t);
        if (!elem) throw CompileError(span, "a list whose elements have different dtypes or ranks");
      }
      TExpr l = nil(elem);
      for (auto it = items.rbegin(); it != items.rend(); ++it) l = cons(b, *it, l);
      return l;
    }
    case Kind::Tuple: case Kind::Dict: {
      if (!v.is_static) {
        if (v.kind == Kind::Dict) throw CompileError(span, "a dict whose keys are not known at import time");
        return v.v;
      }
      std::vector<Expr> f;
      std::vector<Type> t;
      for (auto& e : v.elems) {
        TExpr m = materialize(b, e, span);
        f.push_back(m.e);
        t.push_back(m.t);
      }
      return b.bind({make_tuple(f, span), tuple_type(t)}, "tuple");
    }
    case Kind::Uninit:
      return {Expr(), unknown_type()};  // the caller replaces it by a raise of the joined type
    default:
      return {make_tuple({}), unit_type()};
  }
}

TsVal IrBuilder::unmaterialize(Block& b, const TExpr& e, const TsVal& proto) {
  switch (proto.kind) {
    case Kind::Tensor: case Kind::Int: case Kind::Float: case Kind::Bool:
      return TsVal::make(proto.kind, e);
    case Kind::List: case Kind::Option: {
      TsVal r = TsVal::make(proto.kind, e);
      r.elem_kind = proto.elem_kind;
      return r;
    }
    case Kind::Tuple: {
      std::vector<TsVal> elems;
      for (size_t i = 0; i < proto.elems.size(); ++i) elems.push_back(unmaterialize(b, tuple_get(b, e, int(i)), proto.elems[i]));
      return TsVal::static_tuple(std::move(elems));
    }
    case Kind::None:
      return TsVal::none();
    default: {
      TsVal r;
      r.kind = proto.kind;
      return r;
    }
  }
}

}  // namespace weft::ts
