#include "promql/lexer.h"

#include <array>
#include <cctype>
#include <cstdint>

namespace gw::promql {
namespace {

bool IsAlpha(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAlnum(char c) { return IsAlpha(c) || IsDigit(c); }
bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

constexpr std::array<std::string_view, 10> kKeywords = {
    "bool",       "by",          "without", "on",    "ignoring",
    "group_left", "group_right", "offset",  "start", "end"};
constexpr std::array<std::string_view, 12> kAggregators = {
    "sum",    "avg",   "min",  "max",     "count",    "stddev",
    "stdvar", "group", "topk", "bottomk", "quantile", "count_values"};
constexpr std::array<std::string_view, 4> kWordOperators = {"and", "or", "unless", "atan2"};

template <size_t N>
bool Contains(const std::array<std::string_view, N>& a, std::string_view w) {
  for (std::string_view x : a) {
    if (x == w) return true;
  }
  return false;
}

void AppendUtf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

int HexValue(char c) {
  if (IsDigit(c)) return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

class Lexer {
 public:
  explicit Lexer(std::string_view q) : q_(q) {}

  StatusOr<std::vector<Token>> Run() {
    while (true) {
      while (pos_ < q_.size() && IsSpace(q_[pos_])) ++pos_;
      if (pos_ < q_.size() && q_[pos_] == '#') {
        while (pos_ < q_.size() && q_[pos_] != '\n') ++pos_;
        continue;
      }
      if (pos_ >= q_.size()) break;
      GW_RETURN_IF_ERROR(brace_open_ ? InsideBraces() : Statement());
    }
    if (brace_open_) return Error(q_.size(), "unexpected end of input inside braces");
    if (bracket_open_) return Error(q_.size(), "unclosed left bracket");
    Emit(TokenType::kEof, pos_, pos_);
    return std::move(tokens_);
  }

 private:
  Status InsideBraces() {
    const size_t start = pos_;
    const char c = q_[pos_];
    if (IsAlpha(c)) {
      while (pos_ < q_.size() && IsAlnum(q_[pos_])) ++pos_;
      Emit(TokenType::kIdentifier, start, pos_);
      return Status::Ok();
    }
    if (c == '"' || c == '\'' || c == '`') return String();
    if (c == ',') return Single(TokenType::kComma);
    if (c == '}') {
      brace_open_ = false;
      return Single(TokenType::kRightBrace);
    }
    if (c == '=' || c == '!') {
      const char next = pos_ + 1 < q_.size() ? q_[pos_ + 1] : '\0';
      if (next == '~') {
        pos_ += 2;
        Emit(c == '=' ? TokenType::kEqualRegex : TokenType::kNotEqualRegex, start, pos_);
        return Status::Ok();
      }
      if (c == '!' && next == '=') {
        pos_ += 2;
        Emit(TokenType::kOperator, start, pos_);
        return Status::Ok();
      }
      if (c == '=') return Single(TokenType::kAssign);
    }
    return Error(start, "unexpected character inside braces: " + QuoteChar(c));
  }

  Status Statement() {
    const size_t start = pos_;
    const char c = q_[pos_];
    const char next = pos_ + 1 < q_.size() ? q_[pos_ + 1] : '\0';
    if (IsDigit(c) || (c == '.' && IsDigit(next))) return NumberOrDuration();
    if (c == ':' && bracket_open_) return Single(TokenType::kColon);
    if (IsAlpha(c) || c == ':') return Word();
    if (c == '"' || c == '\'' || c == '`') return String();
    switch (c) {
      case '(':
        return Single(TokenType::kLeftParen);
      case ')':
        return Single(TokenType::kRightParen);
      case '{':
        brace_open_ = true;
        return Single(TokenType::kLeftBrace);
      case '}':
        return Error(start, "unexpected right brace '}'");
      case '[':
        if (bracket_open_) return Error(start, "unexpected left bracket '['");
        bracket_open_ = true;
        return Single(TokenType::kLeftBracket);
      case ']':
        if (!bracket_open_) return Error(start, "unexpected right bracket ']'");
        bracket_open_ = false;
        return Single(TokenType::kRightBracket);
      case ',':
        return Single(TokenType::kComma);
      case '@':
        return Single(TokenType::kAt);
      case '+':
      case '-':
      case '*':
      case '/':
      case '%':
      case '^':
        return Single(TokenType::kOperator);
      case '=':
        if (next == '=') return Double(TokenType::kOperator);
        if (next == '~') return Error(start, "unexpected character after '=': '~'");
        return Single(TokenType::kAssign);
      case '!':
        if (next == '=') return Double(TokenType::kOperator);
        return Error(start, "unexpected character after '!': " + QuoteChar(next));
      case '<':
      case '>':
        if (next == '=') return Double(TokenType::kOperator);
        return Single(TokenType::kOperator);
      default:
        break;
    }
    return Error(start, "unexpected character: " + QuoteChar(c));
  }

  Status Word() {
    const size_t start = pos_;
    while (pos_ < q_.size() && (IsAlnum(q_[pos_]) || q_[pos_] == ':')) ++pos_;
    const std::string_view word = q_.substr(start, pos_ - start);
    std::string lower(word);
    for (char& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    TokenType type = TokenType::kIdentifier;
    if (word.find(':') != std::string_view::npos) {
      type = TokenType::kMetricIdentifier;
    } else if (Contains(kKeywords, lower)) {
      type = TokenType::kKeyword;
    } else if (Contains(kAggregators, lower)) {
      type = TokenType::kAggregator;
    } else if (Contains(kWordOperators, lower)) {
      type = TokenType::kOperator;
    } else if (lower == "inf" || lower == "nan") {
      type = TokenType::kNumber;
    }
    Emit(type, start, pos_);
    if (type != TokenType::kIdentifier && type != TokenType::kMetricIdentifier) {
      tokens_.back().value = lower;
    }
    return Status::Ok();
  }

  // As Prometheus' scanNumber + acceptRemainingDuration: a number must not run into letters;
  // a duration is digits and units, ending in a non-alphanumeric character.
  Status NumberOrDuration() {
    const size_t start = pos_;
    std::string_view digits = "0123456789";
    if (Accept("0") && Accept("xX")) digits = "0123456789abcdefABCDEF";
    AcceptRun(digits);
    if (Accept(".")) AcceptRun(digits);
    if (Accept("eE")) {
      Accept("+-");
      AcceptRun("0123456789");
    }
    if (pos_ >= q_.size() || !IsAlnum(q_[pos_])) {
      Emit(TokenType::kNumber, start, pos_);
      return Status::Ok();
    }
    if (AcceptRemainingDuration()) {
      Emit(TokenType::kDuration, start, pos_);
      return Status::Ok();
    }
    while (pos_ < q_.size() && IsAlnum(q_[pos_])) ++pos_;
    return Error(start, "bad number or duration syntax: \"" +
                            std::string(q_.substr(start, pos_ - start)) + "\"");
  }

  bool AcceptRemainingDuration() {
    if (!Accept("smhdwy")) return false;
    Accept("s");
    while (Accept("0123456789")) {
      AcceptRun("0123456789");
      if (!Accept("smhdw")) return false;
      Accept("s");
    }
    return pos_ >= q_.size() || !IsAlnum(q_[pos_]);
  }

  Status String() {
    const size_t start = pos_;
    const char quote = q_[pos_++];
    std::string value;
    while (true) {
      if (pos_ >= q_.size() || (quote != '`' && q_[pos_] == '\n')) {
        return Error(start, "unterminated quoted string");
      }
      const char c = q_[pos_++];
      if (c == quote) break;
      if (c != '\\' || quote == '`') {
        value.push_back(c);
        continue;
      }
      GW_RETURN_IF_ERROR(Escape(quote, value));
    }
    Emit(TokenType::kString, start, pos_);
    tokens_.back().value = std::move(value);
    return Status::Ok();
  }

  // Go's escapes (strconv.UnquoteChar); pos_ is just past the backslash.
  Status Escape(char quote, std::string& out) {
    const size_t at = pos_ - 1;
    if (pos_ >= q_.size()) return Error(at, "unterminated quoted string");
    const char c = q_[pos_++];
    if (const char simple = SimpleEscape(c); simple != '\0') {
      out.push_back(simple);
      return Status::Ok();
    }
    if (c == quote) {
      out.push_back(c);
      return Status::Ok();
    }
    return NumericEscape(c, at, out);
  }

  // The character a one-letter escape such as \n stands for, or '\0' when `c` is not one.
  static char SimpleEscape(char c) {
    switch (c) {
      case 'a':
        return '\a';
      case 'b':
        return '\b';
      case 'f':
        return '\f';
      case 'n':
        return '\n';
      case 'r':
        return '\r';
      case 't':
        return '\t';
      case 'v':
        return '\v';
      case '\\':
        return '\\';
      default:
        return '\0';
    }
  }

  // \xhh, \uhhhh, \Uhhhhhhhh or \ooo, `c` being the letter or the first octal digit; pos_ is
  // just past `c`, and `at` is the backslash's position.
  Status NumericEscape(char c, size_t at, std::string& out) {
    int n = 0, base = 16;
    if (c == 'x') n = 2;
    if (c == 'u') n = 4;
    if (c == 'U') n = 8;
    if (c >= '0' && c <= '7') n = 3, base = 8, --pos_;
    if (n == 0) return Error(at, "unknown escape sequence " + QuoteChar(c));
    uint32_t v = 0;
    for (int i = 0; i < n; ++i) {
      const int d = pos_ < q_.size() ? HexValue(q_[pos_]) : -1;
      if (d < 0 || d >= base) return Error(at, "invalid escape sequence in quoted string");
      v = v * base + static_cast<uint32_t>(d);
      ++pos_;
    }
    if (c == 'x' || base == 8) {
      if (v > 255) return Error(at, "octal escape value > 255");
      out.push_back(static_cast<char>(v));
    } else {
      if (v > 0x10FFFF || (v >= 0xD800 && v < 0xE000)) {
        return Error(at, "invalid Unicode code point in escape sequence");
      }
      AppendUtf8(out, v);
    }
    return Status::Ok();
  }

  bool Accept(std::string_view set) {
    if (pos_ < q_.size() && set.find(q_[pos_]) != std::string_view::npos) {
      ++pos_;
      return true;
    }
    return false;
  }
  void AcceptRun(std::string_view set) {
    while (Accept(set)) {
    }
  }

  Status Single(TokenType t) {
    Emit(t, pos_, pos_ + 1);
    ++pos_;
    return Status::Ok();
  }
  Status Double(TokenType t) {
    Emit(t, pos_, pos_ + 2);
    pos_ += 2;
    return Status::Ok();
  }
  void Emit(TokenType t, size_t start, size_t end) {
    Token tok;
    tok.type = t;
    tok.text = std::string(q_.substr(start, end - start));
    tok.value = tok.text;
    tok.pos = start;
    tokens_.push_back(std::move(tok));
  }

  static std::string QuoteChar(char c) {
    if (c == '\0') return "end of input";
    if (std::isprint(static_cast<unsigned char>(c))) return std::string("'") + c + "'";
    static constexpr char kHex[] = "0123456789abcdef";
    const auto u = static_cast<unsigned char>(c);
    return std::string("'\\x") + kHex[u >> 4] + kHex[u & 15] + "'";
  }

  Status Error(size_t at, const std::string& what) const {
    return InvalidArgumentError(LineColumn(q_, at) + ": parse error: " + what);
  }

  std::string_view q_;
  size_t pos_ = 0;
  bool brace_open_ = false;
  bool bracket_open_ = false;
  std::vector<Token> tokens_;
};

}  // namespace

std::string LineColumn(std::string_view query, size_t pos) {
  size_t line = 1, line_start = 0;
  for (size_t i = 0; i < pos && i < query.size(); ++i) {
    if (query[i] == '\n') ++line, line_start = i + 1;
  }
  return std::to_string(line) + ":" + std::to_string(pos - line_start + 1);
}

std::string Describe(const Token& t) {
  switch (t.type) {
    case TokenType::kEof:
      return "end of input";
    case TokenType::kNumber:
      return "number \"" + t.text + "\"";
    case TokenType::kDuration:
      return "duration \"" + t.text + "\"";
    case TokenType::kString: {
      std::string shown = t.text.size() > 10 ? t.text.substr(0, 10) + "..." : t.text;
      return "string \"" + shown + "\"";
    }
    case TokenType::kIdentifier:
      return "identifier \"" + t.text + "\"";
    case TokenType::kMetricIdentifier:
      return "metric identifier \"" + t.text + "\"";
    case TokenType::kKeyword:
      return "<" + t.value + ">";
    case TokenType::kAggregator:
      return "<aggr:" + t.value + ">";
    case TokenType::kOperator:
      return "<op:" + t.value + ">";
    default:
      return "\"" + t.text + "\"";
  }
}

StatusOr<std::vector<Token>> Lex(std::string_view query) { return Lexer(query).Run(); }

}  // namespace gw::promql
