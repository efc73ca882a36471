# connhost_add_plugin(<target> SOURCES <files...> [LIBRARIES <libs...>] [NO_INSTALL])
#
# Builds a connector as a shared module lib<target>.so the way every connector must be built:
# hidden visibility, a version script that exports only connhost_plugin_entry_v1, and -z defs so a
# missing symbol fails the link instead of the load. A connector with C++ sources links the SDK
# (connhost::sdk); one written only in C links the C header alone (connhost::plugin_api), so
# `project(x C)` is enough for it. Both targets come from `find_package(connhost)`, which must run first.
# NO_INSTALL, or CONNHOST_PLUGIN_INSTALL set to OFF in the calling directory, keeps a (test) connector out of
# `install` and packages; installed connectors go to lib/connhost/plugins in the install component `runtime`.
option(CONNHOST_PLUGIN_NO_UNDEFINED "Link connectors with -z defs" ON)

# Sets <out> to TRUE when one of the given source files is C++ (by its extension), FALSE otherwise.
function(_connhost_has_cxx_sources out)
  set(${out} FALSE PARENT_SCOPE)
  foreach(source IN LISTS ARGN)
    if(source MATCHES "\\.(cpp|cc|cxx|c\\+\\+|C|CPP)$")
      set(${out} TRUE PARENT_SCOPE)
    endif()
  endforeach()
endfunction()

# Links <target> to connhost::sdk (C++ sources) or connhost::plugin_api (C only); fails saying what to call first
# when the needed target does not exist.
function(_connhost_link_api target)
  _connhost_has_cxx_sources(has_cxx ${ARGN})
  if(has_cxx)
    set(api connhost::sdk)
  else()
    set(api connhost::plugin_api)
  endif()
  if(NOT TARGET ${api})
    message(FATAL_ERROR "connhost_add_plugin(${target}): the target ${api} does not exist. Call "
                        "find_package(connhost REQUIRED) before connhost_add_plugin() (with -DCMAKE_PREFIX_PATH=<the "
                        "connhost install prefix> when connhost is not installed under /usr or /usr/local).")
  endif()
  target_link_libraries(${target} PRIVATE ${api})
  if(has_cxx)
    _connhost_link_boost_json(${target})
  endif()
endfunction()

# connhost_boost_json_library(<out>): sets <out> to the project's Boost.JSON library for the calling folder, made on
# first use; a test program that links it does not include <boost/json/src.hpp>. Boost.JSON is compiled there once
# (static, position-independent, hidden symbols), not in each connector's entry file, where it took three quarters of
# a small connector's compile time. A library takes the compile settings of the folder that creates it, so there is
# one per set of settings (the folder's options, definitions and include folders, the compiler flags, the SDK's
# headers): a test folder's flags (-O0, sanitizers) never reach the connectors of another.
function(connhost_boost_json_library out)
  get_directory_property(options COMPILE_OPTIONS)
  get_directory_property(definitions COMPILE_DEFINITIONS)
  get_directory_property(includes INCLUDE_DIRECTORIES)
  get_target_property(sdk_includes connhost::sdk INTERFACE_INCLUDE_DIRECTORIES)
  string(TOUPPER "${CMAKE_BUILD_TYPE}" config)
  string(SHA1 key "${options}|${definitions}|${includes}|${sdk_includes}|${CMAKE_CXX_FLAGS}|${CMAKE_CXX_FLAGS_${config}}")
  string(SUBSTRING ${key} 0 10 key)
  set(lib connhost_sdk_boost_json_${key})
  set(${out} ${lib} PARENT_SCOPE)
  if(TARGET ${lib})
    return()
  endif()
  set(source ${CMAKE_BINARY_DIR}/connhost_sdk_boost_json.cpp)
  file(CONFIGURE OUTPUT ${source} CONTENT
       "// Boost.JSON, compiled once for the connectors of this project by connhost_add_plugin().\n#include <boost/json/src.hpp>\n")
  add_library(${lib} STATIC ${source})
  target_link_libraries(${lib} PRIVATE connhost::sdk)
  set_target_properties(${lib} PROPERTIES
    POSITION_INDEPENDENT_CODE ON
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON)
endfunction()

# Links <target> to its folder's Boost.JSON library and tells the SDK's entry.hpp not to compile its own.
function(_connhost_link_boost_json target)
  connhost_boost_json_library(lib)
  target_link_libraries(${target} PRIVATE ${lib})
  target_compile_definitions(${target} PRIVATE CONNHOST_SDK_BOOST_JSON_LINKED)
endfunction()

function(connhost_add_plugin target)
  cmake_parse_arguments(ARG "NO_INSTALL" "" "SOURCES;LIBRARIES" ${ARGN})
  if(NOT ARG_SOURCES)
    message(FATAL_ERROR "connhost_add_plugin(${target}): SOURCES is required")
  endif()
  add_library(${target} MODULE ${ARG_SOURCES})
  _connhost_link_api(${target} ${ARG_SOURCES})
  target_link_libraries(${target} PRIVATE ${ARG_LIBRARIES})
  set(map ${CMAKE_CURRENT_BINARY_DIR}/${target}.map)
  # Written only when it changes, so a re-run of cmake does not relink every connector.
  file(CONFIGURE OUTPUT ${map} CONTENT "{\n  global: connhost_plugin_entry_v1;\n  local: *;\n};\n")
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
  if(NOT ARG_NO_INSTALL AND (NOT DEFINED CONNHOST_PLUGIN_INSTALL OR CONNHOST_PLUGIN_INSTALL))
    install(TARGETS ${target} LIBRARY DESTINATION lib/connhost/plugins COMPONENT runtime)
  endif()
endfunction()
