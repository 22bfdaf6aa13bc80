// Lexer.cpp - tokenizer of the weft text format.
#include "ir/Lexer.h"

#include <cctype>
#include <cmath>
#include <cstdlib>

namespace weft {

namespace {

bool is_name_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }
bool is_digit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }

class Lexer {
 public:
  Lexer(const std::string& text, const std::string& filename) : src_(text), file_(filename) {}

  std::vector<Token> run() {
    std::vector<Token> out;
    for (;;) {
      skip_space_and_comments();
      Token t;
      t.line = line_;
      t.column = col_;
      if (pos_ >= src_.size()) {
        out.push_back(t);
        return out;
      }
      // After '.', a number is a tuple index: `%t.0.1` is two projections, not `0.1`.
      bool after_dot = !out.empty() && out.back().is_punct(".");
      lex_one(t, after_dot);
      out.push_back(std::move(t));
    }
  }

 private:
  char peek(size_t ahead = 0) const { return pos_ + ahead < src_.size() ? src_[pos_ + ahead] : '\0'; }
  char advance() {
    char c = src_[pos_++];
    if (c == '\n') { ++line_; col_ = 1; } else { ++col_; }
    return c;
  }
  [[noreturn]] void fail(int line, int col, const std::string& msg) const {
    throw CompileError(Span{file_, line, col}, msg);
  }

  void skip_space_and_comments() {
    while (pos_ < src_.size()) {
      char c = peek();
      if (std::isspace(static_cast<unsigned char>(c))) {
        advance();
      } else if (c == '/' && peek(1) == '/') {
        while (pos_ < src_.size() && peek() != '\n') advance();
      } else {
        return;
      }
    }
  }

  std::string take_while_name_chars() {
    std::string s;
    while (is_name_char(peek())) s += advance();
    return s;
  }

  void lex_one(Token& t, bool after_dot) {
    char c = peek();
    if (c == '%' && peek(1) == '"') {
      // `%"onnx::Flatten_0"`: a variable named as the model spells it.
      advance();
      t.kind = TokenKind::LocalName;
      t.text = quoted(t, "variable name");
      if (t.text.empty()) fail(t.line, t.column, "a quoted variable name is empty");
    } else if (c == '%' || c == '@') {
      advance();
      t.kind = c == '%' ? TokenKind::LocalName : TokenKind::GlobalName;
      t.text = take_while_name_chars();
      if (t.text.empty()) fail(t.line, t.column, Msg() << "expected a name after '" << c << "'");
    } else if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
      t.kind = TokenKind::Ident;
      t.text = take_while_name_chars();
    } else if (is_digit(c)) {
      lex_number(t, after_dot);
    } else if (c == '"') {
      lex_string(t);
    } else {
      lex_punct(t);
    }
  }

  void lex_number(Token& t, bool index_only) {
    t.kind = TokenKind::Number;
    while (is_digit(peek())) t.text += advance();
    if (index_only) return;
    if (peek() == '.' && is_digit(peek(1))) {
      t.has_fraction = true;
      t.text += advance();
      while (is_digit(peek())) t.text += advance();
    }
    bool exp_sign = (peek(1) == '+' || peek(1) == '-') && is_digit(peek(2));
    if ((peek() == 'e' || peek() == 'E') && (is_digit(peek(1)) || exp_sign)) {
      t.has_fraction = true;
      t.text += advance();
      if (exp_sign) t.text += advance();
      while (is_digit(peek())) t.text += advance();
    }
    t.suffix = take_while_name_chars();
  }

  void lex_string(Token& t) {
    t.kind = TokenKind::String;
    t.text = quoted(t, "string literal");
  }

  // The text between double quotes at the current position, escapes decoded
  // (\n \t \" \\ \xNN); `what` names the construct in errors.
  std::string quoted(const Token& t, const char* what) {
    std::string out;
    advance();  // opening quote
    for (;;) {
      if (pos_ >= src_.size() || peek() == '\n') fail(t.line, t.column, Msg() << "unterminated " << what);
      char c = advance();
      if (c == '"') return out;
      if (c != '\\') { out += c; continue; }
      int line = line_, col = col_ - 1;
      char e = pos_ < src_.size() ? advance() : '\0';
      if (e == 'n') out += '\n';
      else if (e == 't') out += '\t';
      else if (e == '"' || e == '\\') out += e;
      else if (e == 'x' && std::isxdigit(static_cast<unsigned char>(peek())) && std::isxdigit(static_cast<unsigned char>(peek(1)))) {
        std::string hex{advance(), advance()};
        out += char(std::strtol(hex.c_str(), nullptr, 16));
      } else {
        fail(line, col, Msg() << "unknown escape '\\" << e << "' in " << what);
      }
    }
  }

  void lex_punct(Token& t) {
    t.kind = TokenKind::Punct;
    char c = peek();
    if ((c == '=' && peek(1) == '>') || (c == '-' && peek(1) == '>')) {
      t.text = {advance(), advance()};
      return;
    }
    static const std::string singles = "()[]{},;:=.*/+-?";
    if (singles.find(c) == std::string::npos) {
      std::string shown = std::isprint(static_cast<unsigned char>(c))
                              ? std::string(1, c)
                              : (Msg() << "\\x" << std::hex << int(static_cast<unsigned char>(c))).str();
      fail(t.line, t.column, Msg() << "unexpected character '" << shown << "'");
    }
    t.text = std::string(1, advance());
  }

  const std::string& src_;
  const std::string& file_;
  size_t pos_ = 0;
  int line_ = 1;
  int col_ = 1;
};

}  // namespace

