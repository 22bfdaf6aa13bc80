// printer_parser_test.cpp - text round trips of tests/ir/modules (which also type-check),
// pinned printer output, exact literals, 100,000-deep programs, parser error messages and
// structural equality.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "ir/Parser.h"
#include "ir/Printer.h"
#include "ir/StructuralEqual.h"
#include "ir/TypeInference.h"
#include "tests/support/TestSupport.h"

namespace weft {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> module_files() {
  std::vector<std::string> files;
  for (auto& entry : fs::directory_iterator(fs::path(WEFT_TEST_DATA_DIR) / "ir" / "modules"))
    if (entry.path().extension() == ".weft") files.push_back(entry.path().string());
  std::sort(files.begin(), files.end());
  return files;
}

std::string repeat(const std::string& s, int n) {
  std::string out;
  out.reserve(s.size() * size_t(n));
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

// parse -> print -> parse gives an equal module, and printing that again gives the same text.
void expect_round_trip(const Module& m) {
  std::string printed = print_module(m);
  Module again;
  try {
    again = parse_module(printed, "printed.weft");
  } catch (const CompileError& e) {
    FAIL() << "printed text does not parse: " << e.what() << "\n" << printed;
  }
  std::string why;
  EXPECT_TRUE(structural_equal(m, again, &why)) << why << "\n" << printed;
  EXPECT_EQ(print_module(again), printed);
}

// ---- every module file ----

class PrinterParserRoundTrip : public ::testing::TestWithParam<std::string> {};

TEST_P(PrinterParserRoundTrip, Module) {
  Module m;
  try {
    m = parse_module(testing::read_text_file(GetParam()), GetParam());
  } catch (const CompileError& e) {
    FAIL() << e.what();
  }
  expect_round_trip(m);
  // With inferred types shown the text still parses, and re-inferring it shows the same.
  PrintOptions typed;
  typed.show_types = true;
  try {
    infer_types(m);
  } catch (const CompileError& e) {
    FAIL() << "module does not type-check: " << e.what();
  }
  std::string text = print_module(m, typed);
  Module annotated = parse_module(text, "typed.weft");
  infer_types(annotated);
  EXPECT_EQ(print_module(annotated, typed), text);
}

INSTANTIATE_TEST_SUITE_P(Modules, PrinterParserRoundTrip, ::testing::ValuesIn(module_files()),
                         [](const ::testing::TestParamInfo<std::string>& info) { return fs::path(info.param).stem().string(); });

TEST(PrinterParser, AtLeastThirtyModuleFiles) { EXPECT_GE(module_files().size(), 30u); }

// ---- pinned printer output ----

TEST(Printer, PinnedModuleLayout) {
  const std::string text = R"(type Tree[T] {
  Leaf(T),
  Node(Tree[T], Tree[T]),
}

def @main(%t: Tree[i64[]], %c: bool[]) -> (i64[], Option[i64[]], (i64[],)) {
  let %r = ref_new(0i64);
  let %v = match (%t) {
    Leaf(%x) => %x,
    Node(_, Leaf(_)) => if (%c) { 1i64 } else { -1i64 },
    _ => {
      let %f = fn[A] (%a: A) -> A { %a };
      %f(2i64)
    },
  };
  let %_ = ref_write(%r, %v);
  (ref_read(%r), Some(%v), (%v,))
}
)";
  EXPECT_EQ(print_module(parse_module(text, "pinned.weft")), text);
}

TEST(Printer, UniqueNamesAttributesInNameOrderAndDefaults) {
  Module m = parse_module(R"(
def @main(%x: f32[2, 2], %y: f32[2, 2]) {
  let %x = gemm(%x, %y, trans_b=true, alpha=0.1, beta=1e-06);
  let %f = fn (%x: f32[2, 2]) { gemm(%x, %x) };
  %f(%x)
})", "names.weft");
  EXPECT_EQ(print_module(m), R"(def @main(%x: f32[2, 2], %y: f32[2, 2]) {
  let %x_1 = gemm(%x, %y, alpha=0.1, beta=1e-06, trans_a=false, trans_b=true);
  let %f = fn (%x_2: f32[2, 2]) { gemm(%x_2, %x_2, alpha=1.0, beta=1.0, trans_a=false, trans_b=false) };
  %f(%x_1)
}
)");
}

