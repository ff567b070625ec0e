#include "rules/notifier_format.h"

#include <boost/json.hpp>
#include <cinttypes>
#include <cstdio>
#include <ctime>
#include <string_view>
#include <vector>

namespace gw::rules {
namespace {

// How Go's encoding/json writes time.Time{}: Alertmanager's "not set".
constexpr std::string_view kGoZeroTime = "0001-01-01T00:00:00Z";

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

boost::json::object LabelsJson(const tsdb::Labels& labels) {
  boost::json::object out;
  for (const tsdb::Label& l : labels) out[l.name] = l.value;
  return out;
}

// The labels that every set has with the same value (Alertmanager's commonLabels).
boost::json::object Common(std::span<const NotifierAlert> alerts,
                           const tsdb::Labels NotifierAlert::*field) {
  boost::json::object out;
  if (alerts.empty()) return out;
  for (const tsdb::Label& l : alerts.front().*field) {
    bool shared = true;
    for (const NotifierAlert& a : alerts.subspan(1)) {
      if ((a.*field).Get(l.name) != l.value) {
        shared = false;
        break;
      }
    }
    if (shared) out[l.name] = l.value;
  }
  return out;
}

std::string WebhookTime(int64_t ms) {
  return ms == 0 ? std::string(kGoZeroTime) : FormatAlertTime(ms);
}

}  // namespace

std::string FormatAlertTime(int64_t ms) {
  const int64_t seconds = FloorDiv(ms, 1000);
  const int64_t millis = ms - seconds * 1000;
  const std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[96];  // room for any int fields, so the compiler can prove no truncation
  std::snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d.%03" PRId64 "Z", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, millis);
  return buf;
}

std::string AlertFingerprint(const tsdb::Labels& labels) {
  // Spelled out rather than borrowed from Labels::Hash: this must stay Alertmanager's
  // algorithm even if the store's hash changes.
  uint64_t h = 14695981039346656037ULL;
  auto add = [&h](std::string_view s) {
    for (unsigned char c : s) h = (h ^ c) * 1099511628211ULL;
    h = (h ^ 0xffu) * 1099511628211ULL;
  };
  for (const tsdb::Label& l : labels) {
    add(l.name);
    add(l.value);
  }
  char buf[17];
  std::snprintf(buf, sizeof(buf), "%016" PRIx64, h);
  return buf;
}

tsdb::Labels WithExternalLabels(const tsdb::Labels& labels, const tsdb::Labels& external) {
  if (external.empty()) return labels;
  std::vector<tsdb::Label> merged;
  merged.reserve(labels.size() + external.size());
  const tsdb::Label* a = labels.begin();
  const tsdb::Label* b = external.begin();
  while (a != labels.end() || b != external.end()) {
    if (b == external.end() || (a != labels.end() && a->name <= b->name)) {
      if (b != external.end() && a->name == b->name) ++b;  // the alert's own label wins
      merged.push_back(*a++);
    } else {
      merged.push_back(*b++);
    }
  }
  return tsdb::Labels::FromSortedUnchecked(std::move(merged));
}

bool AlertFiring(const NotifierAlert& alert, int64_t now_ms) {
  return alert.ends_at_ms == 0 || alert.ends_at_ms > now_ms;
}

std::string AlertmanagerBody(std::span<const NotifierAlert> alerts) {
  boost::json::array out;
  out.reserve(alerts.size());
  for (const NotifierAlert& a : alerts) {
    boost::json::object o;
    o["labels"] = LabelsJson(a.labels);
    o["annotations"] = LabelsJson(a.annotations);
    if (a.starts_at_ms != 0) o["startsAt"] = FormatAlertTime(a.starts_at_ms);
    if (a.ends_at_ms != 0) o["endsAt"] = FormatAlertTime(a.ends_at_ms);
    if (!a.generator_url.empty()) o["generatorURL"] = a.generator_url;
    out.push_back(std::move(o));
  }
  return boost::json::serialize(out);
}

std::string WebhookBody(std::span<const NotifierAlert> alerts, const std::string& external_url,
                        int64_t now_ms) {
  boost::json::array list;
  list.reserve(alerts.size());
  bool any_firing = false;
  for (const NotifierAlert& a : alerts) {
    const bool firing = AlertFiring(a, now_ms);
    any_firing = any_firing || firing;
    boost::json::object o;
    o["status"] = firing ? "firing" : "resolved";
    o["labels"] = LabelsJson(a.labels);
    o["annotations"] = LabelsJson(a.annotations);
    o["startsAt"] = WebhookTime(a.starts_at_ms);
    o["endsAt"] = firing ? std::string(kGoZeroTime) : WebhookTime(a.ends_at_ms);
    o["generatorURL"] = a.generator_url;
    o["fingerprint"] = AlertFingerprint(a.labels);
    list.push_back(std::move(o));
  }
  boost::json::object body;
  body["version"] = "4";
  body["groupKey"] = "{}:{}";
  body["truncatedAlerts"] = 0;
  body["status"] = any_firing ? "firing" : "resolved";
  body["receiver"] = "gpuwatchdog";
  body["groupLabels"] = boost::json::object();
  body["commonLabels"] = Common(alerts, &NotifierAlert::labels);
  body["commonAnnotations"] = Common(alerts, &NotifierAlert::annotations);
  body["externalURL"] = external_url;
  body["alerts"] = std::move(list);
  return boost::json::serialize(body);
}

}  // namespace gw::rules
