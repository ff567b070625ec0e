# The write-ahead log: CRC32C, the file Env (POSIX and fault-injecting), the WAL format, writer,
# reader and the store's record codecs. Included by src/tsdb/CMakeLists.txt.
gw_cc_library(NAME gw_tsdb_wal
  SRCS crc32c.cc file_env.cc file_env_posix.cc file_env_fault.cc
       wal_segments.cc wal_writer.cc wal_reader.cc wal_repair.cc wal_record.cc
  PUBLIC_DEPS gw_common)

gw_cc_test(NAME tsdb_wal_test
  SRCS crc32c_test.cc file_env_test.cc wal_test.cc wal_fault_test.cc wal_record_test.cc
  DEPS gw_tsdb_wal
  LABELS unit)
