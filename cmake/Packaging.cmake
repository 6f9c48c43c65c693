# `cpack -G DEB` in the build folder makes cachelab_VERSION_ARCH.deb: the programs, the
# library with its headers and CMake package, the demos, lessons, manual pages, completion
# and desktop integration. dpkg-shlibdeps finds the libraries the programs link; the Qt
# plugins they load at run time (SQLite driver, platform, SVG icons) are named here.
set(CPACK_PACKAGE_NAME cachelab)
set(CPACK_PACKAGE_VENDOR "Cache Lab")
set(CPACK_PACKAGE_CONTACT "Cache Lab developers <cachelab@example.org>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGE_DESCRIPTION
    "Cache Lab teaches caching patterns (cache-aside, write-through, write-behind,\n\
refresh-ahead, memoizing, multi-level, circuit breaker) by running them in\n\
virtual time and drawing every call as a sequence diagram. It includes\n\
cachelab-cli, the demos and lessons, and the cachelab_core library.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION education)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS ON)
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA ${PROJECT_SOURCE_DIR}/resources/debian/triggers)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS
    "libqt6sql6-sqlite, qt6-qpa-plugins, qt6-translations-l10n")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "redis-server")
set(CPACK_GENERATOR DEB)
include(CPack)
