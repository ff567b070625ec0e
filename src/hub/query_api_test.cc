#include "hub/query_api.h"

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

class QueryApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = tsdb::Db::Open(&env_, "/db", tsdb::DbOptions{});
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = *std::move(db);
    auto app = db_->NewAppender();
    // GPU utilization of two GPUs every 10 s from 100 s to 190 s: gpu 0 = 10 * i, gpu 1 = 50.
    for (int i = 0; i < 10; ++i) {
      const int64_t t = int64_t{100 + 10 * i} * 1000;
      ASSERT_TRUE(app->Append(0, {{"__name__", "gpu_util"}, {"gpu", "0"}}, t, 10.0 * i).ok());
      ASSERT_TRUE(app->Append(0, {{"__name__", "gpu_util"}, {"gpu", "1"}}, t, 50).ok());
    }
    ASSERT_TRUE(app->Commit().ok());
    engine_ = std::make_unique<promql::Engine>(&db_->querier(), promql::EngineOptions{});
    api_ = std::make_unique<QueryApi>(engine_.get(), "0.1.0", [] { return int64_t{150'000}; });
  }

  http::Response Call(const std::string& method, const std::string& target,
                      const std::string& body = "") {
    http::Request r;
    r.method = method;
    r.target = target;
    const size_t q = target.find('?');
    r.path = target.substr(0, q);
    r.query = q == std::string::npos ? "" : target.substr(q + 1);
    if (!body.empty()) r.headers["content-type"] = "application/x-www-form-urlencoded";
    r.body = body;
    std::optional<http::Response> response = api_->Handle(r);
    EXPECT_TRUE(response.has_value()) << target;
    if (!response) return http::Response::Text(599, "");
    EXPECT_EQ(response->content_type, "application/json");
    return *response;
  }

  boost::json::value Json(const std::string& target, int want_status = 200) {
    http::Response r = Call("GET", target);
    EXPECT_EQ(r.status, want_status) << target << ": " << *r.body;
    return boost::json::parse(*r.body);
  }

  tsdb::FaultInjectionEnv env_;
  std::unique_ptr<tsdb::Db> db_;
  std::unique_ptr<promql::Engine> engine_;
  std::unique_ptr<QueryApi> api_;
};

TEST_F(QueryApiTest, GrafanaHealthCheckGetsExactlyPrometheusAnswer) {
  http::Response r = Call("GET", "/api/v1/query?query=1%2B1&time=4");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(*r.body, R"({"status":"success","data":{"resultType":"scalar","result":[4,"2"]}})");
}

TEST_F(QueryApiTest, InstantQueryOverTheStore) {
  EXPECT_EQ(Json("/api/v1/query?query=gpu_util%7Bgpu%3D%220%22%7D&time=155"),
            boost::json::parse(R"({"status":"success","data":{"resultType":"vector","result":[
              {"metric":{"__name__":"gpu_util","gpu":"0"},"value":[155,"50"]}]}})"));
  // Without time: the clock's now (150 s).
  EXPECT_EQ(Json("/api/v1/query?query=sum(gpu_util)").at("data").at("result").at(0).at("value"),
            boost::json::parse(R"([150,"100"])"));
  // POST form, as Grafana sends by default.
  http::Response r = Call("POST", "/api/v1/query", "query=max(gpu_util)&time=190.5");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(boost::json::parse(*r.body).at("data").at("result").at(0).at("value"),
            boost::json::parse(R"([190.500,"90"])"));
}

TEST_F(QueryApiTest, RangeQueryGivesSortedMatrix) {
  boost::json::value v = Json(
      "/api/v1/query_range?query=gpu_util&start=100&end=120&step=10");
  EXPECT_EQ(v, boost::json::parse(R"({"status":"success","data":{"resultType":"matrix","result":[
      {"metric":{"__name__":"gpu_util","gpu":"0"},"values":[[100,"0"],[110,"10"],[120,"20"]]},
      {"metric":{"__name__":"gpu_util","gpu":"1"},"values":[[100,"50"],[110,"50"],[120,"50"]]}
      ]}})"));
  // Duration steps and RFC 3339 times.
  v = Json("/api/v1/query_range?query=1&start=1970-01-01T00:01:40Z&end=110&step=5s");
  EXPECT_EQ(v.at("data").at("result").at(0).at("values").as_array().size(), 3u);
}

