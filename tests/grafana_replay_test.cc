// The requests Grafana's Prometheus data source makes (Save & test, the frontend's start-up,
// the metrics browser, panels), replayed against the hub. The hub scrapes a page served by
// the test, so the answers are known exactly. What Grafana calls is written up in
// shared/reference/storage-query-alerting.md, section 3.3.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <boost/json.hpp>
#include <cmath>
#include <regex>
#include <thread>

#include "http/server.h"
#include "tests/promql_diff_harness.h"

namespace gw::promql_diff {
namespace {

namespace json = boost::json;
using std::chrono::milliseconds;
using ::testing::StartsWith;

constexpr char kTemperature[] = "grafana_gpu_temperature_celsius";
constexpr char kEnergy[] = "grafana_gpu_energy_joules_total";

// The scraped page: two constant gauges and two counters rising 10 and 20 per scrape.
class GrafanaTarget {
 public:
  Status Start() {
    http::ServerOptions options;
    options.listen_address = "127.0.0.1:0";
    GW_ASSIGN_OR_RETURN(server_, http::Server::Start(options, [this](const http::Request&) {
                          const int k = scrapes_.fetch_add(1);
                          http::Response r = http::Response::Text(
                              200, std::string("# HELP ") + kTemperature +
                                       " GPU temperature.\n# TYPE " + kTemperature + " gauge\n" +
                                       kTemperature + "{gpu=\"0\"} 41\n" + kTemperature +
                                       "{gpu=\"1\"} 57.5\n# HELP " + kEnergy +
                                       " Energy used.\n# TYPE " + kEnergy + " counter\n" + kEnergy +
                                       "{gpu=\"0\"} " + std::to_string(10 * k) + "\n" + kEnergy +
                                       "{gpu=\"1\"} " + std::to_string(20 * k) + "\n");
                          r.content_type = "text/plain; version=0.0.4";
                          return r;
                        }));
    return Status::Ok();
  }
  std::string target() const { return "127.0.0.1:" + std::to_string(server_->port()); }
  int scrapes() const { return scrapes_.load(); }

 private:
  std::atomic<int> scrapes_{0};
  std::unique_ptr<http::Server> server_;
};

// A Prometheus timestamp as Grafana writes it (strconv.FormatFloat(t, 'f', -1, 64)) and as
// the API answers it: no decimals when whole.
std::string GrafanaTime(double t_s) {
  std::ostringstream out;
  out.precision(15);
  out << t_s;
  return out.str();
}
json::value JsonTime(double t_s) {
  if (t_s == std::floor(t_s)) return json::value(static_cast<int64_t>(t_s));
  return json::value(t_s);
}

// One hub for the whole suite: it scrapes the target for a few seconds first.
class GrafanaReplayTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    tmp_ = new TempDir();
    target_ = new GrafanaTarget();
    ASSERT_TRUE(target_->Start().ok());
    StatusOr<std::unique_ptr<ApiServer>> hub = ApiServer::StartHub(
        GW_HUB_PATH, tmp_->path(),
        "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\nscrape_configs:\n  - job_name: "
        "grafana\n    static_configs:\n      - targets: ['" +
            target_->target() + "']\n");
    ASSERT_TRUE(hub.ok()) << hub.status().ToString();
    hub_ = hub->release();
    for (int i = 0; i < 200 && target_->scrapes() < 9; ++i) {
      std::this_thread::sleep_for(milliseconds(100));
    }
    ASSERT_GE(target_->scrapes(), 9) << "the hub does not scrape:\n" << hub_->log();
    now_s_ = static_cast<double>(NowMs()) / 1000;
  }
  static void TearDownTestSuite() {
    delete hub_;
    delete target_;
    delete tmp_;
    hub_ = nullptr;
  }
  void SetUp() override { ASSERT_NE(hub_, nullptr); }

  // The answer's JSON after checking the HTTP status and the content type.
  static json::value Json(const ApiAnswer& a, int want_status = 200) {
    EXPECT_TRUE(a.transport_error.empty()) << a.transport_error;
    EXPECT_EQ(a.http_status, want_status) << a.body;
    EXPECT_THAT(a.content_type, StartsWith("application/json")) << a.body;
    if (!a.json) {
      ADD_FAILURE() << "not JSON: " << a.body;
      return {};
    }
    return *a.json;
  }
  static json::value Data(const ApiAnswer& a) {
    json::value v = Json(a);
    if (!v.is_object() || v.as_object().if_contains("status") == nullptr ||
        v.at("status") != "success" || !v.as_object().contains("data")) {
      ADD_FAILURE() << "not a success: " << a.body;
      return {};
    }
    return v.at("data");
  }
  static std::string Range() {
    return "start=" + GrafanaTime(std::floor(now_s_) - 3600) +
           "&end=" + GrafanaTime(std::floor(now_s_));
  }
  static json::object Labels(const std::string& name, const std::string& gpu) {
    return {{"__name__", name}, {"gpu", gpu}, {"instance", target_->target()}, {"job", "grafana"}};
  }