TEST(Printer, NameHintsOutsideTheLexerAlphabetAreQuoted) {
  Var v = make_var("conv1/Relu:0");
  Var w = make_var("");
  Expr e = make_let(v, make_constant(Tensor::scalar<float>(1)), make_let(w, v, make_tuple({v, w})));
  EXPECT_EQ(print_expr(e), "let %\"conv1/Relu:0\" = 1f32;\nlet %v = %\"conv1/Relu:0\";\n(%\"conv1/Relu:0\", %v)\n");
  std::string why;
  EXPECT_TRUE(structural_equal(parse_expr(print_expr(e), Module()), e, &why)) << why;
}

// Names as models spell them (ONNX's `onnx::Flatten_0`, quotes, comment closers, newlines,
// a trailing backslash) print quoted, read back to the same name, and print the same again.
TEST(PrinterParser, QuotedVariableNamesRoundTrip) {
  const std::vector<std::string> names = {"onnx::Flatten_0", "say \"hi\"", "end */ here", "two\nlines", "back\\", "tab\there", "x.1",
                                          "\x01\x7f", "caf\xc3\xa9"};
  std::vector<Var> params;
  std::vector<Expr> uses;
  for (auto& n : names) {
    params.push_back(make_var(n, tensor_type(DType::F32, {2})));
    uses.push_back(params.back());
  }
  Module m;
  m.add_function("main", make_function(params, nullptr, make_tuple(uses), {}));
  std::string printed = print_module(m);
  EXPECT_NE(printed.find("%\"onnx::Flatten_0\": f32[2]"), std::string::npos) << printed;
  EXPECT_NE(printed.find("%\"say \\\"hi\\\"\""), std::string::npos) << printed;
  EXPECT_NE(printed.find("%\"two\\nlines\""), std::string::npos) << printed;
  EXPECT_NE(printed.find("%\"back\\\\\""), std::string::npos) << printed;
  EXPECT_NE(printed.find("%\"\\x01\\x7f\""), std::string::npos) << printed;
  // One line per def line: no raw newline or control byte escapes into the text.
  EXPECT_EQ(std::count(printed.begin(), printed.end(), '\n'), 3) << printed;
  Module again = parse_module(printed, "quoted.weft");
  for (size_t i = 0; i < names.size(); ++i) EXPECT_EQ(again.main()->params[i]->name_hint, names[i]);
  expect_round_trip(again);
  // A plain name written quoted is the same name, printed bare.
  Module plain = parse_module("def @main(%\"x\": f32[2]) { %x }", "plain.weft");
  EXPECT_EQ(print_module(plain), "def @main(%x: f32[2]) {\n  %x\n}\n");
  // Two names that differ only in characters a sanitizer would replace stay two names.
  Module two = parse_module("def @main(%\"a:b\": f32[2], %a_b: f32[2]) { (%\"a:b\", %a_b) }", "two.weft");
  EXPECT_EQ(print_module(two), "def @main(%\"a:b\": f32[2], %a_b: f32[2]) {\n  (%\"a:b\", %a_b)\n}\n");
}

TEST(Printer, ShowTypesAddsCheckedTypes) {
  Module m = parse_module("def @main(%x: f32[2], %y) {\n  let %a = (%x, %y);\n  let %b = 1f32;\n  %a\n}\n", "t.weft");
  Function fn = m.main();
  auto let = as<LetNode>(fn->body);
  Type pair = tuple_type({tensor_type(DType::F32, {2}), scalar_type(DType::I64)});
  let->var->checked_type = pair;
  fn->params[1]->checked_type = scalar_type(DType::I64);
  fn->checked_type = func_type({tensor_type(DType::F32, {2}), scalar_type(DType::I64)}, pair);
  PrintOptions opts;
  opts.show_types = true;
  EXPECT_EQ(print_module(m, opts),
            "def @main(%x: f32[2], %y: i64[]) -> (f32[2], i64[]) {\n  let %a: (f32[2], i64[]) = (%x, %y);\n  let %b = 1f32;\n  %a\n}\n");
  EXPECT_EQ(print_module(m), "def @main(%x: f32[2], %y) {\n  let %a = (%x, %y);\n  let %b = 1f32;\n  %a\n}\n");
}

