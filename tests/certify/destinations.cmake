# The destination side of `connhost test-plugin` (included by tests/certify/CMakeLists.txt):
#   certify.dest_jsonl, certify.dest_sqlite, certify.dest_null   each bundled destination passes (exit 0; dest_null
#                                                                 has no read-back, so its value checks SKIP)
#   certify.dest_pg                                               the same against the test cluster (pg_server)
#   certify.broken.dest_ack_before_commit                        a destination that acknowledges before committing
#                                                                 fails readback.resumed_write (exit 1)
if(NOT PYTHON_FOR_TESTS)
  find_program(PYTHON_FOR_TESTS NAMES python3 PATHS /usr/bin NO_DEFAULT_PATH)
endif()
set(CONNHOST_CERTIFY_DEST_PLUGIN_DIR ${CMAKE_BINARY_DIR}/test-plugins/certify-dest)
connhost_add_plugin(dest_ack_before_commit SOURCES plugins/dest_ack_before_commit.cpp NO_INSTALL)
set_target_properties(dest_ack_before_commit PROPERTIES LIBRARY_OUTPUT_DIRECTORY ${CONNHOST_CERTIFY_DEST_PLUGIN_DIR})

set(_certify_dest_env
  "CONNHOST=$<TARGET_FILE:connhost>"
  "PG_TEST_SERVER_JSON=${CMAKE_BINARY_DIR}/pg-test-server.json"
  "BROKEN_DEST=$<TARGET_FILE:dest_ack_before_commit>")

function(connhost_certify_dest_test name)
  add_test(NAME certify.${name} COMMAND ${PYTHON_FOR_TESTS} ${CMAKE_CURRENT_SOURCE_DIR}/certify_dest_test.py ${ARGN}
           WORKING_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR})
  set_tests_properties(certify.${name} PROPERTIES TIMEOUT 300 LABELS certify ENVIRONMENT "${_certify_dest_env}")
endfunction()

foreach(dest dest_jsonl dest_sqlite dest_null)
  connhost_certify_dest_test(${dest} ${dest})
endforeach()
connhost_certify_dest_test(dest_pg dest_pg)
set_tests_properties(certify.dest_pg PROPERTIES FIXTURES_REQUIRED pg_server LABELS "certify;pg")
connhost_certify_dest_test(broken.dest_ack_before_commit broken_ack_before_commit)