TEST_F(QueryApiTest, BadParametersAreBadData) {
  boost::json::value v = Json("/api/v1/query?query=sum(", 400);
  EXPECT_EQ(v.at("errorType"), "bad_data");
  EXPECT_THAT(std::string(v.at("error").as_string()), HasSubstr("1:5: parse error"));
  v = Json("/api/v1/query_range?query=1&start=0&end=10", 400);
  EXPECT_THAT(std::string(v.at("error").as_string()),
              HasSubstr("invalid parameter \"step\": cannot parse \"\" to a valid duration"));
  v = Json("/api/v1/query_range?query=1&start=0&end=20000&step=1", 400);
  EXPECT_THAT(std::string(v.at("error").as_string()), HasSubstr("11,000 points"));
  v = Json("/api/v1/query_range?query=gpu_util[1m]&start=0&end=10&step=1", 400);
  EXPECT_THAT(std::string(v.at("error").as_string()), HasSubstr("range vector"));
  v = Json("/api/v1/query?query=1&time=yesterday", 400);
  EXPECT_THAT(std::string(v.at("error").as_string()), HasSubstr("invalid parameter \"time\""));
}

TEST_F(QueryApiTest, EvaluationErrorsAreExecutionAndTimeouts503) {
  // gpu 0 and gpu 1 both match on(): many-to-many.
  boost::json::value v = Json("/api/v1/query?query=gpu_util%20%2B%20on()%20gpu_util&time=150", 422);
  EXPECT_EQ(v.at("errorType"), "execution");
  v = Json("/api/v1/query?query=gpu_util&time=150&timeout=-1", 503);
  EXPECT_EQ(v.at("errorType"), "timeout");
}

TEST_F(QueryApiTest, GrafanaSideEndpoints) {
  boost::json::value v = Json("/api/v1/status/buildinfo");
  EXPECT_EQ(v.at("data").at("version"), "0.1.0");
  EXPECT_FALSE(v.at("data").as_object().contains("features"));
  EXPECT_EQ(Json("/api/v1/query_exemplars?query=test&start=1&end=2"),
            boost::json::parse(R"({"status":"success","data":[]})"));
}

TEST_F(QueryApiTest, MetadataFromTheScrapedPages) {
  QueryApi api(engine_.get(), "0.1.0", [] { return int64_t{0}; }, [] {
    return MetadataByMetric{
        {"gpu_temp", {{"gauge", "GPU temperature.", ""}}},
        {"jobs", {{"gauge", "Jobs.", ""}, {"unknown", "", ""}}},
    };
  });
  http::Request r;
  r.method = "GET";
  r.path = "/api/v1/metadata";
  auto body = [&](const std::string& query) {
    r.query = query;
    std::optional<http::Response> resp = api.Handle(r);
    EXPECT_TRUE(resp.has_value());
    return boost::json::parse(*resp->body);
  };
  EXPECT_EQ(body(""), boost::json::parse(R"({"status":"success","data":{
      "gpu_temp":[{"type":"gauge","help":"GPU temperature.","unit":""}],
      "jobs":[{"type":"gauge","help":"Jobs.","unit":""},{"type":"unknown","help":"","unit":""}]}})"));
  EXPECT_EQ(body("metric=jobs&limit_per_metric=1").at("data"),
            boost::json::parse(R"({"jobs":[{"type":"gauge","help":"Jobs.","unit":""}]})"));
  EXPECT_EQ(body("limit=1").at("data").as_object().size(), 1u);
  EXPECT_EQ(body("limit=x").at("errorType"), "bad_data");
  // Without a source of metadata: the empty answer.
  EXPECT_EQ(Json("/api/v1/metadata"), boost::json::parse(R"({"status":"success","data":{}})"));
}

TEST(ApiDurationParamTest, SecondsOrDurations) {
  EXPECT_EQ(*ApiDurationParam("step", "15"), 15'000);
  EXPECT_EQ(*ApiDurationParam("step", "0.5"), 500);
  EXPECT_EQ(*ApiDurationParam("step", "1m30s"), 90'000);
  EXPECT_EQ(ApiDurationParam("step", "fast").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ApiDurationParam("step", "1e300").status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace gw::hub
