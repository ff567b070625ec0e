// The hub's alerting: the rule files and destinations of its config turned into a running
// rule manager and notifier, and their reload.
#ifndef GW_HUB_HUB_RULES_H_
#define GW_HUB_HUB_RULES_H_

#include <memory>
#include <string>

#include "common/clock.h"
#include "common/status.h"
#include "hub/hub.h"
#include "hub/hub_config.h"
#include "rules/manager.h"
#include "rules/notifier.h"
#include "tsdb/storage.h"

namespace gw::hub {

// The notifier's destinations: each Alertmanager target as scheme://target + path_prefix,
// and each webhook URL.
rules::NotifierOptions NotifierOptionsFrom(const HubConfig& config, const HubOptions& options);

class HubRules {
 public:
  // Loads the rule files and starts evaluating. Errors: a rule file's error (kInvalidArgument
  // "file:line: ...") or an unreadable file.
  static StatusOr<std::unique_ptr<HubRules>> Start(const HubConfig& config,
                                                   const HubOptions& options,
                                                   rules::QueryFn query, tsdb::Storage* storage,
                                                   const Clock* clock);
  ~HubRules();

  // Loads the config's rule files again; the old rules stay when one is invalid.
  Status Reload(const HubConfig& config);
  // Stops evaluating and sends what the notifier holds (a few seconds at most).
  void Stop();

  const rules::RuleManager& manager() const { return *manager_; }
  rules::Notifier* notifier() const { return notifier_.get(); }

 private:
  std::unique_ptr<rules::Notifier> notifier_;  // null without destinations
  std::unique_ptr<rules::RuleManager> manager_;
};

}  // namespace gw::hub

#endif  // GW_HUB_HUB_RULES_H_
