# Embeds every file under console/ (the web console, docs/console.md) into a generated C++ source
# that defines vigil::ConsoleAssets() (see daemon/console/console_assets.h): each file's path under
# console/, its Content-Type, its bytes and a strong ETag (the SHA-256 of the bytes). Re-runs when a
# file there changes; a new file needs the configure step (CONFIGURE_DEPENDS notices it).
function(vigil_embed_console out)
  file(GLOB_RECURSE console_files CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/console/*)
  list(SORT console_files)
  add_custom_command(
    OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -DOUT=${out} -DSRC=${CMAKE_SOURCE_DIR}/console
            -P ${CMAKE_SOURCE_DIR}/cmake/GenerateConsole.cmake
    DEPENDS ${console_files} ${CMAKE_SOURCE_DIR}/cmake/GenerateConsole.cmake
    COMMENT "Embedding the web console (console/)")
endfunction()
