// EinsumConverter.cpp - ONNX Einsum as broadcast products and sums: diagonals, transposes, unsqueezes, mul, reduce_sum.
#include <algorithm>

#include "importers/onnx/converters/ConverterHelpers.h"
#include "importers/onnx/converters/Converters.h"

namespace weft::onnx_import {
namespace {

// Note on the method: every operand is brought to one axis order over all labels
// (output labels first, then the summed ones), with size-1 dims for labels it lacks;
// the product of all operands then broadcasts, and summing the trailing axes gives the
// output. A label repeated within one operand (a diagonal) is first reduced by masking
// with equal(i, j) and summing one of the two axes. This materializes the full product,
// fine for the small contractions einsum is used for in practice; a matmul rewrite of
// two-operand contractions is an optimization for later.
using Labels = std::vector<int>;
constexpr int kEllipsis = 1000;  // labels of ellipsis dims: kEllipsis + position

struct Equation {
  std::vector<Labels> inputs;
  Labels output;
};

Labels parse_term(const NodeContext& ctx, const std::string& term, int rank, int ellipsis_dims) {
  Labels out;
  size_t dots = term.find("...");
  int letters = int(term.size()) - (dots == std::string::npos ? 0 : 3);
  for (size_t i = 0; i < term.size(); ++i) {
    if (dots != std::string::npos && i == dots) {
      int n = rank < 0 ? ellipsis_dims : rank - letters;
      if (n < 0) ctx.fail("equation term '" + term + "' has more labels than its input has dims");
      for (int j = 0; j < n; ++j) out.push_back(kEllipsis + (ellipsis_dims - n) + j);
      i += 2;
    } else if (std::isalpha(static_cast<unsigned char>(term[i]))) {
      out.push_back(term[i]);
    } else {
      ctx.fail("equation has an unexpected character '" + std::string(1, term[i]) + "'");
    }
  }
  if (rank >= 0 && int(out.size()) != rank)
    ctx.fail(Msg() << "equation term '" << term << "' has " << out.size() << " labels for an input of rank " << rank);
  return out;
}

Equation parse_equation(const NodeContext& ctx) {
  std::string eq;
  for (char c : ctx.attr_string("equation"))
    if (!std::isspace(static_cast<unsigned char>(c))) eq += c;
  size_t arrow = eq.find("->");
  std::string lhs = eq.substr(0, arrow);
  std::vector<std::string> terms;
  for (size_t start = 0;;) {
    size_t comma = lhs.find(',', start);
    terms.push_back(lhs.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  if (terms.size() != ctx.num_inputs())
    ctx.fail(Msg() << "equation has " << terms.size() << " terms for " << ctx.num_inputs() << " inputs");
  int ellipsis_dims = 0;
  for (size_t i = 0; i < terms.size(); ++i) {
    int letters = int(std::count_if(terms[i].begin(), terms[i].end(), [](char c) { return std::isalpha(static_cast<unsigned char>(c)); }));
    if (terms[i].find("...") != std::string::npos) ellipsis_dims = std::max(ellipsis_dims, ctx.input_rank(i) - letters);
  }
  Equation e;
  for (size_t i = 0; i < terms.size(); ++i) e.inputs.push_back(parse_term(ctx, terms[i], ctx.input_rank(i), ellipsis_dims));
  if (arrow != std::string::npos) {
    e.output = parse_term(ctx, eq.substr(arrow + 2), -1, ellipsis_dims);
    return e;
  }
  // Implicit output: the ellipsis dims, then the labels used once, alphabetically.
  std::map<int, int> uses;
  for (const Labels& l : e.inputs)
    for (int x : l) ++uses[x];
  for (auto [label, n] : uses)
    if (label >= kEllipsis) e.output.push_back(label);
  for (auto [label, n] : uses)
    if (label < kEllipsis && n == 1) e.output.push_back(label);
  return e;
}

// Sums the diagonal of axes p < q of x (both labelled the same), dropping axis q.
Expr take_diagonal(NodeContext& ctx, const Expr& x, DType dt, int rank, int p, int q) {
  auto positions = [&](int axis) {
    Expr n = ctx.op("reshape", {ctx.op("shape", {x}, {{"start", int64_t(axis)}, {"end", int64_t(axis + 1)}}), ctx.i64_vector({})});
    Ints shape(size_t(rank), 1);
    shape[size_t(axis)] = -1;
    return ctx.op("reshape", {ctx.op("range", {ctx.i64_scalar(0), n, ctx.i64_scalar(1)}), ctx.i64_vector(shape)});
  };
  Expr mask = ctx.op("cast", {ctx.op("equal", {positions(p), positions(q)})}, {{"to", dt}});
  return ctx.op("reduce_sum", {ctx.op("mul", {x, mask})}, {{"axes", Ints{q}}, {"keepdims", false}});
}

std::vector<Expr> convert_einsum(NodeContext& ctx) {
  Equation eq = parse_equation(ctx);
  const DType dt = ctx.input_dtype(0);
  Labels order = eq.output;  // output labels first, then summed ones
  for (const Labels& l : eq.inputs)
    for (int x : l)
      if (std::find(order.begin(), order.end(), x) == order.end()) order.push_back(x);
  for (int x : eq.output)
    if (std::count(eq.output.begin(), eq.output.end(), x) != 1) ctx.fail("an output label is repeated");

  Expr product;
  for (size_t i = 0; i < eq.inputs.size(); ++i) {
    Expr x = ctx.input(i);
    Labels labels = eq.inputs[i];
    for (bool again = true; again;) {  // remove repeated labels one diagonal at a time
      again = false;
      for (size_t p = 0; p < labels.size() && !again; ++p)
        for (size_t q = p + 1; q < labels.size() && !again; ++q)
          if (labels[p] == labels[q]) {
            x = take_diagonal(ctx, x, dt, int(labels.size()), int(p), int(q));
            labels.erase(labels.begin() + long(q));
            again = true;
          }
    }
    Ints perm, missing;
    for (size_t k = 0; k < order.size(); ++k) {
      auto it = std::find(labels.begin(), labels.end(), order[k]);
      if (it == labels.end()) missing.push_back(int64_t(k));
      else perm.push_back(it - labels.begin());
    }
    if (!std::is_sorted(perm.begin(), perm.end())) x = ctx.op("transpose", {x}, {{"perm", perm}});
    if (!missing.empty()) x = ctx.op("unsqueeze", {x}, {{"axes", missing}});
    product = product ? ctx.op("mul", {product, x}) : x;
  }
  Ints summed;
  for (size_t k = eq.output.size(); k < order.size(); ++k) summed.push_back(int64_t(k));
  if (summed.empty()) return {ctx.op("identity", {product})};
  return {ctx.op("reduce_sum", {product}, {{"axes", summed}, {"keepdims", false}})};
}

}  // namespace

void register_einsum_converters(ConverterTable& table) { table.add("Einsum", convert_einsum); }

}  // namespace weft::onnx_import
