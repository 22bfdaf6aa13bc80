// ParserLiterals.cpp - the parser's leaves: types, dimensions, constants, attribute values.
#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>

#include "ir/ParserImpl.h"

namespace weft::parser_detail {

bool parse_magnitude(const std::string& digits, uint64_t* out) {
  errno = 0;
  *out = std::strtoull(digits.c_str(), nullptr, 10);
  return errno != ERANGE;
}

std::string special_float(const std::string& ident, std::string* suffix) {
  for (const char* word : {"nan", "inf"}) {
    if (ident.rfind(word, 0) == 0) {
      *suffix = ident.substr(3);
      return word;
    }
  }
  return "";
}

Type Parser::type() {
  const Token& t = peek();
  if (accept("(")) {
    std::vector<Type> fields;
    bool trailing_comma = comma_list(")", "to close '('", [&] { fields.push_back(type()); });
    return fields.size() == 1 && !trailing_comma ? fields[0] : tuple_type(std::move(fields));
  }
  if (t.kind != TokenKind::Ident) fail_expected("a type", "here");
  next();
  if (t.text == "fn") {
    size_t mark = type_vars_.mark();
    std::vector<TypeVar> type_params = accept("[") ? type_param_list() : std::vector<TypeVar>{};
    std::vector<Type> params;
    expect("(", "after 'fn' in a function type");
    comma_list(")", "after parameter types", [&] { params.push_back(type()); });
    expect("->", "after the parameter types of a function type");
    Type ret = type();
    type_vars_.pop_to(mark);
    return func_type(std::move(params), std::move(ret), std::move(type_params));
  }
  if (auto dtype = parse_dtype(t.text)) {
    expect("[", "after dtype '" + t.text + "' (a scalar is " + t.text + "[])");
    if (accept("*")) {  // `f32[*]`: unknown rank
      expect("]", "after '*' (a tensor of unknown rank is " + t.text + "[*])");
      return unranked_tensor_type(*dtype);
    }
    Shape shape;
    comma_list("]", "after dimensions", [&] { shape.push_back(dim()); });
    return tensor_type(*dtype, std::move(shape));
  }
  if (const TypeVar* tv = type_vars_.find(t.text)) return *tv;
  std::vector<Type> args;
  if (accept("[")) comma_list("]", "after type arguments", [&] { args.push_back(type()); });
  if (t.text == "Ref") {
    if (args.size() != 1) fail(t, Msg() << "type 'Ref' expects 1 type argument, found " << args.size());
    return ref_type(args[0]);
  }
  use_adt(t.text, args.size(), span(t));
  return adt_type(t.text, std::move(args));
}

// ADTs may be used before their declaration: during the first pass, checks wait.
void Parser::use_adt(const std::string& name, size_t argc, const Span& where) {
  if (out_ && !types_known_) {
    deferred_adts_.push_back({name, argc, where});
    return;
  }
  const TypeData* data = (out_ ? out_ : module_)->type(name);
  if (!data) throw CompileError(where, "unknown type '" + name + "'");
  if (data->type_params.size() != argc)
    throw CompileError(where, Msg() << "type '" << name << "' expects " << data->type_params.size()
                                    << " type argument(s), found " << argc);
}
void Parser::check_deferred_adts() {
  types_known_ = true;
  for (auto& use : deferred_adts_) use_adt(use.name, use.argc, use.where);
}

// dim := term (('+' | '-') term)*; term := factor (('*' | '/') factor)*
Dim Parser::dim() {
  Dim d = dim_term();
  for (;;) {
    if (accept("+")) d = d + dim_term();
    else if (accept("-")) d = d - dim_term();
    else return d;
  }
}
Dim Parser::dim_term() {
  Dim d = dim_factor();
  for (;;) {
    if (accept("*")) d = d * dim_factor();
    else if (accept("/")) d = d.floordiv(dim_factor());
    else return d;
  }
}
Dim Parser::dim_factor() {
  const Token& t = peek();
  if (accept("?")) return Dim::unknown();
  if (accept("-")) return -dim_factor();
  if (accept("(")) {
    Dim d = dim();
    expect(")", "after a dimension");
    return d;
  }
  if (t.kind == TokenKind::Ident) {
    next();
    return Dim::symbol(t.text);
  }
  uint64_t v = 0;
  if (t.kind != TokenKind::Number || t.has_fraction || !t.suffix.empty() || !parse_magnitude(t.text, &v) ||
      v > uint64_t(INT64_MAX))
    fail_expected("a dimension (an integer, a symbol or '?')", "in a shape");
  next();
  return Dim(int64_t(v));
}

// Writes the literal `tok` (a Number, or "nan"/"inf"), negated if `negative`, as element i.
void Parser::store_element(const Tensor& t, int64_t i, const Token& tok, bool negative) {
  DType d = t.dtype();
  // An identifier here is nan or inf, possibly with a suffix (nanf32).
  std::string text = (negative ? "-" : "") + (tok.kind == TokenKind::Ident ? tok.text.substr(0, 3) : tok.text);
  if (is_float(d)) {
    store_float_text(t, i, text);
    if (tok.kind == TokenKind::Number && std::isinf(t.as_double(i)))
      fail(tok, Msg() << "float literal '" << text << "' does not fit " << dtype_name(d));
    return;
  }
  uint64_t mag = 0;
  if (tok.kind != TokenKind::Number || tok.has_fraction)
    fail(tok, Msg() << "expected an integer for a " << dtype_name(d) << " value, found '" << text << "'");
  int bits = int(dtype_size(d)) * 8;
  uint64_t limit = is_unsigned_int(d) ? (negative ? 0 : ~uint64_t(0) >> (64 - bits))
                                      : (uint64_t(1) << (bits - 1)) - (negative ? 0 : 1);
  if (!parse_magnitude(tok.text, &mag) || mag > limit)
    fail(tok, Msg() << "integer literal '" << text << "' does not fit " << dtype_name(d));
  uint64_t bits_value = negative ? uint64_t(0) - mag : mag;  // two's complement
  dispatch_dtype(d, [&](auto tag) {
    using T = typename decltype(tag)::type;
    if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) t.data<T>()[i] = static_cast<T>(bits_value);
  });
}