TEST(Parser, NodesCarrySpans) {
  Module m = parse_module("def @main(%x: i64[]) {\n  let %y = (%x, 1i64);\n  match (Some(%y)) {\n    Some(%z) => %z.0,\n    _ => @main(%x),\n  }\n}\n", "spans.weft");
  auto at = [](const Expr& e) { return e->span.str(); };
  Function fn = m.main();
  EXPECT_EQ(at(fn), "spans.weft:1:1");
  EXPECT_EQ(at(fn->params[0]), "spans.weft:1:11");
  auto let = as<LetNode>(fn->body);
  EXPECT_EQ(at(fn->body), "spans.weft:2:3");
  EXPECT_EQ(at(let->var), "spans.weft:2:7");
  EXPECT_EQ(at(let->value), "spans.weft:2:12");
  EXPECT_EQ(at(as<TupleNode>(let->value)->fields[1]), "spans.weft:2:17");
  auto match = as<MatchNode>(let->body);
  EXPECT_EQ(at(let->body), "spans.weft:3:3");
  EXPECT_EQ(at(match->scrutinee), "spans.weft:3:10");
  EXPECT_EQ(at(match->clauses[0].pattern->sub[0]->var), "spans.weft:4:10");
  EXPECT_EQ(at(match->clauses[0].body), "spans.weft:4:17");
  EXPECT_EQ(at(match->clauses[1].body), "spans.weft:5:10");
  EXPECT_EQ(at(as<CallNode>(match->clauses[1].body)->callee), "spans.weft:5:10");
}

TEST(Parser, SugarReadsAsItsExpansion) {
  Module m;
  EXPECT_TRUE(structural_equal(parse_expr("fn (%c: bool[], %d: bool[]) { if (%c) { 1i32 } else if (%d) { 2i32 } else { 3i32 } }", m),
                               parse_expr("fn (%c: bool[], %d: bool[]) { if (%c) { 1i32 } else { if (%d) { 2i32 } else { 3i32 } } }", m)));
  EXPECT_TRUE(structural_equal(parse_expr("((1i32), {2i32},)", m), parse_expr("(1i32, 2i32)", m)));
  // A closure may call itself by its let name; the printer keeps that reading.
  Expr rec = parse_expr("let %f = fn (%n: i64[]) { %f(%n) }; %f", m);
  auto let = as<LetNode>(rec);
  EXPECT_TRUE(as<CallNode>(as<FunctionNode>(let->value)->body)->callee.same_as(let->var));
  EXPECT_TRUE(structural_equal(parse_expr(print_expr(rec), m), rec));
}

TEST(PrinterParser, StringAttributesWithEscapesRoundTrip) {
  Expr e = parse_expr(R"(fn (%a: u8[2]) { bit_shift(%a, %a, direction="l\"e\\f\nt\t\x01\xc3\xa9") })", Module());
  auto call = as<CallNode>(as<FunctionNode>(e)->body);
  EXPECT_EQ(call->attrs.get_string("direction"), "l\"e\\f\nt\t\x01\xc3\xa9");
  EXPECT_TRUE(structural_equal(parse_expr(print_expr(e), Module()), e)) << print_expr(e);
}

// ---- literals ----

std::string printed_constant(const Tensor& t) { return print_expr(make_constant(t)); }

TEST(Printer, ScalarLiteralsAreShortestExactText) {
  EXPECT_EQ(printed_constant(Tensor::scalar<float>(0.1f)), "0.1f32\n");
  EXPECT_EQ(printed_constant(Tensor::scalar<float>(2.f)), "2f32\n");
  EXPECT_EQ(printed_constant(Tensor::scalar<float>(-0.f)), "-0f32\n");
  EXPECT_EQ(printed_constant(Tensor::scalar<double>(0.1)), "0.1f64\n");
  EXPECT_EQ(printed_constant(Tensor::scalar<double>(1.0 / 3)), "0.3333333333333333f64\n");
  EXPECT_EQ(printed_constant(Tensor::scalar<float>(std::numeric_limits<float>::infinity())), "inff32\n");
  EXPECT_EQ(printed_constant(Tensor::scalar<double>(-std::numeric_limits<double>::infinity())), "-inff64\n");
  EXPECT_EQ(printed_constant(Tensor::scalar<float>(std::nanf(""))), "nanf32\n");
  EXPECT_EQ(printed_constant(Tensor::scalar<Half>(Half(0.1f))), "0.1f16\n");
  EXPECT_EQ(printed_constant(Tensor::scalar<int64_t>(INT64_MIN)), "-9223372036854775808i64\n");
  EXPECT_EQ(printed_constant(Tensor::scalar<uint64_t>(UINT64_MAX)), "18446744073709551615u64\n");
  EXPECT_EQ(printed_constant(Tensor::scalar<bool>(true)), "true\n");
  EXPECT_EQ(printed_constant(Tensor::from_vector<int8_t>({-1, 2}, {2, 1})), "const i8[2, 1] [-1, 2]\n");
}

