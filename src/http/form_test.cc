#include "http/form.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/status_matchers.h"

namespace gw::http {
namespace {

using ::gw::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(FormTest, DecodesRepeatedKeysEscapesAndPlus) {
  StatusOr<Form> form = Form::Parse("match%5B%5D=up%7Bjob%3D%22a%22%7D&match[]=b&start=1+2&&x");
  ASSERT_TRUE(form.ok()) << form.status().ToString();
  EXPECT_THAT(form->GetAll("match[]"), ElementsAre("up{job=\"a\"}", "b"));
  EXPECT_EQ(form->Get("start"), "1 2");
  EXPECT_TRUE(form->Has("x"));
  EXPECT_EQ(form->Get("x"), "");
  EXPECT_FALSE(form->Has("end"));
}

TEST(FormTest, RejectsBadEscapes) {
  EXPECT_THAT(Form::Parse("a=%zz"), StatusIs(StatusCode::kInvalidArgument, HasSubstr("%zz")));
  EXPECT_THAT(Form::Parse("a=%4"), StatusIs(StatusCode::kInvalidArgument, ::testing::_));
}

TEST(FormTest, MergesAPostedFormWithTheQuery) {
  Request request;
  request.method = "POST";
  request.query = "a=1";
  request.headers["content-type"] = "application/x-www-form-urlencoded";
  request.body = "a=2&b=3";
  StatusOr<Form> form = Form::FromRequest(request);
  ASSERT_TRUE(form.ok());
  EXPECT_THAT(form->GetAll("a"), ElementsAre("1", "2"));
  request.headers["content-type"] = "text/plain";
  form = Form::FromRequest(request);
  ASSERT_TRUE(form.ok());
  EXPECT_FALSE(form->Has("b"));
}

TEST(PercentEncodeTest, RoundTripsThroughTheDecoder) {
  EXPECT_EQ(PercentEncode("sum(rate(x{a=\"b c\"}[5m]))"),
            "sum%28rate%28x%7Ba%3D%22b%20c%22%7D%5B5m%5D%29%29");
  EXPECT_EQ(PercentEncode("a-b.c_d~e"), "a-b.c_d~e");
  const std::string all = [] {
    std::string s;
    for (int c = 0; c < 256; ++c) s.push_back(static_cast<char>(c));
    return s;
  }();
  StatusOr<std::string> back = PercentDecode(PercentEncode(all), /*plus_is_space=*/true);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, all);
}

}  // namespace
}  // namespace gw::http
