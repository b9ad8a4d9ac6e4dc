# One helper per target kind, so every target gets the same language level,
# warnings and sanitizer flags.

set(SPINDLE_WARNINGS -Wall -Wextra -Wpedantic -Wno-gnu-label-as-value
    -Wno-unknown-warning-option)
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  # g++ has no -Wgnu-label-as-value; computed goto is a GNU extension that
  # -Wpedantic would flag in the interpreter, which is its one user.
  # -Wno-restrict: g++ 12 at -O3 reports impossible overlaps inside
  # std::string's own inlined copies (GCC bug 105329), in code that only
  # concatenates strings.
  set(SPINDLE_WARNINGS -Wall -Wextra -Wno-restrict)
endif()
if(SPINDLE_WERROR)
  list(APPEND SPINDLE_WARNINGS -Werror)
endif()

set(SPINDLE_SANITIZER_FLAGS "")
if(SPINDLE_SANITIZE)
  set(SPINDLE_SANITIZER_FLAGS -fsanitize=address,undefined -fno-omit-frame-pointer
      -fno-sanitize-recover=undefined)
endif()

function(spindle_apply_flags target)
  target_compile_options(${target} PRIVATE ${SPINDLE_WARNINGS} ${SPINDLE_SANITIZER_FLAGS})
  target_link_options(${target} PRIVATE ${SPINDLE_SANITIZER_FLAGS})
  target_include_directories(${target} PUBLIC ${PROJECT_SOURCE_DIR})
endfunction()

# spindle_library(name SOURCES ... DEPS ...)
function(spindle_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_library(${name} STATIC ${ARG_SOURCES})
  spindle_apply_flags(${name})
  target_link_libraries(${name} PUBLIC ${ARG_DEPS})
endfunction()

# spindle_executable(name SOURCES ... DEPS ...)
function(spindle_executable name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  if(SPINDLE_SANITIZE)
    target_sources(${name} PRIVATE ${PROJECT_SOURCE_DIR}/cmake/sanitizer_defaults.cc)
  endif()
  spindle_apply_flags(${name})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS})
endfunction()
