// /api/v1/rules and /api/v1/alerts: the rule manager's groups, rules and alerts in Prometheus
// 2.42's JSON (docs/api.md).
#ifndef GW_HUB_RULES_API_H_
#define GW_HUB_RULES_API_H_

#include <optional>

#include "http/http_types.h"
#include "rules/manager.h"

namespace gw::hub {

// Thread-safe; the manager must outlive it.
class RulesApi {
 public:
  explicit RulesApi(const rules::RuleManager* manager) : manager_(manager) {}

  // The answer for /api/v1/rules (parameter type=alert|record) and /api/v1/alerts, nullopt
  // for any other path.
  std::optional<http::Response> Handle(const http::Request& request) const;

 private:
  const rules::RuleManager* manager_;
};

}  // namespace gw::hub

#endif  // GW_HUB_RULES_API_H_