std::vector<Token> tokenize(const std::string& text, const std::string& filename) { return Lexer(text, filename).run(); }

std::string describe_token(const Token& t) {
  switch (t.kind) {
    case TokenKind::End: return "end of input";
    case TokenKind::LocalName: return "'" + local_name_text(t.text) + "'";
    case TokenKind::GlobalName: return "'@" + t.text + "'";
    case TokenKind::String: return "string \"" + t.text + "\"";
    case TokenKind::Number: return "'" + t.text + t.suffix + "'";
    default: return "'" + t.text + "'";
  }
}

bool is_plain_name(const std::string& name) {
  if (name.empty()) return false;
  for (char c : name)
    if (!is_name_char(c)) return false;
  return true;
}

std::string quote_text(const std::string& s) {
  static const char* hex = "0123456789abcdef";
  std::string out = "\"";
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') out += {'\\', c};
    else if (c == '\n') out += "\\n";
    else if (c == '\t') out += "\\t";
    else if (u < 0x20 || u == 0x7f) out += {'\\', 'x', hex[u >> 4], hex[u & 15]};
    else out += c;
  }
  return out + "\"";
}

std::string local_name_text(const std::string& name) { return is_plain_name(name) ? "%" + name : "%" + quote_text(name); }

void store_float_text(const Tensor& t, int64_t i, const std::string& text) {
  bool negative = !text.empty() && text[0] == '-';
  std::string body = negative ? text.substr(1) : text;
  // strtod/strtof would also read "nan" and "inf", but spelling them out keeps the sign explicit.
  auto special = [&](auto nan_value, auto inf_value) {
    using F = decltype(nan_value);
    F v = body == "nan" ? nan_value : inf_value;
    return negative ? F(-v) : v;
  };
  bool is_special = body == "nan" || body == "inf";
  switch (t.dtype()) {
    case DType::F64:
      t.data<double>()[i] = is_special ? special(std::nan(""), HUGE_VAL) : std::strtod(text.c_str(), nullptr);
      return;
    case DType::F32:
    case DType::F16:
    case DType::BF16: {
      float f = is_special ? special(std::nanf(""), HUGE_VALF) : std::strtof(text.c_str(), nullptr);
      if (t.dtype() == DType::F32) t.data<float>()[i] = f;
      else if (t.dtype() == DType::F16) t.data<Half>()[i] = Half(f);
      else t.data<BFloat16>()[i] = BFloat16(f);
      return;
    }
    default: WEFT_ASSERT(false, "store_float_text on a " << dtype_name(t.dtype()) << " tensor");
  }
}

}  // namespace weft
