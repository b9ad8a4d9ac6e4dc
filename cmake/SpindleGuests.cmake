# Builds wasm guests from C sources with Debian's clang-14 and wasi-libc.
find_program(SPINDLE_GUEST_CC clang-14 REQUIRED)

# spindle_wasm_c(output.wasm SOURCES a.c ... [FLAGS ...] [LINK_FLAGS ...]
#                [EXEC_MODEL reactor] [DEPENDS extra inputs...])
# Compiles with -O2, links without -O: with binaryen installed, clang-14 runs
# wasm-opt whenever -O is on the link line.
function(spindle_wasm_c output)
  cmake_parse_arguments(ARG "" "EXEC_MODEL" "SOURCES;FLAGS;LINK_FLAGS;DEPENDS" ${ARGN})
  set(objects)
  get_filename_component(out_dir ${output} DIRECTORY)
  get_filename_component(out_name ${output} NAME_WE)
  foreach(source IN LISTS ARG_SOURCES)
    get_filename_component(source_abs ${source} ABSOLUTE)
    get_filename_component(stem ${source} NAME_WE)
    set(object ${out_dir}/${out_name}.${stem}.o)
    add_custom_command(OUTPUT ${object}
      COMMAND ${CMAKE_COMMAND} -E make_directory ${out_dir}
      COMMAND ${SPINDLE_GUEST_CC} --target=wasm32-wasi --sysroot=/usr -O2 ${ARG_FLAGS}
              -c ${source_abs} -o ${object}
      DEPENDS ${source_abs} ${ARG_DEPENDS}
      COMMENT "clang-14 wasm32-wasi ${source}"
      VERBATIM)
    list(APPEND objects ${object})
  endforeach()
  set(model)
  if(ARG_EXEC_MODEL)
    set(model -mexec-model=${ARG_EXEC_MODEL})
  endif()
  add_custom_command(OUTPUT ${output}
    COMMAND ${SPINDLE_GUEST_CC} --target=wasm32-wasi --sysroot=/usr ${model}
            -Wl,--strip-all ${ARG_LINK_FLAGS} ${objects} -o ${output}
    DEPENDS ${objects}
    COMMENT "wasm-ld ${output}"
    VERBATIM)
endfunction()
