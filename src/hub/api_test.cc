#include "hub/api.h"

#include <boost/json.hpp>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "tsdb/db.h"
#include "tsdb/file_env_fault.h"

namespace gw::hub {
namespace {

using ::testing::HasSubstr;

class ReadApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    StatusOr<std::unique_ptr<tsdb::Db>> db = tsdb::Db::Open(&env_, "/db", tsdb::DbOptions{});
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = *std::move(db);
    auto app = db_->NewAppender();
    // Two GPUs on node1 at t = 100 s, one on node2 at t = 200 s, and a node_exporter series.
    ASSERT_TRUE(app->Append(0, {{"__name__", "DCGM_FI_DEV_GPU_UTIL"}, {"gpu", "0"}, {"Hostname", "node1"}}, 100'000, 50).ok());
    ASSERT_TRUE(app->Append(0, {{"__name__", "DCGM_FI_DEV_GPU_UTIL"}, {"gpu", "1"}, {"Hostname", "node1"}}, 100'000, 0).ok());
    ASSERT_TRUE(app->Append(0, {{"__name__", "DCGM_FI_DEV_GPU_UTIL"}, {"gpu", "0"}, {"Hostname", "node2"}}, 200'000, 99).ok());
    ASSERT_TRUE(app->Append(0, {{"__name__", "up"}, {"job", "gpu"}, {"instance", "node1:9400"}}, 100'000, 1).ok());
    ASSERT_TRUE(app->Commit().ok());
    api_ = std::make_unique<ReadApi>(&db_->querier());
  }

  // The decoded JSON answer, with the HTTP status checked.
  boost::json::value Get(const std::string& target, int want_status = 200) {
    http::Request r;
    r.method = "GET";
    r.target = target;
    const size_t q = target.find('?');
    r.path = target.substr(0, q);
    r.query = q == std::string::npos ? "" : target.substr(q + 1);
    std::optional<http::Response> response = api_->Handle(r);
    EXPECT_TRUE(response.has_value()) << target;
    if (!response) return {};
    EXPECT_EQ(response->status, want_status) << target << ": " << *response->body;
    EXPECT_EQ(response->content_type, "application/json");
    return boost::json::parse(*response->body);
  }

  tsdb::FaultInjectionEnv env_;
  std::unique_ptr<tsdb::Db> db_;
  std::unique_ptr<ReadApi> api_;
};

TEST_F(ReadApiTest, SeriesMatchesEachSelectorAndRespectsTheRange) {
  EXPECT_EQ(Get("/api/v1/series?match[]=DCGM_FI_DEV_GPU_UTIL%7BHostname%3D%22node1%22%7D"),
            boost::json::parse(R"({"status":"success","data":[
              {"Hostname":"node1","__name__":"DCGM_FI_DEV_GPU_UTIL","gpu":"0"},
              {"Hostname":"node1","__name__":"DCGM_FI_DEV_GPU_UTIL","gpu":"1"}]})"));
  // Two selectors: the union, each series once.
  boost::json::value both = Get("/api/v1/series?match[]=up&match[]={gpu=\"0\"}&match[]=up");
  EXPECT_EQ(both.at("data").as_array().size(), 3u);
  // Only node2's sample lies in [150 s, 250 s].
  EXPECT_EQ(Get("/api/v1/series?match[]=DCGM_FI_DEV_GPU_UTIL&start=150&end=1970-01-01T00:04:10Z"),
            boost::json::parse(R"({"status":"success","data":[
              {"Hostname":"node2","__name__":"DCGM_FI_DEV_GPU_UTIL","gpu":"0"}]})"));
}

TEST_F(ReadApiTest, LabelNamesAndValues) {
  EXPECT_EQ(Get("/api/v1/labels"),
            boost::json::parse(R"({"status":"success","data":["Hostname","__name__","gpu","instance","job"]})"));
  EXPECT_EQ(Get("/api/v1/labels?match[]=up"),
            boost::json::parse(R"({"status":"success","data":["__name__","instance","job"]})"));
  EXPECT_EQ(Get("/api/v1/label/__name__/values"),
            boost::json::parse(R"({"status":"success","data":["DCGM_FI_DEV_GPU_UTIL","up"]})"));
  EXPECT_EQ(Get("/api/v1/label/Hostname/values?match[]={gpu=\"1\"}"),
            boost::json::parse(R"({"status":"success","data":["node1"]})"));
  EXPECT_EQ(Get("/api/v1/label/nothing/values"),
            boost::json::parse(R"({"status":"success","data":[]})"));
}

TEST_F(ReadApiTest, BadInputGetsPrometheusErrorEnvelope) {
  boost::json::value e = Get("/api/v1/series", 400);
  EXPECT_EQ(e.at("status"), "error");
  EXPECT_EQ(e.at("errorType"), "bad_data");
  EXPECT_EQ(e.at("error"), "no match[] parameter provided");
  e = Get("/api/v1/series?match[]=up{", 400);
  EXPECT_THAT(std::string(e.at("error").as_string()), HasSubstr("invalid parameter \"match[]\": 1:4: parse error"));
  e = Get("/api/v1/labels?start=yesterday", 400);
  EXPECT_THAT(std::string(e.at("error").as_string()),
              HasSubstr("invalid parameter \"start\": cannot parse \"yesterday\" to a valid timestamp"));
  e = Get("/api/v1/labels?start=10&end=5", 400);
  EXPECT_THAT(std::string(e.at("error").as_string()), HasSubstr("end timestamp must not be before start"));
  e = Get("/api/v1/label/1bad/values", 400);
  EXPECT_THAT(std::string(e.at("error").as_string()), HasSubstr("invalid label name"));
  e = Get("/api/v1/series?match[]=%zz", 400);
  EXPECT_THAT(std::string(e.at("error").as_string()), HasSubstr("invalid URL escape"));
}

TEST_F(ReadApiTest, OtherPathsAreNotOurs) {
  http::Request r;
  r.method = "GET";
  r.path = "/api/v1/query";
  EXPECT_FALSE(api_->Handle(r).has_value());
}

TEST(ParseApiTimeTest, AcceptsUnixSecondsAndRfc3339) {
  EXPECT_EQ(ParseApiTime("1700000000").value_or(0), 1'700'000'000'000);
  EXPECT_EQ(ParseApiTime("1700000000.123").value_or(0), 1'700'000'000'123);
  EXPECT_EQ(ParseApiTime("2023-11-14T22:13:20Z").value_or(0), 1'700'000'000'000);
  EXPECT_EQ(ParseApiTime("2023-11-14T22:13:20.5Z").value_or(0), 1'700'000'000'500);
  EXPECT_EQ(ParseApiTime("2023-11-15T00:13:20+02:00").value_or(0), 1'700'000'000'000);
  EXPECT_FALSE(ParseApiTime("2023-11-14 22:13:20").ok());
  EXPECT_FALSE(ParseApiTime("NaN").ok());
  EXPECT_FALSE(ParseApiTime("").ok());
}

}  // namespace
}  // namespace gw::hub
