# check.cmake - one row of DESIGN.md's dependency table against a library's include path (cmake -DCONFIG=<row>.cmake -P).
#
# With the compiler and the library's include path, for each folder of the table:
#  - a folder the library owns: one file including every header of the folder preprocesses
#    (compiles, for a header-only library, which has no build of its own that would compile
#    them): its headers include only what the row allows;
#  - another folder the row allows: its first header is found (__has_include; including it
#    could need a third-party include path that is the owner's private business, as
#    importers/torchscript's need LibTorch's);
#  - a folder the row forbids: `#include` of its first header fails as "not found".
cmake_minimum_required(VERSION 3.25)  # policies of a script: IN_LIST and the like
include(${CONFIG})

# The directory that holds a table folder's include names, and the folder's own subtree.
function(folder_location folder root_out subtree_out)
  if(folder STREQUAL "runtime")
    set(${root_out} ${source_dir}/codegen/runtime/include PARENT_SCOPE)
    set(${subtree_out} ${source_dir}/codegen/runtime PARENT_SCOPE)
  elseif(folder STREQUAL "runtime/scalar")
    set(${root_out} ${source_dir}/codegen/runtime/include PARENT_SCOPE)
    set(${subtree_out} ${source_dir}/codegen/runtime/include/weft/rt/scalar PARENT_SCOPE)
  else()
    set(${root_out} ${source_dir} PARENT_SCOPE)
    set(${subtree_out} ${source_dir}/${folder} PARENT_SCOPE)
  endif()
endfunction()

# The headers of a table folder as code includes them, sorted; a table folder nested inside
# it (codegen/runtime inside codegen) keeps its own headers.
function(folder_headers folder out)
  folder_location(${folder} root subtree)
  file(GLOB_RECURSE headers ${subtree}/*.h)
  foreach(other IN LISTS folders)
    folder_location(${other} other_root other_subtree)
    if(NOT other STREQUAL folder AND other_subtree MATCHES "^${subtree}/")
      list(FILTER headers EXCLUDE REGEX "^${other_subtree}/")
    endif()
  endforeach()
  set(names "")
  foreach(h IN LISTS headers)
    file(RELATIVE_PATH name ${root} ${h})
    list(APPEND names ${name})
  endforeach()
  list(SORT names)
  set(${out} ${names} PARENT_SCOPE)
endfunction()

set(flags -std=c++${std} -x c++)
foreach(dir IN LISTS include_dirs)
  if(NOT dir IN_LIST implicit_dirs)  # as CMake does: -I/usr/include would break #include_next
    list(APPEND flags -I${dir})
  endif()
endforeach()
foreach(definition IN LISTS definitions)
  # A package's conditional definitions (nlohmann_json's $<$<BOOL:...>:...>) can evaluate to nothing.
  if(NOT definition STREQUAL "")
    list(APPEND flags -D${definition})
  endif()
endforeach()
file(REMOVE_RECURSE ${work_dir})
file(MAKE_DIRECTORY ${work_dir})

# Writes `text` to <work_dir>/<name>.cpp and runs the compiler on it with `mode` (-E or -fsyntax-only).
function(try_source name text mode rc_out log_out)
  file(WRITE ${work_dir}/${name}.cpp "${text}")
  execute_process(COMMAND ${compiler} ${flags} ${mode} ${work_dir}/${name}.cpp -o ${work_dir}/${name}.out
                  RESULT_VARIABLE rc OUTPUT_VARIABLE log ERROR_VARIABLE log)
  set(${rc_out} ${rc} PARENT_SCOPE)
  set(${log_out} "${log}" PARENT_SCOPE)
endfunction()

set(failures "")
foreach(folder IN LISTS folders)
  folder_headers(${folder} headers)
  if(NOT headers)
    list(APPEND failures "the table folder ${folder}/ has no headers to try")
    continue()
  endif()
  list(GET headers 0 probe)
  # The probe itself not found (GCC's or Clang's words), not a header it includes.
  string(REGEX REPLACE "([][+.*()^$?|\\])" "\\\\\\1" probe_regex "${probe}")
  string(MAKE_C_IDENTIFIER "${folder}" id)
  if(folder IN_LIST owns)
    set(text "")
    foreach(h IN LISTS headers)
      string(APPEND text "#include \"${h}\"\n")
    endforeach()
    if(header_only)
      set(mode -fsyntax-only)
    else()
      set(mode -E)
    endif()
    try_source(own_${id} "${text}" ${mode} rc log)
    if(NOT rc EQUAL 0)
      list(APPEND failures "${library}'s own headers (${folder}/) do not build with its include path:\n${log}")
    else()
      list(LENGTH headers n)
      message(STATUS "${library}: owns ${folder}/, its ${n} headers build with its include path")
    endif()
  elseif(folder IN_LIST sees)
    try_source(sees_${id} "#if !__has_include(\"${probe}\")\n#error not found\n#endif\n" -E rc log)
    if(NOT rc EQUAL 0)
      list(APPEND failures "${library} cannot find ${probe}, which DESIGN.md's table allows it to include")
    else()
      message(STATUS "${library}: sees ${folder}/ (${probe} is found)")
    endif()
  else()
    try_source(forbidden_${id} "#include \"${probe}\"\n" -E rc log)
    if(rc EQUAL 0)
      list(APPEND failures "${library} can include ${probe}, which DESIGN.md's table forbids")
    elseif(NOT log MATCHES "(${probe_regex}: No such file or directory|'${probe_regex}' file not found)")
      list(APPEND failures "${library}: including ${probe} failed, but not as a missing file:\n${log}")
    else()
      message(STATUS "${library}: cannot include ${probe} (forbidden)")
    endif()
  endif()
endforeach()

# Printed as they are (FATAL_ERROR would rewrap them), then the count fails the test.
foreach(failure IN LISTS failures)
  message("${failure}")
endforeach()
list(LENGTH failures n)
if(n GREATER 0)
  message(FATAL_ERROR "${library}: ${n} disagreement(s) with DESIGN.md's dependency table")
endif()
