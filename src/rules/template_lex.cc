// Lexing Go text/template syntax: text, delimiters with their trim markers, comments, and the
// items inside actions, as Go's text/template/parse/lex.go splits them.
#include <algorithm>
#include <charconv>
#include <cstring>

#include "rules/template_internal.h"

namespace gw::rules::tmpl {
namespace {

using TK = Token::Kind;

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
bool IsAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         static_cast<unsigned char>(c) >= 0x80;
}
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

Status ErrorAt(int line, std::string_view what) {
  return InvalidArgumentError("template: " + std::to_string(line) + ": " + std::string(what));
}

// Splits the text into tokens, applying the trim markers "{{- " and " -}}" and dropping
// comments.
class Lexer {
 public:
  explicit Lexer(std::string_view text) : text_(text) {}

  StatusOr<std::vector<Token>> Run() {
    bool trim_next = false;
    while (pos_ < text_.size()) {
      size_t open = text_.find("{{", pos_);
      std::string_view chunk =
          text_.substr(pos_, open == std::string_view::npos ? open : open - pos_);
      bool left_trim = open != std::string_view::npos && open + 3 < text_.size() &&
                       text_[open + 2] == '-' && IsSpace(text_[open + 3]);
      if (trim_next)
        chunk.remove_prefix(std::min(chunk.size(), chunk.find_first_not_of(" \t\r\n")));
      if (left_trim) chunk = chunk.substr(0, chunk.find_last_not_of(" \t\r\n") + 1);
      if (!chunk.empty()) Push(TK::kText, std::string(chunk));
      if (open == std::string_view::npos) break;
      Advance(open + 2 + (left_trim ? 2 : 0) - pos_);
      GW_ASSIGN_OR_RETURN(trim_next, LexAction());
    }
    Push(TK::kEof, "");
    return std::move(tokens_);
  }

 private:
  void Push(TK kind, std::string text) {
    tokens_.push_back({kind, std::move(text), line_, space_});
    space_ = false;
  }
  void Advance(size_t n) {
    line_ += static_cast<int>(std::count(text_.begin() + pos_, text_.begin() + pos_ + n, '\n'));
    pos_ += n;
  }
  bool At(std::string_view s) const { return text_.substr(pos_, s.size()) == s; }

  // After "{{": lexes to the closing delimiter. Returns whether it was " -}}".
  StatusOr<bool> LexAction() {
    if (At("/*")) return LexComment();
    Push(TK::kLeft, "{{");
    while (true) {
      if (pos_ >= text_.size()) return ErrorAt(line_, "unclosed action");
      if (IsSpace(text_[pos_])) {
        if (pos_ + 3 < text_.size() && text_.substr(pos_ + 1, 3) == "-}}") {
          Advance(4);
          Push(TK::kRight, "}}");
          return true;
        }
        space_ = true;
        Advance(1);
        continue;
      }
      if (At("}}")) {
        Advance(2);
        Push(TK::kRight, "}}");
        return false;
      }
      GW_RETURN_IF_ERROR(LexItem());
    }
  }

  StatusOr<bool> LexComment() {
    size_t end = text_.find("*/", pos_ + 2);
    if (end == std::string_view::npos) return ErrorAt(line_, "unclosed comment");
    Advance(end + 2 - pos_);
    if (At(" -}}")) {
      Advance(4);
      return true;
    }
    if (At("}}")) {
      Advance(2);
      return false;
    }
    return ErrorAt(line_, "comment ends before closing delimiter");
  }

  size_t ScanName(size_t from) const {
    while (from < text_.size() && IsAlnum(text_[from])) ++from;
    return from;
  }
  // ".a.b" chains, starting at pos_ ('.').
  size_t ScanChain(size_t from) const {
    while (from + 1 < text_.size() && text_[from] == '.' && IsAlnum(text_[from + 1]) &&
           !IsDigit(text_[from + 1])) {
      from = ScanName(from + 1);
    }
    return from;
  }

