# connhost_add_plugin(<target> SOURCES <files...> [LIBRARIES <libs...>] [NO_INSTALL])
#
# Builds a connector as a shared module lib<target>.so the way every connector must be built:
# hidden visibility, a version script that exports only connhost_plugin_entry_v1, and -z defs so a
# missing symbol fails the link instead of the load. Link the SDK target (connhost::sdk) or give
# your own include path to plugin_api.h. NO_INSTALL keeps a (test) connector out of `install` and packages.
option(CONNHOST_PLUGIN_NO_UNDEFINED "Link connectors with -z defs" ON)

function(connhost_add_plugin target)
  cmake_parse_arguments(ARG "NO_INSTALL" "" "SOURCES;LIBRARIES" ${ARGN})
  if(NOT ARG_SOURCES)
    message(FATAL_ERROR "connhost_add_plugin(${target}): SOURCES is required")
  endif()
  add_library(${target} MODULE ${ARG_SOURCES})
  # A C++ connector gets the SDK; a plain C project (project(x C)) the C header alone.
  get_property(languages GLOBAL PROPERTY ENABLED_LANGUAGES)
  if(TARGET connhost::sdk AND "CXX" IN_LIST languages)
    target_link_libraries(${target} PRIVATE connhost::sdk)
  elseif(TARGET connhost::plugin_api)
    target_link_libraries(${target} PRIVATE connhost::plugin_api)
  endif()
  target_link_libraries(${target} PRIVATE ${ARG_LIBRARIES})
  set(map ${CMAKE_CURRENT_BINARY_DIR}/${target}.map)
  file(WRITE ${map} "{\n  global: connhost_plugin_entry_v1;\n  local: *;\n};\n")
  set_target_properties(${target} PROPERTIES
    PREFIX "lib"
    CXX_VISIBILITY_PRESET hidden
    C_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON
    LINK_DEPENDS ${map})
  target_link_options(${target} PRIVATE "LINKER:--version-script=${map}")
  if(CONNHOST_PLUGIN_NO_UNDEFINED)
    target_link_options(${target} PRIVATE "LINKER:-z,defs")
  endif()
  if(DEFINED CONNHOST_PLUGIN_OUTPUT_DIR)
    set_target_properties(${target} PROPERTIES LIBRARY_OUTPUT_DIRECTORY ${CONNHOST_PLUGIN_OUTPUT_DIR})
  endif()
  if(NOT ARG_NO_INSTALL)
    install(TARGETS ${target} LIBRARY DESTINATION lib/connhost/plugins)
  endif()
endfunction()
