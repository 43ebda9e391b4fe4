# install() rules and the exported package: everything a CE project needs
# to build and to run, for one bitness per prefix.
#   bin/                    ceshim.dll, ceservicesd.exe (services host),
#                           ceservices.exe (CE's `services` command line)
#   include/ceshim/         the public headers
#   lib/                    the import library
#   lib/cmake/CeShim/       the package: CeShim::ceshim, CeShim::ceservicesd,
#                           CeShim::ceservices, ceshim_add_service_dll(),
#                           ceshim_deploy_runtime(), CeShim_* variables
#   share/ceshim/           toolchains/ and wine-run.sh, wine-session.sh;
#                           samples/ (buildable on their own)
# A CE project does
#   find_package(CeShim CONFIG REQUIRED)
#   target_link_libraries(app PRIVATE CeShim::ceshim)
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(CESHIM_INSTALL_CMAKEDIR ${CMAKE_INSTALL_LIBDIR}/cmake/CeShim)
set(CESHIM_INSTALL_DATADIR ${CMAKE_INSTALL_DATADIR}/ceshim)

set(_ceshim_install_targets ceshim ceservicesd ceservices)
if(TARGET ceshim_entry)
  list(APPEND _ceshim_install_targets ceshim_entry) # CE's WinMain with mingw and MSVC (shim/cebase/ce_entry.c)
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

# Toolchain files for the user's own project, with the Wine wrapper they
# name as CMAKE_CROSSCOMPILING_EMULATOR (toolchains/../wine-run.sh, the same
# layout as in the source tree).
install(FILES ${PROJECT_SOURCE_DIR}/cmake/toolchains/mingw-w64-common.cmake
              ${PROJECT_SOURCE_DIR}/cmake/toolchains/mingw-w64-x86_64.cmake
              ${PROJECT_SOURCE_DIR}/cmake/toolchains/mingw-w64-i686.cmake
              ${PROJECT_SOURCE_DIR}/cmake/toolchains/clang-mingw-x86_64.cmake
              ${PROJECT_SOURCE_DIR}/cmake/toolchains/wine-emulator.cmake
        DESTINATION ${CESHIM_INSTALL_DATADIR}/toolchains)
install(PROGRAMS ${PROJECT_SOURCE_DIR}/cmake/wine-run.sh ${PROJECT_SOURCE_DIR}/cmake/wine-session.sh
        DESTINATION ${CESHIM_INSTALL_DATADIR})
# The samples, sources only: samples/CMakeLists.txt builds them on its own
# against the installed package too. echo_service.reg is the .reg sample.
install(DIRECTORY ${PROJECT_SOURCE_DIR}/samples/ DESTINATION ${CESHIM_INSTALL_DATADIR}/samples)

math(EXPR CESHIM_PACKAGE_BITS "${CMAKE_SIZEOF_VOID_P} * 8")
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/CeShimConfig.cmake.in
  ${CMAKE_CURRENT_BINARY_DIR}/CeShimConfig.cmake
  INSTALL_DESTINATION ${CESHIM_INSTALL_CMAKEDIR}
  PATH_VARS CMAKE_INSTALL_BINDIR CESHIM_INSTALL_DATADIR)
# The version check also refuses a package of the other bitness
# (CMAKE_SIZEOF_VOID_P): each bitness has its own prefix.
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/CeShimConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/CeShimConfig.cmake
              ${CMAKE_CURRENT_BINARY_DIR}/CeShimConfigVersion.cmake
              ${PROJECT_SOURCE_DIR}/cmake/CeShimServices.cmake
        DESTINATION ${CESHIM_INSTALL_CMAKEDIR})

# The release archive (`cpack`, run by `make package`): the installed package
# above plus README.md, one ZIP per bitness, ceshim-<version>-win64.zip or
# -win32.zip, whose one top folder of the same name is the prefix to give
# CMAKE_PREFIX_PATH. cmake/tests/package-test.cmake (ARCHIVE=) unpacks it
# and checks it holds exactly what `cmake --install` gives.
install(FILES ${PROJECT_SOURCE_DIR}/README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})
set(CPACK_GENERATOR ZIP)
set(CPACK_PACKAGE_NAME ceshim)
set(CPACK_PACKAGE_VENDOR ceshim)
set(CPACK_PACKAGE_FILE_NAME ceshim-${PROJECT_VERSION}-win${CESHIM_PACKAGE_BITS})
set(CPACK_INCLUDE_TOPLEVEL_DIRECTORY ON)
set(CPACK_ARCHIVE_COMPONENT_INSTALL OFF)
set(CPACK_SOURCE_GENERATOR "")
set(CPACK_PACKAGE_DIRECTORY ${PROJECT_BINARY_DIR}/package)
include(CPack)
