#include "hub/store_metrics.h"

#include <string>

namespace gw::hub {
namespace {

void Add(std::vector<metrics::MetricFamily>* out, std::string name, std::string help,
         metrics::MetricType type, double value) {
  metrics::MetricFamily f;
  f.name = std::move(name);
  f.help = std::move(help);
  f.type = type;
  f.samples.push_back({{}, value});
  out->push_back(std::move(f));
}

}  // namespace

void AppendStoreMetrics(const tsdb::DbStats& s, std::vector<metrics::MetricFamily>* out) {
  using metrics::MetricType;
  const auto gauge = MetricType::kGauge;
  const auto counter = MetricType::kCounter;
  Add(out, "gw_tsdb_head_series", "Series in the head (in memory).", gauge,
      static_cast<double>(s.head.num_series));
  Add(out, "gw_tsdb_head_chunks", "Full chunks held in the head (each series also has an open one).",
      gauge, static_cast<double>(s.head.num_full_chunks));
  Add(out, "gw_tsdb_head_samples_appended_total", "Samples added to the head.", counter,
      static_cast<double>(s.head.samples_appended));
  Add(out, "gw_tsdb_head_series_created_total", "Series created in the head.", counter,
      static_cast<double>(s.head.series_created));
  Add(out, "gw_tsdb_head_series_removed_total", "Series dropped from the head.", counter,
      static_cast<double>(s.head.series_removed));
  Add(out, "gw_tsdb_out_of_order_samples_total",
      "Samples rejected because their series already had a later one.", counter,
      static_cast<double>(s.head.out_of_order_samples));
  Add(out, "gw_tsdb_duplicate_samples_total",
      "Samples rejected for repeating a timestamp with another value.", counter,
      static_cast<double>(s.head.duplicate_samples));
  Add(out, "gw_tsdb_out_of_bounds_samples_total",
      "Samples rejected for being older than the head accepts (already in a block).", counter,
      static_cast<double>(s.out_of_bounds_samples));
  Add(out, "gw_tsdb_stale_ref_samples_total",
      "Samples refused because the writer's cached series ref named a series the head had "
      "dropped (the next sample looks the series up again).",
      counter, static_cast<double>(s.stale_ref_samples));
  Add(out, "gw_tsdb_head_min_time_seconds", "Oldest sample time in the head.", gauge,
      s.head_max_t_ms >= s.head_min_t_ms ? static_cast<double>(s.head_min_t_ms) / 1000 : 0);
  Add(out, "gw_tsdb_head_max_time_seconds", "Newest sample time in the head.", gauge,
      s.head_max_t_ms >= s.head_min_t_ms ? static_cast<double>(s.head_max_t_ms) / 1000 : 0);
  Add(out, "gw_tsdb_blocks", "Blocks on disk.", gauge, static_cast<double>(s.blocks));
  Add(out, "gw_tsdb_blocks_bytes", "Bytes of the blocks on disk.", gauge,
      static_cast<double>(s.block_bytes));
  Add(out, "gw_tsdb_wal_bytes", "Bytes of the write-ahead log.", gauge,
      static_cast<double>(s.wal_bytes));
  Add(out, "gw_tsdb_wal_segments", "Segments of the write-ahead log.", gauge,
      static_cast<double>(s.wal_segments));
  Add(out, "gw_tsdb_wal_truncations_total", "Times old WAL segments were dropped.", counter,
      static_cast<double>(s.wal_truncations));
  Add(out, "gw_tsdb_head_cuts_total", "Blocks cut out of the head.", counter,
      static_cast<double>(s.head_cuts));
  Add(out, "gw_tsdb_compactions_total", "Compactions of blocks into larger ones.", counter,
      static_cast<double>(s.compactions));
  Add(out, "gw_tsdb_compactions_failed_total", "Compactions that failed.", counter,
      static_cast<double>(s.compaction_failures));
  Add(out, "gw_tsdb_retention_deleted_blocks_total", "Blocks deleted by retention.", counter,
      static_cast<double>(s.blocks_deleted_by_retention));
  Add(out, "gw_tsdb_commits_failed_total",
      "Commits refused because the WAL could not be written (the store then refuses samples).",
      counter, static_cast<double>(s.commits_failed));
}

}  // namespace gw::hub
