# Proves that clockwork can be consumed with find_package(clockwork), from an install prefix and
# from a build tree, the way a downstream project would. Run by ctest (consumer.find_package):
#   cmake -DSOURCE_DIR=... -DBUILD_DIR=... -DCXX=... -P tools/consumer-test.cmake
set(work ${BUILD_DIR}/consumer-test)
file(REMOVE_RECURSE ${work})

function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "command failed (${rc}): ${ARGN}\n${out}")
  endif()
endfunction()

run(${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${work}/prefix)

foreach(mode installed build-tree)
  if(mode STREQUAL "installed")
    set(locate -DCMAKE_PREFIX_PATH=${work}/prefix)
  else()
    set(locate -Dclockwork_DIR=${BUILD_DIR})
  endif()
  # The consumer builds with the flags clockwork was built with: a sanitizer build of the
  # library needs the sanitizer runtime at link time.
  run(${CMAKE_COMMAND} -S ${SOURCE_DIR}/tools/consumer -B ${work}/${mode} -G Ninja -DCMAKE_CXX_COMPILER=${CXX}
      "-DCMAKE_CXX_FLAGS=${CXX_FLAGS}" "-DCMAKE_EXE_LINKER_FLAGS=${LINKER_FLAGS}" ${locate})
  run(${CMAKE_COMMAND} --build ${work}/${mode})
  run(${work}/${mode}/consumer)
  message(STATUS "consumer built and ran against the ${mode} package")
endforeach()
