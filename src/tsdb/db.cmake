# The store: head + WAL + blocks behind the Storage interface (docs/formats/db.md). Included by
# src/tsdb/CMakeLists.txt.
gw_cc_library(NAME gw_tsdb_db
  SRCS db_paths.cc db_open.cc db_append.cc db_maintain.cc db_query.cc
  PUBLIC_DEPS gw_tsdb_block gw_tsdb_wal gw_tsdb)

gw_cc_test(NAME tsdb_db_test
  SRCS db_test.cc
  DEPS gw_tsdb_db
  LABELS unit)
