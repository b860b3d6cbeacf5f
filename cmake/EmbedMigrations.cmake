# Embeds store/migrations/<dialect>/NNNN_name.sql into a generated C++ source that defines
# vigil::EmbeddedMigrations() (see store/migrations.h). Re-runs when a migration changes.
function(vigil_embed_migrations out)
  file(GLOB sql_files CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/store/migrations/*/*.sql)
  list(SORT sql_files)
  add_custom_command(
    OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -DOUT=${out} -DSRC=${CMAKE_SOURCE_DIR}/store/migrations
            -P ${CMAKE_SOURCE_DIR}/cmake/GenerateMigrations.cmake
    DEPENDS ${sql_files} ${CMAKE_SOURCE_DIR}/cmake/GenerateMigrations.cmake
    COMMENT "Embedding SQL migrations")
endfunction()
