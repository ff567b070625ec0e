// The JSON bodies the notifier posts: Alertmanager's v2 ingest array (as Prometheus' notifier
// sends it) and the webhook payload Alertmanager sends to receivers (version 4). Pure
// functions, apart from the notifier's queues and threads so they can be tested on their own.
#ifndef GW_RULES_NOTIFIER_FORMAT_H_
#define GW_RULES_NOTIFIER_FORMAT_H_

#include <cstdint>
#include <span>
#include <string>

#include "rules/notifier.h"
#include "tsdb/labels.h"

namespace gw::rules {

// RFC 3339 in UTC with milliseconds, as Prometheus' notifier writes times (go-openapi's
// strfmt.DateTime): "2026-11-29T10:00:00.123Z".
std::string FormatAlertTime(int64_t ms);

// Alertmanager's fingerprint of a label set (prometheus/common model.LabelSet.Fingerprint):
// FNV-1a 64 over, for each label in name order, name 0xff value 0xff; as 16 lower-case hex
// digits, as model.Fingerprint.String() prints it.
std::string AlertFingerprint(const tsdb::Labels& labels);

// `labels` plus each external label whose name `labels` lacks.
tsdb::Labels WithExternalLabels(const tsdb::Labels& labels, const tsdb::Labels& external);

// True while the alert is firing at now_ms: ends_at_ms unset (0) or still in the future
// (Alertmanager's rule: resolved once EndsAt <= now).
bool AlertFiring(const NotifierAlert& alert, int64_t now_ms);

// The body of POST /api/v2/alerts: [{labels, annotations, startsAt, endsAt, generatorURL}].
// startsAt / endsAt are left out when 0 (Alertmanager then uses now / now + resolve_timeout);
// generatorURL is left out when empty, as Prometheus does.
std::string AlertmanagerBody(std::span<const NotifierAlert> alerts);

// Alertmanager's webhook payload, version "4", for one batch with no grouping: groupKey
// "{}:{}", groupLabels {}, receiver "gpuwatchdog", status "firing" when any alert is firing at
// now_ms. A firing alert's endsAt is Go's zero time "0001-01-01T00:00:00Z", as Alertmanager
// hides the end of alerts not yet resolved.
std::string WebhookBody(std::span<const NotifierAlert> alerts, const std::string& external_url,
                        int64_t now_ms);

}  // namespace gw::rules

#endif  // GW_RULES_NOTIFIER_FORMAT_H_