// Random bit patterns of every float dtype read back bit for bit (NaNs: sign kept, payload canonical).
TEST(PrinterParser, FloatConstantsRoundTripBitExactly) {
  std::mt19937_64 rng(7);
  for (DType d : {DType::F16, DType::BF16, DType::F32, DType::F64}) {
    Tensor t(d, {200});
    for (int64_t i = 0; i < t.numel(); ++i) {
      uint64_t bits = rng();
      std::memcpy(static_cast<char*>(t.raw()) + size_t(i) * dtype_size(d), &bits, dtype_size(d));
      if (std::isnan(t.as_double(i))) {  // only canonical NaNs have a spelling
        Tensor canonical(d, {});
        if (d == DType::F64) *canonical.data<double>() = std::copysign(std::nan(""), t.as_double(i));
        else if (d == DType::F32) *canonical.data<float>() = std::copysign(std::nanf(""), float(t.as_double(i)));
        else if (d == DType::F16) *canonical.data<Half>() = Half(std::copysign(std::nanf(""), float(t.as_double(i))));
        else *canonical.data<BFloat16>() = BFloat16(std::copysign(std::nanf(""), float(t.as_double(i))));
        std::memcpy(static_cast<char*>(t.raw()) + size_t(i) * dtype_size(d), canonical.raw(), dtype_size(d));
      }
    }
    Expr e = make_constant(t);
    std::string why;
    EXPECT_TRUE(structural_equal(parse_expr(print_expr(e), Module()), e, &why)) << dtype_name(d) << ": " << why;
    for (int64_t i = 0; i < 20; ++i) {  // scalars take the suffixed form
      Tensor s(d, {});
      std::memcpy(s.raw(), static_cast<char*>(t.raw()) + size_t(i) * dtype_size(d), dtype_size(d));
      Expr se = make_constant(s);
      EXPECT_TRUE(structural_equal(parse_expr(print_expr(se), Module()), se)) << print_expr(se);
    }
  }
}

// ---- deep programs ----

TEST(PrinterParserDeep, HundredThousandNestedAdds) {
  const int n = 100000;
  std::string text = "def @main(%x: f32[]) -> f32[] {\n  " + repeat("add(", n) + "%x" + repeat(", %x)", n) + "\n}\n";
  Module m = parse_module(text, "deep_adds.weft");
  EXPECT_EQ(print_module(m), text);
  expect_round_trip(m);
}

TEST(PrinterParserDeep, HundredThousandLetChain) {
  const int n = 100000;
  std::string text = "def @main(%x: f32[]) -> f32[] {\n" + repeat("  let %x = add(%x, %x);\n", n) + "  %x\n}\n";
  Module m = parse_module(text, "deep_lets.weft");
  std::string printed = print_module(m);
  EXPECT_NE(printed.find("  let %x_100000 = add(%x_99999, %x_99999);\n  %x_100000\n}"), std::string::npos);
  expect_round_trip(m);
}

TEST(PrinterParserDeep, HundredThousandNestedConstructorsAndTuples) {
  const int n = 100000;
  std::string text = "def @main(%x: i64[]) {\n  (" + repeat("Some(", n) + "%x" + repeat(")", n) + ", " + repeat("(", n) +
                     "%x" + repeat(",)", n) + ")\n}\n";
  Module m = parse_module(text, "deep_ctors.weft");
  EXPECT_EQ(print_module(m), text);
  expect_round_trip(m);
}

TEST(PrinterParserDeep, NestedClosuresPrintInLinearTime) {
  // Whether a body fits on one line is decided once per node, not by printing it twice.
  const int n = 1000;
  std::string text = "def @main() {\n  " + repeat("fn () { ", n) + "match (1i64) { _ => 1i64 }" + repeat(" }", n) + "\n}\n";
  expect_round_trip(parse_module(text, "nested_fns.weft"));
}

