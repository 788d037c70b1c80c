# Helpers shared by the project's CMake files.

# add_compress_library(name SOURCES... [DEPENDS tgt...] [LINK_LIBS lib...]
#                      [MLIR_LIBS lib...])
# A project library: our own dependencies go in LINK_LIBS, MLIR's in
# MLIR_LIBS so that they resolve to the shared libMLIR.so.
function(add_compress_library name)
  cmake_parse_arguments(ARG "" "" "DEPENDS;LINK_LIBS;MLIR_LIBS" ${ARGN})
  # Installed by the top-level CMakeLists.txt with the package, not by
  # MLIR's rule (which would install test libraries too).
  add_mlir_library(${name} ${ARG_UNPARSED_ARGUMENTS}
    DISABLE_INSTALL
    DEPENDS ${ARG_DEPENDS}
    LINK_LIBS PUBLIC ${ARG_LINK_LIBS})
  if(ARG_MLIR_LIBS)
    mlir_target_link_libraries(${name} PUBLIC ${ARG_MLIR_LIBS})
  endif()
  # Installed with the CMake package (CompressConfig.cmake).
  target_include_directories(${name} INTERFACE $<INSTALL_INTERFACE:include>)
  set_property(GLOBAL APPEND PROPERTY COMPRESS_LIBRARIES ${name})
endfunction()
