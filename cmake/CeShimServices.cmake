# Services helpers, in ceshim's own tree and in the installed package
# (find_package(CeShim) includes this file). Both link CeShim::ceshim: the
# imported target, or in-tree the alias of `ceshim`.

# ceshim_add_service_dll(<target> DEF <file.def> SOURCES <src>...)
#
# A CE service DLL built as CE code is: linked to ceshim (forced include of
# ceshim.h, UNICODE), its entry points (Prefix_Init, Prefix_IOControl, ...)
# exported undecorated through the .def, as CE's services host expects.
# Named <target>.dll (no "lib"). Deploy it beside ceservicesd.exe when the
# registry's `Dll` value is a bare name.
function(ceshim_add_service_dll target)
  cmake_parse_arguments(ARG "" "DEF" "SOURCES" ${ARGN})
  if(NOT ARG_DEF OR NOT ARG_SOURCES)
    message(FATAL_ERROR "ceshim_add_service_dll(${target}): DEF and SOURCES are required")
  endif()
  add_library(${target} SHARED ${ARG_SOURCES} ${ARG_DEF})
  if(COMMAND ceshim_strict) # ceshim's own tree: its warning flags
    ceshim_strict(${target})
  endif()
  target_link_libraries(${target} PRIVATE CeShim::ceshim)
  set_target_properties(${target} PROPERTIES PREFIX "")
  if(MINGW)
    # The .def names the exports; keep mingw from exporting everything else.
    target_link_options(${target} PRIVATE -Wl,--exclude-all-symbols)
  endif()
endfunction()

# ceshim_deploy_runtime(<target>)
#
# After each build of <target>, copies ceshim.dll, ceservicesd.exe and
# ceservices.exe beside it: the folder then runs as deployed (ceshim.dll
# starts the services host from its own folder). Call it for one target per
# output folder.
function(ceshim_deploy_runtime target)
  add_custom_command(TARGET ${target} POST_BUILD
    COMMAND ${CMAKE_COMMAND} -E copy_if_different
            $<TARGET_FILE:CeShim::ceshim> $<TARGET_FILE:CeShim::ceservicesd> $<TARGET_FILE:CeShim::ceservices>
            $<TARGET_FILE_DIR:${target}>
    VERBATIM)
endfunction()
