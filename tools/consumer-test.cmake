# clockwork consumed the ways a downstream project takes it in (the consumer.* ctests):
#   cmake -DMODE=<mode> -DSOURCE_DIR=<clockwork> -DBUILD_DIR=<its build> -DVERSION=<x.y.z> -DLIBDIR=<lib>
#         -DCXX=<compiler> [-DLAUNCHER=ccache] [-DCXX_FLAGS=...] [-DLINKER_FLAGS=...]
#         -P tools/consumer-test.cmake
# MODE:
#   install_tree      an install holds the libraries under consistent names, the headers with
#                     clockwork/version.hpp, the CMake package and the .pc files, the three
#                     commands — and nothing of the demo catalogue (clockwork::scenarios).
#   find_package      tools/consumer/ built against an install and against the build tree, and
#                     with pkg-config; the package's components: asking for framework alone
#                     needs no GoogleTest, an unknown component is refused by name.
#   add_subdirectory  tools/consumer/ with clockwork as a sub-project, CLI11 made unavailable:
#   fetchcontent      it configures, defines no command-line, demo or test target of clockwork's,
#                     leaves the build type to the parent, and (add_subdirectory; FetchContent
#                     adds the same sources the same way) builds and runs.
# Every build runs the consumer's program (clockwork::framework alone) and its GoogleTest
# programs (clockwork::testing alone, and with GTest::gtest_main).
cmake_minimum_required(VERSION 3.25)
foreach(required IN ITEMS MODE SOURCE_DIR BUILD_DIR VERSION LIBDIR CXX)
  if(NOT DEFINED ${required})
    message(FATAL_ERROR "${required} is not set; usage at the top of ${CMAKE_CURRENT_LIST_FILE}")
  endif()
endforeach()

set(work ${BUILD_DIR}/consumer-test/${MODE})
file(REMOVE_RECURSE ${work})
file(MAKE_DIRECTORY ${work})

# run(<command>...): runs it, stops the test with its output when it fails; its output in `out`.
function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE output ERROR_VARIABLE output)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "command failed (${rc}): ${ARGN}\n${output}")
  endif()
  set(out "${output}" PARENT_SCOPE)
endfunction()

# The consumer builds with the compiler and flags clockwork was built with: a sanitizer build of
# the library needs the sanitizer runtime at link time.
set(toolchain -G Ninja -DCMAKE_CXX_COMPILER=${CXX} "-DCMAKE_CXX_FLAGS=${CXX_FLAGS}"
              "-DCMAKE_EXE_LINKER_FLAGS=${LINKER_FLAGS}")
if(LAUNCHER)
  list(APPEND toolchain -DCMAKE_CXX_COMPILER_LAUNCHER=${LAUNCHER})
endif()

# build_and_run_consumer(<binary dir> <configure arguments>...)
function(build_and_run_consumer dir)
  run(${CMAKE_COMMAND} -S ${SOURCE_DIR}/tools/consumer -B ${dir} ${toolchain} ${ARGN})
  # The consumer's own programs and what they link, not every library clockwork defines: a
  # consumer of the framework and the harness does not wait for the job store to compile.
  run(${CMAKE_COMMAND} --build ${dir} --parallel 2 --target consumer consumer_tests consumer_tests_gtest_main)
  # A consumer sees clockwork's warnings as its own (and fails on them with -Werror): none, with
  # the compiler's default warnings, in its headers or, built as a sub-project, in its sources.
  if(out MATCHES "warning:")
    message(FATAL_ERROR "building the consumer printed warnings:\n${out}")
  endif()
  run(${dir}/consumer)
  if(NOT out MATCHES "built with clockwork ${VERSION}\n")
    message(FATAL_ERROR "the consumer was not built with clockwork ${VERSION}'s headers:\n${out}")
  endif()
  run(${dir}/consumer_tests)
  run(${dir}/consumer_tests_gtest_main)
endfunction()