// A scalar constant: `1.5f32`, `-3i64`, `nanf32`, `-inff64` (the '-' already read).
Expr Parser::scalar_constant(const Token& tok, bool negative, const Span& where) {
  std::string suffix = tok.suffix;
  bool special = tok.kind == TokenKind::Ident && !special_float(tok.text, &suffix).empty();
  auto dtype = parse_dtype(suffix);
  if (suffix.empty())
    fail(tok, "expected a dtype suffix on numeric literal '" + tok.text + "', as in " + tok.text + "i64 or " + tok.text + "f32");
  if (!dtype || *dtype == DType::Bool || (special && !is_float(*dtype)))
    fail(tok, "unknown dtype suffix '" + suffix + "' on literal '" + tok.text + (special ? "" : tok.suffix) + "'");
  Tensor value(*dtype, {});
  store_element(value, 0, tok, negative);
  return make_constant(value, where);
}

// After `const`: f32[2, 2] [1, 2, 3, 4]
Expr Parser::tensor_constant(const Span& where) {
  const Token& type_tok = peek();
  Type t = type();
  auto tt = as_tensor(t);
  std::vector<int64_t> shape;
  if (tt && !tt->has_rank()) tt = nullptr;
  for (size_t i = 0; tt && i < tt->shape.size(); ++i) {
    if (!tt->shape[i].is_static()) tt = nullptr;
    else shape.push_back(tt->shape[i].value());
  }
  if (!tt) fail(type_tok, "a tensor constant needs a tensor type with a static shape, found " + type_str(t));
  Tensor value(tt->dtype, shape);
  int64_t count = 0;
  expect("[", "before the elements of a tensor constant");
  comma_list("]", "after tensor elements", [&] {
    bool negative = accept("-");
    const Token& tok = next();
    bool ok = tt->dtype == DType::Bool ? !negative && (tok.is_ident("true") || tok.is_ident("false"))
                                       : (tok.kind == TokenKind::Number && tok.suffix.empty()) ||
                                             (is_float(tt->dtype) && (tok.is_ident("nan") || tok.is_ident("inf")));
    if (!ok) fail(tok, "expected a " + std::string(dtype_name(tt->dtype)) + " element, found " + describe_token(tok));
    if (count >= value.numel()) fail(tok, Msg() << "tensor constant of shape " << shape_str(shape) << " has more than " << value.numel() << " elements");
    if (tt->dtype == DType::Bool) value.data<bool>()[count] = tok.is_ident("true");
    else store_element(value, count, tok, negative);
    ++count;
  });
  if (count != value.numel())
    fail(type_tok, Msg() << "tensor constant of shape " << shape_str(shape) << " needs " << value.numel() << " elements, found " << count);
  return make_constant(value, where);
}

// name=value in an op call: 1, -2.5, inf, true, "s", [1, 2], f16
AttrValue Parser::attr_value() {
  const Token& start = peek();
  if (!accept("[")) return attr_scalar();
  std::vector<AttrValue> items;
  comma_list("]", "after list elements", [&] { items.push_back(attr_scalar()); });
  auto all = [&](auto pred) { return std::all_of(items.begin(), items.end(), pred); };
  auto is = [](AttrKind k) { return [k](const AttrValue& v) { return attr_kind(v) == k; }; };
  if (all(is(AttrKind::Int))) {
    std::vector<int64_t> v;
    for (auto& x : items) v.push_back(std::get<int64_t>(x));
    return v;
  }
  if (all([](const AttrValue& x) { return attr_kind(x) == AttrKind::Int || attr_kind(x) == AttrKind::Float; })) {
    std::vector<double> v;
    for (auto& x : items) v.push_back(attr_kind(x) == AttrKind::Int ? double(std::get<int64_t>(x)) : std::get<double>(x));
    return v;
  }
  if (all(is(AttrKind::String))) {
    std::vector<std::string> v;
    for (auto& x : items) v.push_back(std::get<std::string>(x));
    return v;
  }
  fail(start, "a list attribute holds only numbers or only strings");
}

AttrValue Parser::attr_scalar() {
  bool negative = accept("-");
  const Token& t = next();
  std::string sign = negative ? "-" : "";
  if (t.kind == TokenKind::Number) {
    if (!t.suffix.empty()) fail(t, "attribute values take no dtype suffix, found " + describe_token(t));
    if (t.has_fraction) return std::strtod((sign + t.text).c_str(), nullptr);
    uint64_t mag = 0;
    if (!parse_magnitude(t.text, &mag) || mag > uint64_t(INT64_MAX) + (negative ? 1 : 0))
      fail(t, "integer attribute '" + sign + t.text + "' does not fit i64");
    return int64_t(negative ? uint64_t(0) - mag : mag);
  }
  if (t.is_ident("inf") || t.is_ident("nan")) return std::strtod((sign + t.text).c_str(), nullptr);
  if (!negative) {
    if (t.kind == TokenKind::String) return t.text;
    if (t.is_ident("true") || t.is_ident("false")) return t.is_ident("true");
    if (t.kind == TokenKind::Ident)
      if (auto d = parse_dtype(t.text)) return *d;
  }
  fail(t, "expected an attribute value (a number, true/false, a string, a list or a dtype), found " + describe_token(t));
}

}  // namespace weft::parser_detail