  Status LexItem() {
    char c = text_[pos_];
    char next = pos_ + 1 < text_.size() ? text_[pos_ + 1] : '\0';
    switch (c) {
      case '|':
        return Single(TK::kPipe);
      case '(':
        return Single(TK::kLParen);
      case ')':
        return Single(TK::kRParen);
      case ',':
        return Single(TK::kComma);
      case '=':
        return Single(TK::kAssign);
      case ':':
        if (next != '=') return ErrorAt(line_, "expected :=");
        return Take(TK::kDeclare, 2);
      case '"':
        return LexQuoted();
      case '`': {
        size_t end = text_.find('`', pos_ + 1);
        if (end == std::string_view::npos) return ErrorAt(line_, "unterminated raw quoted string");
        std::string raw(text_.substr(pos_ + 1, end - pos_ - 1));
        Advance(end + 1 - pos_);
        Push(TK::kString, std::move(raw));
        return Status::Ok();
      }
      case '$':
        return Take(TK::kVariable, ScanChain(ScanName(pos_ + 1)) - pos_);
      default:
        break;
    }
    if (c == '.' && !IsDigit(next)) {
      if (!IsAlnum(next)) return Take(TK::kDot, 1);
      return Take(TK::kField, ScanChain(pos_) - pos_);
    }
    if (IsDigit(c) || c == '.' || ((c == '-' || c == '+') && (IsDigit(next) || next == '.'))) {
      return LexNumber();
    }
    if (IsAlnum(c)) return Take(TK::kIdent, ScanName(pos_) - pos_);
    return ErrorAt(line_, "unrecognized character in action: " + std::string(1, c));
  }

  Status Single(TK kind) { return Take(kind, 1); }
  Status Take(TK kind, size_t n) {
    std::string text(text_.substr(pos_, n));
    Advance(n);
    Push(kind, std::move(text));
    return Status::Ok();
  }

  Status LexNumber() {
    size_t end = pos_ + 1;
    while (end < text_.size() && (IsAlnum(text_[end]) || text_[end] == '.' ||
                                  ((text_[end] == '+' || text_[end] == '-') &&
                                   strchr("eEpP", text_[end - 1]) != nullptr))) {
      ++end;
    }
    return Take(TK::kNumber, end - pos_);
  }

  Status LexQuoted() {
    std::string out;
    size_t i = pos_ + 1;
    for (; i < text_.size() && text_[i] != '"'; ++i) {
      if (text_[i] == '\n') break;
      if (text_[i] != '\\') {
        out.push_back(text_[i]);
        continue;
      }
      if (++i >= text_.size()) break;
      switch (text_[i]) {
        case 'n':
          out.push_back('\n');
          break;
        case 't':
          out.push_back('\t');
          break;
        case 'r':
          out.push_back('\r');
          break;
        case '\\':
        case '"':
        case '\'':
          out.push_back(text_[i]);
          break;
        case 'x': {
          unsigned v = 0;
          auto [p, ec] = std::from_chars(text_.data() + i + 1,
                                         text_.data() + std::min(i + 3, text_.size()), v, 16);
          if (ec != std::errc() || p != text_.data() + i + 3)
            return ErrorAt(line_, "invalid syntax in quoted string");
          out.push_back(static_cast<char>(v));
          i += 2;
          break;
        }
        default:
          return ErrorAt(line_, "invalid syntax in quoted string");
      }
    }
    if (i >= text_.size() || text_[i] != '"') return ErrorAt(line_, "unterminated quoted string");
    Advance(i + 1 - pos_);
    Push(TK::kString, std::move(out));
    return Status::Ok();
  }

  std::string_view text_;
  size_t pos_ = 0;
  int line_ = 1;
  bool space_ = false;
  std::vector<Token> tokens_;
};

}  // namespace

StatusOr<std::vector<Token>> Lex(std::string_view text) { return Lexer(text).Run(); }

}  // namespace gw::rules::tmpl
