// DictConverters.cpp - dicts with str keys known at import time (OrderedDict results, module attributes).
#include "importers/torchscript/NodeContext.h"

namespace weft::ts {

namespace {

using V = std::vector<TsVal>;

const TsVal& dict_arg(NodeContext& c, size_t i) {
  const TsVal& d = c.in(i);
  if (d.kind != Kind::Dict || !d.is_static) c.fail("a dict whose keys are not known at import time");
  return d;
}

// dict() and OrderedDict(): empty; the value kind comes from TorchScript's output type.
V make_dict(NodeContext& c) {
  if (c.num_inputs() != 0) c.fail("dict(...) from a list of pairs is not supported");
  TsVal d = TsVal::static_dict(Kind::Other);
  return {d};
}

// d[key] = v: a new dict value that the write-back rebinds (a new key goes last, as in Python).
V set_item(NodeContext& c) {
  TsVal d = dict_arg(c, 0);
  d.set_key(c.str_arg(1), c.in(2));
  d.elem_kind = c.in(2).kind;
  return {d};
}

V get_item(NodeContext& c) {
  const TsVal& d = dict_arg(c, 0);
  std::string key = c.str_arg(1);
  int64_t at = d.key_index(key);
  if (at < 0) c.fail("KeyError: '" + key + "' is not in the dict");
  return {d.elems[size_t(at)]};
}

V contains(NodeContext& c) {
  const TsVal& d = dict_arg(c, 0);
  bool found = d.key_index(c.str_arg(1)) >= 0;
  return {bool_const(found)};
}

V keys(NodeContext& c) {
  const TsVal& d = dict_arg(c, 0);
  std::vector<TsVal> out;
  for (auto& k : d.keys) out.push_back(TsVal::string(k));
  return {TsVal::static_list(Kind::String, out)};
}

V values(NodeContext& c) {
  const TsVal& d = dict_arg(c, 0);
  return {TsVal::static_list(d.elem_kind, d.elems)};
}

V items(NodeContext& c) {
  const TsVal& d = dict_arg(c, 0);
  std::vector<TsVal> out;
  for (size_t i = 0; i < d.keys.size(); ++i) out.push_back(TsVal::static_tuple({TsVal::string(d.keys[i]), d.elems[i]}));
  return {TsVal::static_list(Kind::Tuple, out)};
}

V len(NodeContext& c) {
  const TsVal& d = dict_arg(c, 0);
  return {int_const(int64_t(d.keys.size()))};
}

}  // namespace

void register_dict_converters(ConverterTable& t) {
  t.add("aten::dict", make_dict);
  t.add("aten::_set_item.str", set_item);
  t.add("aten::__getitem__.Dict_str", get_item);
  t.add("aten::__contains__.str", contains);
  t.add("aten::keys.str", keys);
  t.add("aten::values.str", values);
  t.add("aten::items.str", items);
  t.add("aten::len.Dict_str", len);
}

}  // namespace weft::ts
