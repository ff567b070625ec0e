// The differential test of the hub's PromQL: Prometheus 2.42 scrapes synthetic GPU nodes and
// remote-writes every sample into the system under test; then each query of
// tests/promql/queries.txt runs on both, as instant queries at several times and as range
// queries, and the answers must be equal (promql_diff_compare.h says what "equal" means).
//
//   GW_DIFF_TARGET=hub (default) | prometheus   the system under test: the hub, or a second
//                                               Prometheus (validates the harness itself)
//   GW_DIFF_SCRAPE_S=100                        how long Prometheus scrapes
//   GW_DIFF_FILTER=<substring>                  only the queries containing it
//
// Skipped when /usr/bin/prometheus is not installed.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <set>
#include <thread>

#include "tests/promql_diff_compare.h"
#include "tests/promql_diff_harness.h"

namespace gw::promql_diff {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;
using std::chrono::seconds;

// Queries whose answers differ on purpose, each with the reason. Keep it empty unless a
// difference is deliberate and documented (docs/promql.md).
const std::map<std::string, std::string> kKnownDifferences = {};

std::string Env(const char* name, const std::string& fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? v : fallback;
}

// The evaluation times, all inside the data, fixed once the data is complete.
struct Window {
  int64_t start_ms = 0;
  int64_t end_ms = 0;
  std::vector<int64_t> instants_ms;
  std::map<std::string, std::string> placeholders;  // T0, T1
};

Window MakeWindow(int64_t data_begin_ms, int64_t data_end_ms) {
  Window w;
  w.start_ms = data_begin_ms + 20'000;
  w.end_ms = data_end_ms - 5'000;
  const int64_t len = w.end_ms - w.start_ms;
  w.instants_ms = {w.start_ms, w.start_ms + len * 2 / 5 + 123, w.end_ms};
  w.placeholders = {{"T0", FormatSeconds(w.start_ms + len / 2 + 457)},
                    {"T1", FormatSeconds(w.start_ms + 10'000)}};
  return w;
}

struct Evaluation {
  std::string kind;  // "instant @t" or "range start..end/step"
  ApiAnswer want;
  ApiAnswer got;
};

struct Outcome {
  std::vector<std::string> mismatches;  // "kind\n<diff>"
  std::vector<std::string> list_problems;
  bool reference_has_data = false;
  std::vector<std::string> error_texts;  // "want | got" where both fail with different texts
};

// Runs one query on both servers in every evaluation and compares.
Outcome Check(const QueryCase& c, const Window& w, const ApiServer& ref, const ApiServer& sut) {
  const std::string query = Substitute(c.text, w.placeholders);
  std::vector<Evaluation> evals;
  for (int64_t t : w.instants_ms) {
    evals.push_back({"instant @" + FormatSeconds(t), ref.Instant(query, t), sut.Instant(query, t)});
  }
  struct RangeSpec {
    int64_t start, end, step;
  };
  for (const RangeSpec r :
       {RangeSpec{w.start_ms, w.end_ms, 7'000}, RangeSpec{w.end_ms - 30'000, w.end_ms, 1'000}}) {
    evals.push_back({"range " + FormatSeconds(r.start) + ".." + FormatSeconds(r.end) + " step " +
                         std::to_string(r.step / 1000) + "s",
                     ref.Range(query, r.start, r.end, r.step),
                     sut.Range(query, r.start, r.end, r.step)});
  }
  Outcome out;
  const bool ordered = OutermostIsSort(c.text);
  // A listed error must fail everywhere; any other query must succeed somewhere (a string
  // literal, say, cannot be a range query), or a typo in the list would "agree" by failing.
  size_t reference_errors = 0;
  for (const Evaluation& e : evals) {
    out.reference_has_data |= HasData(e.want);
    reference_errors += IsApiError(e.want);
    if (c.expect_error && !IsApiError(e.want)) {
      out.list_problems.push_back(e.kind + ": Prometheus answers a query listed as an error: " +
                                  e.want.body.substr(0, 200));
    }
    if (std::optional<std::string> diff = CompareAnswers(e.want, e.got, ordered)) {
      out.mismatches.push_back(e.kind + "\n" + *diff);
    } else if (IsApiError(e.want)) {
      const boost::json::value* got_text = e.got.json->as_object().if_contains("error");
      if (got_text == nullptr || *got_text != e.want.json->at("error")) {
        out.error_texts.push_back(boost::json::serialize(e.want.json->at("error")) + " | " +
                                  (got_text ? boost::json::serialize(*got_text) : "-"));
      }
    }
  }
  if (!c.expect_error && reference_errors == evals.size()) {
    out.list_problems.push_back("Prometheus rejects it: " + evals[0].want.body.substr(0, 200));
  }
  return out;
}

std::string ScrapeConfig(const std::vector<std::unique_ptr<SyntheticNode>>& nodes) {
  std::string config = "scrape_configs:\n  - job_name: gpu\n    static_configs:\n";
  for (size_t i = 0; i < nodes.size(); ++i) {
    config += "      - targets: ['" + nodes[i]->target() +
              "']\n        labels:\n          rack: r" + std::to_string(i < 2 ? 1 : 2) + "\n";
  }
  return config;
}

// The reference's config; without scrape configs once the data is complete. The rest must
// stay byte for byte the same, or the reload would restart the remote-write queue.
std::string ReferenceConfig(const std::string& scrape_configs, const std::string& write_url) {
  return "global:\n  scrape_interval: 1s\n  scrape_timeout: 800ms\n  evaluation_interval: 10s\n" +
         scrape_configs + "remote_write:\n  - url: " + write_url +
         "\n    send_exemplars: false\n    queue_config:\n      batch_send_deadline: 1s\n"
         "      min_backoff: 10ms\n      max_backoff: 1s\n    metadata_config:\n      send: "
         "false\n";
}

// Waits until the system under test holds what the reference holds: per-series sample counts
// over all the data, and no series left live after the end-of-run stale markers.
Status WaitForSameData(const ApiServer& ref, const ApiServer& sut, int64_t probe_ms) {
  const std::vector<std::string> probes = {R"(count_over_time({__name__=~".+"}[1h]))",
                                           R"({__name__=~".+"})"};
  std::string last_diff;
  const auto until = std::chrono::steady_clock::now() + seconds(90);
  while (std::chrono::steady_clock::now() < until) {
    last_diff.clear();
    for (const std::string& probe : probes) {
      if (auto diff =
              CompareAnswers(ref.Instant(probe, probe_ms), sut.Instant(probe, probe_ms), false)) {
        last_diff += probe + ":\n" + *diff;
      }
    }
    if (last_diff.empty()) return Status::Ok();
    std::this_thread::sleep_for(milliseconds(1000));
  }
  return DeadlineExceededError("the system under test did not catch up within 90 s:\n" + last_diff);
}

// Every query, four at a time.
std::vector<Outcome> CheckAll(const std::vector<QueryCase>& queries, const Window& window,
                              const ApiServer& ref, const ApiServer& sut) {
  std::vector<Outcome> outcomes(queries.size());
  std::atomic<size_t> next{0};
  std::vector<std::thread> workers;
  workers.reserve(4);
  for (int i = 0; i < 4; ++i) {
    workers.emplace_back([&] {
      for (size_t q = next++; q < queries.size(); q = next++) {
        outcomes[q] = Check(queries[q], window, ref, sut);
      }
    });
  }
  for (std::thread& t : workers) t.join();
  return outcomes;
}

struct Summary {
  int agree = 0;
  int known = 0;
  int without_data = 0;
  int error_texts = 0;
  std::vector<std::string> failures;  // "queries.txt:N: query" of unexpected mismatches
};

// Prints every mismatch (and, for information, error texts that differ and queries without
// data) in the order of the list; problems of the list itself are test failures.
Summary Report(const std::vector<QueryCase>& queries, const std::vector<Outcome>& outcomes) {
  Summary s;
  for (size_t q = 0; q < queries.size(); ++q) {
    const QueryCase& c = queries[q];
    const Outcome& o = outcomes[q];
    const std::string where = "queries.txt:" + std::to_string(c.line) + ": " + c.text;
    for (const std::string& p : o.list_problems) {
      ADD_FAILURE() << where << "\n  query list problem: " << p;
    }
    // The hub aims at Prometheus' error texts, but they are not compared.
    if (!o.error_texts.empty() && s.error_texts++ < 20) {
      std::cout << "error text differs: " << where << "\n  " << o.error_texts[0] << "\n";
    }
    if (!c.expect_error && !o.reference_has_data) {
      ++s.without_data;
      std::cout << "no data on Prometheus either: " << where << "\n";
    }
    if (o.mismatches.empty()) {
      ++s.agree;
      continue;
    }
    const bool is_known = kKnownDifferences.contains(c.text);
    s.known += is_known;
    std::string text = (is_known ? "KNOWN DIFFERENCE " : "MISMATCH ") + where + "\n";
    for (const std::string& m : o.mismatches) text += "  " + m;
    std::cout << text;
    if (!is_known) s.failures.push_back(where);
  }
  return s;
}

class PromqlDifferentialTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!fs::exists(kPrometheusPath)) {
      GTEST_SKIP() << kPrometheusPath << " is not installed (apt install prometheus)";
    }
  }
};

TEST_F(PromqlDifferentialTest, AnswersEqualPrometheus) {
  const std::string mode = Env("GW_DIFF_TARGET", "hub");
  ASSERT_TRUE(mode == "hub" || mode == "prometheus") << "GW_DIFF_TARGET=" << mode;
  const int scrape_s = std::stoi(Env("GW_DIFF_SCRAPE_S", "100"));
  StatusOr<std::vector<QueryCase>> loaded = LoadQueries(GW_DIFF_QUERIES_PATH);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  std::vector<QueryCase> queries;
  const std::string filter = Env("GW_DIFF_FILTER", "");
  std::copy_if(loaded->begin(), loaded->end(), std::back_inserter(queries),
               [&](const QueryCase& c) { return c.text.find(filter) != std::string::npos; });

  TempDir tmp;
  std::vector<std::unique_ptr<SyntheticNode>> nodes;
  for (int i = 0; i < 3; ++i) {
    StatusOr<std::unique_ptr<SyntheticNode>> node = SyntheticNode::Start(i);
    ASSERT_TRUE(node.ok()) << node.status().ToString();
    nodes.push_back(std::move(*node));
  }
  // evaluation_interval is the default step of subqueries without one ([1m:]).
  const std::string sut_config = "global:\n  scrape_interval: 1m\n  evaluation_interval: 10s\n";
  StatusOr<std::unique_ptr<ApiServer>> sut =
      mode == "hub" ? ApiServer::StartHub(GW_HUB_PATH, tmp.path() / "hub", sut_config)
                    : ApiServer::StartPrometheus(tmp.path() / "sut", sut_config, true);
  ASSERT_TRUE(sut.ok()) << sut.status().ToString();
  const ApiAnswer probe = (*sut)->Instant("1", NowMs());
  ASSERT_TRUE(probe.json.has_value() && probe.http_status == 200)
      << (*sut)->name() << " has no query API: HTTP " << probe.http_status << " " << probe.body;
  const std::string write_url = (*sut)->url("/api/v1/write");
  StatusOr<std::unique_ptr<ApiServer>> ref = ApiServer::StartPrometheus(
      tmp.path() / "ref", ReferenceConfig(ScrapeConfig(nodes), write_url), false);
  ASSERT_TRUE(ref.ok()) << ref.status().ToString();
  const int64_t data_begin_ms = NowMs();

  std::this_thread::sleep_for(seconds(scrape_s));
  const int64_t data_end_ms = NowMs();
  ASSERT_TRUE((*ref)->Reload(ReferenceConfig("", write_url)).ok());
  for (const auto& node : nodes) {
    EXPECT_GE(node->scrapes(), scrape_s - 5) << "Prometheus did not scrape every second:\n"
                                             << (*ref)->log();
  }
  // End-of-run stale markers come about two scrape intervals after the reload.
  const int64_t probe_ms = data_end_ms + 5'000;
  std::this_thread::sleep_for(milliseconds(probe_ms - NowMs() + 1'000));
  const Status same = WaitForSameData(**ref, **sut, probe_ms);
  EXPECT_TRUE(same.ok()) << same.ToString() << "\n" << (*sut)->name() << " log:\n" << (*sut)->log();

  const Window window = MakeWindow(data_begin_ms, data_end_ms);
  const Summary summary = Report(queries, CheckAll(queries, window, **ref, **sut));
  std::cout << "differential: " << summary.agree << "/" << queries.size() << " queries agree ("
            << mode << " against Prometheus 2.42; " << summary.known << " known differences; "
            << summary.without_data << " without data; " << summary.error_texts
            << " with other error texts)\n";
  EXPECT_TRUE(summary.failures.empty())
      << summary.failures.size() << " queries disagree; the first: " << summary.failures[0];
  // A list whose queries find nothing compares nothing.
  EXPECT_LE(summary.without_data * 10, static_cast<int>(queries.size()))
      << "too many queries find no data";
}

// ---------------------------------------------------------------------------------------------
// The comparison itself, on hand-written answers: each rule must be able to fail.

ApiAnswer Answer(const std::string& body, int status = 200) {
  ApiAnswer a;
  a.http_status = status;
  a.body = body;
  a.json = boost::json::parse(body);
  return a;
}

ApiAnswer Vector(const std::string& samples) {
  return Answer(R"({"status":"success","data":{"resultType":"vector","result":[)" + samples +
                "]}}");
}

TEST(PromqlDiffCompareTest, VectorsCompareBySeriesAndValue) {
  const std::string a = R"({"metric":{"gpu":"0"},"value":[100,"1.5"]})";
  const std::string b = R"({"metric":{"gpu":"1"},"value":[100,"NaN"]})";
  EXPECT_EQ(CompareAnswers(Vector(a + "," + b), Vector(b + "," + a), false), std::nullopt);
  EXPECT_NE(CompareAnswers(Vector(a + "," + b), Vector(b + "," + a), true), std::nullopt);
  // Ties (NaN with NaN included) may come in either order.
  const std::string c = R"({"metric":{"gpu":"2"},"value":[100,"NaN"]})";
  EXPECT_EQ(CompareAnswers(Vector(a + "," + b + "," + c), Vector(a + "," + c + "," + b), true),
            std::nullopt);
  EXPECT_NE(CompareAnswers(Vector(a + "," + b), Vector(a), false), std::nullopt);
  EXPECT_NE(CompareAnswers(Vector(a), Vector(a + "," + b), false), std::nullopt);
  EXPECT_EQ(CompareAnswers(Vector(a),
                           Vector(R"({"metric":{"gpu":"0"},"value":[100,"1.5000000001"]})"), false),
            std::nullopt);
  EXPECT_NE(
      CompareAnswers(Vector(a), Vector(R"({"metric":{"gpu":"0"},"value":[100,"1.6"]})"), false),
      std::nullopt);
  EXPECT_NE(
      CompareAnswers(Vector(a), Vector(R"({"metric":{"gpu":"0"},"value":[100.001,"1.5"]})"), false),
      std::nullopt);
  EXPECT_NE(
      CompareAnswers(Vector(b), Vector(R"({"metric":{"gpu":"1"},"value":[100,"+Inf"]})"), false),
      std::nullopt);
  EXPECT_NE(CompareAnswers(Vector(a),
                           Vector(R"({"metric":{"gpu":"0","x":"y"},"value":[100,"1.5"]})"), false),
            std::nullopt);
  // The same double written differently is a formatting bug.
  EXPECT_NE(CompareAnswers(Vector(R"({"metric":{},"value":[1,"1e+06"]})"),
                           Vector(R"({"metric":{},"value":[1,"1000000"]})"), false),
            std::nullopt);
}

TEST(PromqlDiffCompareTest, MatricesScalarsAndErrors) {
  auto matrix = [](const std::string& values) {
    return Answer(
        R"({"status":"success","data":{"resultType":"matrix","result":[{"metric":{"a":"b"},"values":[)" +
        values + "]}]}}");
  };
  EXPECT_EQ(CompareAnswers(matrix(R"([1,"1"],[2,"2"])"), matrix(R"([1,"1"],[2,"2"])"), false),
            std::nullopt);
  EXPECT_NE(CompareAnswers(matrix(R"([1,"1"],[2,"2"])"), matrix(R"([1,"1"])"), false),
            std::nullopt);
  EXPECT_NE(CompareAnswers(matrix(R"([1,"1"],[2,"2"])"), matrix(R"([1,"1"],[3,"2"])"), false),
            std::nullopt);
  const ApiAnswer two =
      Answer(R"({"status":"success","data":{"resultType":"scalar","result":[4,"2"]}})");
  EXPECT_EQ(CompareAnswers(two, two, false), std::nullopt);
  EXPECT_NE(
      CompareAnswers(
          two, Answer(R"({"status":"success","data":{"resultType":"string","result":[4,"2"]}})"),
          false),
      std::nullopt);
  EXPECT_NE(CompareAnswers(two, Vector(""), false), std::nullopt);
  const ApiAnswer bad = Answer(R"({"status":"error","errorType":"bad_data","error":"x"})", 400);
  EXPECT_EQ(
      CompareAnswers(bad, Answer(R"({"status":"error","errorType":"bad_data","error":"y"})", 400),
                     false),
      std::nullopt);
  EXPECT_NE(
      CompareAnswers(bad, Answer(R"({"status":"error","errorType":"execution","error":"x"})", 422),
                     false),
      std::nullopt);
  EXPECT_NE(CompareAnswers(bad, two, false), std::nullopt);
  EXPECT_NE(CompareAnswers(two, bad, false), std::nullopt);
  ApiAnswer not_found;
  not_found.http_status = 404;
  not_found.body = "not found\n";
  EXPECT_NE(CompareAnswers(two, not_found, false), std::nullopt);
}

TEST(PromqlDiffCompareTest, QueryTextHelpers) {
  EXPECT_TRUE(OutermostIsSort("sort(x)"));
  EXPECT_TRUE(OutermostIsSort(" ( sort_desc (sum by (a) (x)) ) "));
  EXPECT_FALSE(OutermostIsSort("sort(x) + 1"));
  EXPECT_FALSE(OutermostIsSort("sum(sort(x))"));
  EXPECT_FALSE(OutermostIsSort("sorted_metric"));
  EXPECT_TRUE(OutermostIsSort(R"q(sort(label_replace(x, "a", ")", "b", "")))q"));
  EXPECT_EQ(Substitute(R"(x @ T0 + y{l="T0"} offset 1m @ T1)", {{"T0", "12.5"}, {"T1", "20"}}),
            R"(x @ 12.5 + y{l="T0"} offset 1m @ 20)");
  EXPECT_EQ(Substitute("T00 + T0", {{"T0", "1"}}), "T00 + 1");
  EXPECT_TRUE(ValuesAgree(0, 1e-10));
  EXPECT_FALSE(ValuesAgree(0, 1e-8));
  EXPECT_TRUE(ValuesAgree(1e12, 1e12 + 1));
}

TEST(PromqlDiffCompareTest, TheQueryListCoversBothSections) {
  StatusOr<std::vector<QueryCase>> queries = LoadQueries(GW_DIFF_QUERIES_PATH);
  ASSERT_TRUE(queries.ok()) << queries.status().ToString();
  const auto errors = std::count_if(queries->begin(), queries->end(),
                                    [](const QueryCase& c) { return c.expect_error; });
  EXPECT_GE(queries->size(), 300u);
  EXPECT_GE(errors, 10);
  std::set<std::string> seen;
  for (const QueryCase& c : *queries)
    EXPECT_TRUE(seen.insert(c.text).second) << "duplicate: " << c.text;
}

}  // namespace
}  // namespace gw::promql_diff