  static TempDir* tmp_;
  static GrafanaTarget* target_;
  static ApiServer* hub_;
  static double now_s_;
};

TempDir* GrafanaReplayTest::tmp_ = nullptr;
GrafanaTarget* GrafanaReplayTest::target_ = nullptr;
ApiServer* GrafanaReplayTest::hub_ = nullptr;
double GrafanaReplayTest::now_s_ = 0;

// "Save & test": the answer is compared byte for byte with Prometheus'.
TEST_F(GrafanaReplayTest, SaveAndTest) {
  const std::string want =
      R"({"status":"success","data":{"resultType":"scalar","result":[4,"2"]}})";
  const ApiAnswer get = hub_->Get("/api/v1/query?query=1%2B1&time=4");
  Json(get);
  EXPECT_EQ(get.body, want);
  const ApiAnswer post = hub_->PostForm("/api/v1/query", "query=1%2B1&time=4");
  Json(post);
  EXPECT_EQ(post.body, want);

  // Build info decides the flavour: a non-empty "features" would make Grafana take the hub
  // for Mimir.
  const json::value info = Data(hub_->Get("/api/v1/status/buildinfo"));
  ASSERT_TRUE(info.is_object()) << info;
  for (const char* key : {"version", "revision", "branch", "buildUser", "buildDate", "goVersion"}) {
    const json::value* v = info.as_object().if_contains(key);
    ASSERT_NE(v, nullptr) << key << " missing: " << info;
    EXPECT_TRUE(v->is_string()) << key << ": " << *v;
  }
  EXPECT_TRUE(std::regex_search(std::string(info.at("version").as_string()),
                                std::regex(R"(^\d+\.\d+\.\d+)")))
      << "Grafana compares versions as semver: " << info.at("version");
  if (const json::value* features = info.as_object().if_contains("features")) {
    EXPECT_TRUE((features->is_object() && features->as_object().empty()) ||
                (features->is_array() && features->as_array().empty()))
        << *features;
  }
}

TEST_F(GrafanaReplayTest, FrontendStartUp) {
  const json::value rules = Data(hub_->Get("/api/v1/rules"));
  ASSERT_TRUE(rules.is_object()) << rules;
  ASSERT_TRUE(rules.as_object().contains("groups")) << rules;
  EXPECT_TRUE(rules.at("groups").is_array()) << rules;
  const std::string range = "start=" + GrafanaTime(now_s_ - 3600) + "&end=" + GrafanaTime(now_s_);
  const ApiAnswer exemplars = hub_->Get("/api/v1/query_exemplars?query=test&" + range);
  EXPECT_EQ(Json(exemplars), json::parse(R"({"status":"success","data":[]})"));
}

TEST_F(GrafanaReplayTest, MetricsBrowser) {
  const json::array names = {"grafana_gpu_energy_joules_total",
                             "grafana_gpu_temperature_celsius",
                             "scrape_duration_seconds",
                             "scrape_samples_post_metric_relabeling",
                             "scrape_samples_scraped",
                             "scrape_series_added",
                             "up"};
  EXPECT_EQ(Data(hub_->Get("/api/v1/label/__name__/values")), names);
  EXPECT_EQ(Data(hub_->Get("/api/v1/label/__name__/values?" + Range())), names);

  // Metadata may be empty; what it holds must be what the page said.
  const json::value metadata = Data(hub_->Get("/api/v1/metadata"));
  ASSERT_TRUE(metadata.is_object()) << metadata;
  for (const auto& [name, entries] : metadata.as_object()) {
    ASSERT_TRUE(entries.is_array() && !entries.as_array().empty()) << name << ": " << entries;
    for (const auto& e : entries.as_array()) {
      for (const char* key : {"type", "help", "unit"}) {
        EXPECT_TRUE(e.is_object() && e.as_object().contains(key) && e.at(key).is_string())
            << name << ": " << e;
      }
    }
    if (name == kTemperature) {
      EXPECT_EQ(entries.at(0),
                json::parse(R"({"type":"gauge","help":"GPU temperature.","unit":""})"));
    }
    if (name == kEnergy) {
      EXPECT_EQ(entries.at(0),
                json::parse(R"({"type":"counter","help":"Energy used.","unit":""})"));
    }
  }

  const std::string match = std::string("match[]=") + kTemperature;
  EXPECT_EQ(Data(hub_->Get("/api/v1/labels?" + match + "&" + Range())),
            json::parse(R"(["__name__","gpu","instance","job"])"));
  EXPECT_EQ(Data(hub_->Get("/api/v1/label/job/values?" + match)), json::parse(R"(["grafana"])"));
  EXPECT_EQ(Data(hub_->Get("/api/v1/label/gpu/values?" + match + "&" + Range())),
            json::parse(R"(["0","1"])"));
  EXPECT_EQ(Data(hub_->Get("/api/v1/label/instance/values?match[]=up&" + Range())),
            json::array{json::value(target_->target())});
  const json::array series = {Labels(kTemperature, "0"), Labels(kTemperature, "1")};
  EXPECT_EQ(Data(hub_->Get("/api/v1/series?" + match + "&" + Range() + "&limit=40000")), series);
  EXPECT_EQ(Data(hub_->Get("/api/v1/series?match[]=%7B__name__%3D~%22grafana_gpu_temp.%2A%22%7D&" +
                           Range())),
            series);
  EXPECT_EQ(Data(hub_->PostForm("/api/v1/series", match + "&" + Range())), series);
}

