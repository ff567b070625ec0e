// Sends alerts to Alertmanager (POST /api/v2/alerts, as Prometheus' notifier does) and directly
// to webhooks (the JSON body Alertmanager's webhook receiver sends, version 4), so existing
// receivers work without an Alertmanager. Sending never blocks the caller: alerts are queued
// per destination and sent by that destination's own thread with retries and backoff, so a slow
// or dead destination delays only itself. The bodies are built in notifier_format.h.
#ifndef GW_RULES_NOTIFIER_H_
#define GW_RULES_NOTIFIER_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "metrics/metric_family.h"
#include "tsdb/labels.h"

namespace gw::rules {

// An alert as sent: firing while ends_at is in the future (by the notifier's Clock when the
// body is built), resolved once it has passed, as Alertmanager decides.
struct NotifierAlert {
  tsdb::Labels labels;  // alertname included; external labels are added by the notifier
  tsdb::Labels annotations;
  // FiredAt. 0: not set (left out of the Alertmanager body; Alertmanager then uses "now").
  int64_t starts_at_ms = 0;
  // ResolvedAt for a resolved alert; for a firing one its validity limit, which Prometheus sets
  // to eval time + 4 * max(eval interval, resend delay) so that Alertmanager resolves it by
  // itself if the hub stops re-sending. 0: not set (firing; left out of the Alertmanager body,
  // which then applies its resolve_timeout).
  int64_t ends_at_ms = 0;
  std::string generator_url;  // left out of the Alertmanager body when empty
};

struct NotifierOptions {
  // Base URLs: "http://127.0.0.1:9093" (the notifier posts to <url>/api/v2/alerts).
  std::vector<std::string> alertmanager_urls;
  // Full URLs, posted to as they are. A URL listed twice is one destination.
  std::vector<std::string> webhook_urls;
  tsdb::Labels external_labels;  // added to every alert's labels (the alert's own labels win)
  std::string external_url;      // the webhook body's externalURL
  std::chrono::milliseconds timeout{10'000};  // per request
  size_t queue_capacity = 10'000;  // alerts per destination; the oldest are dropped past it
  size_t max_batch = 256;          // alerts per POST (and per webhook body)
  // Waits between attempts after a connection error, a timeout, a 5xx or a 429: initial, then
  // doubling up to max. Other answers (4xx, 3xx) are not retried: the batch is dropped.
  std::chrono::milliseconds initial_backoff{500};
  std::chrono::milliseconds max_backoff{30'000};
  int max_attempts = 5;  // per batch, the first included; then the batch is dropped
};

// Thread-safe. Destroying it calls Stop(0ms).
class Notifier {
 public:
  virtual ~Notifier() = default;
  // Starts one sending thread per destination. `clock` (not owned, must outlive the notifier)
  // decides firing or resolved in webhook bodies; backoff waits use the steady clock.
  // Errors: kInvalidArgument naming the URL when one does not parse (not http(s), user info).
  static StatusOr<std::unique_ptr<Notifier>> Start(const NotifierOptions& options,
                                                   const Clock* clock);

  // Adds the external labels, queues the alerts for every destination and returns at once.
  // After Stop, the alerts are only counted as dropped.
  virtual void Send(std::vector<NotifierAlert> alerts) = 0;
  // Per destination (label destination: the URL as configured, without its query, where
  // webhook tokens tend to live), counting alerts: gw_notifications_sent_total (acknowledged
  // with 2xx), _errors_total (in failed attempts, once per attempt), _dropped_total (pushed
  // out of a full queue, refused, out of attempts, or left when Stop's deadline passed), and
  // the gauge gw_notifications_queue_length (queued, the batch in flight not included).
  virtual void AppendMetrics(std::vector<metrics::MetricFamily>& out) const = 0;
  // Sends what is queued, retries included, for at most `deadline`, drops what is left, and
  // ends the threads. A request already in flight when Stop is called is not interrupted and
  // may outlast the deadline by up to options.timeout; later ones are cut to the deadline.
  // Idempotent.
  virtual void Stop(std::chrono::milliseconds deadline) = 0;
};

}  // namespace gw::rules

#endif  // GW_RULES_NOTIFIER_H_
