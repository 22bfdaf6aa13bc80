// ShapeConverters.cpp - views, reshapes, indexing, splitting, padding and rolling, dtype casts.
#include "importers/torchscript/NodeContext.h"

namespace weft::ts {

namespace {

using V = std::vector<TsVal>;
Attrs axes_attr(std::vector<int64_t> a) { return Attrs{{"axes", std::move(a)}}; }

TExpr as_i64_index(NodeContext& c, const TExpr& x, int64_t axis, TExpr i) {
  i = c.cast(i, DType::I64);
  if (i.constant() && i.constant()->as_int() >= 0) return i;
  return c.op("where", {c.op("less", {i, c.i64(0)}), c.op("add", {i, c.dim_size(x, axis)}), i});
}

// An i64[] scalar as the i64[1] that `slice` takes for a bound.
TExpr as_1d(NodeContext& c, const TExpr& v) { return c.op("reshape", {v, c.i64s({1})}); }

// x[start:end] along dim d; start and end are i64[] scalars.
TExpr slice_along(NodeContext& c, const TExpr& x, int64_t d, const TExpr& start, const TExpr& end) {
  return c.op("slice", {x, as_1d(c, start), as_1d(c, end), c.i64s({d})});
}

TsVal dim_val(NodeContext& c, const TExpr& x, int64_t axis) {
  TsVal v = TsVal::make(Kind::Int, c.dim_size(x, axis));
  const Dim& d = x.tensor()->shape[size_t(c.axis(axis, x.rank()))];
  if (!d.is_static() && !d.is_unknown()) v.size_dim = d;
  return v;
}

V size(NodeContext& c) {
  TExpr x = c.tensor(0);
  if (c.num_inputs() > 1) return {dim_val(c, x, c.int_arg(1))};
  std::vector<TsVal> dims;
  for (int i = 0; i < x.rank(); ++i) dims.push_back(dim_val(c, x, i));
  return {TsVal::static_list(Kind::Int, dims)};
}

// The result dims a reshape to a static size list gives, where the type relation cannot
// see them (sizes read at run time): a constant, the symbolic dim an element was read from
// (x.view(b, -1, h, w) with b, h, w = x.size()), and a -1 whose symbols all cancel against
// the input's, leaving a quotient of the static dims (shufflenet's channel shuffle).
std::optional<Shape> reshape_dims(NodeContext& c, const TExpr& x) {
  const TsVal& l = c.in(1);
  if (l.kind != Kind::List || !l.is_static || !x.tensor()) return std::nullopt;
  Shape out;
  int infer = -1;
  std::vector<Dim> in_syms;
  int64_t in_static = 1, out_static = 1;
  bool in_known = true;
  for (const Dim& d : x.tensor()->shape) {
    if (d.is_static()) in_static *= d.value();
    else if (d.is_unknown()) in_known = false;
    else in_syms.push_back(d);
  }
  for (size_t i = 0; i < l.elems.size(); ++i) {
    const TsVal& e = l.elems[i];
    auto k = e.constant();
    if (k && k->numel() == 1 && k->as_int() == -1) { infer = int(i); out.push_back(Dim::unknown()); continue; }
    if (k && k->numel() == 1) { out.push_back(Dim(k->as_int())); out_static *= k->as_int(); continue; }
    if (e.size_dim) {
      out.push_back(*e.size_dim);
      auto it = std::find(in_syms.begin(), in_syms.end(), *e.size_dim);
      if (it != in_syms.end()) in_syms.erase(it);
      else in_known = false;
      continue;
    }
    out.push_back(Dim::unknown());
    in_known = false;
  }
  if (infer >= 0 && in_known && in_syms.empty() && in_static > 0 && out_static > 0 && in_static % out_static == 0) out[size_t(infer)] = Dim(in_static / out_static);
  return out;
}

V reshape(NodeContext& c) {
  TExpr x = c.tensor(0);
  TExpr r = c.op("reshape", {x, c.int_list_tensor(1)}, Attrs{{"allowzero", true}});
  auto* rt = r.tensor();
  if (auto dims = reshape_dims(c, x); dims && rt && rt->rank() == int(dims->size())) {
    Shape s = rt->shape;
    for (size_t i = 0; i < s.size(); ++i)
      if (s[i].is_unknown()) s[i] = (*dims)[i];
    r.t = tensor_type(rt->dtype, s);
  }
  return {c.out(r)};
}

V permute(NodeContext& c) {
  TExpr x = c.tensor(0);
  std::vector<int64_t> p = c.ints_arg(1);
  for (auto& d : p) d = c.axis(d, x.rank());
  return {c.out(c.op("transpose", {x}, Attrs{{"perm", p}}))};
}

V transpose(NodeContext& c) {
  TExpr x = c.tensor(0);
  if (x.rank() < 2 && c.num_inputs() == 1) return {c.out(x)};
  int64_t a = c.num_inputs() > 1 ? c.axis(c.int_arg(1), x.rank()) : 0, b = c.num_inputs() > 2 ? c.axis(c.int_arg(2), x.rank()) : 1;
  std::vector<int64_t> p;
  for (int i = 0; i < x.rank(); ++i) p.push_back(i);
  std::swap(p[size_t(a)], p[size_t(b)]);
  return {c.out(c.op("transpose", {x}, Attrs{{"perm", p}}))};
}

V select(NodeContext& c) {
  TExpr x = c.tensor(0);
  int64_t d = c.axis(c.int_arg(1), x.rank());
  return {c.out(c.op("gather", {x, as_i64_index(c, x, d, c.tensor(2))}, Attrs{{"axis", d}}))};
}

V slice(NodeContext& c) {
  TExpr x = c.tensor(0);
  int64_t d = c.num_inputs() > 1 ? c.axis(c.int_arg(1), x.rank()) : 0;
  TExpr s = c.has(2) ? c.cast(c.tensor(2), DType::I64) : c.i64(0);
  TExpr e = c.has(3) ? c.cast(c.tensor(3), DType::I64) : c.i64(INT64_MAX);
  TExpr st = c.has(4) ? c.cast(c.tensor(4), DType::I64) : c.i64(1);
  return {c.out(c.op("slice", {x, as_1d(c, s), as_1d(c, e), c.i64s({d}), as_1d(c, st)}))};
}

V narrow(NodeContext& c) {
  TExpr x = c.tensor(0);
  int64_t d = c.axis(c.int_arg(1), x.rank());
  TExpr s = as_i64_index(c, x, d, c.tensor(2));
  TExpr e = c.op("add", {s, c.cast(c.tensor(3), DType::I64)});
  return {c.out(slice_along(c, x, d, s, e))};
}

V unsqueeze(NodeContext& c) {
  TExpr x = c.tensor(0);
  int64_t d = c.axis(c.int_arg(1), x.rank() + 1);
  return {c.out(c.op("unsqueeze", {x}, axes_attr({d})))};
}

V squeeze(NodeContext& c) {
  TExpr x = c.tensor(0);
  if (c.num_inputs() < 2) return {c.out(c.op("squeeze", {x}))};
  int64_t d = c.axis(c.int_arg(1), x.rank());
  const Dim& dim = x.tensor()->shape[size_t(d)];
  if (dim.is_static() && dim.value() != 1) return {c.out(x)};  // torch leaves a dim that is not 1
  if (!dim.is_static()) c.fail("squeeze of a dim whose size is not known at import time");
  return {c.out(c.op("squeeze", {x}, axes_attr({d})))};
}

V flatten(NodeContext& c) {
  TExpr x = c.tensor(0);
  int r = x.rank();
  if (r == 0) return {c.out(c.op("reshape", {x, c.i64s({1})}))};
  int64_t s = c.num_inputs() > 1 ? c.axis(c.int_arg(1), r) : 0, e = c.num_inputs() > 2 ? c.axis(c.int_arg(2), r) : r - 1;
  // The merged dim is the product of dims s..e: a constant when they are static, else read
  // at run time (not -1, which cannot be inferred when another dim is 0: no boxes left).
  int64_t flat = 1;
  for (int64_t d = s; d <= e && flat >= 0; ++d) {
    const Dim& dim = x.tensor()->shape[size_t(d)];
    flat = dim.is_static() ? flat * dim.value() : -1;
  }
  std::vector<TExpr> parts;
  if (s > 0) parts.push_back(c.op("shape", {x}, Attrs{{"start", int64_t(0)}, {"end", s}}));
  parts.push_back(flat >= 0 ? c.i64s({flat})
                            : c.op("reduce_prod", {c.op("shape", {x}, Attrs{{"start", s}, {"end", e + 1}})}, Attrs{{"keepdims", true}}));
  if (e + 1 < r) parts.push_back(c.op("shape", {x}, Attrs{{"start", e + 1}, {"end", int64_t(r)}}));
  TExpr shape = parts.size() == 1 ? parts[0] : c.op("concat", parts, Attrs{{"axis", int64_t(0)}});
  TExpr out = c.op("reshape", {x, shape});
  // The shape is read at run time, so reshape's relation cannot see the dims: those kept
  // are x's, the merged one `flat` (box decoding unbinds the 4 coordinates of a flattened stack).
  Shape dims(x.tensor()->shape.begin(), x.tensor()->shape.begin() + s);
  dims.push_back(flat >= 0 ? Dim(flat) : Dim::unknown());
  dims.insert(dims.end(), x.tensor()->shape.begin() + e + 1, x.tensor()->shape.end());
  out.t = tensor_type(x.dtype(), dims);
  return {c.out(out)};
}

V expand(NodeContext& c) {
  TExpr x = c.tensor(0);
  TExpr s = c.int_list_tensor(1);
  s = c.op("where", {c.op("equal", {s, c.i64(-1)}), c.i64(1), s});
  return {c.out(c.op("expand", {x, s}))};
}

V repeat(NodeContext& c) {
  TExpr x = c.tensor(0);
  TExpr reps = c.int_list_tensor(1);
  int n = int(reps.tensor()->shape[0].value());
  if (n > x.rank()) {
    std::vector<int64_t> ax;
    for (int i = 0; i < n - x.rank(); ++i) ax.push_back(i);
    x = c.op("unsqueeze", {x}, axes_attr(ax));
  }
  return {c.out(c.op("tile", {x, reps}))};
}

// split / chunk / unbind need the split dim's size at import time: the list length is static.
V split_sizes(NodeContext& c, const TExpr& x, int64_t d, std::vector<int64_t> sizes) {
  TExpr parts = c.op("split", {x, c.i64s(sizes)}, Attrs{{"axis", d}});
  std::vector<TsVal> items;
  for (size_t i = 0; i < sizes.size(); ++i) items.push_back(TsVal::tensor(sizes.size() == 1 ? parts : c.ir().tuple_get(c.block(), parts, int(i))));
  return {TsVal::static_list(Kind::Tensor, items)};
}

int64_t static_dim(NodeContext& c, const TExpr& x, int64_t d) {
  const Dim& dim = x.tensor()->shape[size_t(d)];
  if (!dim.is_static()) c.fail("splitting a dim whose size is not known at import time");
  return dim.value();
}

V split(NodeContext& c) {
  TExpr x = c.tensor(0);
  int64_t d = c.axis(c.num_inputs() > 2 ? c.int_arg(2) : 0, x.rank());
  const TsVal& given = c.in(1);
  if (given.kind == Kind::List && given.is_static &&
      std::any_of(given.elems.begin(), given.elems.end(), [](const TsVal& e) { return !e.constant(); })) {
    // Sizes known at run time only (a traced split by each feature level's anchor count):
    // the number of parts is the list's length.
    TExpr parts = c.op("split", {x, c.int_list_tensor(1)}, Attrs{{"axis", d}});
    std::vector<TsVal> items;
    for (size_t i = 0; i < given.elems.size(); ++i)
      items.push_back(TsVal::tensor(as_tuple(parts.t) ? c.ir().tuple_get(c.block(), parts, int(i)) : parts));
    return {TsVal::static_list(Kind::Tensor, items)};
  }
  if (given.kind == Kind::List) return split_sizes(c, x, d, c.ints_arg(1));
  int64_t n = static_dim(c, x, d), step = c.int_arg(1);
  std::vector<int64_t> sizes;
  for (int64_t at = 0; at < n; at += step) sizes.push_back(std::min(step, n - at));
  return split_sizes(c, x, d, sizes);
}

// torch's pad list (begin, end) pairs from the last dim backwards, as weft's pads
// [begins..., ends...] over all rank dims; a list known only at run time is reordered by
// a gather (swin pads H and W to window multiples computed from the input's shape).
TExpr weft_pads(NodeContext& c, TExpr p, int rank) {
  int64_t k2 = p.tensor()->shape[0].is_static() ? p.tensor()->shape[0].value() : -1;
  if (k2 < 0 || k2 % 2 != 0 || k2 / 2 > rank)
    c.fail(Msg() << "the pad list must have an even length of at most 2 * rank (" << 2 * rank << ")");
  std::vector<int64_t> idx(size_t(2 * rank), k2);  // k2: the zero appended below
  for (int64_t i = 0; i < k2 / 2; ++i) {
    idx[size_t(rank - 1 - i)] = 2 * i;
    idx[size_t(2 * rank - 1 - i)] = 2 * i + 1;
  }
  if (auto k = p.constant()) {
    std::vector<int64_t> v = k->to_int_vector(), r;
    v.push_back(0);
    for (int64_t i : idx) r.push_back(v[size_t(i)]);
    return c.i64s(r);
  }
  TExpr pz = c.op("concat", {p, c.i64s({0})}, Attrs{{"axis", int64_t(0)}});
  return c.op("gather", {pz, c.i64s(idx)}, Attrs{{"axis", int64_t(0)}});
}

// aten::pad(self, pad, mode="constant", value=None) and constant_pad_nd(self, pad, value=0).
Converter pad(bool has_mode) {
  return [has_mode](NodeContext& c) {
    TExpr x = c.tensor(0);
    std::string mode = has_mode && c.has(2) ? c.str_arg(2) : "constant";
    size_t value_at = has_mode ? 3 : 2;
    TExpr pads = weft_pads(c, c.int_list_tensor(1), x.rank());
    if (mode == "constant") {
      double v = c.has(value_at) ? c.float_arg(value_at) : 0;
      return V{c.out(c.op("pad", {x, pads, c.scalar(v, x.dtype())}))};
    }
    if (mode != "reflect" && mode != "replicate") c.fail("pad mode '" + mode + "' is not supported (constant, reflect, replicate are)");
    return V{c.out(c.op("pad", {x, pads}, Attrs{{"mode", std::string(mode == "reflect" ? "reflect" : "edge")}}))};
  };
}

// roll(self, shifts, dims): per dim, the last k = shift mod n elements moved to the front
// (two slices and a concat; n may be known only at run time, swin's padded windows).
V roll(NodeContext& c) {
  TExpr x = c.tensor(0);
  std::vector<int64_t> dims = c.num_inputs() > 2 && c.has(2) ? c.ints_arg(2) : std::vector<int64_t>{};
  if (dims.empty()) c.fail("roll without dims (of the flattened tensor) is not supported");
  TExpr shifts = c.int_list_tensor(1);  // known at run time only in swin (shift_size written in a branch)
  const Dim& count = shifts.tensor()->shape[0];
  if (count.is_static() && count.value() != int64_t(dims.size())) c.fail("roll needs one shift per dim");
  for (size_t i = 0; i < dims.size(); ++i) {
    int64_t d = c.axis(dims[i], x.rank());
    TExpr n = c.dim_size(x, d);
    TExpr shift = c.op("gather", {shifts, c.i64(int64_t(i))}, Attrs{{"axis", int64_t(0)}});
    TExpr split = c.op("sub", {n, c.op("mod", {shift, n})});
    TExpr tail = slice_along(c, x, d, split, n);
    TExpr head = slice_along(c, x, d, c.i64(0), split);
    x = c.op("concat", {tail, head}, Attrs{{"axis", d}});
  }
  return {c.out(x)};
}

// meshgrid(tensors, indexing): each 1-D tensor expanded along its own axis of the grid
// [n0, n1, ...]; "xy" swaps the first two axes of the grid (and of each placement).
V meshgrid(NodeContext& c) {
  std::vector<TsVal> ts = c.list_items(0);
  std::string indexing = c.num_inputs() > 1 && c.has(1) ? c.str_arg(1) : "ij";
  if (indexing != "ij" && indexing != "xy") c.fail("meshgrid indexing must be 'ij' or 'xy'");
  size_t k = ts.size();
  std::vector<size_t> axis_of(k);
  for (size_t i = 0; i < k; ++i) axis_of[i] = indexing == "xy" && k >= 2 && i < 2 ? 1 - i : i;
  std::vector<TExpr> sizes(k);
  for (size_t i = 0; i < k; ++i) {
    if (ts[i].v.rank() > 1) c.fail("meshgrid expects 0-D or 1-D tensors");
    TExpr flat = c.op("reshape", {ts[i].v, c.i64s({-1})});
    ts[i].v = flat;
    sizes[axis_of[i]] = c.op("reshape", {c.dim_size(flat, 0), c.i64s({1})});
  }
  TExpr grid = k == 1 ? sizes[0] : c.op("concat", sizes, Attrs{{"axis", int64_t(0)}});
  std::vector<TsVal> out;
  for (size_t i = 0; i < k; ++i) {
    std::vector<int64_t> shape(k, 1);
    shape[axis_of[i]] = -1;
    out.push_back(TsVal::tensor(c.op("expand", {c.op("reshape", {ts[i].v, c.i64s(shape)}), grid})));
  }
  return {TsVal::static_list(Kind::Tensor, out)};
}

// chunk(k) of a dim whose size n is known only at run time: k slices [i*s, min((i+1)*s, n))
// with s = ceil(n / k). torch returns ceil(n / s) chunks, k whenever s divides into k pieces
// (n >= k and, e.g., n % k == 0); where it returns fewer, these trailing slices are empty
// instead (code that unpacks a chunk into k names fails in torch then).
V chunk_dynamic(NodeContext& c, const TExpr& x, int64_t d, int64_t k) {
  TExpr n = c.dim_size(x, d);
  TExpr step = c.op("div", {c.op("add", {n, c.i64(k - 1)}), c.i64(k)});
  std::vector<TsVal> items;
  for (int64_t i = 0; i < k; ++i) {
    TExpr s = c.op("minimum", {c.op("mul", {step, c.i64(i)}), n});
    TExpr e = c.op("minimum", {c.op("mul", {step, c.i64(i + 1)}), n});
    items.push_back(TsVal::tensor(slice_along(c, x, d, s, e)));
  }
  return {TsVal::static_list(Kind::Tensor, items)};
}

V chunk(NodeContext& c) {
  TExpr x = c.tensor(0);
  int64_t d = c.axis(c.num_inputs() > 2 ? c.int_arg(2) : 0, x.rank());
  int64_t k = c.int_arg(1);
  if (k <= 0) c.fail("chunk expects a positive number of chunks");
  if (!x.tensor()->shape[size_t(d)].is_static()) return chunk_dynamic(c, x, d, k);
  int64_t n = static_dim(c, x, d), step = (n + k - 1) / k;
  std::vector<int64_t> sizes;
  for (int64_t at = 0; at < n; at += step) sizes.push_back(std::min(step, n - at));
  return split_sizes(c, x, d, sizes);
}

V unbind(NodeContext& c) {
  TExpr x = c.tensor(0);
  int64_t d = c.axis(c.num_inputs() > 1 ? c.int_arg(1) : 0, x.rank());
  int64_t n = static_dim(c, x, d);
  std::vector<TsVal> items;
  for (int64_t i = 0; i < n; ++i) items.push_back(TsVal::tensor(c.op("gather", {x, c.i64(i)}, Attrs{{"axis", d}})));
  return {TsVal::static_list(Kind::Tensor, items)};
}

// x[i0, i1, ...] with integer index tensors on the leading dims (an RPN's
// `objectness[batch_idx, top_n_idx]`): the indices broadcast together and stacked on a last
// axis pick, through gather_nd, the sub-tensors they name.
V index_leading(NodeContext& c, const TExpr& x, const std::vector<TsVal>& idx) {
  std::vector<TExpr> is;
  for (size_t d = 0; d < idx.size(); ++d) {
    if (idx[d].v.dtype() == DType::Bool) c.fail("indexing with a bool mask beside other index tensors is not supported");
    is.push_back(as_i64_index(c, x, int64_t(d), idx[d].v));
  }
  TExpr zeros = c.op("mul", {is[0], c.i64(0)});  // the indices' common (broadcast) shape, all 0
  for (size_t d = 1; d < is.size(); ++d) zeros = c.op("add", {zeros, c.op("mul", {is[d], c.i64(0)})});
  std::vector<TExpr> cols;
  for (const TExpr& i : is) cols.push_back(c.op("unsqueeze", {c.op("add", {i, zeros})}, Attrs{{"axes", std::vector<int64_t>{-1}}}));
  TExpr at = c.op("concat", cols, Attrs{{"axis", int64_t(-1)}});
  return {c.out(c.op("gather_nd", {x, at}, Attrs{{"batch_dims", int64_t(0)}}))};
}

V index(NodeContext& c) {
  TExpr x = c.tensor(0);
  auto idx = c.list_items(1);
  int at = -1, given = 0;
  size_t leading = 0;
  while (leading < idx.size() && idx[leading].kind != Kind::None) ++leading;
  for (size_t i = 0; i < idx.size(); ++i) given += idx[i].kind != Kind::None;
  if (given > 1 && size_t(given) == leading) return index_leading(c, x, std::vector<TsVal>(idx.begin(), idx.begin() + long(leading)));
  for (size_t i = 0; i < idx.size(); ++i)
    if (idx[i].kind != Kind::None) {
      if (at >= 0) c.fail("indexing with more than one index tensor, other than on the leading dims, is not supported");
      at = int(i);
    }
  if (at < 0) return {c.out(x)};
  TExpr ix = idx[size_t(at)].v;
  if (ix.dtype() == DType::Bool) {
    // x[mask] with a 1-D mask (detection's `scores[scores > threshold]`): the positions where
    // it is true, gathered along its dim; how many is known at run time only.
    if (ix.rank() != 1) c.fail("indexing with a bool mask of rank other than 1 is not supported");
    TExpr where = c.op("reshape", {c.op("non_zero", {ix}), c.i64s({-1})});
    return {c.out(c.op("gather", {x, where}, Attrs{{"axis", int64_t(at)}}))};
  }
  return {c.out(c.op("gather", {x, as_i64_index(c, x, at, ix)}, Attrs{{"axis", int64_t(at)}}))};
}

// x[idx] = v (index_put with one index tensor on dim 0, the form `x[i] = v` and `x[idx] = v` take).
V index_put(NodeContext& c) {
  TExpr x = c.tensor(0);
  auto idx = c.list_items(1);
  if (idx.size() != 1 || idx[0].kind == Kind::None) c.fail("index_put with other than one index tensor on dim 0 is not supported");
  TExpr ix = idx[0].v;
  if (ix.dtype() == DType::Bool) c.fail("index_put with a bool mask is not supported");
  if (c.num_inputs() > 3 && c.has(3) && c.bool_arg(3)) c.fail("index_put with accumulate=True is not supported");
  ix = as_i64_index(c, x, 0, ix);
  if (ix.rank() == 0) ix = c.op("reshape", {ix, c.i64s({1})});
  TExpr flat = c.op("reshape", {ix, c.i64s({-1, 1})});
  TExpr target = c.op("concat", {c.op("shape", {flat}, Attrs{{"start", int64_t(0)}, {"end", int64_t(1)}}),
                                 c.op("shape", {x}, Attrs{{"start", int64_t(1)}})}, Attrs{{"axis", int64_t(0)}});
  TExpr v = c.op("expand", {c.cast(c.tensor(2), x.dtype()), target});
  TExpr r = c.op("scatter_nd", {x, flat, v});
  r.t = x.t;
  return {c.out(r)};
}

DType dtype_from_code(NodeContext& c, int64_t code) {
  switch (code) {
    case 0: return DType::U8;
    case 1: return DType::I8;
    case 2: return DType::I16;
    case 3: return DType::I32;
    case 4: return DType::I64;
    case 5: return DType::F16;
    case 6: return DType::F32;
    case 7: return DType::F64;
    case 11: return DType::Bool;
    case 15: return DType::BF16;
    default: c.fail(Msg() << "unsupported dtype code " << code);
  }
}

// Tensor.to(...) in its overloads: the first int argument is the dtype, or another tensor's.
V to(NodeContext& c) {
  TExpr x = c.tensor(0);
  for (size_t i = 1; i < std::min<size_t>(c.num_inputs(), 3); ++i) {
    if (c.in(i).kind == Kind::Tensor) return {c.out(c.cast(x, c.in(i).v.dtype()))};
    if (c.in(i).kind == Kind::Int) return {c.out(c.cast(x, dtype_from_code(c, c.int_arg(i))))};
  }
  return {c.out(x)};
}

Converter cast_to(DType d) {
  return [d](NodeContext& c) { return V{c.out(c.cast(c.tensor(0), d))}; };
}

V identity(NodeContext& c) { return {c.in(0)}; }

}  // namespace

DType torch_dtype(NodeContext& c, int64_t code) { return dtype_from_code(c, code); }

void register_shape_converters(ConverterTable& t) {
  t.add("aten::size", size);
  // torch.onnx.operators.shape_as_tensor, which traced detection transforms call.
  t.add("aten::_shape_as_tensor", [](NodeContext& c) { return V{c.out(c.op("shape", {c.tensor(0)}))}; });
  t.add("aten::view", reshape);
  t.add("aten::reshape", reshape);
  t.add("aten::view_as", [](NodeContext& c) { return V{c.out(c.op("reshape", {c.tensor(0), c.op("shape", {c.tensor(1)})}))}; });
  t.add("aten::reshape_as", *t.find("aten::view_as", ""));
  t.add("aten::permute", permute);
  t.add("aten::transpose", transpose);
  t.add("aten::t", transpose);
  t.add("aten::select", select);
  t.add("aten::slice", slice);
  t.add("aten::narrow", narrow);
  t.add("aten::unsqueeze", unsqueeze);
  t.add("aten::squeeze", squeeze);
  t.add("aten::flatten", flatten);
  t.add("aten::expand", expand);
  t.add("aten::expand_as", [](NodeContext& c) { return V{c.out(c.op("expand", {c.tensor(0), c.op("shape", {c.tensor(1)})}))}; });
  t.add("aten::repeat", repeat);
  t.add("aten::split", split);
  t.add("aten::split_with_sizes", split);  // (self, int[] split_sizes, dim), as split's list overload
  t.add("aten::roll", roll);
  t.add("aten::meshgrid", meshgrid);
  t.add("aten::pad", pad(true));
  t.add("aten::constant_pad_nd", pad(false));
  t.add("aten::chunk", chunk);
  t.add("aten::unsafe_chunk", chunk);
  t.add("aten::unbind", unbind);
  t.add("aten::index", index);
  t.add("aten::index_select", [](NodeContext& c) {
    TExpr x = c.tensor(0);
    int64_t d = c.axis(c.int_arg(1), x.rank());
    return V{c.out(c.op("gather", {x, c.cast(c.tensor(2), DType::I64)}, Attrs{{"axis", d}}))};
  });
  t.add("aten::gather", [](NodeContext& c) {
    TExpr x = c.tensor(0);
    int64_t d = c.axis(c.int_arg(1), x.rank());
    return V{c.out(c.op("gather_elements", {x, c.cast(c.tensor(2), DType::I64)}, Attrs{{"axis", d}}))};
  });
  // scatter(self, dim, index, src): gather's inverse (torchvision's poolers map boxes to levels with it).
  t.add("aten::scatter.src", [](NodeContext& c) {
    TExpr x = c.tensor(0);
    int64_t d = c.axis(c.int_arg(1), x.rank());
    return V{c.out(c.op("scatter_elements", {x, c.cast(c.tensor(2), DType::I64), c.cast(c.tensor(3), x.dtype())}, Attrs{{"axis", d}}))};
  });
  t.add("aten::index_put", index_put);
  t.add("aten::to", to);
  t.add("aten::type_as", [](NodeContext& c) { return V{c.out(c.cast(c.tensor(0), c.tensor(1).dtype()))}; });
  t.add("aten::float", cast_to(DType::F32));
  t.add("aten::double", cast_to(DType::F64));
  t.add("aten::long", cast_to(DType::I64));
  t.add("aten::int", cast_to(DType::I32));
  t.add("aten::bool", cast_to(DType::Bool));
  for (auto n : {"aten::contiguous", "aten::clone", "aten::detach", "aten::dropout", "aten::feature_dropout", "aten::alpha_dropout"})
    t.add(n, identity);
  t.add("aten::copy_", [](NodeContext& c) {
    TExpr dst = c.tensor(0);
    TExpr src = c.cast(c.tensor(1), dst.dtype());
    TExpr r = c.op("expand", {src, c.op("shape", {dst})});
    r.t = dst.t;
    return V{TsVal::tensor(r)};
  });
}

}  // namespace weft::ts