function(install_clockwork prefix)
  run(${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${prefix})
endfunction()

if(MODE STREQUAL "install_tree")
  set(prefix ${work}/prefix)
  install_clockwork(${prefix})
  set(expected
      ${LIBDIR}/libclockwork.a ${LIBDIR}/libclockwork_testing.a ${LIBDIR}/libclockwork_fakes.a
      ${LIBDIR}/libclockwork_jobs_sqlite.a ${LIBDIR}/libclockwork_jobs_postgres.a ${LIBDIR}/libclockwork_dashboard.a
      ${LIBDIR}/pkgconfig/clockwork.pc ${LIBDIR}/pkgconfig/clockwork_testing.pc ${LIBDIR}/pkgconfig/clockwork_fakes.pc
      ${LIBDIR}/pkgconfig/clockwork_jobs_sqlite.pc ${LIBDIR}/pkgconfig/clockwork_jobs_postgres.pc
      ${LIBDIR}/pkgconfig/clockwork_dashboard.pc
      ${LIBDIR}/cmake/clockwork/clockwork-config.cmake ${LIBDIR}/cmake/clockwork/clockwork-config-version.cmake
      ${LIBDIR}/cmake/clockwork/clockwork-framework-targets.cmake
      ${LIBDIR}/cmake/clockwork/clockwork-testing-targets.cmake
      ${LIBDIR}/cmake/clockwork/clockwork-fakes-targets.cmake
      ${LIBDIR}/cmake/clockwork/clockwork-jobs_sqlite-targets.cmake
      ${LIBDIR}/cmake/clockwork/clockwork-jobs_postgres-targets.cmake
      ${LIBDIR}/cmake/clockwork/clockwork-dashboard-targets.cmake
      include/clockwork/version.hpp include/clockwork/task.hpp include/clockwork/testing/simulation_test.hpp
      include/clockwork/fakes
      include/clockwork/jobs/sqlite_job_store.hpp include/clockwork/jobs/postgres_job_store.hpp
      include/clockwork/dashboard/dashboard.hpp include/clockwork/dashboard/dashboard_service.hpp
      bin/clockwork-cron bin/clockwork-replay bin/clockwork-timeline bin/clockwork-jobs)
  set(problems "")
  foreach(path IN LISTS expected)
    if(NOT EXISTS ${prefix}/${path})
      list(APPEND problems "missing: ${path}")
    endif()
  endforeach()
  file(GLOB_RECURSE installed RELATIVE ${prefix} ${prefix}/*)
  foreach(path IN LISTS installed)
    # The demo catalogue is examples, not API: no library, header or export of it.
    if(path MATCHES "scenarios")
      list(APPEND problems "the demo catalogue is installed: ${path}")
    endif()
    # Library files follow one rule: libclockwork, or libclockwork_<component>.
    if(path MATCHES "(^|/)lib[^/]*\\.(a|so)[.0-9]*$" AND NOT path MATCHES "(^|/)libclockwork(_[a-z0-9_]+)?\\.(a|so)[.0-9]*$")
      list(APPEND problems "a library not named libclockwork or libclockwork_<component>: ${path}")
    endif()
    if(path MATCHES "\\.cmake$")
      file(READ ${prefix}/${path} content)
      if(content MATCHES "scenarios")
        list(APPEND problems "${path} mentions the demo catalogue")
      endif()
    endif()
  endforeach()
  file(READ ${prefix}/include/clockwork/version.hpp version_header)
  string(REPLACE "." ";" parts ${VERSION})
  list(GET parts 0 major)
  list(GET parts 1 minor)
  list(GET parts 2 patch)
  foreach(macro IN ITEMS "VERSION_MAJOR ${major}" "VERSION_MINOR ${minor}" "VERSION_PATCH ${patch}"
                         "VERSION_STRING \"${VERSION}\"")
    string(FIND "${version_header}" "#define CLOCKWORK_${macro}\n" at)
    if(at EQUAL -1)
      list(APPEND problems "version.hpp does not define CLOCKWORK_${macro}")
    endif()
  endforeach()
  if(problems)
    list(JOIN problems "\n  " problems)
    message(FATAL_ERROR "the install tree at ${prefix} is not what it should be:\n  ${problems}")
  endif()
  message(STATUS "the install tree holds the libraries, headers, package files and commands, and no demo catalogue")

elseif(MODE STREQUAL "find_package")
  set(prefix ${work}/prefix)
  install_clockwork(${prefix})
  build_and_run_consumer(${work}/installed -DCMAKE_PREFIX_PATH=${prefix})
  build_and_run_consumer(${work}/build-tree -Dclockwork_DIR=${BUILD_DIR})
  message(STATUS "the consumer built and ran against the install and the build tree")

  # pkg-config: the consumer's tests compiled with nothing but the flags of clockwork_testing.
  find_program(pkg_config pkg-config REQUIRED)
  set(ENV{PKG_CONFIG_PATH} ${prefix}/${LIBDIR}/pkgconfig)
  run(${pkg_config} --cflags --libs clockwork_testing)
  string(STRIP "${out}" flags)
  separate_arguments(flags UNIX_COMMAND "${flags}")
  separate_arguments(cxx_flags UNIX_COMMAND "${CXX_FLAGS} ${LINKER_FLAGS}")
  run(${CXX} -std=c++20 ${cxx_flags} ${SOURCE_DIR}/tools/consumer/heartbeat_test.cpp
      ${SOURCE_DIR}/tools/consumer/tests_main.cpp ${flags} -o ${work}/pkg-config-tests)
  run(${work}/pkg-config-tests)
  message(STATUS "the consumer's tests built and ran with pkg-config's flags for clockwork_testing")

  # The components: framework alone needs no GoogleTest; an unknown one is refused by name.
  set(probe ${work}/components)
  file(WRITE ${probe}/CMakeLists.txt [=[
cmake_minimum_required(VERSION 3.25)
project(components_probe LANGUAGES CXX)
find_package(clockwork REQUIRED COMPONENTS ${COMPONENTS})
foreach(component IN ITEMS framework ${COMPONENTS})
  if(NOT TARGET clockwork::${component})
    message(FATAL_ERROR "clockwork::${component} is not defined")
  endif()
endforeach()
]=])
  run(${CMAKE_COMMAND} -S ${probe} -B ${probe}/framework-only ${toolchain} -DCMAKE_PREFIX_PATH=${prefix}
      -DCOMPONENTS=framework -DCMAKE_DISABLE_FIND_PACKAGE_GTest=ON)
  # A job store is asked for by name, and brings its database's package with it.
  run(${CMAKE_COMMAND} -S ${probe} -B ${probe}/jobs_sqlite ${toolchain} -DCMAKE_PREFIX_PATH=${prefix}
      -DCOMPONENTS=jobs_sqlite -DCMAKE_DISABLE_FIND_PACKAGE_GTest=ON)
  run(${CMAKE_COMMAND} -S ${probe} -B ${probe}/jobs_postgres ${toolchain} -DCMAKE_PREFIX_PATH=${prefix}
      -DCOMPONENTS=jobs_postgres -DCMAKE_DISABLE_FIND_PACKAGE_GTest=ON)
  # The dashboard brings its HTTP library, found by pkg-config; a program using it links and runs.
  run(${CMAKE_COMMAND} -S ${probe} -B ${probe}/dashboard ${toolchain} -DCMAKE_PREFIX_PATH=${prefix}
      -DCOMPONENTS=dashboard -DCMAKE_DISABLE_FIND_PACKAGE_GTest=ON)
  set(served ${work}/dashboard-program)
  file(WRITE ${served}/CMakeLists.txt [=[
cmake_minimum_required(VERSION 3.25)
project(dashboard_consumer LANGUAGES CXX)
find_package(clockwork REQUIRED COMPONENTS dashboard jobs_sqlite)
add_executable(served main.cpp)
target_link_libraries(served PRIVATE clockwork::dashboard clockwork::jobs_sqlite)
]=])
  file(WRITE ${served}/main.cpp [=[
// A host with the dashboard beside a SQLite store: built against the installed package, started on
// a free loopback port and stopped.
#include <clockwork/dashboard/dashboard_service.hpp>
#include <clockwork/hosting/host_builder.hpp>
#include <clockwork/jobs/sqlite_job_store.hpp>
#include <clockwork/runtime/real_runtime.hpp>

#include <filesystem>
#include <iostream>

int main() {
  const auto file = std::filesystem::temp_directory_path() / "clockwork-consumer-dashboard.db";
  std::filesystem::remove(file);
  clockwork::jobs::sqlite_job_store::migrate(file);
  clockwork::real_runtime rt;
  auto store = std::make_shared<clockwork::jobs::sqlite_job_store>(rt, file);
  clockwork::dashboard::dashboard_options o;
  o.on_listening = [](const std::string& url) { std::cout << "listening on " << url << std::endl; };
  clockwork::host_builder builder{rt};
  clockwork::dashboard::add_dashboard(builder, store, o);
  clockwork::host app = builder.build();
  rt.block_on(app.start());
  rt.block_on(app.stop());
  store.reset();
  std::filesystem::remove(file);
  return app.result().ok() ? 0 : 1;
}
]=])
  run(${CMAKE_COMMAND} -S ${served} -B ${served}/build ${toolchain} -DCMAKE_PREFIX_PATH=${prefix}
      -DCMAKE_DISABLE_FIND_PACKAGE_GTest=ON)
  run(${CMAKE_COMMAND} --build ${served}/build)
  run(${served}/build/served)
  if(NOT out MATCHES "listening on http://127.0.0.1:[0-9]+")
    message(FATAL_ERROR "the dashboard program built against the package did not listen:\n${out}")
  endif()
  message(STATUS "find_package(clockwork COMPONENTS dashboard): a host serving the dashboard built and ran")
  execute_process(COMMAND ${CMAKE_COMMAND} -S ${probe} -B ${probe}/unknown ${toolchain} -DCMAKE_PREFIX_PATH=${prefix}
                          -DCOMPONENTS=jobs_mongodb
                  RESULT_VARIABLE rc OUTPUT_VARIABLE output ERROR_VARIABLE output)
  if(rc EQUAL 0 OR NOT output MATCHES "clockwork has no component 'jobs_mongodb'")
    message(FATAL_ERROR "find_package(clockwork COMPONENTS jobs_mongodb) did not fail naming it:\n${output}")
  endif()
  message(STATUS "find_package(clockwork COMPONENTS framework) needs no GoogleTest; unknown components are refused")

elseif(MODE STREQUAL "add_subdirectory" OR MODE STREQUAL "fetchcontent")
  if(MODE STREQUAL "add_subdirectory")
    set(from add_subdirectory)
  else()
    set(from FetchContent)
  endif()
  set(dir ${work}/build)
  # No build type: clockwork's files must then be compiled as the parent's are, not with its own.
  set(configure -DCLOCKWORK_FROM=${from} -DCLOCKWORK_SOURCE_DIR=${SOURCE_DIR}
                -DCMAKE_DISABLE_FIND_PACKAGE_CLI11=ON -DCMAKE_EXPORT_COMPILE_COMMANDS=ON)
  if(MODE STREQUAL "add_subdirectory")
    # Each of clockwork's files compiled on its own (the presets build in unity mode): a file
    # missing an #include that another file of its unit happened to make fails here.
    build_and_run_consumer(${dir} ${configure})
  else()
    # FetchContent_MakeAvailable adds the same sources with the same settings as add_subdirectory,
    # which builds and runs them: configuring is what can differ, and what is checked here.
    run(${CMAKE_COMMAND} -S ${SOURCE_DIR}/tools/consumer -B ${dir} ${toolchain} ${configure})
  endif()
  run(${CMAKE_COMMAND} --build ${dir} -- -t targets all)
  set(problems "")
  # ninja lists "<output>: <rule>": the commands, benchmarks, fuzzers, the catalogue, clockwork's
  # test programs (runtime_tests, task_test, ...: in clockwork's folders, hence after a "/"; the
  # consumer's own consumer_tests is at the top).
  string(REGEX MATCHALL
         "(^|[\n/])(clockwork-(cron|replay|timeline|bench|fuzz)[^/: \n]*|libclockwork_(scenarios|cron_cli)\\.a): |/[a-z_]+_tests?: "
         unwanted "${out}")
  foreach(target IN LISTS unwanted)
    list(APPEND problems "defines a target a sub-project does not need: ${target}")
  endforeach()
  file(READ ${dir}/compile_commands.json commands)
  if(commands MATCHES "-DNDEBUG" AND NOT CXX_FLAGS MATCHES "-DNDEBUG")
    list(APPEND problems "compiles with a build type of its own (-DNDEBUG) though the parent set none")
  endif()
  if(problems)
    list(JOIN problems "\n  " problems)
    message(FATAL_ERROR "clockwork as a sub-project (${from}):\n  ${problems}")
  endif()
  message(STATUS "clockwork as a sub-project (${from}) defines the libraries only, without CLI11")

else()
  message(FATAL_ERROR "MODE is install_tree, find_package, add_subdirectory or fetchcontent, not '${MODE}'")
endif()
