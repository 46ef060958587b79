# Runs one JUnit 5 test class in its own JVM under -Xcheck:jni and fails when JUnit fails or when
# the JVM printed any JNI warning (a local reference overflow, a JNI call with an exception
# pending, a bad UTF string...). HotSpot's checked JNI only warns and goes on; this turns each
# warning into a test failure.
#
# cmake -DJAVA=... -DCLASSPATH=... -DTEST_CLASS=... -DJNI_LIBRARY=... -DSERVER=... -DFORM_PB=...
#       -DFORM_DIR=... -DWORK_DIR=... -P run_junit.cmake
foreach(var JAVA CLASSPATH TEST_CLASS JNI_LIBRARY SERVER FORM_PB FORM_DIR WORK_DIR)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "run_junit.cmake: -D${var}=... missing")
  endif()
endforeach()
file(MAKE_DIRECTORY ${WORK_DIR})
execute_process(
  COMMAND ${JAVA} -Xcheck:jni -Xms128m -Xmx128m -XX:+AlwaysPreTouch
    -Ddoorstep.jni.library=${JNI_LIBRARY}
    -Ddoorstep.server=${SERVER}
    -Ddoorstep.form.pb=${FORM_PB}
    -Ddoorstep.form.dir=${FORM_DIR}
    -Ddoorstep.work=${WORK_DIR}
    -cp ${CLASSPATH}
    org.junit.platform.console.ConsoleLauncher
    --disable-banner --details=tree --disable-ansi-colors --fail-if-no-tests
    --select-class ${TEST_CLASS}
  RESULT_VARIABLE rc
  OUTPUT_VARIABLE out
  ERROR_VARIABLE err)
message("${out}")
if(err)
  message("--- stderr ---\n${err}")
endif()
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "JUnit failed (exit code ${rc})")
endif()
# HotSpot's -Xcheck:jni messages: "WARNING in native method: ...", "WARNING: JNI local refs: N,
# exceeds capacity: M", "FATAL ERROR in native method: ...".
set(jni_warning "(WARNING in native method|WARNING: JNI |FATAL ERROR in native method|JNI WARNING)")
if("${out}${err}" MATCHES "${jni_warning}")
  message(FATAL_ERROR "the JVM printed a JNI warning under -Xcheck:jni: ${CMAKE_MATCH_0}")
endif()
message("no JNI warning under -Xcheck:jni")