// ---- parser errors: position and message ----

std::string parse_error(const std::string& text) {
  try {
    parse_module(text, "err.weft");
  } catch (const CompileError& e) {
    return e.what();
  }
  return "(no error)";
}

std::string error_in_main(const std::string& body) {
  return parse_error("def @main(%x: f32[2], %r: Ref[f32[2]]) -> f32[2] {\n  " + body + "\n}\n");
}

TEST(ParserErrors, Syntax) {
  EXPECT_EQ(error_in_main("add(%x, %x;"), "err.weft:2:13: error: expected ')' after arguments, found ';'");
  EXPECT_EQ(error_in_main("let %a = %x\n  %a"), "err.weft:3:3: error: expected ';' after the value of a let, found '%a'");
  EXPECT_EQ(error_in_main("if (%x) { %x }"), "err.weft:3:1: error: expected 'else' after the 'then' branch, found '}'");
  EXPECT_EQ(error_in_main("(%x, )]"), "err.weft:2:9: error: expected '}' after the body of 'def @main', found ']'");
  EXPECT_EQ(error_in_main("%x.x"), "err.weft:2:6: error: expected a field index after '.', found 'x'");
  EXPECT_EQ(error_in_main("$"), "err.weft:2:3: error: unexpected character '$'");
  EXPECT_EQ(error_in_main("let %s = \"abc\n"), "err.weft:2:12: error: unterminated string literal");
  EXPECT_EQ(parse_error("foo"), "err.weft:1:1: error: expected 'def' or 'type' at the top level, found 'foo'");
  EXPECT_EQ(parse_error("def @main(%x: f32) { %x }"), "err.weft:1:18: error: expected '[' after dtype 'f32' (a scalar is f32[]), found ')'");
  EXPECT_EQ(parse_error("def @main(%x: f32[2.5]) { %x }"),
            "err.weft:1:19: error: expected a dimension (an integer, a symbol or '?') in a shape, found '2.5'");
  EXPECT_EQ(parse_error("def @main() {\n  1i64\n"), "err.weft:3:1: error: expected '}' after the body of 'def @main', found end of input");
  EXPECT_EQ(parse_error("def @main(%\"\": f32[]) { 1i64 }"), "err.weft:1:11: error: a quoted variable name is empty");
  EXPECT_EQ(parse_error("def @main(%\"a\nb\": f32[]) { 1i64 }"), "err.weft:1:11: error: unterminated variable name");
  EXPECT_EQ(parse_error("def @main(%\"a\\qb\": f32[]) { 1i64 }"), "err.weft:1:14: error: unknown escape '\\q' in variable name");
}

TEST(ParserErrors, UnknownNames) {
  EXPECT_EQ(error_in_main("%y"), "err.weft:2:3: error: unknown variable '%y'");
  EXPECT_EQ(error_in_main("%\"onnx::y\""), "err.weft:2:3: error: unknown variable '%\"onnx::y\"'");
  EXPECT_EQ(error_in_main("frobnicate(%x, axis=1)"), "err.weft:2:3: error: unknown operator 'frobnicate'");
  EXPECT_EQ(error_in_main("@nope(%x)"), "err.weft:2:3: error: unknown function '@nope'");
  EXPECT_EQ(error_in_main("frob"), "err.weft:2:3: error: unknown name 'frob' (operators are called with parentheses, functions are '@name')");
  EXPECT_EQ(parse_error("def @main(%x: Foo[f32[]]) { %x }"), "err.weft:1:15: error: unknown type 'Foo'");
  EXPECT_EQ(parse_error("type A { MkA(B) }\ndef @main() { () }"), "err.weft:1:14: error: unknown type 'B'");
  EXPECT_EQ(parse_error("def @main(%x: List) { %x }"), "err.weft:1:15: error: type 'List' expects 1 type argument(s), found 0");
  EXPECT_EQ(error_in_main("match (%x) { Leaf(%v) => %v }"), "err.weft:2:16: error: unknown constructor 'Leaf' in pattern");
  // A variable is not in scope in its own (non-closure) value, nor after its block.
  EXPECT_EQ(error_in_main("let %a = %a; %a"), "err.weft:2:12: error: unknown variable '%a'");
  EXPECT_EQ(error_in_main("let %b = { let %c = %x; %c }; %c"), "err.weft:2:33: error: unknown variable '%c'");
}

