# ceshim_add_service_dll(<target> DEF <file.def> SOURCES <src>...)
#
# A CE service DLL built as CE code is: linked to ceshim (forced include of
# ceshim.h, UNICODE), its entry points (Prefix_Init, Prefix_IOControl, ...)
# exported undecorated through the .def, as CE's services host expects.
# The DLL lands in the shared bin/ folder beside ceservicesd.exe.
function(ceshim_add_service_dll target)
  cmake_parse_arguments(ARG "" "DEF" "SOURCES" ${ARGN})
  if(NOT ARG_DEF OR NOT ARG_SOURCES)
    message(FATAL_ERROR "ceshim_add_service_dll(${target}): DEF and SOURCES are required")
  endif()
  add_library(${target} SHARED ${ARG_SOURCES} ${ARG_DEF})
  ceshim_strict(${target})
  target_link_libraries(${target} PRIVATE ceshim)
  set_target_properties(${target} PROPERTIES PREFIX "")
  if(MINGW)
    # The .def names the exports; keep mingw from exporting everything else.
    target_link_options(${target} PRIVATE -Wl,--exclude-all-symbols)
  endif()
endfunction()
