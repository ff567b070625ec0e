#include "hub/hub_config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "common/status_matchers.h"

namespace gw::hub {
namespace {

using ::gw::testing::StatusIs;
using ::testing::ElementsAre;

constexpr char kGood[] = GW_HUB_TESTDATA "/good.yml";

TEST(HubConfigTest, GoodConfigHasEveryField) {
  StatusOr<HubConfig> config = LoadHubConfigFile(kGood);
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->global.scrape_interval_ms, 5000);
  EXPECT_EQ(config->global.scrape_timeout_ms, 4000);
  EXPECT_EQ(config->global.evaluation_interval_ms, 10000);
  EXPECT_EQ(config->global.external_labels, (LabelSet{{"cluster", "box"}}));
  EXPECT_THAT(config->rule_files, ElementsAre(std::string(GW_HUB_TESTDATA) + "/rules/*.yml"));
  ASSERT_EQ(config->scrape_configs.size(), 2u);
  const ScrapeConfig& gpu = config->scrape_configs[0];
  EXPECT_EQ(gpu.job_name, "gpu");
  EXPECT_EQ(gpu.scrape_interval_ms, 10000);
  EXPECT_EQ(gpu.scrape_timeout_ms, 2000);
  EXPECT_EQ(gpu.metrics_path, "/metrics");
  EXPECT_EQ(gpu.scheme, "https");
  EXPECT_TRUE(gpu.honor_labels);
  ASSERT_TRUE(gpu.basic_auth.has_value());
  EXPECT_EQ(gpu.basic_auth->username, "hub");
  EXPECT_EQ(gpu.basic_auth->password_file, std::string(GW_HUB_TESTDATA) + "/secrets/gpu.pass");
  ASSERT_EQ(gpu.static_configs.size(), 1u);
  EXPECT_THAT(gpu.static_configs[0].targets, ElementsAre("127.0.1.1:9400", "127.0.1.2:9400"));
  EXPECT_EQ(gpu.static_configs[0].labels, (LabelSet{{"rack", "r1"}}));
  ASSERT_EQ(gpu.slurm_sd_configs.size(), 1u);
  EXPECT_EQ(gpu.slurm_sd_configs[0].exporter_url, "http://127.0.0.1:9341/metrics");
  EXPECT_EQ(gpu.slurm_sd_configs[0].port, 9400);
  EXPECT_EQ(gpu.slurm_sd_configs[0].refresh_interval_ms, 60000);
  ASSERT_EQ(gpu.relabel_configs.size(), 2u);
  EXPECT_EQ(gpu.relabel_configs[0].regex, "([^:]+):\\d+");
  EXPECT_EQ(gpu.relabel_configs[1].action, RelabelAction::kHashMod);
  EXPECT_EQ(gpu.relabel_configs[1].modulus, 2u);
  ASSERT_EQ(gpu.metric_relabel_configs.size(), 2u);
  EXPECT_EQ(gpu.metric_relabel_configs[1].action, RelabelAction::kLabelDrop);
  EXPECT_EQ(gpu.sample_limit, 50000u);
  EXPECT_EQ(gpu.label_limit, 64u);
  EXPECT_EQ(gpu.body_size_limit_bytes, 10u << 20);
  const ScrapeConfig& slurm = config->scrape_configs[1];
  EXPECT_EQ(slurm.scrape_interval_ms, 5000);  // global
  EXPECT_EQ(slurm.scrape_timeout_ms, 4000);
  EXPECT_EQ(slurm.basic_auth->password, "p");
  ASSERT_EQ(config->alertmanagers.size(), 1u);
  EXPECT_EQ(config->alertmanagers[0].path_prefix, "/am");
  EXPECT_EQ(config->alertmanagers[0].timeout_ms, 5000);
  EXPECT_THAT(config->alertmanagers[0].static_configs[0].targets, ElementsAre("127.0.0.1:9093"));
  ASSERT_EQ(config->webhooks.size(), 1u);
  EXPECT_EQ(config->webhooks[0].url, "http://127.0.0.1:9099/alerts");
  EXPECT_EQ(config->webhooks[0].timeout_ms, 3000);
  ASSERT_EQ(config->remote_write.size(), 3u);
  const RemoteWriteConfig& rw = config->remote_write[0];
  EXPECT_TRUE(rw.headers.empty());
  EXPECT_FALSE(rw.basic_auth.has_value());
  EXPECT_FALSE(rw.authorization.has_value());
  EXPECT_EQ(rw.url, "http://127.0.0.1:9201/api/v1/write");
  EXPECT_EQ(rw.name, "lts");
  EXPECT_EQ(rw.remote_timeout_ms, 20000);
  EXPECT_EQ(rw.queue_config.capacity, 5000);
  EXPECT_EQ(rw.queue_config.max_shards, 8);
  EXPECT_EQ(rw.queue_config.min_shards, 2);
  EXPECT_EQ(rw.queue_config.max_samples_per_send, 500);
  EXPECT_EQ(rw.queue_config.batch_send_deadline_ms, 2000);
  EXPECT_EQ(rw.queue_config.min_backoff_ms, 50);
  EXPECT_EQ(rw.queue_config.max_backoff_ms, 10000);
  const RemoteWriteConfig& mimir = config->remote_write[1];
  EXPECT_EQ(mimir.headers, (std::map<std::string, std::string>{{"X-Scope-OrgID", "gpucluster"}}));
  ASSERT_TRUE(mimir.authorization.has_value());
  EXPECT_EQ(mimir.authorization->type, "Bearer");
  EXPECT_EQ(mimir.authorization->credentials, "");
  EXPECT_EQ(mimir.authorization->credentials_file,
            std::string(GW_HUB_TESTDATA) + "/secrets/mimir.token");
  const RemoteWriteConfig& thanos = config->remote_write[2];
  EXPECT_EQ(thanos.headers, (std::map<std::string, std::string>{{"THANOS-TENANT", "gpu"}}));
  ASSERT_TRUE(thanos.basic_auth.has_value());
  EXPECT_EQ(thanos.basic_auth->username, "hub");
  EXPECT_EQ(thanos.basic_auth->password, "pw");
  EXPECT_FALSE(thanos.authorization.has_value());
}

TEST(HubConfigTest, RemoteWriteAuthorizationKeepsItsType) {
  StatusOr<HubConfig> c = ParseHubConfig(
      "remote_write:\n  - url: http://a/w\n    authorization:\n      type: Token\n"
      "      credentials: abc\n",
      "hub.yml");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  ASSERT_TRUE(c->remote_write[0].authorization.has_value());
  EXPECT_EQ(c->remote_write[0].authorization->type, "Token");
  EXPECT_EQ(c->remote_write[0].authorization->credentials, "abc");
}

// A secret file that cannot be read fails the load (and check-config), naming the file.
TEST(LoadHubConfigFileTest, RemoteWriteSecretFileMustBeReadable) {
  const std::filesystem::path dir =
      std::filesystem::path(::testing::TempDir()) / ("gw-rw-secret-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "hub.yml").string();
  std::ofstream(path) << "remote_write:\n  - url: http://a/w\n    name: mimir\n"
                         "    basic_auth:\n      username: u\n      password_file: nope.pass\n";
  EXPECT_THAT(LoadHubConfigFile(path),
              StatusIs(StatusCode::kInvalidArgument,
                       path + ": remote_write \"mimir\": basic_auth password_file " +
                           (dir / "nope.pass").string() +
                           " cannot be read: No such file or directory (fix the path or the "
                           "file's permissions)"));
  std::ofstream(path) << "remote_write:\n  - url: http://a/w\n    authorization:\n"
                         "      credentials_file: .\n";
  EXPECT_THAT(LoadHubConfigFile(path),
              StatusIs(StatusCode::kInvalidArgument,
                       ::testing::HasSubstr(": remote_write \"http://a/w\": authorization "
                                            "credentials_file " +
                                            dir.string() + "/ cannot be read: Is a directory")));
  std::ofstream(dir / "ok.pass") << "secret\n";
  std::ofstream(path) << "remote_write:\n  - url: http://a/w\n    basic_auth:\n"
                         "      password_file: ok.pass\n";
  EXPECT_TRUE(LoadHubConfigFile(path).ok());
  std::filesystem::remove_all(dir);
}

TEST(HubConfigTest, GoodConfigRelabelsTargets) {
  StatusOr<HubConfig> config = LoadHubConfigFile(kGood);
  ASSERT_TRUE(config.ok());
  auto out =
      Relabel({{"__address__", "127.0.1.1:9400"}}, config->scrape_configs[0].relabel_configs);
  EXPECT_EQ(
      out,
      (LabelSet{{"__address__", "127.0.1.1:9400"}, {"__tmp_hash", "0"}, {"node_ip", "127.0.1.1"}}));
  EXPECT_EQ(Relabel({{"__name__", "go_gc"}}, config->scrape_configs[0].metric_relabel_configs),
            std::nullopt);
}

TEST(HubConfigTest, Defaults) {
  StatusOr<HubConfig> config = ParseHubConfig(
      "scrape_configs:\n  - job_name: a\n  - job_name: b\n    scrape_interval: 5s\n"
      "    slurm_sd_configs: [{}]\n",
      "d.yml");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->global.scrape_interval_ms, 15000);
  EXPECT_EQ(config->global.scrape_timeout_ms, 10000);
  EXPECT_EQ(config->global.evaluation_interval_ms, 15000);
  const ScrapeConfig& a = config->scrape_configs[0];
  EXPECT_EQ(a.scrape_interval_ms, 15000);
  EXPECT_EQ(a.scrape_timeout_ms, 10000);
  EXPECT_EQ(a.metrics_path, "/metrics");
  EXPECT_EQ(a.scheme, "http");
  EXPECT_FALSE(a.honor_labels);
  EXPECT_FALSE(a.basic_auth.has_value());
  EXPECT_EQ(a.sample_limit, 0u);
  EXPECT_EQ(a.body_size_limit_bytes, 0u);
  // The global timeout is capped at a shorter job interval, as in Prometheus.
  EXPECT_EQ(config->scrape_configs[1].scrape_timeout_ms, 5000);
  const SlurmSdConfig& sd = config->scrape_configs[1].slurm_sd_configs[0];
  EXPECT_EQ(sd.exporter_url, "http://127.0.0.1:9341/metrics");
  EXPECT_EQ(sd.port, 9400);
  EXPECT_EQ(sd.refresh_interval_ms, 30000);
  EXPECT_TRUE(ParseHubConfig("", "empty.yml").ok());
}

TEST(HubConfigTest, RelabelDefaults) {
  StatusOr<HubConfig> config = ParseHubConfig(
      "scrape_configs:\n  - job_name: a\n    relabel_configs:\n      - target_label: x\n", "r.yml");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  const RelabelConfig& rule = config->scrape_configs[0].relabel_configs[0];
  EXPECT_EQ(rule.action, RelabelAction::kReplace);
  EXPECT_TRUE(rule.source_labels.empty());
  EXPECT_EQ(rule.separator, ";");
  EXPECT_EQ(rule.regex, "(.*)");
  EXPECT_EQ(rule.replacement, "$1");
}

struct ErrorCase {
  const char* yaml;
  const char* message;
};

class HubConfigErrorTest : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(HubConfigErrorTest, NamesFileAndLine) {
  EXPECT_THAT(ParseHubConfig(GetParam().yaml, "hub.yml"),
              StatusIs(StatusCode::kInvalidArgument, GetParam().message));
}

INSTANTIATE_TEST_SUITE_P(
    Errors, HubConfigErrorTest,
    ::testing::Values(
        ErrorCase{"global:\n  scrape_intervall: 5s\n",
                  "hub.yml:2: unknown key \"scrape_intervall\" in global (did you mean "
                  "scrape_interval?)"},
        ErrorCase{"scrape_config:\n  - job_name: a\n",
                  "hub.yml:1: unknown key \"scrape_config\" in the config (did you mean "
                  "scrape_configs?)"},
        ErrorCase{"zzz: 1\n",
                  "hub.yml:1: unknown key \"zzz\" in the config (known keys: global, rule_files, "
                  "scrape_configs, alerting, remote_write)"},
        ErrorCase{"global:\n  scrape_interval: 5x\n",
                  "hub.yml:2: scrape_interval: duration \"5x\": unknown unit (use a number and a "
                  "unit: ms, s, m, h, d, w, y; e.g. 1m30s)"},
        ErrorCase{"global:\n  scrape_interval: 5s\n  scrape_timeout: 10s\n",
                  "hub.yml:2: global scrape_timeout 10s is longer than scrape_interval 5s (make "
                  "the timeout at most the interval)"},
        ErrorCase{"scrape_configs:\n  - job_name: a\n    scrape_interval: 5s\n"
                  "    scrape_timeout: 6s\n",
                  "hub.yml:4: job \"a\": scrape_timeout 6s is longer than scrape_interval 5s "
                  "(make the timeout at most the interval)"},
        ErrorCase{"scrape_configs:\n  - job_name: a\n  - job_name: a\n",
                  "hub.yml:3: job_name \"a\" is already used at line 2 (job names must be "
                  "unique)"},
        ErrorCase{"scrape_configs:\n  - scheme: http\n",
                  "hub.yml:2: scrape config without job_name (add job_name: <name>)"},
        ErrorCase{"scrape_configs:\n  - job_name: a\n    static_configs:\n"
                  "      - targets: [\"node1\"]\n",
                  "hub.yml:4: target \"node1\" must be host:port (e.g. 127.0.1.1:9400, "
                  "[::1]:9400)"},
        ErrorCase{"scrape_configs:\n  - job_name: a\n    static_configs:\n"
                  "      - targets:\n          - n1:9400\n          - n2:99999\n",
                  "hub.yml:6: target \"n2:99999\": port \"99999\" must be a number from 1 to "
                  "65535"},
        ErrorCase{"scrape_configs:\n  - job_name: a\n    relabel_configs:\n"
                  "      - target_label: x\n        regex: \"(\"\n",
                  "hub.yml:5: regex \"(\" does not compile: missing ): ( (use RE2 syntax)"},
        ErrorCase{"scrape_configs:\n  - job_name: a\n    relabel_configs:\n"
                  "      - action: keepp\n",
                  "hub.yml:4: unknown relabel action \"keepp\" (use replace, keep, drop, "
                  "labeldrop, labelkeep, labelmap, hashmod, lowercase, uppercase, keepequal or "
                  "dropequal)"},
        ErrorCase{"scrape_configs:\n  - job_name: a\n    metric_relabel_configs:\n"
                  "      - action: hashmod\n        target_label: h\n",
                  "hub.yml:4: relabel action hashmod needs a modulus > 0"},
        ErrorCase{"scrape_configs:\n  - job_name: a\n    scheme: ftp\n",
                  "hub.yml:3: scheme \"ftp\" must be http or https"},
        ErrorCase{"scrape_configs:\n  - job_name: a\n    body_size_limit: 10XB\n",
                  "hub.yml:3: body_size_limit: size \"10XB\": unknown unit \"XB\" (use B, KB, "
                  "MB, GB, KiB, MiB or GiB)"},
        ErrorCase{"scrape_configs:\n  - job_name: a\n    sample_limit: -1\n",
                  "hub.yml:3: sample_limit \"-1\" must be a whole number >= 0 (0 means no "
                  "limit)"},
        ErrorCase{"scrape_configs:\n  - job_name: a\n    honor_labels: maybe\n",
                  "hub.yml:3: honor_labels must be true or false"},
        ErrorCase{"scrape_configs:\n  - job_name: a\n    basic_auth:\n      password: p\n"
                  "      password_file: f\n",
                  "hub.yml:4: basic_auth has both password and password_file (keep one)"},
        ErrorCase{"scrape_configs:\n  - job_name: a\n    slurm_sd_configs:\n"
                  "      - port: 0\n",
                  "hub.yml:4: port \"0\" must be a whole number from 1 to 65535"},
        ErrorCase{"scrape_configs:\n  - job_name: a\n    slurm_sd_configs:\n"
                  "      - exporter_url: 127.0.0.1:9341\n",
                  "hub.yml:4: exporter_url \"127.0.0.1:9341\" must start with http:// or "
                  "https://"},
        ErrorCase{"scrape_configs:\n  - job_name: a\n    static_configs:\n"
                  "      - labels: {9x: y}\n",
                  "hub.yml:4: labels: \"9x\" is not a valid label name (use "
                  "[a-zA-Z_][a-zA-Z0-9_]*)"},
        ErrorCase{"remote_write:\n  - name: x\n",
                  "hub.yml:2: remote_write without url (add url: http://...)"},
        ErrorCase{"remote_write:\n  - url: http://a/w\n    headers:\n      Content-Type: x\n",
                  "hub.yml:4: header \"Content-Type\" is reserved: the sender or the connection "
                  "sets it (remove it)"},
        ErrorCase{"remote_write:\n  - url: http://a/w\n    headers:\n"
                  "      x-prometheus-remote-write-version: 2.0.0\n",
                  "hub.yml:4: header \"x-prometheus-remote-write-version\" is reserved: the "
                  "sender or the connection sets it (remove it)"},
        ErrorCase{"remote_write:\n  - url: http://a/w\n    headers:\n      authorization: x\n",
                  "hub.yml:4: header \"authorization\" cannot be set in headers (use basic_auth "
                  "or authorization)"},
        ErrorCase{"remote_write:\n  - url: http://a/w\n    headers:\n      X Scope: a\n",
                  "hub.yml:4: header name \"X Scope\" is not a valid HTTP header name (use "
                  "letters, digits and -)"},
        ErrorCase{"remote_write:\n  - url: http://a/w\n    headers:\n"
                  "      X-Scope-OrgID: a\n      x-scope-orgid: b\n",
                  "hub.yml:5: header \"x-scope-orgid\" is already set at line 4 (header names "
                  "ignore case; keep one)"},
        ErrorCase{"remote_write:\n  - url: http://a/w\n    headers:\n      X-A: [1]\n",
                  "hub.yml:4: the value of header \"X-A\" must be a string"},
        ErrorCase{"remote_write:\n  - url: http://a/w\n    headers:\n      X-A: \"a\\nb\"\n",
                  "hub.yml:4: the value of header \"X-A\" has a line break"},
        ErrorCase{"remote_write:\n  - url: http://a/w\n    headers: [X-A]\n",
                  "hub.yml:3: headers must be a mapping of names to values"},
        ErrorCase{"remote_write:\n  - url: http://a/w\n    basic_auth:\n      username: u\n"
                  "    authorization:\n      credentials: t\n",
                  "hub.yml:2: remote_write has both basic_auth and authorization (keep one)"},
        ErrorCase{"remote_write:\n  - url: http://a/w\n    basic_auth:\n      password: p\n"
                  "      password_file: f\n",
                  "hub.yml:4: basic_auth has both password and password_file (keep one)"},
        ErrorCase{"remote_write:\n  - url: http://a/w\n    authorization:\n"
                  "      credentials: t\n      credentials_file: f\n",
                  "hub.yml:4: authorization has both credentials and credentials_file (keep one)"},
        ErrorCase{"remote_write:\n  - url: http://a/w\n    authorization:\n"
                  "      type: basic\n      credentials: t\n",
                  "hub.yml:4: authorization type \"basic\" is not allowed (use basic_auth "
                  "instead)"},
        ErrorCase{"remote_write:\n  - url: http://a/w\n    authorization:\n"
                  "      type: Bearer token\n",
                  "hub.yml:4: authorization type \"Bearer token\" must be one word, such as "
                  "Bearer"},
        ErrorCase{"remote_write:\n  - url: http://a/w\n    authorization:\n"
                  "      credential: t\n",
                  "hub.yml:4: unknown key \"credential\" in authorization (did you mean "
                  "credentials?)"},
        ErrorCase{"alerting:\n  alertmanagers:\n    - static_configs:\n"
                  "        - targets: [\"am\"]\n",
                  "hub.yml:4: target \"am\" must be host:port (e.g. 127.0.1.1:9400, [::1]:9400)"},
        ErrorCase{"alerting:\n  webhooks:\n    - url: hooks.example\n",
                  "hub.yml:3: webhook url \"hooks.example\" must start with http:// or https://"},
        ErrorCase{"alerting:\n  webhooks:\n    - timeout: 1s\n", "hub.yml:3: a webhook needs a url"},
        ErrorCase{"scrape_configs: [\n",
                  "hub.yml:2: YAML syntax error: end of sequence flow not found (check "
                  "indentation, colons and quoting)"},
        ErrorCase{"scrape_configs: 3\n", "hub.yml:1: scrape_configs must be a list"}));

TEST(ParseByteSizeTest, UnitsAreBase2) {
  EXPECT_EQ(*ParseByteSize("0"), 0u);
  EXPECT_EQ(*ParseByteSize("512B"), 512u);
  EXPECT_EQ(*ParseByteSize("1KB"), 1024u);
  EXPECT_EQ(*ParseByteSize("1KiB"), 1024u);
  EXPECT_EQ(*ParseByteSize("10MB"), 10u << 20);
  EXPECT_EQ(*ParseByteSize("2GiB"), 2ull << 30);
  EXPECT_THAT(ParseByteSize("10"), StatusIs(StatusCode::kInvalidArgument,
                                            "size \"10\" has no unit (use B, KB, MB, GB, KiB, "
                                            "MiB or GiB)"));
  EXPECT_THAT(ParseByteSize("99999999999TB"),
              StatusIs(StatusCode::kInvalidArgument, "size \"99999999999TB\" is too large"));
}

TEST(LoadHubConfigFileTest, MissingFile) {
  EXPECT_THAT(
      LoadHubConfigFile("/nonexistent/hub.yml"),
      StatusIs(StatusCode::kNotFound, "/nonexistent/hub.yml: no such file (check the path)"));
}

TEST(HubConfigTest, AnUnsetGlobalTimeoutIsCappedAtTheInterval) {
  StatusOr<HubConfig> c = ParseHubConfig("global:\n  scrape_interval: 1s\n", "hub.yml");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->global.scrape_timeout_ms, 1000);
}

}  // namespace
}  // namespace gw::hub
