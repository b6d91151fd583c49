# descent_registry(TARGET t TYPE LayerType HEADER descent/nn/layer_type.hpp NAMESPACE descent::nn
#                  FUNCTION layer_types SOURCES ...)
# Adds to target t a generated source defining `std::span<const TYPE* const> FUNCTION()`, the entries
# every source in SOURCES defines (see generate_registry.cmake), sorted by function name. The HEADER
# declares FUNCTION. Regenerated at build time whenever one of the sources changes.
function(descent_registry)
  cmake_parse_arguments(R "" "TARGET;TYPE;HEADER;NAMESPACE;FUNCTION" "SOURCES" ${ARGN})
  set(dir ${PROJECT_BINARY_DIR}/generated)
  set(list_file ${dir}/${R_FUNCTION}_sources.txt)
  set(output ${dir}/${R_FUNCTION}.cpp)
  list(JOIN R_SOURCES "\n" lines)
  file(CONFIGURE OUTPUT ${list_file} CONTENT "${lines}\n" @ONLY)
  add_custom_command(
    OUTPUT ${output}
    COMMAND ${CMAKE_COMMAND} -DTYPE=${R_TYPE} -DHEADER=${R_HEADER} -DNAMESPACE=${R_NAMESPACE}
            -DFUNCTION=${R_FUNCTION} -DSOURCE_LIST=${list_file} -DOUTPUT=${output}
            -P ${PROJECT_SOURCE_DIR}/cmake/generate_registry.cmake
    DEPENDS ${R_SOURCES} ${list_file} ${PROJECT_SOURCE_DIR}/cmake/generate_registry.cmake
    COMMENT "Generating the ${R_TYPE} registry"
    VERBATIM)
  target_sources(${R_TARGET} PRIVATE ${output})
endfunction()
