# Fails when a framework module includes a module above it in the one-way order.
#   cmake -DROOT=<framework dir> "-DMODULES=time;diagnostics;..." -P tools/check-module-dependencies.cmake
# The order is the list MODULES (lowest first); the root headers (clockwork/task.hpp,
# clockwork/task_frame_cache.hpp, clockwork/errors.hpp) sit below every module. A file of
# module M, under include/clockwork/M/ or src/M/, may include clockwork/<root header>,
# clockwork/M/... and clockwork/N/... for every N before M. Tests (tests/M/) are consumers of the library and may include anything.
# Written in CMake so that the check needs nothing beyond the build's own tools.
cmake_minimum_required(VERSION 3.25)
if(NOT ROOT OR NOT MODULES)
  message(FATAL_ERROR "usage: cmake -DROOT=<framework dir> -DMODULES=<ordered list> -P ${CMAKE_CURRENT_LIST_FILE}")
endif()

get_filename_component(ROOT "${ROOT}" ABSOLUTE)
set(violations "")
set(checked 0)
list(LENGTH MODULES module_count)

# Every folder directly under include/clockwork/ and src/ must be a known module: new work lands
# in a module, never loose at the root (the root holds only the root headers).
file(GLOB root_entries RELATIVE ${ROOT}/include/clockwork ${ROOT}/include/clockwork/*)
foreach(entry IN LISTS root_entries)
  if(IS_DIRECTORY ${ROOT}/include/clockwork/${entry})
    if(NOT entry IN_LIST MODULES)
      list(APPEND violations "include/clockwork/${entry}/ is not a module listed in MODULES")
    endif()
  elseif(NOT entry MATCHES "^(task|task_frame_cache|errors)\\.hpp$")
    list(APPEND violations "include/clockwork/${entry}: public headers live in a module folder")
  endif()
endforeach()
file(GLOB src_entries RELATIVE ${ROOT}/src ${ROOT}/src/*)
foreach(entry IN LISTS src_entries)
  if(IS_DIRECTORY ${ROOT}/src/${entry})
    if(NOT entry IN_LIST MODULES)
      list(APPEND violations "src/${entry}/ is not a module listed in MODULES")
    endif()
  elseif(NOT entry MATCHES "^(task|errors)\\.cpp$")
    list(APPEND violations "src/${entry}: sources live in a module folder")
  endif()
endforeach()

foreach(index RANGE 0 ${module_count})
  if(index EQUAL module_count)
    break()
  endif()
  list(GET MODULES ${index} module)
  file(GLOB_RECURSE files ${ROOT}/include/clockwork/${module}/*.hpp ${ROOT}/src/${module}/*.hpp
       ${ROOT}/src/${module}/*.cpp)
  foreach(file IN LISTS files)
    math(EXPR checked "${checked} + 1")
    file(STRINGS ${file} includes REGEX "^[ \t]*#[ \t]*include[ \t]*[\"<]clockwork/")
    foreach(line IN LISTS includes)
      string(REGEX REPLACE "^[^\"<]*[\"<]clockwork/([^\">]*)[\">].*$" "\\1" target "${line}")
      if(target MATCHES "^(task|task_frame_cache|errors)\\.hpp$")
        continue()
      endif()
      string(REGEX MATCH "^[^/]+" target_module "${target}")
      list(FIND MODULES "${target_module}" target_index)
      file(RELATIVE_PATH shown ${ROOT} ${file})
      if(target_index EQUAL -1)
        list(APPEND violations "${shown}: includes clockwork/${target}, which is in no module")
      elseif(target_index GREATER index)
        list(APPEND violations
             "${shown}: module '${module}' includes clockwork/${target} from '${target_module}', which is above it")
      endif()
    endforeach()
  endforeach()
endforeach()

if(violations)
  list(JOIN violations "\n  " shown)
  message(FATAL_ERROR "module dependency order broken (order: ${MODULES}):\n  ${shown}")
endif()
message(STATUS "module dependencies ok: ${checked} files, order ${MODULES}")
