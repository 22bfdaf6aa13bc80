// GraphTranslator.cpp - walks TorchScript blocks: prim ops, constants, aten dispatch, mutation write-back.
#include "importers/torchscript/GraphTranslator.h"

#include <ATen/core/function_schema.h>

#include <set>

namespace weft::ts {

using JBlock = torch::jit::Block;
using torch::jit::Node;
using torch::jit::Value;
namespace prim = c10::prim;

namespace {

bool has_vars(const TsVal& v) {
  if (v.v.e && !as<ConstantNode>(v.v.e)) return true;
  for (auto& e : v.elems)
    if (has_vars(e)) return true;
  return false;
}

Kind kind_of(const c10::TypePtr& t) { return proto_of(t).kind; }

int64_t torch_dtype_code(DType d) {
  switch (d) {
    case DType::U8: return 0;
    case DType::I8: return 1;
    case DType::I16: return 2;
    case DType::I32: return 3;
    case DType::I64: return 4;
    case DType::F16: return 5;
    case DType::F32: return 6;
    case DType::F64: return 7;
    case DType::Bool: return 11;
    case DType::BF16: return 15;
    default: return 6;
  }
}

}  // namespace

TsVal proto_of(const c10::TypePtr& t) {
  using c10::TypeKind;
  using c10::ListType;
  using c10::OptionalType;
  using c10::TupleType;
  TsVal p;
  switch (t->kind()) {
    case TypeKind::TensorType: p.kind = Kind::Tensor; break;
    case TypeKind::IntType: p.kind = Kind::Int; break;
    case TypeKind::FloatType: case TypeKind::NumberType: p.kind = Kind::Float; break;
    case TypeKind::BoolType: p.kind = Kind::Bool; break;
    case TypeKind::NoneType: p.kind = Kind::None; break;
    case TypeKind::StringType: p.kind = Kind::String; break;
    case TypeKind::DeviceObjType: p.kind = Kind::Device; break;
    case TypeKind::ListType: p.kind = Kind::List; p.elem_kind = kind_of(t->expectRef<ListType>().getElementType()); break;
    case TypeKind::DictType: p.kind = Kind::Dict; p.elem_kind = kind_of(t->expectRef<c10::DictType>().getValueType()); break;
    case TypeKind::OptionalType: p.kind = Kind::Option; p.elem_kind = kind_of(t->expectRef<OptionalType>().getElementType()); break;
    case TypeKind::TupleType:
      p.kind = Kind::Tuple;
      p.is_static = true;
      for (auto& e : t->expectRef<TupleType>().elements()) p.elems.push_back(proto_of(e));
      break;
    default: p.kind = Kind::Other;
  }
  return p;
}

bool mutates_first_input(const Node* n) {
  auto s = n->maybeSchema();
  if (!s || s->arguments().empty()) return false;
  auto* a = s->arguments()[0].alias_info();
  return a && a->isWrite();
}

bool is_view_node(const Node* n) {
  auto s = n->maybeSchema();
  if (!s || s->arguments().empty() || s->returns().empty()) return false;
  auto* a = s->arguments()[0].alias_info();
  auto* r = s->returns()[0].alias_info();
  return a && r && !a->isWrite() && a->beforeSets() == r->beforeSets() && n->input(0)->type()->kind() == c10::TypeKind::TensorType;
}

Tensor to_weft_tensor(const at::Tensor& t0, const Span& span) {
  at::Tensor t = t0.contiguous();
  DType d;
  switch (t.scalar_type()) {
    case at::kFloat: d = DType::F32; break;
    case at::kDouble: d = DType::F64; break;
    case at::kHalf: d = DType::F16; break;
    case at::kBFloat16: d = DType::BF16; break;
    case at::kLong: d = DType::I64; break;
    case at::kInt: d = DType::I32; break;
    case at::kShort: d = DType::I16; break;
    case at::kChar: d = DType::I8; break;
    case at::kByte: d = DType::U8; break;
    case at::kBool: d = DType::Bool; break;
    default: throw CompileError(span, Msg() << "tensor constant of unsupported dtype " << t.scalar_type());
  }
  Tensor r(d, std::vector<int64_t>(t.sizes().begin(), t.sizes().end()));
  if (r.nbytes()) std::memcpy(r.raw(), t.data_ptr(), r.nbytes());
  return r;
}

Span GraphTranslator::span_of(Node* n) const {
  auto r = n->sourceRange();
  auto gen = r.findSourceRangeThatGenerated();
  auto flc = (gen ? *gen : r).file_line_col();
  if (!flc) return Span{std::string("TorchScript node ") + n->kind().toQualString()};
  return Span{std::get<0>(*flc), int(std::get<1>(*flc)), int(std::get<2>(*flc)) + 1};
}

const TsVal& GraphTranslator::env(Value* v, const Span& span) const {
  auto it = env_.find(v);
  if (it == env_.end()) throw CompileError(span, Msg() << "internal: TorchScript value %" << v->debugName() << " used before it is defined");
  return it->second;
}

Value* GraphTranslator::alias_root(Value* v) const {
  for (;;) {
    auto it = views_.find(v);
    if (it == views_.end()) return v;
    v = it->second.base;
  }
}

namespace {
bool defined_inside(const Value* v, const JBlock* b) {
  for (const JBlock* x = v->node()->owningBlock(); x; x = x->owningNode() ? x->owningNode()->owningBlock() : nullptr)
    if (x == b) return true;
  return false;
}

void walk(JBlock* b, const std::function<void(Node*)>& f) {
  for (Node* n : b->nodes()) {
    f(n);
    for (JBlock* inner : n->blocks()) walk(inner, f);
  }
}

// A constant tensor, number or str (a prim::Constant, or a value of a constant dict);
// nullopt for anything else.
std::optional<TsVal> leaf_constant(const c10::IValue& iv, const Span& span) {
  if (iv.isTensor()) return TsVal::tensor(IrBuilder::constant(to_weft_tensor(iv.toTensor(), span)));
  if (iv.isInt()) return int_const(iv.toInt());
  if (iv.isDouble()) return float_const(iv.toDouble());
  if (iv.isBool()) return bool_const(iv.toBool());
  if (iv.isString()) return TsVal::string(iv.toStringRef());
  return std::nullopt;
}
}  // namespace

std::vector<Value*> GraphTranslator::mutated_outer(JBlock* b) const {
  std::vector<Value*> out;
  // Views made inside b resolve through a local map; views made before b through views_.
  std::unordered_map<const Value*, Value*> local;
  auto root = [&](Value* v) {
    for (;;) {
      if (auto it = local.find(v); it != local.end()) { v = it->second; continue; }
      if (auto it = views_.find(v); it != views_.end()) { v = it->second.base; continue; }
      return v;
    }
  };
  walk(b, [&](Node* n) {
    if (is_view_node(n)) local[n->output(0)] = n->input(0);
    if (!mutates_first_input(n)) return;
    Value* r = root(n->input(0));
    if (!defined_inside(r, b) && std::find(out.begin(), out.end(), r) == out.end()) out.push_back(r);
  });
  return out;
}

std::vector<Value*> GraphTranslator::captured(JBlock* b) const {
  std::vector<Value*> out;
  auto use = [&](Value* v) {
    if (!defined_inside(v, b) && std::find(out.begin(), out.end(), v) == out.end()) out.push_back(v);
  };
  walk(b, [&](Node* n) {
    for (Value* v : n->inputs()) use(v);
    for (JBlock* inner : n->blocks())
      for (Value* v : inner->outputs()) use(v);
  });
  for (Value* v : b->outputs()) use(v);
  return out;
}

TExpr GraphTranslator::default_value(const Type& t, Type* widened) {
  if (auto tt = as_tensor(t)) {
    std::vector<int64_t> shape;
    Shape wide;
    for (auto& d : tt->shape) {
      shape.push_back(d.is_static() ? d.value() : 0);
      wide.push_back(d.is_static() ? d : Dim::unknown());
    }
    if (widened) *widened = tensor_type(tt->dtype, wide);
    return IrBuilder::constant(Tensor(tt->dtype, shape));
  }
  if (widened) *widened = t;
  if (auto a = as_adt(t)) {
    if (a->name == "List") return ir_.nil(a->args[0]);
    if (a->name == "Option") return ir_.none_of(a->args[0]);
  }
  if (auto tu = as_tuple(t)) {
    std::vector<Expr> f;
    for (auto& x : tu->fields) f.push_back(default_value(x, nullptr).e);
    return {make_tuple(f), t};
  }
  return {make_tuple({}), unit_type()};
}

// Materializes v as TorchScript's `proto` says the boundary holds it (Optional wraps).
TExpr GraphTranslator::materialize_as(ts::Block& b, const TsVal& v, const TsVal& proto, const Span& span) {
  if (proto.kind == Kind::Option && v.kind != Kind::Option) {
    if (v.kind == Kind::None) return ir_.none_of(unknown_type());
    if (v.kind == Kind::Uninit) return {Expr(), unknown_type()};
    return ir_.some(b, ir_.materialize(b, v, span));
  }
  if (proto.kind == Kind::Tuple && v.kind == Kind::Tuple && v.is_static && proto.elems.size() == v.elems.size()) {
    std::vector<Expr> f;
    std::vector<Type> t;
    for (size_t i = 0; i < v.elems.size(); ++i) {
      TExpr m = materialize_as(b, v.elems[i], proto.elems[i], span);
      if (!m.e) m = default_value(m.t, nullptr);
      f.push_back(m.e);
      t.push_back(m.t);
    }
    return b.bind({make_tuple(f, span), tuple_type(t)}, "tuple");
  }
  return ir_.materialize(b, v, span);
}

void GraphTranslator::translate_nodes(JBlock* b) {
  for (Node* n : b->nodes()) translate_node(n);
}

void GraphTranslator::translate_constant(Node* n) {
  Span span = span_of(n);
  Value* out = n->output();
  auto iv = torch::jit::toIValue(out);
  TsVal v;
  if (!iv || iv->isNone()) v = TsVal::none();
  else if (auto leaf = leaf_constant(*iv, span)) v = *leaf;
  else if (iv->isDevice()) { v = TsVal::string(iv->toDevice().str()); v.kind = Kind::Device; }
  else if (iv->isIntList()) {
    std::vector<TsVal> e;
    for (int64_t x : iv->toIntVector()) e.push_back(int_const(x));
    v = TsVal::static_list(Kind::Int, e);
  } else if (iv->isDoubleList()) {
    std::vector<TsVal> e;
    for (double x : iv->toDoubleVector()) e.push_back(float_const(x));
    v = TsVal::static_list(Kind::Float, e);
  } else if (iv->isBoolList()) {
    std::vector<TsVal> e;
    for (bool x : iv->toBoolList()) e.push_back(bool_const(x));
    v = TsVal::static_list(Kind::Bool, e);
  } else if (iv->isTensorList()) {
    std::vector<TsVal> e;
    for (const at::Tensor& x : iv->toTensorVector()) e.push_back(TsVal::tensor(IrBuilder::constant(to_weft_tensor(x, span))));
    v = TsVal::static_list(Kind::Tensor, e);
  } else if (iv->isList()) {  // e.g. Tensor?[] of indices: elements None or tensors
    std::vector<TsVal> e;
    for (const c10::IValue& x : iv->toListRef()) {
      if (x.isNone()) e.push_back(TsVal::none());
      else if (x.isTensor()) e.push_back(TsVal::tensor(IrBuilder::constant(to_weft_tensor(x.toTensor(), span))));
      else throw CompileError(span, Msg() << "prim::Constant list of unsupported type " << out->type()->str());
    }
    v = TsVal::static_list(proto_of(out->type()).elem_kind, e);
  } else if (iv->isGenericDict()) {  // a frozen module attribute such as Dict[str, str]
    v = TsVal::static_dict(proto_of(out->type()).elem_kind);
    for (const auto& kv : iv->toGenericDict()) {
      const c10::IValue& x = kv.value();
      if (!kv.key().isString()) throw CompileError(span, Msg() << "prim::Constant dict with non-str keys: " << out->type()->str());
      v.keys.push_back(kv.key().toStringRef());
      auto leaf = leaf_constant(x, span);
      if (!leaf) throw CompileError(span, Msg() << "prim::Constant of unsupported type " << out->type()->str());
      v.elems.push_back(*leaf);
    }
  } else {
    throw CompileError(span, Msg() << "prim::Constant of unsupported type " << out->type()->str());
  }
  env_[out] = v;
}

void GraphTranslator::translate_node(Node* n) {
  Span span = span_of(n);
  auto k = n->kind();
  auto in = [&](size_t i) -> const TsVal& { return env(n->input(i), span); };
  if (k == prim::Constant) return translate_constant(n);
  if (k == prim::If) return translate_if(n);
  if (k == prim::Loop) return translate_loop(n);
  if (k == prim::ListConstruct) {
    std::vector<TsVal> e;
    for (size_t i = 0; i < n->inputs().size(); ++i) e.push_back(in(i));
    env_[n->output()] = TsVal::static_list(proto_of(n->output()->type()).elem_kind, e);
    return;
  }
  if (k == prim::DictConstruct) {  // {"a": x, ...}: keys, values alternate
    TsVal d = TsVal::static_dict(proto_of(n->output()->type()).elem_kind);
    for (size_t i = 0; i + 1 < n->inputs().size(); i += 2) {
      const TsVal& key = in(i);
      if (key.kind != Kind::String || !key.str) throw CompileError(span, "a dict key must be a str known at import time");
      d.set_key(*key.str, in(i + 1));
    }
    env_[n->output()] = d;
    return;
  }
  if (k == prim::TupleConstruct) {
    std::vector<TsVal> e;
    for (size_t i = 0; i < n->inputs().size(); ++i) e.push_back(in(i));
    env_[n->output()] = TsVal::static_tuple(e);
    return;
  }
  if (k == prim::ListUnpack || k == prim::TupleUnpack) {
    const TsVal& l = in(0);
    if (!l.is_static || l.elems.size() != n->outputs().size())
      throw CompileError(span, Msg() << n->kind().toQualString() << " of a value whose length is not known at import time");
    for (size_t i = 0; i < n->outputs().size(); ++i) env_[n->output(i)] = l.elems[i];
    return;
  }
  if (k == prim::TupleIndex) {
    const TsVal& t = in(0);
    int64_t i = t.is_static ? env(n->input(1), span).constant()->as_int() : -1;
    if (!t.is_static || i < 0 || i >= int64_t(t.elems.size())) throw CompileError(span, "prim::TupleIndex needs a constant index into a known tuple");
    env_[n->output()] = t.elems[size_t(i)];
    return;
  }
  if (k == prim::GetAttr || k == prim::SetAttr) return translate_attr(n);
  if (k == prim::RaiseException) {
    const TsVal& m = in(0);
    // A message built from values known only at run time (f-strings of shapes) is not kept.
    std::string msg = m.str ? *m.str : "exception (its message is built from run-time values)";
    block_->bind(ir_.raise(unit_type(), msg, span), "raise");
    return;
  }
  if (k == prim::Uninitialized) {
    TsVal u;
    u.kind = Kind::Uninit;
    env_[n->output()] = u;
    return;
  }
  if (k == prim::unchecked_cast) {
    const TsVal& v = in(0);
    if (v.kind == Kind::Option) env_[n->output()] = ir_.unmaterialize(*block_, ir_.unwrap(*block_, v.v, span), [&] {
      TsVal p; p.kind = v.elem_kind; return p; }());
    else env_[n->output()] = v;
    return;
  }
  if (k == prim::dtype) {
    env_[n->output()] = int_const(torch_dtype_code(in(0).v.dtype()));
    return;
  }
  if (k == prim::device) { TsVal d = TsVal::string(std::string("cpu")); d.kind = Kind::Device; env_[n->output()] = d; return; }
  std::string kq = k.toQualString();
  if (kq == "prim::is_cuda" || kq == "prim::requires_grad" || kq == "prim::is_nested" || kq == "prim::is_mkldnn" || kq == "prim::is_quantized" || kq == "prim::is_xpu") {
    env_[n->output()] = bool_const(false);
    return;
  }
  if (k == prim::NumToTensor) {
    TsVal t = TsVal::tensor(in(0).v);
    t.size_dim = in(0).size_dim;
    env_[n->output()] = t;
    return;
  }
  if (k == prim::Print) return;
  // torchvision's operators (torchvision::nms) convert like aten's, from the same table.
  const bool torchvision_op = std::string(k.toQualString()).rfind("torchvision::", 0) == 0;
  if (k.is_aten() || torchvision_op || k == prim::min || k == prim::max || k == prim::abs) return translate_aten(n);
  throw CompileError(span, Msg() << "unsupported TorchScript operator " << k.toQualString());
}

// Module attributes left by freezing: only those forward assigns (RAFT's CorrBlock keeps its
// correlation pyramid in `self.corr_pyramid`). A submodule is a path ("self.m.corr_block");
// an attribute holds the last value forward assigned it, in forward's own block (an
// assignment inside an if or a loop would need the attribute as carried state).
void GraphTranslator::translate_attr(Node* n) {
  Span span = span_of(n);
  const TsVal& obj = env(n->input(0), span);
  if (obj.kind != Kind::Other || !obj.str) throw CompileError(span, Msg() << n->kind().toQualString() << " on a value that is not a module");
  std::string path = *obj.str + "." + n->s(c10::attr::name);
  if (n->kind() == prim::SetAttr) {
    if (block_ != main_block_)
      throw CompileError(span, "module attribute '" + path + "' is assigned inside an if or a loop, which is not supported");
    module_attrs_[path] = env(n->input(1), span);
    return;
  }
  if (n->output()->type()->kind() == c10::TypeKind::ClassType) {
    TsVal sub;
    sub.str = path;
    env_[n->output()] = sub;
    return;
  }
  auto it = module_attrs_.find(path);
  if (it == module_attrs_.end())
    throw CompileError(span, "module attribute '" + path + "' is read before forward assigns it (only attributes forward assigns are left after freezing, and their value before forward runs is not supported)");
  env_[n->output()] = it->second;
  attr_reads_[n->output()] = path;
  attrs_read_.insert(path);
}

void GraphTranslator::translate_aten(Node* n) {
  Span span = span_of(n);
  auto schema = n->maybeSchema();
  std::string name = n->kind().toQualString();
  std::string overload = schema ? schema->overload_name() : "";
  const ConverterTable& table = ConverterTable::global();
  const Converter* conv = table.find(name, overload);
  bool in_place = mutates_first_input(n);
  if (!conv && in_place && name.size() > 1 && name.back() == '_') conv = table.find(name.substr(0, name.size() - 1), overload);
  if (!conv) {
    std::string what = schema ? c10::toString(*schema) : name;
    throw CompileError(span, "unsupported TorchScript operator " + what);
  }
  std::vector<TsVal> inputs;
  for (Value* v : n->inputs()) inputs.push_back(env(v, span));
  std::vector<Kind> out_kinds;
  for (Value* v : n->outputs()) out_kinds.push_back(kind_of(v->type()));
  NodeContext ctx(ir_, *block_, schema ? c10::toString(*schema) : name, span, std::move(inputs), std::move(out_kinds));
  std::vector<TsVal> outs = (*conv)(ctx);
  if (outs.size() < n->outputs().size()) throw CompileError(span, Msg() << name << ": converter produced " << outs.size() << " outputs");
  for (size_t i = 0; i < n->outputs().size(); ++i) env_[n->output(i)] = outs[i];
  if (is_view_node(n)) views_[n->output(0)] = {n->input(0), n};
  if (in_place) write_back(n->input(0), outs[0], span);
}

namespace {

// When view kind `vk` only reorders or regroups its base's elements (flatten, view, squeeze,
// transpose, permute, ...), `whole` becomes the base holding `value` written through the view:
// the view's values read back in the base's shape. False for views that pick some elements.
bool base_of_reshaping_view(NodeContext& ctx, const std::string& vk, const TExpr& base, const TExpr& value, TExpr& whole) {
  // reshape and contiguous are left out: torch makes them copies, not views, of a strided input.
  static const std::set<std::string> regroup = {"aten::flatten", "aten::view", "aten::squeeze", "aten::unsqueeze",
                                                "aten::view_as", "aten::unflatten", "aten::detach", "aten::alias"};
  TExpr x = ctx.cast(value, base.dtype());
  if (regroup.count(vk)) {
    whole = ctx.op("reshape", {x, ctx.op("shape", {base})});
  } else if (vk == "aten::transpose") {
    std::vector<int64_t> perm;
    for (int i = 0; i < base.rank(); ++i) perm.push_back(i);
    std::swap(perm[size_t(ctx.axis(ctx.int_arg(1), base.rank()))], perm[size_t(ctx.axis(ctx.int_arg(2), base.rank()))]);
    whole = ctx.op("transpose", {x}, Attrs{{"perm", perm}});
  } else if (vk == "aten::permute") {
    std::vector<int64_t> inverse(size_t(base.rank()));
    std::vector<int64_t> perm = ctx.ints_arg(1);
    for (size_t i = 0; i < perm.size() && i < inverse.size(); ++i) inverse[size_t(ctx.axis(perm[i], base.rank()))] = int64_t(i);
    whole = ctx.op("transpose", {x}, Attrs{{"perm", inverse}});
  } else {
    return false;
  }
  if (base.tensor()) whole.t = base.t;  // same shape as before the write
  return true;
}

}  // namespace

// Writes `value` into `target`; a view passes the write to its base (select/slice/narrow
// splice it in, views that regroup elements reshape it back).
void GraphTranslator::write_back(Value* target, TsVal value, const Span& span) {
  for (;;) {
    env_[target] = value;
    // `self.pyramid.append(x)` writes the attribute itself (RAFT's CorrBlock), not a copy.
    if (auto attr = attr_reads_.find(target); attr != attr_reads_.end()) {
      if (block_ != main_block_)
        throw CompileError(span, "module attribute '" + attr->second + "' is changed inside an if or a loop, which is not supported");
      module_attrs_[attr->second] = value;
    }
    auto it = views_.find(target);
    if (it == views_.end()) return;
    Node* vn = it->second.node;
    Value* base = it->second.base;
    std::string vk = vn->kind().toQualString();
    TExpr b = env(base, span).v;
    std::vector<TsVal> args;
    for (Value* v : vn->inputs()) args.push_back(env(v, span));
    NodeContext ctx(ir_, *block_, vk, span, args, {Kind::Tensor});
    int rank = b.rank();
    if (TExpr whole; base_of_reshaping_view(ctx, vk, b, value.v, whole)) {
      target = base;
      value = TsVal::tensor(whole);
      continue;
    }
    int64_t d = ctx.axis(ctx.int_arg(1), rank);
    TExpr x = ctx.cast(value.v, b.dtype());
    TExpr axes = ctx.i64s({d});
    TExpr start, end;
    if (vk == "aten::select") {
      TExpr i = ctx.cast(ctx.tensor(2), DType::I64);
      TExpr size = ctx.dim_size(b, d);
      i = ctx.op("where", {ctx.op("less", {i, ctx.i64(0)}), ctx.op("add", {i, size}), i});
      start = ctx.op("reshape", {i, ctx.i64s({1})});
      end = ctx.op("add", {start, ctx.i64s({1})});
      x = ctx.op("unsqueeze", {x}, Attrs{{"axes", std::vector<int64_t>{d}}});
    } else if (vk == "aten::slice" || vk == "aten::narrow") {
      if (vk == "aten::slice" && ctx.has(4) && ctx.int_arg(4) != 1) throw CompileError(span, "in-place write into a strided slice is not supported");
      TExpr s = ctx.has(2) ? ctx.cast(ctx.tensor(2), DType::I64) : ctx.i64(0);
      TExpr e = vk == "aten::narrow" ? ctx.op("add", {s, ctx.cast(ctx.tensor(3), DType::I64)})
                : ctx.has(3) ? ctx.cast(ctx.tensor(3), DType::I64) : ctx.i64(INT64_MAX);
      start = ctx.op("reshape", {s, ctx.i64s({1})});
      end = ctx.op("reshape", {e, ctx.i64s({1})});
    } else {
      throw CompileError(span, "in-place write through a view made by " + vk + " is not supported");
    }
    TExpr before = ctx.op("slice", {b, ctx.i64s({0}), start, axes});
    TExpr after = ctx.op("slice", {b, end, ctx.i64s({INT64_MAX}), axes});
    TExpr nb = ctx.op("concat", {before, x, after}, Attrs{{"axis", d}});
    if (auto bt = b.tensor(); bt) nb.t = b.t;  // same shape as before the write
    target = base;
    value = TsVal::tensor(nb);
  }
}

}  // namespace weft::ts
