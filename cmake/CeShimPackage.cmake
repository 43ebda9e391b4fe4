# install() rules and the exported package: a CE project does
#   find_package(CeShim CONFIG REQUIRED)
#   target_link_libraries(app PRIVATE CeShim::ceshim)
# and gets the headers, UNICODE, the forced include of ceshim.h and the
# import library.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(CESHIM_INSTALL_CMAKEDIR ${CMAKE_INSTALL_LIBDIR}/cmake/CeShim)

set(_ceshim_install_targets ceshim)
if(TARGET ceshim_entry)
  list(APPEND _ceshim_install_targets ceshim_entry)
endif()
install(TARGETS ${_ceshim_install_targets} EXPORT CeShimTargets
        RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/headers/
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/ceshim
        FILES_MATCHING PATTERN "*.h")
# The case spellings CE code uses (generated on case-sensitive hosts only).
if(CESHIM_HEADER_SPELLINGS_DIR)
  install(DIRECTORY ${CESHIM_HEADER_SPELLINGS_DIR}/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/ceshim)
endif()
install(EXPORT CeShimTargets NAMESPACE CeShim:: DESTINATION ${CESHIM_INSTALL_CMAKEDIR})

configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/CeShimConfig.cmake.in
  ${CMAKE_CURRENT_BINARY_DIR}/CeShimConfig.cmake
  INSTALL_DESTINATION ${CESHIM_INSTALL_CMAKEDIR}
  PATH_VARS CMAKE_INSTALL_BINDIR)
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/CeShimConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/CeShimConfig.cmake
              ${CMAKE_CURRENT_BINARY_DIR}/CeShimConfigVersion.cmake
        DESTINATION ${CESHIM_INSTALL_CMAKEDIR})
