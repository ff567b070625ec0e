#include "hub/hub_rules.h"

#include <fmt/format.h>

#include <utility>

#include "common/logging.h"
#include "rules/rule_file.h"

namespace gw::hub {
namespace {

tsdb::Labels ExternalLabels(const HubConfig& config) {
  std::vector<tsdb::Label> labels;
  for (const auto& [name, value] : config.global.external_labels) labels.push_back({name, value});
  StatusOr<tsdb::Labels> out = tsdb::Labels::FromPairs(std::move(labels));
  return out.ok() ? *out : tsdb::Labels{};
}

}  // namespace

rules::NotifierOptions NotifierOptionsFrom(const HubConfig& config, const HubOptions& options) {
  rules::NotifierOptions o;
  for (const AlertmanagerConfig& am : config.alertmanagers) {
    std::string prefix = am.path_prefix;
    while (prefix.ends_with('/')) prefix.pop_back();
    for (const StaticConfig& sc : am.static_configs) {
      for (const std::string& target : sc.targets) {
        o.alertmanager_urls.push_back(fmt::format("{}://{}{}", am.scheme, target, prefix));
      }
    }
    o.timeout = std::chrono::milliseconds(am.timeout_ms);
  }
  for (const WebhookConfig& w : config.webhooks) o.webhook_urls.push_back(w.url);
  o.external_labels = ExternalLabels(config);
  o.external_url = options.external_url;
  return o;
}

StatusOr<std::unique_ptr<HubRules>> HubRules::Start(const HubConfig& config,
                                                    const HubOptions& options,
                                                    rules::QueryFn query, tsdb::Storage* storage,
                                                    const Clock* clock) {
  GW_ASSIGN_OR_RETURN(std::vector<rules::RuleGroup> groups,
                      rules::LoadRuleFiles(config.rule_files, ""));
  auto out = std::unique_ptr<HubRules>(new HubRules());
  rules::NotifierOptions notifier_options = NotifierOptionsFrom(config, options);
  if (!notifier_options.alertmanager_urls.empty() || !notifier_options.webhook_urls.empty()) {
    GW_ASSIGN_OR_RETURN(out->notifier_, rules::Notifier::Start(notifier_options, clock));
  }
  rules::ManagerOptions mo;
  mo.default_interval_ms = config.global.evaluation_interval_ms;
  mo.resend_delay_ms = options.rules_resend_delay_ms;
  mo.for_outage_tolerance_ms = options.rules_for_outage_tolerance_ms;
  mo.for_grace_period_ms = options.rules_for_grace_period_ms;
  mo.external_labels = notifier_options.external_labels;
  mo.external_url = options.external_url;
  out->manager_ = std::make_unique<rules::RuleManager>(std::move(query), storage,
                                                       out->notifier_.get(), clock, mo);
  size_t rules = 0;
  for (const rules::RuleGroup& g : groups) rules += g.rules.size();
  GW_LOG_INFO("loaded {} rule groups with {} rules", groups.size(), rules);
  out->manager_->Update(std::move(groups));
  out->manager_->Start();
  return out;
}

HubRules::~HubRules() { Stop(); }

Status HubRules::Reload(const HubConfig& config) {
  GW_ASSIGN_OR_RETURN(std::vector<rules::RuleGroup> groups,
                      rules::LoadRuleFiles(config.rule_files, ""));
  manager_->Update(std::move(groups));
  return Status::Ok();
}

void HubRules::Stop() {
  if (manager_) manager_->Stop();
  if (notifier_) notifier_->Stop(std::chrono::seconds(5));
}

}  // namespace gw::hub