TEST(ParserErrors, BadOperatorCalls) {
  EXPECT_EQ(error_in_main("gemm(%x, %x, alpha=\"big\")"),
            "err.weft:2:3: error: attribute 'alpha' of operator 'gemm' expects float, found string \"big\"");
  EXPECT_EQ(error_in_main("gemm(%x, %x, trans_a=[1, 2])"),
            "err.weft:2:3: error: attribute 'trans_a' of operator 'gemm' expects bool, found int list [1, 2]");
  EXPECT_EQ(error_in_main("gemm(%x, %x, gamma=1)"),
            "err.weft:2:3: error: operator 'gemm' has no attribute 'gamma' (expected one of: alpha, beta, trans_a, trans_b)");
  EXPECT_EQ(error_in_main("gemm(%x)"), "err.weft:2:3: error: operator 'gemm' expects 2 to 3 argument(s), found 1");
  EXPECT_EQ(error_in_main("gemm(%x, %x, alpha=1, alpha=2)"), "err.weft:2:25: error: attribute 'alpha' is given twice");
  EXPECT_EQ(error_in_main("gemm(%x, alpha=1, %x)"), "err.weft:2:21: error: expected an attribute (name=value) after attributes, found '%x'");
  EXPECT_EQ(error_in_main("gemm(%x, %x, alpha=1i64)"), "err.weft:2:22: error: attribute values take no dtype suffix, found '1i64'");
}

TEST(ParserErrors, CallsAndConstructors) {
  EXPECT_EQ(error_in_main("Cons(%x)"), "err.weft:2:3: error: constructor 'Cons' expects 2 field(s), found 1");
  EXPECT_EQ(error_in_main("@main(%x, axis=1)"),
            "err.weft:2:13: error: attribute 'axis' given to a call of a function or constructor; only operators take attributes");
  EXPECT_EQ(error_in_main("ref_write(%r)"), "err.weft:2:3: error: ref_write expects 2 argument(s), found 1");
  EXPECT_EQ(error_in_main("match (%x) { Cons(%h) => %h }"), "err.weft:2:16: error: constructor 'Cons' has 2 field(s), the pattern gives 1");
  EXPECT_EQ(parse_error("def @f() { () }\ndef @f() { () }"), "err.weft:2:5: error: function '@f' is defined twice");
  EXPECT_EQ(parse_error("type T { Cons(i64[]) }"), "err.weft:1:1: error: constructor 'Cons' is defined twice");
}

TEST(ParserErrors, Literals) {
  EXPECT_EQ(error_in_main("1"), "err.weft:2:3: error: expected a dtype suffix on numeric literal '1', as in 1i64 or 1f32");
  EXPECT_EQ(error_in_main("300u8"), "err.weft:2:3: error: integer literal '300' does not fit u8");
  EXPECT_EQ(error_in_main("-1u32"), "err.weft:2:4: error: integer literal '-1' does not fit u32");
  EXPECT_EQ(error_in_main("128i8"), "err.weft:2:3: error: integer literal '128' does not fit i8");
  EXPECT_EQ(error_in_main("1.5i32"), "err.weft:2:3: error: expected an integer for a i32 value, found '1.5'");
  EXPECT_EQ(error_in_main("3.5e38f32"), "err.weft:2:3: error: float literal '3.5e38' does not fit f32");
  EXPECT_EQ(error_in_main("65520f16"), "err.weft:2:3: error: float literal '65520' does not fit f16");
  EXPECT_EQ(error_in_main("2x"), "err.weft:2:3: error: unknown dtype suffix 'x' on literal '2x'");
  EXPECT_EQ(error_in_main("const f32[2, 2] [1, 2, 3]"), "err.weft:2:9: error: tensor constant of shape [2, 2] needs 4 elements, found 3");
  EXPECT_EQ(error_in_main("const f32[n] [1]"), "err.weft:2:9: error: a tensor constant needs a tensor type with a static shape, found f32[n]");
  EXPECT_EQ(error_in_main("const i8[1] [1.5]"), "err.weft:2:16: error: expected an integer for a i8 value, found '1.5'");
  EXPECT_EQ(error_in_main("const bool[1] [1]"), "err.weft:2:18: error: expected a bool element, found '1'");
}

