#include "promql/lexer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/status_matchers.h"

namespace gw::promql {
namespace {

using ::gw::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

// "type:text" for every token but the final kEof.
std::vector<std::string> Tokens(std::string_view q) {
  StatusOr<std::vector<Token>> toks = Lex(q);
  EXPECT_TRUE(toks.ok()) << q << ": " << toks.status().ToString();
  std::vector<std::string> out;
  if (!toks.ok()) return out;
  EXPECT_EQ(toks->back().type, TokenType::kEof);
  for (size_t i = 0; i + 1 < toks->size(); ++i) {
    out.push_back(std::to_string(static_cast<int>((*toks)[i].type)) + ":" + (*toks)[i].value);
  }
  return out;
}

std::string T(TokenType t, const std::string& v) {
  return std::to_string(static_cast<int>(t)) + ":" + v;
}

TEST(LexerTest, NumbersAndDurations) {
  EXPECT_THAT(Tokens("1 1.5 .5 0x1F 1e3 1E-3 Inf nan"),
              ElementsAre(T(TokenType::kNumber, "1"), T(TokenType::kNumber, "1.5"),
                          T(TokenType::kNumber, ".5"), T(TokenType::kNumber, "0x1F"),
                          T(TokenType::kNumber, "1e3"), T(TokenType::kNumber, "1E-3"),
                          T(TokenType::kNumber, "inf"), T(TokenType::kNumber, "nan")));
  EXPECT_THAT(Tokens("5m 1h30m 100ms 1y 2w 3d 10s"),
              ElementsAre(T(TokenType::kDuration, "5m"), T(TokenType::kDuration, "1h30m"),
                          T(TokenType::kDuration, "100ms"), T(TokenType::kDuration, "1y"),
                          T(TokenType::kDuration, "2w"), T(TokenType::kDuration, "3d"),
                          T(TokenType::kDuration, "10s")));
  EXPECT_THAT(Lex("1x"),
              StatusIs(StatusCode::kInvalidArgument,
                       HasSubstr("1:1: parse error: bad number or duration syntax: \"1x\"")));
  EXPECT_THAT(Lex("5mx"), StatusIs(StatusCode::kInvalidArgument, HasSubstr("bad number")));
}

TEST(LexerTest, StringsWithGoEscapes) {
  EXPECT_THAT(Tokens(R"("a\"b\n\t\\" 'it\'s' `raw\n` "\x41\101\u00e9\U0001F600")"),
              ElementsAre(T(TokenType::kString, "a\"b\n\t\\"), T(TokenType::kString, "it's"),
                          T(TokenType::kString, "raw\\n"),
                          T(TokenType::kString, "AA\xc3\xa9\xf0\x9f\x98\x80")));
  EXPECT_THAT(Lex(R"("a\q")"),
              StatusIs(StatusCode::kInvalidArgument,
                       HasSubstr("1:3: parse error: unknown escape sequence 'q'")));
  // Go allows \' only in single quotes and \" only in double quotes.
  EXPECT_THAT(Lex(R"("\'")"), StatusIs(StatusCode::kInvalidArgument, HasSubstr("unknown escape")));
  EXPECT_THAT(Lex("\"abc"), StatusIs(StatusCode::kInvalidArgument,
                                     HasSubstr("1:1: parse error: unterminated quoted string")));
  EXPECT_THAT(Lex("\"a\nb\""), StatusIs(StatusCode::kInvalidArgument, HasSubstr("unterminated")));
  EXPECT_THAT(Tokens("`a\nb`"), ElementsAre(T(TokenType::kString, "a\nb")));
  EXPECT_THAT(Lex(R"("\ud800")"), StatusIs(StatusCode::kInvalidArgument, HasSubstr("Unicode")));
  EXPECT_THAT(Lex(R"("\400")"), StatusIs(StatusCode::kInvalidArgument, HasSubstr("255")));
}

TEST(LexerTest, WordsKeywordsOperatorsAndComments) {
  EXPECT_THAT(
      Tokens("rate job:x:sum SUM By atan2 AND bool offset # a comment\n @"),
      ElementsAre(T(TokenType::kIdentifier, "rate"), T(TokenType::kMetricIdentifier, "job:x:sum"),
                  T(TokenType::kAggregator, "sum"), T(TokenType::kKeyword, "by"),
                  T(TokenType::kOperator, "atan2"), T(TokenType::kOperator, "and"),
                  T(TokenType::kKeyword, "bool"), T(TokenType::kKeyword, "offset"),
                  T(TokenType::kAt, "@")));
  EXPECT_THAT(Tokens("+ - * / % ^ == != > < >= <="),
              ElementsAre(T(TokenType::kOperator, "+"), T(TokenType::kOperator, "-"),
                          T(TokenType::kOperator, "*"), T(TokenType::kOperator, "/"),
                          T(TokenType::kOperator, "%"), T(TokenType::kOperator, "^"),
                          T(TokenType::kOperator, "=="), T(TokenType::kOperator, "!="),
                          T(TokenType::kOperator, ">"), T(TokenType::kOperator, "<"),
                          T(TokenType::kOperator, ">="), T(TokenType::kOperator, "<=")));
  // Inside braces every word is a label name; inside brackets ':' separates range and step.
  EXPECT_THAT(Tokens("x{by=~'a',on!~\"b\"}[1h:5m]"),
              ElementsAre(T(TokenType::kIdentifier, "x"), T(TokenType::kLeftBrace, "{"),
                          T(TokenType::kIdentifier, "by"), T(TokenType::kEqualRegex, "=~"),
                          T(TokenType::kString, "a"), T(TokenType::kComma, ","),
                          T(TokenType::kIdentifier, "on"), T(TokenType::kNotEqualRegex, "!~"),
                          T(TokenType::kString, "b"), T(TokenType::kRightBrace, "}"),
                          T(TokenType::kLeftBracket, "["), T(TokenType::kDuration, "1h"),
                          T(TokenType::kColon, ":"), T(TokenType::kDuration, "5m"),
                          T(TokenType::kRightBracket, "]")));
}

TEST(LexerTest, ErrorsCarryLineAndColumn) {
  EXPECT_THAT(Lex("up\n  $"), StatusIs(StatusCode::kInvalidArgument,
                                       HasSubstr("2:3: parse error: unexpected character: '$'")));
  EXPECT_THAT(Lex("x{a=\"b\""), StatusIs(StatusCode::kInvalidArgument,
                                         HasSubstr("1:8: parse error: unexpected end of input inside braces")));
  EXPECT_THAT(Lex("x[5m"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("unclosed left bracket")));
  EXPECT_THAT(Lex("x]"), StatusIs(StatusCode::kInvalidArgument,
                                  HasSubstr("1:2: parse error: unexpected right bracket")));
  EXPECT_THAT(Lex("a ! b"), StatusIs(StatusCode::kInvalidArgument, HasSubstr("after '!'")));
  EXPECT_EQ(LineColumn("ab\ncd\nef", 7), "3:2");
}

TEST(LexerTest, DescribesTokensAsPrometheusDoes) {
  auto first = [](std::string_view q) { return Describe(Lex(q)->front()); };
  EXPECT_EQ(first("+"), "<op:+>");
  EXPECT_EQ(first("and"), "<op:and>");
  EXPECT_EQ(first("sum"), "<aggr:sum>");
  EXPECT_EQ(first("by"), "<by>");
  EXPECT_EQ(first("foo"), "identifier \"foo\"");
  EXPECT_EQ(first("1"), "number \"1\"");
  EXPECT_EQ(first("5m"), "duration \"5m\"");
  EXPECT_EQ(first("("), "\"(\"");
  EXPECT_EQ(first(""), "end of input");
}

}  // namespace
}  // namespace gw::promql
