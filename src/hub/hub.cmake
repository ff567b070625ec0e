# The hub daemon: the read API, the store's metrics and the wiring (docs/api.md). Included by
# src/hub/CMakeLists.txt.

gw_cc_library(NAME gw_hub_api
  SRCS api.cc store_metrics.cc
  DEPS gw_promql gw_http Boost::json
  PUBLIC_DEPS gw_tsdb_db gw_metrics)

# The query side of the API over the PromQL engine.
gw_cc_library(NAME gw_hub_query
  SRCS external_api.cc query_api.cc query_json.cc
  DEPS gw_hub_api gw_http Boost::json
  PUBLIC_DEPS gw_promql_engine)

# /api/v1/rules and /api/v1/alerts over the rule manager.
gw_cc_library(NAME gw_hub_rules_api
  SRCS rules_api.cc
  DEPS gw_hub_api gw_http Boost::json
  PUBLIC_DEPS gw_rules)

# /api/v1/stream: live updates for the dashboard (Server-Sent Events).
gw_cc_library(NAME gw_hub_live
  SRCS live_feed.cc
  DEPS gw_http gw_common)

gw_cc_library(NAME gw_hub
  SRCS hub.cc hub_flags.cc hub_rules.cc web_ui.cc
  DEPS gw_hub_live gw_hub_api gw_hub_query gw_hub_rules_api gw_rules gw_hub_scrape gw_hub_config gw_remote_io gw_tsdb_db gw_http gw_common)
target_compile_definitions(gw_hub PRIVATE GW_VERSION="${PROJECT_VERSION}"
  GW_WEB_UI_DIR="${PROJECT_SOURCE_DIR}/web/dist")

gw_cc_binary(NAME gpuwatchdog SRCS main.cc DEPS gw_hub)

gw_cc_test(NAME hub_api_test
  SRCS api_test.cc
  DEPS gw_hub_api)
gw_cc_test(NAME hub_live_feed_test SRCS live_feed_test.cc DEPS gw_hub_live)
gw_cc_test(NAME hub_web_ui_test SRCS web_ui_test.cc DEPS gw_hub gw_http)

gw_cc_test(NAME hub_query_api_test
  SRCS query_api_test.cc query_json_test.cc
  DEPS gw_hub_query gw_tsdb_db)
