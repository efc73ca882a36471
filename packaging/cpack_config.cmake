# CPack: `cpack -G DEB` in the build tree makes connhost_<version>_<arch>.deb (component runtime) and
# connhost-dev_<version>_all.deb (component dev); `cpack -G TGZ` one archive of the whole install tree.
# Needs CONNHOST_ABI_MAJOR (packaging/CMakeLists.txt) for the virtual package the runtime provides.
set(CPACK_PACKAGE_NAME connhost)
set(CPACK_PACKAGE_VENDOR "connhost")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "connhost maintainers <maintainers@connhost.invalid>")
# No CPACK_PACKAGE_DESCRIPTION_SUMMARY: CPackDeb would put it before each component description's own first line.
set(CPACK_GENERATOR "DEB;TGZ")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_THREADS 0)

set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL runtime dev)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_DEBIAN_COMPRESSION_TYPE xz)

set(CPACK_DEBIAN_RUNTIME_PACKAGE_NAME connhost)
set(CPACK_DEBIAN_RUNTIME_PACKAGE_SECTION utils)
set(CPACK_DEBIAN_RUNTIME_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_RUNTIME_PACKAGE_PROVIDES "connhost-abi-${CONNHOST_ABI_MAJOR}")
set(CPACK_COMPONENT_RUNTIME_DESCRIPTION
    "native host for data-integration connectors (Airbyte/Singer protocol)
connhost loads data-integration connectors (sources that read APIs and
databases, destinations that write databases and files) as shared libraries
behind a small, versioned C ABI. `connhost run` behaves like an Airbyte
connector (same verbs, Airbyte protocol JSON lines on stdin and stdout);
`connhost sync` runs a source and a destination in one process, saving only
states the destination acknowledged.

This package holds the connhost command and the bundled connectors:
source_faker, source_http, source_postgres, dest_null, dest_jsonl,
dest_sqlite and dest_pg. It provides connhost-abi-${CONNHOST_ABI_MAJOR}, the
plugin ABI major version, for third-party connector packages to depend on.")

set(CPACK_DEBIAN_DEV_PACKAGE_NAME connhost-dev)
set(CPACK_DEBIAN_DEV_PACKAGE_SECTION libdevel)
set(CPACK_DEBIAN_DEV_PACKAGE_ARCHITECTURE all)
set(CPACK_DEBIAN_DEV_PACKAGE_DEPENDS "connhost (= ${PROJECT_VERSION}), libboost1.81-dev")
set(CPACK_DEBIAN_DEV_PACKAGE_SUGGESTS "cmake, g++ | c++-compiler, pkg-config")
set(CPACK_COMPONENT_DEV_DESCRIPTION
    "development kit for connhost connectors
Everything needed to write, build and certify a connhost connector: the C
ABI header (plugin_api.h, pkg-config name connhost-plugin-api), the
header-only C++17 SDK, the CMake package (find_package(connhost) gives
connhost::sdk, connhost::plugin_api and connhost_add_plugin()), the project
templates of `connhost new`, the Airbyte and Singer conformance data
`connhost test-plugin` writes through destinations, and the guides.")

include(CPack)
