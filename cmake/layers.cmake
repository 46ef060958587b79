# The layer diagram, enforced. Every Doorstep target has a rank; a target may link only targets of
# a strictly lower rank (so two targets of one rank, e.g. the sync client and the sync server,
# never link each other), and some external libraries only from a given rank up (the command-line
# parser only in apps, the HTTP server and PostgreSQL only in the server).
#
#   0 doorstep_proto                                   generated protobuf messages
#   1 doorstep_status                                  the one error model
#   2 doorstep_sqlite                                  private SQLite layer (core and server stores)
#   3 doorstep_core                                    forms, records, signatures, the tablet store
#   4 doorstep_posix, doorstep_sync_protocol           host ports; wire, merge rule, checksums
#   5 doorstep_sync_client, doorstep_sync_server       sync client (no HTTP library); township server
#   6 doorstep_registry, doorstep_sync_curl            the registry domain pack (on core); the
#                                                      client's optional libcurl transport
#   7 doorstep_registry_server, doorstep_capi          the pack on the server's public API; the C ABI
#   8 doorstep_app, doorstep_jni                       what command-line programs share; Java binding
#   9 doorstep_cli, doorstep_server_cli                the commands of `doorstep`, `doorstep-server`
#  10 doorstep, doorstep-server, doorstep-demo         the programs
#  11 doorstep_testdata                              generated test data (tests and benchmarks)
#  12 doorstep_test_support                          Catch2 helpers
#  13 test binaries, benchmarks, fuzz targets         may link anything below
#
# Configure fails on a violation; the ctest "layers: ..." tests re-run the same check on the
# generated link graph and prove the check refuses a bad graph.
set(DOORSTEP_LAYER_RANKS
  doorstep_proto=0 doorstep_status=1 doorstep_sqlite=2 doorstep_core=3
  doorstep_posix=4 doorstep_sync_protocol=4
  doorstep_sync_client=5 doorstep_sync_server=5
  doorstep_registry=6 doorstep_sync_curl=6 doorstep_registry_server=7 doorstep_capi=7 doorstep_app=8
  doorstep_jni=8 doorstep_cli=9 doorstep_server_cli=9
  doorstep=10 doorstep-server=10 doorstep-demo=10
  doorstep_testdata=11 doorstep_test_support=12
  doorstep_core_tests=13 doorstep_cli_tests=13 doorstep_sync_tests=13 doorstep_registry_tests=13
  bench_core=13 bench_registry=13 bench_sync=13
  doorstep_capi_tests=13 doorstep_capi_c_test=13 doorstep_form_compile=13
  fuzz_change_set=13 fuzz_pull_page=13 fuzz_push_answer=13 fuzz_server_push=13 fuzz_form=13
  fuzz_expression=13 fuzz_strokes=13 fuzz_import=13)
# External libraries: the lowest rank allowed to link each.
set(DOORSTEP_LAYER_EXTERNAL
  CLI11::CLI11=8 PkgConfig::HTTPLIB=5 PkgConfig::PQXX=5 CURL::libcurl=6)

# Writes the link graph of every ranked target to `out`: one line per target,
# "target rank linked;linked;...". Call at the end of the top-level CMakeLists.txt.
function(doorstep_write_link_graph out)
  set(text "")
  foreach(pair IN LISTS DOORSTEP_LAYER_RANKS)
    string(REPLACE "=" ";" kv "${pair}")
    list(GET kv 0 target)
    list(GET kv 1 rank)
    if(NOT TARGET ${target})
      continue()
    endif()
    get_target_property(libs ${target} LINK_LIBRARIES)
    get_target_property(ilibs ${target} INTERFACE_LINK_LIBRARIES)
    set(all "")
    foreach(lib IN LISTS libs ilibs)
      if(lib AND NOT lib MATCHES "-NOTFOUND$" AND NOT lib MATCHES "^\\$<")
        list(APPEND all "${lib}")
      endif()
    endforeach()
    list(REMOVE_DUPLICATES all)
    list(JOIN all "," joined)
    string(APPEND text "${target} ${rank} ${joined}\n")
  endforeach()
  file(WRITE "${out}" "${text}")
endfunction()
