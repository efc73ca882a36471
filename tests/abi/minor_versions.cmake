# ---- f. minor versions load in both directions, and the read-back extension -----------------------------------
# grow_header.py writes abi-1.1/include/connhost/plugin_api.h: plugin_api.h as a minor 1.1 would grow it (a test-only
# field at the end of every struct, CONNHOST_ABI_MINOR 1). connhost_1_1 is the connhost executable's own sources
# built against it; plugins-1.1/ holds source_faker, dest_jsonl and plain_c_source built against it through the
# normal connhost_add_plugin(). host_plugin_cases.py then runs the same cases for each pairing:
#   abi.read_back.*          the normal host and connectors (connhost.read_back/1 of dest_jsonl, dest_null without it)
#   abi.minor.host_1_1.*     the 1.1 host with the 1.0 connectors
#   abi.minor.plugins_1_1.*  the 1.0 host with the 1.1 connectors
set(ABI_GROWN_INCLUDE ${CMAKE_CURRENT_BINARY_DIR}/abi-1.1/include)
set(ABI_PLUGINS_1_1 ${CMAKE_CURRENT_BINARY_DIR}/plugins-1.1)
set(grown_header ${ABI_GROWN_INCLUDE}/connhost/plugin_api.h)
add_custom_command(OUTPUT ${grown_header}
  COMMAND ${PYTHON_FOR_TESTS} ${CMAKE_CURRENT_SOURCE_DIR}/grow_header.py ${ABI_API_INCLUDE}/connhost/plugin_api.h ${grown_header}
  DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/grow_header.py ${ABI_API_INCLUDE}/connhost/plugin_api.h
  COMMENT "Growing plugin_api.h into a 1.1 copy for the minor-version tests"
  VERBATIM)
add_custom_target(abi_grown_header DEPENDS ${grown_header})

# Compiles `target` against the grown header (its include directory ahead of plugin-api/include).
function(abi_use_grown_header target)
  target_include_directories(${target} BEFORE PRIVATE ${ABI_GROWN_INCLUDE})
  # A positional initializer written for 1.0 leaves the 1.1 field zero: exactly the "absent" that minors rely on.
  target_compile_options(${target} PRIVATE -Wno-missing-field-initializers)
  add_dependencies(${target} abi_grown_header)
endfunction()

# The absolute paths of `target`'s sources.
function(abi_sources_of target out)
  get_target_property(dir ${target} SOURCE_DIR)
  get_target_property(sources ${target} SOURCES)
  set(paths)
  foreach(s IN LISTS sources)
    if(IS_ABSOLUTE ${s})
      list(APPEND paths ${s})
    else()
      list(APPEND paths ${dir}/${s})
    endif()
  endforeach()
  set(${out} ${paths} PARENT_SCOPE)
endfunction()

# abi_host_plugin_cases(<prefix> HOST <exe> FAKER <lib> JSONL <lib> [NULL_DEST <lib>] CASES <case...>)
function(abi_host_plugin_cases prefix)
  cmake_parse_arguments(ARG "" "HOST;FAKER;JSONL;NULL_DEST" "CASES" ${ARGN})
  foreach(case IN LISTS ARG_CASES)
    add_test(NAME ${prefix}.${case} COMMAND ${PYTHON_FOR_TESTS} ${CMAKE_CURRENT_SOURCE_DIR}/host_plugin_cases.py ${case})
    set_tests_properties(${prefix}.${case} PROPERTIES LABELS abi TIMEOUT 300 ENVIRONMENT
      "CONNHOST=${ARG_HOST};FAKER=${ARG_FAKER};JSONL=${ARG_JSONL};NULL_DEST=${ARG_NULL_DEST};CONFORMANCE=${CONNHOST_CONFORMANCE_DIR};WORK=${CMAKE_CURRENT_BINARY_DIR}/cases/${prefix};CONNHOST_PLUGIN_PATH=")
  endforeach()
endfunction()

set(faker_1_0 $<TARGET_FILE:source_faker>)
set(jsonl_1_0 $<TARGET_FILE:dest_jsonl>)
abi_host_plugin_cases(abi.read_back HOST ${CONNHOST} FAKER ${faker_1_0} JSONL ${jsonl_1_0} NULL_DEST $<TARGET_FILE:dest_null>
  CASES write_read_back unsupported)

# The sanitizer build keeps the read-back cases but not the second host: the minor-version cases check layouts and
# sizes, which the normal build covers, and the 1.1 host would double the sanitizer build's host compile.
if(CONNHOST_SANITIZE)
  return()
endif()

