# The C++ code of README.md compiles as written, and its tests pass (the readme.snippets ctest):
#   cmake -DREADME=README.md -DBUILD_DIR=<clockwork build> -DCXX=<compiler> [-DLAUNCHER=ccache]
#         [-DCXX_FLAGS=...] [-DLINKER_FLAGS=...] -P tools/readme-snippets.cmake
#
# Every ```cpp block of the README is one of (the marker, an HTML comment GitHub does not show,
# is the line right before the block's opening fence):
#   (no marker)                    a complete file: its includes, its using-declarations, its code.
#                                  It is compiled alone; when it has no main() it is linked with
#                                  GoogleTest's main and run, so its TEST()s must pass.
#   <!-- snippet: continues -->    more of the same file as the block before it (the production
#                                  main() shown after the service and its test): that block and
#                                  this one are compiled together, linked, and not run.
#   <!-- snippet: fragment -->     statements that show a call, not a whole program: compiled as
#                                  the body of a function, after every public clockwork header and
#                                  `using namespace std::chrono_literals;`.
# Each block becomes a program of a small project that takes clockwork with find_package from
# the build tree and links clockwork::testing and GTest::gtest_main, as the README tells a
# reader to; a block that does not compile fails the test, naming its line in the README.
cmake_minimum_required(VERSION 3.25)
foreach(required IN ITEMS README BUILD_DIR CXX)
  if(NOT DEFINED ${required})
    message(FATAL_ERROR "${required} is not set; usage at the top of ${CMAKE_CURRENT_LIST_FILE}")
  endif()
endforeach()

set(work ${BUILD_DIR}/readme-snippets)
file(REMOVE_RECURSE ${work})
file(MAKE_DIRECTORY ${work})

# The README's text, cut at its fences. It is searched with string(FIND) and cut with
# string(SUBSTRING) only: C++ is full of the semicolons CMake lists would split on.
file(READ ${README} text)
set(fence_open "```cpp\n")
set(position 0)
set(count 0)
set(previous_file "")
set(programs "")
set(ran "")
set(every_header "")

# The public headers, for fragments: everything a reader could have included.
get_filename_component(source_dir ${README} DIRECTORY)
foreach(include_dir IN ITEMS ${source_dir}/framework/include ${source_dir}/fakes/include)
  file(GLOB_RECURSE headers RELATIVE ${include_dir} ${include_dir}/clockwork/*.hpp)
  foreach(header IN LISTS headers)
    if(NOT header MATCHES "/detail/")
      string(APPEND every_header "#include <${header}>\n")
    endif()
  endforeach()
endforeach()
if(NOT every_header)
  message(FATAL_ERROR "no public header under ${source_dir}/framework/include: README.md is read from the source tree")
endif()

while(TRUE)
  string(SUBSTRING "${text}" ${position} -1 rest)
  string(FIND "${rest}" "${fence_open}" at)
  if(at EQUAL -1)
    break()
  endif()
  math(EXPR start "${position} + ${at}")
  # The line of the fence in the README, and the line before it (the marker, if any).
  string(SUBSTRING "${text}" 0 ${start} before)
  string(REGEX MATCHALL "\n" newlines "${before}")
  list(LENGTH newlines line)
  math(EXPR line "${line} + 1")
  math(EXPR code_line "${line} + 1")
  string(REGEX MATCH "([^\n]*)\n$" _ "${before}")
  set(marker "${CMAKE_MATCH_1}")
  # The block's code, up to its closing fence.
  math(EXPR code_start "${start} + 7")
  string(SUBSTRING "${text}" ${code_start} -1 rest)
  string(FIND "${rest}" "\n```" length)
  if(length EQUAL -1)
    message(FATAL_ERROR "README.md:${line}: a ```cpp block that never closes")
  endif()
  math(EXPR length "${length} + 1")
  string(SUBSTRING "${rest}" 0 ${length} code)
  math(EXPR position "${code_start} + ${length}")

  math(EXPR count "${count} + 1")
  set(name snippet_${count}_line_${line})
  if(marker MATCHES "^<!-- snippet: continues -->$")
    if(NOT previous_file)
      message(FATAL_ERROR "README.md:${line}: 'snippet: continues' with no C++ block before it")
    endif()
    file(READ ${previous_file} earlier)
    set(source "${earlier}\n#line ${code_line} \"README.md\"\n${code}")
  elseif(marker MATCHES "^<!-- snippet: fragment -->$")
    set(source "${every_header}\nusing namespace std::chrono_literals;\n\n[[maybe_unused]] static void ${name}() {\n#line ${code_line} \"README.md\"\n${code}}\n")
  elseif(marker MATCHES "^<!-- snippet")
    message(FATAL_ERROR "README.md:${line}: unknown marker ${marker} (see ${CMAKE_CURRENT_LIST_FILE})")
  else()
    set(source "#line ${code_line} \"README.md\"\n${code}")
  endif()
  file(WRITE ${work}/${name}.cpp "${source}")
  set(previous_file ${work}/${name}.cpp)

  # A fragment is compiled, not run: it gets an empty main() of its own. A file without main()
  # gets GoogleTest's and is run.
  set(main_from "")
  if(marker MATCHES "fragment")
    file(APPEND ${work}/${name}.cpp "\nint main() {}\n")
  elseif(NOT source MATCHES "(^|\n)int main\\(")
    set(main_from GTest::gtest_main)
    list(APPEND ran ${name})
  endif()
  string(APPEND programs "add_executable(${name} ${name}.cpp)\n"
                         "target_link_libraries(${name} PRIVATE clockwork::testing clockwork::fakes ${main_from})\n")
endwhile()

if(count EQUAL 0)
  message(FATAL_ERROR "README.md has no ```cpp block: nothing to check")
endif()

file(WRITE ${work}/CMakeLists.txt "cmake_minimum_required(VERSION 3.25)
project(readme_snippets LANGUAGES CXX)
find_package(clockwork REQUIRED)
${programs}")

function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE output ERROR_VARIABLE output)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "command failed (${rc}): ${ARGN}\n${output}")
  endif()
endfunction()

set(configure ${CMAKE_COMMAND} -S ${work} -B ${work}/build -G Ninja -DCMAKE_CXX_COMPILER=${CXX}
              "-DCMAKE_CXX_FLAGS=${CXX_FLAGS}" "-DCMAKE_EXE_LINKER_FLAGS=${LINKER_FLAGS}" -Dclockwork_DIR=${BUILD_DIR})
if(LAUNCHER)
  list(APPEND configure -DCMAKE_CXX_COMPILER_LAUNCHER=${LAUNCHER})
endif()
run(${configure})
run(${CMAKE_COMMAND} --build ${work}/build --parallel 2)
foreach(name IN LISTS ran)
  run(${work}/build/${name})
endforeach()
message(STATUS "README.md: ${count} C++ block(s) compiled; the tests of ${ran} passed")
