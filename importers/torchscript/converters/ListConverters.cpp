// ListConverters.cpp - TorchScript lists: construction by append, len, indexing, assignment, cat/stack.
#include <algorithm>

#include "importers/torchscript/NodeContext.h"

namespace weft::ts {

namespace {

TsVal int_val(TExpr e) { return TsVal::make(Kind::Int, e); }

std::vector<TsVal> len(NodeContext& c) {
  const TsVal& l = c.in(0);
  if (l.kind == Kind::String) {
    if (!l.str) c.fail("len of a string not known at import time");
    return {int_val(c.i64(int64_t(l.str->size())))};
  }
  if (l.kind == Kind::Tensor) return {int_val(c.dim_size(l.v, 0))};
  if (l.is_static) return {int_val(c.i64(int64_t(l.elems.size())))};
  return {int_val(c.ir().list_len(c.block(), l.v))};
}

std::vector<TsVal> getitem(NodeContext& c) {
  const TsVal& l = c.in(0);
  if (l.kind == Kind::List && l.is_static) {
    if (auto k = c.in(1).constant()) {
      int64_t i = k->as_int(), n = int64_t(l.elems.size());
      if (i < 0) i += n;
      if (i < 0 || i >= n) c.fail("list index out of range");
      return {l.elems[size_t(i)]};
    }
  }
  if (l.kind != Kind::List) c.fail(Msg() << "indexing a " << kind_name(l.kind) << " is not supported");
  TExpr list = c.ir().materialize(c.block(), l, c.span());
  TExpr item = c.ir().list_get(c.block(), list, c.cast(c.tensor(1), DType::I64), c.span());
  TsVal proto;
  proto.kind = l.elem_kind;
  return {c.ir().unmaterialize(c.block(), item, proto)};
}

std::vector<TsVal> set_item(NodeContext& c) {
  const TsVal& l = c.in(0);
  if (l.is_static) {
    if (auto k = c.in(1).constant()) {
      int64_t i = k->as_int(), n = int64_t(l.elems.size());
      if (i < 0) i += n;
      if (i < 0 || i >= n) c.fail("list assignment index out of range");
      TsVal r = l;
      r.elems[size_t(i)] = c.in(2);
      return {r};
    }
  }
  TExpr list = c.ir().materialize(c.block(), l, c.span());
  TExpr x = c.ir().materialize(c.block(), c.in(2), c.span());
  TsVal r = TsVal::make(Kind::List, c.ir().list_set(c.block(), list, c.cast(c.tensor(1), DType::I64), x, c.span()));
  r.elem_kind = l.elem_kind;
  return {r};
}

std::vector<TsVal> append(NodeContext& c) {
  const TsVal& l = c.in(0);
  if (l.is_static) {
    TsVal r = l;
    r.elems.push_back(c.in(1));
    return {r};
  }
  TExpr x = c.ir().materialize(c.block(), c.in(1), c.span());
  TsVal r = TsVal::make(Kind::List, c.ir().list_append(c.block(), l.v, x));
  r.elem_kind = l.elem_kind;
  return {r};
}

// l[start:end:step] of a static list with bounds known at import time, by Python's rules
// (x.shape[-2:] in torchvision's segmentation heads).
std::vector<TsVal> slice_list(NodeContext& c) {
  const TsVal& l = c.in(0);
  if (l.kind != Kind::List || !l.is_static) c.fail("slicing a list whose length is known only at run time is not supported");
  int64_t n = int64_t(l.elems.size()), step = c.num_inputs() > 3 && c.has(3) ? c.int_arg(3) : 1;
  if (step == 0) c.fail("slice step cannot be zero");
  auto bound = [&](size_t i, int64_t def) {
    auto v = c.opt_int(i);
    if (!v) return def;
    int64_t b = *v < 0 ? *v + n : *v;
    return step > 0 ? std::clamp<int64_t>(b, 0, n) : std::clamp<int64_t>(b, -1, n - 1);
  };
  int64_t start = bound(1, step > 0 ? 0 : n - 1), end = bound(2, step > 0 ? n : -1);
  std::vector<TsVal> items;
  for (int64_t i = start; step > 0 ? i < end : i > end; i += step) items.push_back(l.elems[size_t(i)]);
  return {TsVal::static_list(l.elem_kind, items)};
}

// sum(l) of an int or float list (swin's `sum(shift_size) > 0`); a List value (one
// written in a branch) is stacked and reduced at run time.
Converter sum_list(DType dt) {
  return [dt](NodeContext& c) {
    const TsVal& l = c.in(0);
    if (l.kind == Kind::List && !l.is_static) {
      TExpr all = c.cast(c.ir().list_concat(c.block(), l.v, 0, true, c.span()), dt);
      return std::vector<TsVal>{c.out(c.op("reduce_sum", {all}, Attrs{{"axes", std::vector<int64_t>{0}}, {"keepdims", false}}))};
    }
    TExpr r = c.scalar(0, dt);
    for (auto& e : c.list_items(0)) r = c.op("add", {r, c.cast(e.v, dt)});
    return std::vector<TsVal>{c.out(r)};
  };
}

// cat / stack: a static list joins with one concat; a List value with a helper function.
Converter concat(bool stack) {
  return [stack](NodeContext& c) {
    int64_t axis = c.num_inputs() > 1 ? c.int_arg(1) : 0;
    const TsVal& l = c.in(0);
    if (!l.is_static) return std::vector<TsVal>{c.out(c.ir().list_concat(c.block(), l.v, axis, stack, c.span()))};
    std::vector<TExpr> xs;
    for (auto& e : l.elems) xs.push_back(e.v);
    if (xs.empty()) c.fail("cat/stack of an empty list");
    std::vector<size_t> idx;
    DType dt = xs[0].dtype();
    for (auto& x : xs)
      if (x.dtype() != dt && is_float(x.dtype())) dt = x.dtype();
    int rank = xs[0].rank() + (stack ? 1 : 0);
    axis = c.axis(axis, rank);
    for (auto& x : xs) {
      x = c.cast(x, dt);
      if (stack) x = c.op("unsqueeze", {x}, Attrs{{"axes", std::vector<int64_t>{axis}}});
    }
    return std::vector<TsVal>{c.out(xs.size() == 1 ? xs[0] : c.op("concat", xs, Attrs{{"axis", axis}}))};
  };
}

// all/any over a bool list or a tensor.
Converter all_any(bool all) {
  return [all](NodeContext& c) {
    const TsVal& l = c.in(0);
    if (l.kind == Kind::List) {
      TExpr r = c.i64(all ? 1 : 0);
      r = c.cast(r, DType::Bool);
      for (auto& e : c.list_items(0)) r = c.op(all ? "logical_and" : "logical_or", {r, c.cast(e.v, DType::Bool)});
      return std::vector<TsVal>{c.out(r)};
    }
    TExpr x = c.cast(c.tensor(0), DType::U8);
    std::vector<int64_t> axes;
    bool keep = false;
    if (c.num_inputs() > 1 && c.has(1)) {
      axes = {c.axis(c.int_arg(1), x.rank())};
      keep = c.num_inputs() > 2 && c.bool_arg(2);
    }
    TExpr r = c.op(all ? "reduce_min" : "reduce_max", {x}, Attrs{{"axes", axes}, {"keepdims", keep}});
    if (x.rank() == 0) r = x;
    return std::vector<TsVal>{c.out(c.cast(r, DType::Bool))};
  };
}

}  // namespace

void register_list_converters(ConverterTable& t) {
  t.add("aten::len", len);
  t.add("aten::__getitem__", getitem);
  t.add("aten::_set_item", set_item);
  t.add("aten::append", append);
  t.add("aten::slice.t", slice_list);
  t.add("aten::sum.int", sum_list(DType::I64));
  t.add("aten::sum.float", sum_list(DType::F64));
  t.add("aten::list", [](NodeContext& c) { return std::vector<TsVal>{c.in(0)}; });
  t.add("aten::copy.t", *t.find("aten::list", ""));  // lists are values here: a copy is the same value
  t.add("aten::add.t", [](NodeContext& c) {  // list + list, e.g. (a,) + x.chunk(2) in MultiheadAttention
    std::vector<TsVal> items = c.list_items(0), more = c.list_items(1);
    items.insert(items.end(), more.begin(), more.end());
    return std::vector<TsVal>{TsVal::static_list(c.in(0).elem_kind, items)};
  });
  t.add("aten::cat", concat(false));
  t.add("aten::concat", concat(false));
  t.add("aten::stack", concat(true));
  t.add("aten::all", all_any(true));
  t.add("aten::any", all_any(false));
}

}  // namespace weft::ts
