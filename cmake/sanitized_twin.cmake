# descent_sanitized_twin(TARGET twin [RENAME old=new ...])
# Adds `twin`, a copy of library or executable TARGET built from the same sources with the same include
# directories, definitions and libraries, instrumented with AddressSanitizer and UndefinedBehaviorSanitizer.
# RENAME swaps a library TARGET links for its own twin (descent_cli links descent: its twin links
# descent_sanitized). The test suite's sanitized run links its (uninstrumented) test objects against
# these twins: the tests are compiled once for both runs, and the code under test is instrumented.
# Copied rather than declared twice so that a library added to `descent` reaches its twin by itself.
function(descent_sanitized_twin target twin)
  cmake_parse_arguments(T "" "" "RENAME" ${ARGN})
  get_target_property(type ${target} TYPE)
  get_target_property(sources ${target} SOURCES)
  get_target_property(source_dir ${target} SOURCE_DIR)
  list(TRANSFORM sources PREPEND "${source_dir}/" REGEX "^[^/$]")  # relative to the target's folder
  if(type STREQUAL "EXECUTABLE")
    add_executable(${twin} ${sources})
  else()
    add_library(${twin} STATIC ${sources})
  endif()
  foreach(property INCLUDE_DIRECTORIES COMPILE_DEFINITIONS COMPILE_OPTIONS COMPILE_FEATURES LINK_LIBRARIES
                   INTERFACE_INCLUDE_DIRECTORIES INTERFACE_COMPILE_FEATURES INTERFACE_LINK_LIBRARIES
                   POSITION_INDEPENDENT_CODE UNITY_BUILD UNITY_BUILD_BATCH_SIZE)
    get_target_property(value ${target} ${property})
    if(NOT value)
      continue()
    endif()
    foreach(rename ${T_RENAME})
      string(REPLACE "=" ";" pair ${rename})
      list(GET pair 0 old)
      list(GET pair 1 new)
      # Whole names only: descent must not match descent_cli or descent_warnings.
      string(REGEX REPLACE "(^|[;:<>])${old}([;>]|$)" "\\1${new}\\2" value "${value}")
      string(REGEX REPLACE "(^|[;:<>])${old}([;>]|$)" "\\1${new}\\2" value "${value}")
    endforeach()
    set_property(TARGET ${twin} PROPERTY ${property} "${value}")
  endforeach()
  # -O1: a third of -O2's compile time under the sanitizers, and it still finds what they find. NDEBUG
  # undefined: the twins keep their assertions. vptr left out: it doubles UBSan's compile time and
  # descent has no downcasts for it to check. -fexpensive-optimizations (on at -O2 and -O3) turns on
  # the pass that fuses a * b + c into one FMA instruction where the target has it: without it the
  # twins round differently from the Release build, and the tests that compare two of descent's paths
  # bit for bit, or descent with PyTorch at 1e-13, would compare roundings instead of code.
  set(flags -O1 -fexpensive-optimizations -UNDEBUG -fsanitize=address,undefined -fno-sanitize=vptr
            -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
  target_compile_options(${twin} PRIVATE ${flags})
  target_link_options(${twin} PUBLIC -fsanitize=address,undefined)
  add_dependencies(${twin} ${target})  # the generated registry sources are made once, for TARGET
endfunction()
