# WeftIncludeView.cmake - weft_include_view(): a library's include path shows only the source folders it owns.
#
#   weft_include_view(<target> <folder>...)
#
# Makes <build>/include-views/<target>/<folder> a symbolic link to <source>/<folder> for each
# folder (e.g. `importers/onnx`) and puts <build>/include-views/<target> on <target>'s include
# path, PUBLIC. Code keeps writing "ir/Module.h", but a library now sees its own folders and,
# through target_link_libraries, the views of the libraries it links, nothing else: its link
# line is its include path, so an #include that DESIGN.md's dependency table forbids fails to
# compile. tests/dependency_table checks the table against these include paths.
function(weft_include_view target)
  set(view ${CMAKE_BINARY_DIR}/include-views/${target})
  # Rebuilt on every configure, so that a folder dropped from the list stops being visible.
  # REMOVE_RECURSE removes the links themselves, never what they point to.
  file(REMOVE_RECURSE ${view})
  foreach(folder IN LISTS ARGN)
    if(NOT IS_DIRECTORY ${PROJECT_SOURCE_DIR}/${folder})
      message(FATAL_ERROR "weft_include_view(${target}): no source folder ${folder}")
    endif()
    get_filename_component(parent ${view}/${folder} DIRECTORY)
    file(MAKE_DIRECTORY ${parent})
    file(CREATE_LINK ${PROJECT_SOURCE_DIR}/${folder} ${view}/${folder} SYMBOLIC)
  endforeach()
  # An executable is linked by nothing: its view stays private (and out of the exported weft::weft).
  get_target_property(type ${target} TYPE)
  if(type STREQUAL "EXECUTABLE")
    target_include_directories(${target} PRIVATE ${view})
  else()
    target_include_directories(${target} PUBLIC ${view})
  endif()
endfunction()