TEST_F(GrafanaReplayTest, PanelQueries) {
  // A range query as Grafana's backend sends it: POST, float seconds aligned to the step.
  const double end = std::floor(now_s_) - 1;
  const double start = end - 4;
  json::array want;
  for (const auto& [gpu, value] : {std::pair{"0", "41"}, std::pair{"1", "57.5"}}) {
    json::array values;
    for (double t = start; t <= end; t += 1) values.push_back(json::array{JsonTime(t), value});
    want.push_back(json::object{{"metric", Labels(kTemperature, gpu)}, {"values", values}});
  }
  const json::value want_data = json::object{{"resultType", "matrix"}, {"result", want}};
  const std::string range_params = std::string("query=") + kTemperature +
                                   "&start=" + GrafanaTime(start) + "&end=" + GrafanaTime(end) +
                                   "&step=1";
  EXPECT_EQ(Data(hub_->PostForm("/api/v1/query_range", range_params)), want_data);
  EXPECT_EQ(Data(hub_->Get("/api/v1/query_range?" + range_params + "&timeout=30s")), want_data);

  // Fractional times and a step that is not whole.
  const json::value half = Data(hub_->PostForm(
      "/api/v1/query_range", std::string("query=") + kTemperature +
                                 "%7Bgpu%3D%220%22%7D&start=" + GrafanaTime(start + 0.5) +
                                 "&end=" + GrafanaTime(end) + "&step=1.5"));
  const json::value want_half =
      json::parse(R"({"resultType":"matrix","result":[{"metric":)" +
                  json::serialize(Labels(kTemperature, "0")) + R"(,"values":[[)" +
                  GrafanaTime(start + 0.5) + R"(,"41"],[)" + GrafanaTime(start + 2) +
                  R"(,"41"],[)" + GrafanaTime(start + 3.5) + R"(,"41"]]}]})");
  EXPECT_EQ(half, want_half);

  // Instant queries: a panel's "Instant" toggle and query_result() template variables.
  const double t = now_s_ - 1.25;
  const json::value instant = Data(hub_->PostForm(
      "/api/v1/query", std::string("query=") + kTemperature + "&time=" + GrafanaTime(t)));
  EXPECT_EQ(instant, json::parse(R"({"resultType":"vector","result":[{"metric":)" +
                                 json::serialize(Labels(kTemperature, "0")) + R"(,"value":[)" +
                                 GrafanaTime(t) + R"(,"41"]},{"metric":)" +
                                 json::serialize(Labels(kTemperature, "1")) + R"(,"value":[)" +
                                 GrafanaTime(t) + R"(,"57.5"]}]})"));
  // 10 and 20 joules per one-second scrape.
  const json::value rate =
      Data(hub_->PostForm("/api/v1/query", std::string("query=sum%28rate%28") + kEnergy +
                                               "%5B5s%5D%29%29&time=" + GrafanaTime(t)));
  ASSERT_EQ(rate.at("resultType"), "vector") << rate;
  ASSERT_EQ(rate.at("result").as_array().size(), 1u) << rate;
  EXPECT_EQ(rate.at("result").at(0).at("metric"), json::object{});
  EXPECT_NEAR(std::stod(std::string(rate.at("result").at(0).at("value").at(1).as_string())), 30,
              1e-6)
      << rate;
}

TEST_F(GrafanaReplayTest, ErrorsAreShownToTheUser) {
  auto error_type = [](const ApiAnswer& a, int status) {
    json::value v = Json(a, status);
    EXPECT_EQ(v.at("status"), "error") << a.body;
    EXPECT_TRUE(v.at("error").is_string() && !v.at("error").as_string().empty()) << a.body;
    return std::string(v.at("errorType").as_string());
  };
  EXPECT_EQ(error_type(hub_->Get("/api/v1/query?query=sum%28&time=4"), 400), "bad_data");
  EXPECT_EQ(error_type(hub_->PostForm("/api/v1/query_range", "query=up&start=10&end=20"), 400),
            "bad_data");
  EXPECT_EQ(
      error_type(hub_->PostForm("/api/v1/query_range", "query=up&start=20&end=10&step=1"), 400),
      "bad_data");
  EXPECT_EQ(
      error_type(hub_->PostForm("/api/v1/query_range", "query=up&start=0&end=100000&step=1"), 400),
      "bad_data")
      << "more than 11,000 points per series";
  // Two series on each side, matched on job alone.
  EXPECT_EQ(error_type(hub_->Get(std::string("/api/v1/query?query=") + kTemperature +
                                 "%2Bon%28job%29" + kTemperature + "&time=" + GrafanaTime(now_s_)),
                       422),
            "execution");
}

}  // namespace
}  // namespace gw::promql_diff
