# XOR chunks, labels and symbols, the head and its index (docs/formats/chunks.md, head.md).
find_package(PkgConfig REQUIRED)
pkg_check_modules(RE2 REQUIRED IMPORTED_TARGET re2)

gw_cc_library(NAME gw_tsdb
  SRCS bitstream.cc varbit.cc xor_writer.cc xor_reader.cc int_writer.cc int_reader.cc
       chunk_encoding.cc labels.cc matcher.cc postings.cc
       series_iterator.cc mem_index.cc head_append.cc head_read.cc
  PUBLIC_DEPS gw_common PkgConfig::RE2)

gw_cc_test(NAME tsdb_test
  SRCS bitstream_test.cc xor_chunk_test.cc int_chunk_test.cc labels_test.cc matcher_test.cc
       head_test.cc head_index_test.cc head_concurrency_test.cc ref_table_test.cc
  DEPS gw_tsdb)

# For tests of the writers into the store (scrapes, remote_write): records committed samples.
gw_cc_library(NAME gw_tsdb_recording
  SRCS recording_storage.cc
  PUBLIC_DEPS gw_tsdb)
