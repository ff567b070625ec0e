# Helpers so that each component's CMakeLists.txt is a few lines.
#
#   gw_cc_library(NAME gw_common SRCS a.cc b.cc DEPS fmt::fmt)
#   gw_cc_binary(NAME gpuwatchdog-gpu-exporter SRCS main.cc DEPS gw_gpu_exporter)
#   gw_cc_test(NAME common_test SRCS status_test.cc DEPS gw_common [LABELS unit])
#   gw_cc_fuzz(NAME exposition_fuzz SRCS exposition_fuzz.cc DEPS gw_metrics)

set(GW_WARNINGS -Wall -Wextra -Wpedantic -Wno-missing-field-initializers)

function(gw_apply_warnings target)
  target_compile_options(${target} PRIVATE ${GW_WARNINGS})
  if(GW_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()

function(gw_cc_library)
  cmake_parse_arguments(GW "" "NAME" "SRCS;DEPS;PUBLIC_DEPS" ${ARGN})
  add_library(${GW_NAME} STATIC ${GW_SRCS})
  target_include_directories(${GW_NAME} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(${GW_NAME} PUBLIC ${GW_PUBLIC_DEPS} ${GW_DEPS})
  gw_apply_warnings(${GW_NAME})
endfunction()

function(gw_cc_binary)
  cmake_parse_arguments(GW "" "NAME" "SRCS;DEPS" ${ARGN})
  add_executable(${GW_NAME} ${GW_SRCS})
  target_link_libraries(${GW_NAME} PRIVATE ${GW_DEPS})
  gw_apply_warnings(${GW_NAME})
endfunction()

function(gw_cc_test)
  cmake_parse_arguments(GW "" "NAME" "SRCS;DEPS;LABELS" ${ARGN})
  if(NOT GW_LABELS)
    set(GW_LABELS unit)
  endif()
  add_executable(${GW_NAME} ${GW_SRCS})
  target_link_libraries(${GW_NAME} PRIVATE ${GW_DEPS} GTest::gmock GTest::gtest_main)
  gw_apply_warnings(${GW_NAME})
  gtest_discover_tests(${GW_NAME}
    PROPERTIES LABELS "${GW_LABELS}"
    DISCOVERY_TIMEOUT 30)
endfunction()

function(gw_cc_fuzz)
  cmake_parse_arguments(GW "" "NAME" "SRCS;DEPS" ${ARGN})
  add_executable(${GW_NAME} ${GW_SRCS})
  target_link_libraries(${GW_NAME} PRIVATE ${GW_DEPS})
  target_compile_options(${GW_NAME} PRIVATE -fsanitize=fuzzer,address,undefined)
  target_link_options(${GW_NAME} PRIVATE -fsanitize=fuzzer,address,undefined)
  # The fuzz preset instruments whole libraries, which other programs cannot link against: build
  # it with `--target fuzzers` (scripts/run-fuzzers does).
  if(NOT TARGET fuzzers)
    add_custom_target(fuzzers)
  endif()
  add_dependencies(fuzzers ${GW_NAME})
endfunction()
