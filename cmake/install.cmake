# Install rules (TRACKPRINT_INSTALL, on by default): the trackprint CLI and its bash completion;
# libtrackprint.so with the public headers (include/trackprint/ only); a CMake package,
# find_package(trackprint) giving the imported target trackprint::trackprint; and trackprint.pc
# for pkg-config. tests/consumer builds a program against the installed tree. The Python module
# has its own component (python).
include(CMakePackageConfigHelpers)

install(TARGETS trackprint RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES ${PROJECT_SOURCE_DIR}/completions/trackprint.bash
  DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions RENAME trackprint)
install(TARGETS trackprint_shared EXPORT trackprint
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  FILE_SET HEADERS DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})

# The package needs no find_dependency(): the shared library's dependencies are private.
set(package_dir ${CMAKE_INSTALL_LIBDIR}/cmake/trackprint)
install(EXPORT trackprint NAMESPACE trackprint:: FILE trackprintConfig.cmake
  DESTINATION ${package_dir})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/trackprintConfigVersion.cmake
  COMPATIBILITY ${TRACKPRINT_PACKAGE_COMPATIBILITY})
install(FILES ${PROJECT_BINARY_DIR}/trackprintConfigVersion.cmake DESTINATION ${package_dir})

# Relocatable: the prefix is found from the .pc file's own place, so `cmake --install --prefix`
# to any folder gives a working file.
file(RELATIVE_PATH pc_to_prefix /${CMAKE_INSTALL_LIBDIR}/pkgconfig /)  # "../../"
string(REGEX REPLACE "/$" "" pc_to_prefix "${pc_to_prefix}")
configure_file(${CMAKE_CURRENT_LIST_DIR}/trackprint.pc.in ${PROJECT_BINARY_DIR}/trackprint.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/trackprint.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