// ---- structural equality ----

Expr parse_in(const std::string& text, const Module& m = Module()) { return parse_expr(text, m); }

TEST(StructuralEqual, UpToRenamingOfVariablesAndTypeParameters) {
  EXPECT_TRUE(structural_equal(parse_in("let %a = 1i64; let %b = (%a, %a); %b"), parse_in("let %x = 1i64; let %y = (%x, %x); %y")));
  EXPECT_FALSE(structural_equal(parse_in("let %a = 1i64; let %b = 2i64; (%a, %b)"), parse_in("let %a = 1i64; let %b = 2i64; (%b, %a)")));
  EXPECT_TRUE(structural_equal(parse_in("fn[A] (%v: A) -> A { %v }"), parse_in("fn[B] (%w: B) -> B { %w }")));
  EXPECT_FALSE(structural_equal(parse_in("fn[A, B] (%v: A, %w: B) -> A { %v }"), parse_in("fn[A, B] (%v: B, %w: A) -> A { %w }")));
  EXPECT_TRUE(structural_equal(parse_in("match (Some(1i64)) { Some(%v) => %v, _ => 0i64 }"),
                               parse_in("match (Some(1i64)) { Some(%w) => %w, _ => 0i64 }")));
  EXPECT_TRUE(structural_equal(Type(parse_module("def @f(%x: fn[T](T) -> T) { %x }", "a").function("f")->params[0]->annotation),
                               parse_module("def @f(%x: fn[U](U) -> U) { %x }", "b").function("f")->params[0]->annotation));
}

TEST(StructuralEqual, ComparesTypesConstantsAndAttributes) {
  std::string why;
  EXPECT_FALSE(structural_equal(parse_in("fn (%v: f32[2]) { %v }"), parse_in("fn (%v: f32[3]) { %v }"), &why));
  EXPECT_EQ(why, "annotations of %v differ: types f32[2] and f32[3] differ");
  EXPECT_FALSE(structural_equal(parse_in("fn (%v: f32[n]) { %v }"), parse_in("fn (%v) { %v }")));
  EXPECT_FALSE(structural_equal(parse_in("0f32"), parse_in("-0f32")));
  EXPECT_FALSE(structural_equal(parse_in("nanf32"), parse_in("-nanf32")));
  EXPECT_TRUE(structural_equal(parse_in("nanf32"), parse_in("nanf32")));
  EXPECT_FALSE(structural_equal(parse_in("1i32"), parse_in("1i64")));
  EXPECT_FALSE(structural_equal(parse_in("(1i32,)"), parse_in("(1i32, 1i32)")));
  Module with_tree = parse_module("type Tree { Leaf, Node(Tree, Tree) }", "t");
  EXPECT_FALSE(structural_equal(parse_in("Leaf", with_tree), parse_in("None")));
  Expr a = parse_in("fn (%a: f32[2, 2]) { gemm(%a, %a, alpha=0.5) }");
  EXPECT_FALSE(structural_equal(a, parse_in("fn (%a: f32[2, 2]) { gemm(%a, %a) }"), &why));
  EXPECT_EQ(why, "attribute alpha=0.5 vs alpha=1.0");
  EXPECT_TRUE(structural_equal(a, parse_in("fn (%b: f32[2, 2]) { gemm(%b, %b, alpha=0.5, beta=1) }")));
}

TEST(StructuralEqual, ModulesCompareByNameInAnyOrder) {
  Module a = parse_module("type P { MkP(i64[]) }\ndef @f() { MkP(1i64) }\ndef @main() { @f() }", "a");
  Module b = parse_module("def @main() { @f() }\ndef @f() { MkP(1i64) }\ntype P { MkP(i64[]) }", "b");
  Module c = parse_module("type P { MkP(i32[]) }\ndef @f() { MkP(1i32) }\ndef @main() { @f() }", "c");
  std::string why;
  EXPECT_TRUE(structural_equal(a, b));
  EXPECT_FALSE(structural_equal(a, c, &why));
  EXPECT_EQ(why, "type 'P' differs: types i64[] and i32[] differ");
  EXPECT_FALSE(structural_equal(a, parse_module("def @main() { () }", "d")));
}

}  // namespace
}  // namespace weft
