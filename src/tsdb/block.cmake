# Immutable blocks on disk, compaction and retention (docs/formats/block.md). Included by
# src/tsdb/CMakeLists.txt.
gw_cc_library(NAME gw_tsdb_block
  SRCS block_format.cc block_meta.cc block_index_writer.cc block_index_reader.cc
       block_writer.cc block.cc block_dir.cc compact.cc retention.cc
  PUBLIC_DEPS gw_tsdb gw_tsdb_wal
  DEPS Boost::json)

gw_cc_test(NAME tsdb_block_test
  SRCS block_test.cc compact_test.cc block_fault_test.cc
  DEPS gw_tsdb_block
  LABELS unit)