# The 1.1 host: connhost_core's and connhost's sources, compiled against the grown header.
abi_sources_of(connhost_core core_sources)
abi_sources_of(connhost cli_sources)
get_target_property(core_includes connhost_core INCLUDE_DIRECTORIES)
get_target_property(core_definitions connhost_core COMPILE_DEFINITIONS)
add_executable(connhost_1_1 ${core_sources} ${cli_sources})
target_compile_features(connhost_1_1 PRIVATE cxx_std_20)
target_include_directories(connhost_1_1 PRIVATE ${core_includes})
target_compile_definitions(connhost_1_1 PRIVATE ${core_definitions})
target_link_libraries(connhost_1_1 PRIVATE connhost::json_scan Boost::headers Boost::program_options spdlog::spdlog ${CMAKE_DL_LIBS} Threads::Threads)
set_target_properties(connhost_1_1 PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR})
abi_use_grown_header(connhost_1_1)

# Connectors built against the grown header, exactly as a connector author on ABI 1.1 would build them.
set(CONNHOST_PLUGIN_OUTPUT_DIR ${ABI_PLUGINS_1_1})
foreach(plugin IN ITEMS source_faker dest_jsonl)
  abi_sources_of(${plugin} plugin_sources)
  connhost_add_plugin(${plugin}_1_1 NO_INSTALL SOURCES ${plugin_sources})
  abi_use_grown_header(${plugin}_1_1)
endforeach()
connhost_add_plugin(plain_c_source_1_1 NO_INSTALL SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/plugins/plain_c_source.c)
set_target_properties(plain_c_source_1_1 PROPERTIES C_STANDARD 99 C_STANDARD_REQUIRED ON C_EXTENSIONS OFF)
abi_use_grown_header(plain_c_source_1_1)
unset(CONNHOST_PLUGIN_OUTPUT_DIR)

abi_host_plugin_cases(abi.minor.host_1_1 HOST $<TARGET_FILE:connhost_1_1> FAKER ${faker_1_0} JSONL ${jsonl_1_0}
  CASES spec_check faker_read write_read_back sync sync_isolated)
abi_host_plugin_cases(abi.minor.plugins_1_1 HOST ${CONNHOST} FAKER $<TARGET_FILE:source_faker_1_1> JSONL $<TARGET_FILE:dest_jsonl_1_1>
  CASES spec_check faker_read write_read_back sync sync_isolated)

# A plain C connector reads a host field of 1.1 only when the host's table has it.
set(data ${CMAKE_CURRENT_SOURCE_DIR}/data)
set(plain_read read --config ${data}/plain_c_config.json --catalog ${data}/plain_c_catalog.json)
abi_expect(abi.minor.plain_c_1_1_on_host_1_0 --exit 0 --sequence RECORD,RECORD,STATE,RECORD,STATE
  --log-has "plain_c_source: the host table ends before the 1.1 field"
  -- ${CONNHOST} run --plugin $<TARGET_FILE:plain_c_source_1_1> ${plain_read})
abi_expect(abi.minor.plain_c_1_1_on_host_1_1 --exit 0 --sequence RECORD,RECORD,STATE,RECORD,STATE
  --log-has "plain_c_source: the host table has the 1.1 field"
  -- $<TARGET_FILE:connhost_1_1> run --plugin $<TARGET_FILE:plain_c_source_1_1> ${plain_read})
abi_expect(abi.minor.plain_c_1_0_on_host_1_1 --exit 0 --sequence RECORD,RECORD,STATE,RECORD,STATE
  -- $<TARGET_FILE:connhost_1_1> run --plugin ${ABI_PLUGINS_OK}/libplain_c_source.so ${plain_read})
abi_expect(abi.minor.host_1_1_lists_1_0 --exit 0 --text
  --out-match "^plain_c_source +source +0\\.0\\.1 +1\\.0 +${ABI_PLUGINS_OK}/libplain_c_source\\.so$"
  -- $<TARGET_FILE:connhost_1_1> plugins --plugin-dir ${ABI_PLUGINS_OK})
abi_expect(abi.minor.host_1_0_lists_1_1 --exit 0 --text
  --out-match "^source_faker +source +[0-9.]+ +1\\.1 +${ABI_PLUGINS_1_1}/libsource_faker_1_1\\.so$"
  --out-match "^dest_jsonl +destination +[0-9.]+ +1\\.1 +${ABI_PLUGINS_1_1}/libdest_jsonl_1_1\\.so$"
  -- ${CONNHOST} plugins --plugin-dir ${ABI_PLUGINS_1_1})
