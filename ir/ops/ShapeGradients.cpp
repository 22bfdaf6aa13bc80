// ShapeGradients.cpp - the gradient facets of the shape family.
#include "ir/ops/ShapeGradients.h"

#include "ir/ops/GradientHelpers.h"

namespace weft::vjp {

GradientFn restore_shape_gradient() {
  return first_arg_only([](const GradientCall& c) {
    return call("reshape", {c.cotangent, shape_of(c.args[0], tensor_of(c.arg_types[0]).shape)});
  });
}

GradientFn transpose_gradient() {
  return first_arg_only([](const GradientCall& c) {
    const std::vector<int64_t>& perm = c.attrs->get_ints("perm");
    if (perm.empty()) return call("transpose", {c.cotangent});  // reversing twice is the identity
    std::vector<int64_t> inverse(perm.size());
    const int64_t rank = int64_t(perm.size());
    for (size_t i = 0; i < perm.size(); ++i) inverse[size_t(perm[i] < 0 ? perm[i] + rank : perm[i])] = int64_t(i);
    return call("transpose", {c.cotangent}, Attrs{{"perm", inverse}});
  });
}

GradientFn expand_gradient() {
  return first_arg_only([](const GradientCall& c) { return unbroadcast_to_arg(c, c.cotangent, 0); });
}

// Each part is dy sliced along axis at that part's offset.
GradientFn concat_gradient() {
  return [](const GradientCall& c) {
    std::vector<Expr> out(c.args.size());
    if (!is_float_type(c.arg_types[0])) return out;
    const int64_t rank = tensor_of(c.arg_types[0]).rank();
    int64_t axis = c.attrs->get_int("axis");
    axis = axis < 0 ? axis + rank : axis;
    Expr begin = ints({0});
    for (size_t i = 0; i < c.args.size(); ++i) {
      const Dim& d = tensor_of(c.arg_types[i]).shape[size_t(axis)];
      Expr len = d.is_static() ? ints({d.value()}) : call("shape", {c.args[i]}, Attrs{{"start", axis}, {"end", axis + 1}});
      Expr end = call("add", {begin, len});
      out[i] = call("slice", {c.cotangent, begin, end, ints({axis})});
      begin = end;
    }
    return out;
  };
}

GradientFn split_gradient() {
  return first_arg_only([](const GradientCall& c) {
    const TupleTypeNode* parts = as_tuple(c.result_type);
    WEFT_ASSERT(parts, "split: a result that is not a tuple");
    std::vector<Expr> fields;
    for (size_t i = 0; i < parts->fields.size(); ++i) fields.push_back(make_tuple_get(c.cotangent, int(i)));
    return call("concat", fields, Attrs{{"axis", c.attrs->get_int("axis")}});
  });
}

// Constant mode: dy cropped by the same pads (negated pads crop what was added and put zeros
// where x was cropped); the value takes the rest. Other modes copy x's elements: pick_gradient.
GradientFn pad_gradient() {
  GradientFn picked = pick_gradient("pad");
  return [picked](const GradientCall& c) {
    if (c.attrs->get_string("mode") != "constant") {
      std::vector<Expr> out = picked(c);
      return out;
    }
    std::vector<Expr> out(c.args.size());
    if (!is_float_type(c.arg_types[0])) return out;
    out[0] = call("pad", {c.cotangent, neg(c.args[1])});
    if (c.args.size() == 3) {
      const Attrs all{{"keepdims", false}};
      Expr rest = sub(call("reduce_sum", {c.cotangent}, all), call("reduce_sum", {out[0]}, all));
      out[2] = call("reshape", {rest, shape_of(c.args[2], tensor_of(c.arg_types[2]).shape)});
    }
    return out;
  };
}

GradientFn pick_gradient(const char* op) {
  return first_arg_only([op](const GradientCall& c) {
    return gather_like(c.args[0], c.arg_types[0], c.cotangent, [&](Expr iota) {
      std::vector<Expr> args = c.args;
      args[0] = std::move(iota);
      if (args.size() == 3 && std::string(op) == "pad") args.pop_back();  // the pad value is x's dtype
      return call(op, std::move(args), *c.attrs);
    });
  });
}

// reduction none: the scattered positions of x are overwritten, so they take no cotangent; add:
// x takes all of dy. The updates take dy at the positions they went to (the gather).
GradientFn scatter_gradient(const char* gather) {
  return [gather](const GradientCall& c) {
    std::vector<Expr> out(3);
    if (!is_float_type(c.arg_types[0])) return out;
    const std::string& reduction = c.attrs->get_string("reduction");
    if (reduction != "none" && reduction != "add")
      throw CompileError(Msg() << "the gradient of a scatter with reduction \"" << reduction
                               << "\" is not implemented (only \"none\" and \"add\")");
    Attrs gather_attrs;
    if (c.attrs->has("axis")) gather_attrs.set("axis", c.attrs->get_int("axis"));
    Attrs scatter = *c.attrs;
    out[0] = reduction == "add" ? c.cotangent
                                : call(std::string(gather) == "gather_elements" ? "scatter_elements" : "scatter_nd",
                                       {c.cotangent, c.args[1], zeros_like(c.args[2], c.arg_types[2])}, scatter);
    out[2] = call(gather, {c.cotangent, c.args[1]}, gather_attrs);
    return out;
  };
}

}  // namespace weft::vjp
