# The CE-style sources and what each must print, shared by the in-tree tests
# (wine-tests/cebase/CMakeLists.txt) and the installed-package test
# (cmake/tests/consumer, cmake/tests/package-test.cmake). Per program:
# _SOURCE, _EXIT (exit code), _ARGS, _EXPECT (regexes), _ENV (K=V) as
# "|"-separated lists, _DEFINES (a CE debug build's DEBUG).
set(CE_PROGRAMS ce_service ce_winmain ce_winmain_cpp ce_driver_reg ce_swprintf ce_mixed_case ce_own_debugmsg ce_power_key)

set(CE_ce_service_SOURCE ce_service.c)
set(CE_ce_service_DEFINES DEBUG) # a CE debug build: CE's build system defines DEBUG
set(CE_ce_service_EXIT 0)
set(CE_ce_service_ARGS "one|two")
set(CE_ce_service_EXPECT "CeSvc: service started with 2 argument\\(s\\), last two|CeSvc: SVC_Init\\(7\\) mask 0x0005|CeSvc: device id 44 bytes, platform id 16 bytes|CeSvc: unknown ioctl: error 50|CeSvc: done")
set(CE_ce_service_ENV "CESHIM_DEBUGMSG=1|CESHIM_ZONES_CeSvc=0x5")

set(CE_ce_winmain_SOURCE ce_winmain.c)
set(CE_ce_winmain_EXIT 3)
set(CE_ce_winmain_ARGS "first|two words")
set(CE_ce_winmain_EXPECT "WinMain\\(C\\): instance ok, cmdline \\[first \"two words\"\\], show 1")
set(CE_ce_winmain_ENV "")

set(CE_ce_winmain_cpp_SOURCE ce_winmain_cpp.cpp)
set(CE_ce_winmain_cpp_EXIT 4)
set(CE_ce_winmain_cpp_ARGS "x|y")
set(CE_ce_winmain_cpp_EXPECT "WinMain\\(C\\+\\+\\): hello, cmdline \\[x y\\]")
set(CE_ce_winmain_cpp_ENV "CESHIM_DEBUGMSG=1")

set(CE_ce_driver_reg_SOURCE ce_driver_reg.c)
set(CE_ce_driver_reg_EXIT 0)
set(CE_ce_driver_reg_ARGS "")
set(CE_ce_driver_reg_EXPECT "Dll=sample\\.dll \\(rc 0\\)|Services key: present|deleted: 0")
set(CE_ce_driver_reg_ENV "")

set(CE_ce_swprintf_SOURCE ce_swprintf.c)
set(CE_ce_swprintf_EXIT 0)
set(CE_ce_swprintf_ARGS "")
set(CE_ce_swprintf_EXPECT "swprintf: Dll=C:\\\\Windows\\\\ce\\.dll;Prefix=NAR \\(32\\)|counted: counted form \\(12\\)|wsprintf wide 42|vswprintf ok")
set(CE_ce_swprintf_ENV "")

set(CE_ce_mixed_case_SOURCE ce_mixed_case.c)
set(CE_ce_mixed_case_EXIT 0)
set(CE_ce_mixed_case_ARGS "")
set(CE_ce_mixed_case_EXPECT "mixed case: queue made, IOCTL_HAL_GET_UUID 0x01010034, platform 3")
set(CE_ce_mixed_case_ENV "CESHIM_DEBUGMSG=1")

set(CE_ce_own_debugmsg_SOURCE ce_own_debugmsg.c)
set(CE_ce_own_debugmsg_EXIT 0)
set(CE_ce_own_debugmsg_ARGS "")
set(CE_ce_own_debugmsg_EXPECT "own DEBUGMSG: used|ceshim RETAILMSG: kept")
set(CE_ce_own_debugmsg_ENV "CESHIM_DEBUGMSG=1")

set(CE_ce_power_key_SOURCE ce_power_key.c)
set(CE_ce_power_key_EXIT 0)
set(CE_ce_power_key_ARGS "")
set(CE_ce_power_key_EXPECT "unattended: 1|power key down: 1|power key up: 1|OEM message: 0, error 50|state [a-z]+ \\(0\\), time set, uuid 16 bytes, power 1, proc found, random varies")
set(CE_ce_power_key_ENV "CESHIM_DEBUGMSG=1")

# ce_add_program(name source_dir ceshim_target): the program built as a CE
# team builds it: the ceshim target, warnings as errors, ceshim's headers as
# plain -I (a warning they cause is seen), nothing else.
function(ce_add_program name source_dir ceshim_target)
  add_executable(${name} ${source_dir}/${CE_${name}_SOURCE})
  target_link_libraries(${name} PRIVATE ${ceshim_target})
  target_compile_definitions(${name} PRIVATE ${CE_${name}_DEFINES})
  if(MSVC)
    target_compile_options(${name} PRIVATE /W4 /WX)
  else()
    target_compile_options(${name} PRIVATE -Wall -Wextra -Werror)
  endif()
  set_property(TARGET ${name} PROPERTY NO_SYSTEM_FROM_IMPORTED ON)
endfunction()
