# libFuzzer targets (fuzz/*_fuzz.cpp, one executable each; scripts/fuzz.sh builds and runs them).
#
# VIGIL_FUZZ=ON needs clang (CC=clang CXX=clang++). It compiles everything in the build (llhttp,
# vigil_core, vigil and vigil_test) with libFuzzer's coverage instrumentation and AddressSanitizer +
# UBSan (-fsanitize=fuzzer-no-link,address,undefined), so the one build serves the fuzz targets and
# the sanitized test suite alike; only the fuzz targets link libFuzzer's driver (-fsanitize=fuzzer).
# Must be included before the first target is declared: the flags are directory-wide.
option(VIGIL_FUZZ "Build the libFuzzer targets in fuzz/ (clang only), everything under ASan+UBSan" OFF)

if(VIGIL_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang" OR NOT CMAKE_C_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "VIGIL_FUZZ=ON needs clang: configure with CC=clang CXX=clang++")
  endif()
  if(VIGIL_SANITIZE)
    message(FATAL_ERROR "VIGIL_FUZZ=ON already builds with ASan and UBSan; leave VIGIL_SANITIZE off")
  endif()
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer
                      -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()

# Declares one executable per fuzz/*_fuzz.cpp, each linked to the core library and libFuzzer's
# main, plus `vigil_fuzz`, which builds them all. The seed corpora are made by scripts/fuzz.sh.
function(vigil_add_fuzz_targets)
  file(GLOB sources CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/fuzz/*_fuzz.cpp)
  add_custom_target(vigil_fuzz)
  foreach(src ${sources})
    get_filename_component(name ${src} NAME_WE)
    add_executable(${name} ${src})
    target_compile_options(${name} PRIVATE -Wall -Wextra)
    target_link_libraries(${name} PRIVATE vigil_core)
    target_link_options(${name} PRIVATE -fsanitize=fuzzer)
    add_dependencies(vigil_fuzz ${name})
  endforeach()
endfunction()
