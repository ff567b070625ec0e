#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <utility>
#include <vector>

#include "common/status_matchers.h"
#include "remote/remote_write_reader.h"

namespace gw::remote {
namespace {

using ::gw::testing::StatusIs;
using ::testing::HasSubstr;

Status ValidateLabels(std::vector<Label> labels) {
  WriteRequest request{
      .timeseries = {{.labels = {{"__name__", "ok"}}}, {.labels = std::move(labels)}}};
  return ValidateWriteRequest(request);
}

TEST(ValidateWriteRequest, AcceptsSortedValidLabels) {
  EXPECT_TRUE(ValidateLabels({{"__name__", "up"}, {"_x", ""}, {"gpu", "0"}, {"job", "n"}}).ok());
  EXPECT_TRUE(ValidateLabels({{"__name__", "t"}, {"site", "Zürich 🚀"}}).ok());
  EXPECT_TRUE(ValidateWriteRequest({}).ok());
}

TEST(ValidateWriteRequest, RejectsInvalidLabelName) {
  EXPECT_THAT(ValidateLabels({{"__name__", "up"}, {"9gpu", "0"}}),
              StatusIs(StatusCode::kInvalidArgument,
                       HasSubstr("series 1 {__name__=\"up\", 9gpu=\"0\"}: label name \"9gpu\" "
                                 "is invalid")));
  EXPECT_THAT(ValidateLabels({{"", "x"}, {"__name__", "up"}}),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("label name \"\" is invalid")));
  EXPECT_THAT(ValidateLabels({{"__name__", "up"}, {"a-b", "0"}}),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("\"a-b\" is invalid")));
}

TEST(ValidateWriteRequest, RejectsUnsortedAndDuplicateLabels) {
  EXPECT_THAT(ValidateLabels({{"job", "a"}, {"__name__", "up"}}),
              StatusIs(StatusCode::kInvalidArgument,
                       HasSubstr("labels not sorted by name: __name__ comes after job")));
  EXPECT_THAT(ValidateLabels({{"__name__", "up"}, {"gpu", "0"}, {"gpu", "1"}}),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("duplicate label name gpu")));
}

TEST(ValidateWriteRequest, RequiresMetricName) {
  EXPECT_THAT(
      ValidateLabels({{"gpu", "0"}}),
      StatusIs(StatusCode::kInvalidArgument, HasSubstr("series 1 {gpu=\"0\"}: no __name__ label")));
  EXPECT_THAT(ValidateLabels({{"__name__", ""}}),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("no __name__")));
  EXPECT_THAT(ValidateLabels({}), StatusIs(StatusCode::kInvalidArgument, HasSubstr("series 1 {}")));
}

TEST(ValidateWriteRequest, RejectsInvalidUtf8Values) {
  for (const char* bad : {"\xff", "\xc0\xaf", "\xed\xa0\x80", "\xe2\x82", "a\xf4\x90\x80\x80"}) {
    EXPECT_THAT(ValidateLabels({{"__name__", "up"}, {"v", bad}}),
                StatusIs(StatusCode::kInvalidArgument, HasSubstr("value of label v is not valid")))
        << bad;
  }
}

TEST(ValidateWriteRequest, TruncatesHugeSeriesInMessage) {
  Status status = ValidateLabels({{"a", std::string(10'000, 'x')}});
  EXPECT_THAT(status, StatusIs(StatusCode::kInvalidArgument, HasSubstr("...}: no __name__")));
  EXPECT_LT(status.message().size(), 400u);
}

}  // namespace
}  // namespace gw::remote
