// TfIdfConverter.cpp - ONNX TfIdfVectorizer (integer n-grams) as windowed equality counts against the static pool.
#include <map>

#include "importers/onnx/converters/ConverterHelpers.h"
#include "importers/onnx/converters/Converters.h"

namespace weft::onnx_import {
namespace {

// Note on the method: the pool of n-grams is an attribute, so for each gram length n and
// skip distance s (unigrams only once, as ONNX Runtime counts them) a constant table of
// window positions gathers every window of each row, [B, W, n]; comparing it with the
// length-n pool entries [Gn, n] and requiring all n to match counts occurrences per entry.
// A constant one-hot matrix then puts each entry's count in its ngram_indexes column.
// Rows must have a static length (the window tables are built at import).

struct Pool {
  std::map<int64_t, std::vector<Ints>> grams;  // length -> entries
  std::map<int64_t, Ints> columns;             // length -> output column of each entry
  int64_t width = 0;                           // output columns
};

Pool read_pool(const NodeContext& ctx) {
  if (ctx.has_attr("pool_strings")) ctx.fail("string n-grams (pool_strings) are not supported");
  Ints pool = ctx.attr_ints("pool_int64s"), starts = ctx.attr_ints("ngram_counts"), indexes = ctx.attr_ints("ngram_indexes");
  Pool p;
  size_t entry = 0;
  for (size_t len = 1; len <= starts.size(); ++len) {
    int64_t begin = starts[len - 1], end = len < starts.size() ? starts[len] : int64_t(pool.size());
    if (begin < 0 || end > int64_t(pool.size()) || end < begin || (end - begin) % int64_t(len) != 0)
      ctx.fail(Msg() << "ngram_counts does not split pool_int64s into " << len << "-grams");
    for (int64_t i = begin; i < end; i += int64_t(len), ++entry) {
      if (entry >= indexes.size()) ctx.fail("ngram_indexes has fewer entries than the pool has n-grams");
      p.grams[int64_t(len)].push_back(Ints(pool.begin() + i, pool.begin() + i + int64_t(len)));
      p.columns[int64_t(len)].push_back(indexes[entry]);
      p.width = std::max(p.width, indexes[entry] + 1);
    }
  }
  return p;
}

std::vector<Expr> convert_tfidf(NodeContext& ctx) {
  std::string mode = ctx.attr_string("mode");
  if (mode != "TF" && mode != "IDF" && mode != "TFIDF") ctx.fail("attribute mode='" + mode + "' is not supported");
  const int64_t min_len = ctx.attr_int("min_gram_length"), max_len = ctx.attr_int("max_gram_length");
  const int64_t max_skip = ctx.attr_int("max_skip_count");
  Pool pool = read_pool(ctx);
  auto dims = static_dims(ctx, 0);
  if (!dims || dims->empty() || dims->size() > 2) ctx.fail("input must be [C] or [N, C] with static dims");
  const int64_t row = dims->back();
  Expr x = ctx.op("cast", {ctx.input(0)}, {{"to", DType::I64}});
  if (dims->size() == 1) x = ctx.op("unsqueeze", {x}, {{"axes", Ints{0}}});

  Expr out;
  for (auto& [len, grams] : pool.grams) {
    if (len < min_len || len > max_len) continue;
    const int64_t g = int64_t(grams.size());
    Ints flat;
    for (const Ints& e : grams) flat.insert(flat.end(), e.begin(), e.end());
    Expr entries = ctx.constant(Tensor::from_vector<int64_t>(flat, {1, 1, g, len}));
    Expr counts;
    for (int64_t s = 1; s <= (len == 1 ? 1 : max_skip + 1); ++s) {
      const int64_t windows = row - (len - 1) * s;
      if (windows <= 0) break;
      Ints at;
      for (int64_t i = 0; i < windows; ++i)
        for (int64_t j = 0; j < len; ++j) at.push_back(i + j * s);
      Expr win = ctx.op("gather", {x, ctx.constant(Tensor::from_vector<int64_t>(at, {windows, len}))}, {{"axis", int64_t(1)}});
      Expr same = ctx.op("cast", {ctx.op("equal", {ctx.op("unsqueeze", {win}, {{"axes", Ints{2}}}), entries})}, {{"to", DType::I64}});
      Expr all = ctx.op("reduce_min", {same}, {{"axes", Ints{3}}, {"keepdims", false}});
      Expr c = ctx.op("reduce_sum", {all}, {{"axes", Ints{1}}, {"keepdims", false}});
      counts = counts ? ctx.op("add", {counts, c}) : c;
    }
    if (!counts) continue;
    std::vector<float> onehot(size_t(g * pool.width), 0.0f);
    for (int64_t e = 0; e < g; ++e) onehot[size_t(e * pool.width + pool.columns[len][size_t(e)])] = 1.0f;
    Expr placed = ctx.op("matmul", {ctx.op("cast", {counts}, {{"to", DType::F32}}),
                                    ctx.constant(Tensor::from_vector<float>(onehot, {g, pool.width}))});
    out = out ? ctx.op("add", {out, placed}) : placed;
  }
  if (!out) {  // no n-gram length in range: all zeros
    Expr shape = ctx.op("concat", {ctx.op("shape", {x}, {{"end", int64_t(1)}}), ctx.i64_vector({pool.width})}, {{"axis", int64_t(0)}});
    out = ctx.op("expand", {scalar_const(ctx, DType::F32, 0), shape});
  }
  if (mode != "TF") {
    std::vector<double> w = ctx.attr_floats("weights", std::vector<double>(size_t(pool.width), 1.0));
    if (int64_t(w.size()) != pool.width) ctx.fail(Msg() << "weights has " << w.size() << " values for " << pool.width << " columns");
    Expr weights = ctx.constant(Tensor::from_vector<double>(w, {pool.width}).cast(DType::F32));
    out = mode == "IDF" ? ctx.op("mul", {ctx.op("cast", {ctx.op("greater", {out, scalar_const(ctx, DType::F32, 0)})}, {{"to", DType::F32}}), weights})
                        : ctx.op("mul", {out, weights});
  }
  if (dims->size() == 1) out = ctx.op("reshape", {out, ctx.i64_vector({pool.width})});
  return {out};
}

}  // namespace

void register_tfidf_converters(ConverterTable& table) { table.add("TfIdfVectorizer", convert_tfidf); }

}  // namespace weft::onnx_import
