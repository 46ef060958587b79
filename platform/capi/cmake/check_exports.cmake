# The ABI checks of libdoorstep.so (ctest "capi: ..."), run with cmake -P:
#   MODE=symbols NM=<nm> LIBRARY=<libdoorstep.so> LIST=<exported_symbols.txt>
#     the library's dynamic symbols (nm -D --defined-only) must be exactly the checked-in list;
#   MODE=header HEADER=<doorstep.h> LIST=<exported_symbols.txt>
#     every DS_EXPORT function of the header must be in the list, and every listed name in the
#     header.
# A deliberate ABI change updates the list in the same commit (its two comment lines kept):
#   { head -n 2 platform/capi/exported_symbols.txt
#     nm -D --defined-only build/<dir>/platform/capi/libdoorstep.so | awk '{print $3}' \
#       | sed 's/@.*//' | LC_ALL=C sort; } > /tmp/list && mv /tmp/list platform/capi/exported_symbols.txt

cmake_minimum_required(VERSION 3.25)

function(read_list out)
  file(STRINGS "${LIST}" lines)
  set(names "")
  foreach(line IN LISTS lines)
    string(STRIP "${line}" line)
    if(line STREQUAL "" OR line MATCHES "^#")
      continue()
    endif()
    list(APPEND names "${line}")
  endforeach()
  list(SORT names)
  set(${out} "${names}" PARENT_SCOPE)
endfunction()

# Names in `a` and not in `b`.
function(missing out a b)
  set(result "")
  foreach(name IN LISTS ${a})
    if(NOT name IN_LIST ${b})
      list(APPEND result "${name}")
    endif()
  endforeach()
  set(${out} "${result}" PARENT_SCOPE)
endfunction()

function(report what_a a what_b b)
  missing(only_a ${a} ${b})
  missing(only_b ${b} ${a})
  if(only_a OR only_b)
    set(msg "")
    foreach(name IN LISTS only_a)
      string(APPEND msg "  + ${name}   (${what_a}, not ${what_b})\n")
    endforeach()
    foreach(name IN LISTS only_b)
      string(APPEND msg "  - ${name}   (${what_b}, not ${what_a})\n")
    endforeach()
    message(FATAL_ERROR "ABI check failed:\n${msg}"
      "If the change is deliberate, update platform/capi/exported_symbols.txt (see "
      "platform/capi/cmake/check_exports.cmake) and, for a removal or a changed signature, "
      "DS_ABI_VERSION.")
  endif()
endfunction()

read_list(listed)
list(LENGTH listed n_listed)

if(MODE STREQUAL "symbols")
  execute_process(COMMAND "${NM}" -D --defined-only "${LIBRARY}"
    OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${NM} -D --defined-only ${LIBRARY} failed: ${err}")
  endif()
  string(REPLACE "\n" ";" lines "${out}")
  set(exported "")
  foreach(line IN LISTS lines)
    # "0000000000012345 T ds_version" (possibly "ds_version@@VERS"); skip blank lines.
    if(line MATCHES "^[0-9a-fA-F]* *[A-Za-z] +([^ @]+)")
      list(APPEND exported "${CMAKE_MATCH_1}")
    endif()
  endforeach()
  list(REMOVE_DUPLICATES exported)
  list(SORT exported)
  list(LENGTH exported n_exported)
  report("exported by the library" exported "in exported_symbols.txt" listed)
  message(STATUS "libdoorstep exports exactly the ${n_exported} listed symbols")
elseif(MODE STREQUAL "header")
  file(READ "${HEADER}" text)
  # Drop comments, then take the name before '(' of every DS_EXPORT declaration.
  string(REGEX REPLACE "/\\*([^*]|\\*+[^*/])*\\*+/" "" text "${text}")
  string(REGEX MATCHALL "DS_EXPORT[^;(]*\\(" decls "${text}")
  set(declared "")
  foreach(decl IN LISTS decls)
    # (The #define of DS_EXPORT itself matches too; only ds_ names are functions.)
    if(decl MATCHES "(ds_[A-Za-z0-9_]*)[ \t\r\n]*\\($")
      list(APPEND declared "${CMAKE_MATCH_1}")
    endif()
  endforeach()
  list(REMOVE_DUPLICATES declared)
  list(SORT declared)
  list(LENGTH declared n_declared)
  report("declared DS_EXPORT in doorstep.h" declared "in exported_symbols.txt" listed)
  message(STATUS "doorstep.h declares exactly the ${n_declared} listed functions")
else()
  message(FATAL_ERROR "MODE must be symbols or header")
endif()
