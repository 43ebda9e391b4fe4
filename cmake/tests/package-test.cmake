# cmake -DSTEP=build|run [-DSCENARIO=...] ... -P package-test.cmake
#
# The installed package, used as a CE project uses it (see
# wine-tests/package/CMakeLists.txt for the arguments).
#   STEP=build  installs BUILD_DIR into WORK_DIR/prefix (and PEER_BUILD_DIR,
#               the other bitness's build, into WORK_DIR/peer-prefix), checks
#               what it holds, and builds cmake/tests/consumer against each
#               prefix alone (its toolchain file from the prefix too), and the
#               installed samples.
#   STEP=run    runs one SCENARIO from the deployed consumer folder, under
#               the Wine wrapper installed in the prefix:
#     version   the consumer's own ctest (the installed toolchain's emulator)
#     queue     a message queue between two processes
#     notify    device notifications between two processes
#     services  xyz_service.dll registered from a .reg, CreateFile(L"XYZ0:"),
#               `ceservices list` from the package, IOCTL_PSL_NOTIFY
#     driver    xyz_service.dll as a stream driver: ActivateDevice,
#               CreateFile(L"XYZ3:"), DeactivateDevice
#     cross     the other bitness's consumer as client of this bitness's host
#     cebase    the CE base layer's CE-style sources (WinMain, debug zones,
#               KernelIoControl, registry paths, swprintf, header case)
# ARCHIVE=<ceshim-V-winN.zip> (and PEER_ARCHIVE for the peer): the prefix is
# the release archive unpacked into a fresh folder instead of the result of
# `cmake --install`; STEP=build first checks that the archive holds exactly
# what `cmake --install` of BUILD_DIR gives, in one top folder. With no such
# file yet, cpack makes it from BUILD_DIR (ctest's package.archive.*).
string(REPLACE "|" ";" EMULATOR "${EMULATOR}")
set(prefix ${WORK_DIR}/prefix)
set(deploy ${WORK_DIR}/build)
set(peer_prefix ${WORK_DIR}/peer-prefix)
set(peer_deploy ${WORK_DIR}/peer-build)
# An archive's prefix: its one top folder, named as the archive.
function(archive_prefix out archive unpacked)
  get_filename_component(name ${archive} NAME)
  string(REGEX REPLACE "\\.zip$" "" name "${name}")
  set(${out} ${unpacked}/${name} PARENT_SCOPE)
endfunction()
if(ARCHIVE)
  archive_prefix(prefix ${ARCHIVE} ${WORK_DIR}/unpacked)
endif()
if(PEER_ARCHIVE)
  archive_prefix(peer_prefix ${PEER_ARCHIVE} ${WORK_DIR}/peer-unpacked)
endif()
get_filename_component(ceshim_source ${CONSUMER_SOURCE}/../../.. ABSOLUTE)
# Only what the command line names may lead to a package.
unset(ENV{CeShim_DIR})
unset(ENV{CMAKE_PREFIX_PATH})

set(failures "")

# run(<expect regex or "">, command...): runs it, bounded; a non-zero exit or
# output without the regex is a failure (noted, the script goes on).
# Output is read through one pipe for stdout and stderr, as CI runners
# read it: a services host the program starts must not hold that pipe.
function(run expect)
  set(null /dev/null)
  if(CMAKE_HOST_WIN32)
    set(null NUL)
  endif()
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc INPUT_FILE ${null} OUTPUT_VARIABLE all ERROR_VARIABLE all
                  TIMEOUT 180)
  string(REPLACE ";" " " cmd "${ARGN}")
  message("$ ${cmd}\n${all}")
  if(NOT rc EQUAL 0 OR (expect AND NOT all MATCHES "${expect}"))
    set(failures "${failures}\n- ${cmd}: exit ${rc}, expected /${expect}/" PARENT_SCOPE)
  endif()
  set(last_output "${all}" PARENT_SCOPE)
endfunction()

function(give_up_if_failed)
  if(failures)
    message(FATAL_ERROR "package test failed:${failures}")
  endif()
endfunction()

# A path as Windows programs see it (Wine: drive Z: is the Unix root).
function(win_path out path)
  if(EMULATOR)
    string(REPLACE "/" "\\" path "Z:${path}")
  else()
    file(TO_NATIVE_PATH "${path}" path)
  endif()
  set(${out} "${path}" PARENT_SCOPE)
endfunction()

# Runs a Windows program of the installed package or the consumer, through
# the Wine wrapper installed in the prefix (in the build's Wine prefix).
function(run_win expect)
  set(wrapper "")
  if(EMULATOR)
    list(GET EMULATOR 1 wineprefix)
    set(wrapper ${prefix}/share/ceshim/wine-run.sh ${wineprefix})
  endif()
  run("${expect}" ${wrapper} ${ARGN})
  set(failures "${failures}" PARENT_SCOPE)
  set(last_output "${last_output}" PARENT_SCOPE)
endfunction()

# The toolchain file of the installed package named like the build's.
function(installed_toolchain out pkg build_dir)
  file(STRINGS ${build_dir}/CMakeCache.txt line REGEX "^CMAKE_TOOLCHAIN_FILE:")
  set(${out} "" PARENT_SCOPE)
  if(line)
    string(REGEX REPLACE "^[^=]*=" "" file "${line}")
    get_filename_component(name "${file}" NAME)
    set(${out} ${pkg}/share/ceshim/toolchains/${name} PARENT_SCOPE)
  endif()
endfunction()

# The files under dir, relative to it, sorted.
function(tree_files out dir)
  file(GLOB_RECURSE files RELATIVE ${dir} LIST_DIRECTORIES false ${dir}/*)
  list(SORT files)
  set(${out} "${files}" PARENT_SCOPE)
endfunction()

# unpack_archive(<zip> <build tree> <prefix>): the archive (made by cpack
# from the build tree when missing) unpacked into a fresh folder; it must
# hold exactly what `cmake --install` of the build tree gives, in one top
# folder named as the archive (the prefix).
function(unpack_archive archive build_dir pkg)
  if(NOT EXISTS ${archive})
    get_filename_component(dir ${archive} DIRECTORY)
    get_filename_component(cmake_bin ${CMAKE_COMMAND} DIRECTORY)
    run("" ${cmake_bin}/cpack -G ZIP --config ${build_dir}/CPackConfig.cmake -B ${dir})
    give_up_if_failed()
    if(NOT EXISTS ${archive})
      message(FATAL_ERROR "cpack made no ${archive}:\n${last_output}")
    endif()
  endif()
  get_filename_component(unpacked ${pkg} DIRECTORY)
  file(REMOVE_RECURSE ${unpacked})
  file(ARCHIVE_EXTRACT INPUT ${archive} DESTINATION ${unpacked})
  file(GLOB top RELATIVE ${unpacked} ${unpacked}/*)
  get_filename_component(name ${pkg} NAME)
  if(NOT top STREQUAL name)
    message(FATAL_ERROR "${archive} holds ${top} at its top, not one folder ${name}")
  endif()
  set(reference ${WORK_DIR}/reference-${name})
  file(REMOVE_RECURSE ${reference})
  run("" ${CMAKE_COMMAND} --install ${build_dir} --prefix ${reference})
  give_up_if_failed()
  tree_files(want ${reference})
  tree_files(got ${pkg})
  if(NOT got STREQUAL want)
    string(REPLACE ";" "\n  " want "${want}")
    string(REPLACE ";" "\n  " got "${got}")
    message(FATAL_ERROR "${archive} does not hold exactly the installed package.\n"
                        "installed:\n  ${want}\narchive:\n  ${got}")
  endif()
  list(LENGTH got count)
  message("${archive}: ${count} files, the same as `cmake --install` gives")
endfunction()

# install_and_build(<build tree> <prefix> <consumer build dir> [<archive>])
function(install_and_build build_dir pkg out_dir)
  if(ARGN)
    unpack_archive(${ARGN} ${build_dir} ${pkg})
  else()
    run("" ${CMAKE_COMMAND} --install ${build_dir} --prefix ${pkg})
  endif()
  foreach(f share/doc/ceshim/README.md bin/ceshim.dll bin/ceservicesd.exe bin/ceservices.exe
            include/ceshim/ceshim.h include/ceshim/msgqueue.h include/ceshim/service.h
            include/ceshim/pkfuncs.h include/ceshim/pnp.h include/ceshim/dbgapi.h
            lib/cmake/CeShim/CeShimConfig.cmake lib/cmake/CeShim/CeShimTargets.cmake
            lib/cmake/CeShim/CeShimServices.cmake
            share/ceshim/toolchains/mingw-w64-x86_64.cmake share/ceshim/toolchains/mingw-w64-i686.cmake
            share/ceshim/wine-run.sh share/ceshim/samples/CMakeLists.txt
            share/ceshim/samples/services/echo_service.reg)
    if(NOT EXISTS ${pkg}/${f})
      message(FATAL_ERROR "the installed package lacks ${f}")
    endif()
  endforeach()
  installed_toolchain(toolchain ${pkg} ${build_dir})
  set(configure -G ${GENERATOR} -DCMAKE_PREFIX_PATH=${pkg} -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF
                -DCMAKE_BUILD_TYPE=Release)
  if(toolchain)
    list(APPEND configure -DCMAKE_TOOLCHAIN_FILE=${toolchain})
  else()
    list(APPEND configure -DCMAKE_C_COMPILER=${C_COMPILER})
  endif()
  run("" ${CMAKE_COMMAND} -S ${CONSUMER_SOURCE} -B ${out_dir} ${configure})
  give_up_if_failed()
  run("" ${CMAKE_COMMAND} --build ${out_dir})
  give_up_if_failed()

  # Where did CeShim come from? Only the prefix; nothing of the build tree.
  file(STRINGS ${out_dir}/CMakeCache.txt dir_line REGEX "^CeShim_DIR:")
  if(NOT dir_line MATCHES "=${pkg}/lib/cmake/CeShim$")
    message(FATAL_ERROR "the consumer found CeShim outside ${pkg}: ${dir_line}")
  endif()
  file(GLOB ninja_files ${out_dir}/*.ninja ${out_dir}/Makefile)
  foreach(f ${ninja_files})
    file(READ ${f} text)
    foreach(leak "${build_dir}/bin/" "${build_dir}/lib/" "${ceshim_source}/headers")
      string(FIND "${text}" "${leak}" at)
      if(NOT at EQUAL -1)
        message(FATAL_ERROR "the consumer build uses ${leak} (${f})")
      endif()
    endforeach()
  endforeach()
  # CE code's header spellings, generated on case-sensitive hosts.
  if(NOT CMAKE_HOST_WIN32 AND NOT CMAKE_HOST_APPLE)
    foreach(f Msgqueue.h Pkfuncs.h Service.h Windows.h)
      if(NOT EXISTS ${pkg}/include/ceshim/${f})
        message(FATAL_ERROR "the installed package lacks include/ceshim/${f}")
      endif()
    endforeach()
  endif()
  # Deployed as documented: the program, its service DLL and the runtime.
  foreach(f ce_consumer.exe xyz_service.dll ceshim.dll ceservicesd.exe ceservices.exe)
    if(NOT EXISTS ${out_dir}/${f})
      message(FATAL_ERROR "the consumer folder lacks ${f} after the build")
    endif()
  endforeach()
endfunction()

# ---- services: registration as a user does it, and clean-up --------------------

# A fresh CESHIM_SERVICES_INSTANCE: its own host and registry root.
function(new_instance)
  string(RANDOM LENGTH 12 ALPHABET abcdefghijklmnopqrstuvwxyz0123456789 r)
  set(word "pkg${r}")
  set(ENV{CESHIM_SERVICES_INSTANCE} ${word})
  set(instance ${word} PARENT_SCOPE)
endfunction()

# Writes <instance>.reg for xyz_service.dll at `dll` and imports it.
function(register_xyz dll)
  set(XYZ_INSTANCE_ROOT "Software\\ceshim\\Instances\\${instance}")
  set(XYZ_SERVICES_ROOT "${XYZ_INSTANCE_ROOT}\\Services")
  string(REPLACE "\\" "\\\\" XYZ_DLL "${dll}") # .reg strings escape backslashes
  set(reg ${WORK_DIR}/${instance}.reg)
  configure_file(${CONSUMER_SOURCE}/xyz_service.reg.in ${reg} @ONLY)
  win_path(reg_win ${reg})
  # As the README says: in the registry view of the service's bitness.
  if(EMULATOR)
    run_win("" reg import ${reg_win} /reg:${BITS})
  else()
    run("" reg import ${reg_win} /reg:${BITS})
  endif()
  set(failures "${failures}" PARENT_SCOPE)
endfunction()

# Stops the instance's hosts (both bitnesses) and removes its registry root.
function(end_instance cli)
  run_win("" ${cli} shutdown)
  set(key "HKCU\\Software\\ceshim\\Instances\\${instance}")
  if(EMULATOR)
    run_win("" reg delete ${key} /f)
  else()
    run("" reg delete ${key} /f)
  endif()
  set(failures "${failures}" PARENT_SCOPE)
endfunction()

# ---- the steps ---------------------------------------------------------------------

if(STEP STREQUAL "build")
  file(REMOVE_RECURSE ${WORK_DIR})
  install_and_build(${BUILD_DIR} ${prefix} ${deploy} ${ARCHIVE})
  if(PEER_BUILD_DIR)
    install_and_build(${PEER_BUILD_DIR} ${peer_prefix} ${peer_deploy} ${PEER_ARCHIVE})
    # One prefix per bitness: the other bitness's build refuses this package.
    installed_toolchain(peer_toolchain ${peer_prefix} ${PEER_BUILD_DIR})
    execute_process(COMMAND ${CMAKE_COMMAND} -S ${CONSUMER_SOURCE} -B ${WORK_DIR}/mismatch -G ${GENERATOR}
                            -DCMAKE_PREFIX_PATH=${prefix} -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF
                            -DCMAKE_TOOLCHAIN_FILE=${peer_toolchain}
                    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err TIMEOUT 120)
    if(rc EQUAL 0 OR NOT "${out}${err}" MATCHES "CeShimConfig.cmake, version: [0-9.]+ \\((32|64)bit\\)")
      message(FATAL_ERROR "a build of the other bitness accepted this package (exit ${rc}):\n${out}${err}")
    endif()
  endif()
  # The installed samples build on their own against the package.
  installed_toolchain(toolchain ${prefix} ${BUILD_DIR})
  set(samples_args -G ${GENERATOR} -DCMAKE_PREFIX_PATH=${prefix} -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF)
  if(toolchain)
    list(APPEND samples_args -DCMAKE_TOOLCHAIN_FILE=${toolchain})
  else()
    list(APPEND samples_args -DCMAKE_C_COMPILER=${C_COMPILER})
  endif()
  run("" ${CMAKE_COMMAND} -S ${prefix}/share/ceshim/samples -B ${WORK_DIR}/samples ${samples_args})
  give_up_if_failed()
  run("" ${CMAKE_COMMAND} --build ${WORK_DIR}/samples)
  give_up_if_failed()
  run_win("ceshim [0-9]+\\.[0-9]+" ${WORK_DIR}/samples/bin/hello.exe)
elseif(STEP STREQUAL "run" AND SCENARIO STREQUAL "version")
  # The consumer's own test, run by ctest through the emulator its
  # toolchain file (from the prefix) set: the installed wine-run.sh.
  file(READ ${deploy}/CTestTestfile.cmake tests)
  string(FIND "${tests}" "\"${prefix}/share/ceshim/wine-run.sh\"" at)
  if(EMULATOR AND at EQUAL -1)
    message(FATAL_ERROR "the consumer's tests do not run through the installed wine-run.sh:\n${tests}")
  endif()
  if(EMULATOR)
    list(GET EMULATOR 1 wineprefix)
    set(ENV{CESHIM_WINEPREFIX} ${wineprefix}) # the running session's prefix
  endif()
  get_filename_component(cmake_bin ${CMAKE_COMMAND} DIRECTORY)
  run("version: OK" ${cmake_bin}/ctest --test-dir ${deploy} --output-on-failure -V)
elseif(STEP STREQUAL "run" AND SCENARIO STREQUAL "queue")
  run_win("queue: OK" ${deploy}/ce_consumer.exe queue)
elseif(STEP STREQUAL "run" AND SCENARIO STREQUAL "notify")
  run_win("notify: OK" ${deploy}/ce_consumer.exe notify)
elseif(STEP STREQUAL "run" AND SCENARIO STREQUAL "services")
  # As a user deploys: a bare Dll name, found beside ceservicesd.exe.
  new_instance()
  register_xyz(xyz_service.dll)
  if(NOT failures)
    run_win("service: OK" ${deploy}/ce_consumer.exe service ${BITS})
    run_win("XYZ0:[^\n]*xyz_service\\.dll" ${deploy}/ceservices.exe list)
    run_win("psl: OK" ${deploy}/ce_consumer.exe psl ${BITS})
  endif()
  end_instance(${deploy}/ceservices.exe)
elseif(STEP STREQUAL "run" AND SCENARIO STREQUAL "driver")
  # The service DLL as a stream driver: ActivateDevice, CreateFile(L"XYZ3:"),
  # DeactivateDevice, from the package alone.
  new_instance()
  register_xyz(xyz_service.dll)
  if(NOT failures)
    run_win("driver: OK" ${deploy}/ce_consumer.exe driver ${BITS})
  endif()
  end_instance(${deploy}/ceservices.exe)
elseif(STEP STREQUAL "run" AND SCENARIO STREQUAL "cross")
  # The other bitness's consumer (its own package's ceshim.dll and host
  # beside it) reaches xyz_service.dll of this bitness in this bitness's
  # host, named by CESHIM_SERVICES_HOST<BITS>.
  new_instance()
  win_path(dll ${deploy}/xyz_service.dll)
  win_path(host ${deploy}/ceservicesd.exe)
  set(ENV{CESHIM_SERVICES_HOST${BITS}} "${host}")
  register_xyz(${dll})
  if(NOT failures)
    run_win("service: OK" ${peer_deploy}/ce_consumer.exe service ${BITS})
    run_win("psl: OK" ${peer_deploy}/ce_consumer.exe psl ${BITS})
    run_win("XYZ0:[^\n]*xyz_service\\.dll" ${peer_deploy}/ceservices.exe list)
  endif()
  end_instance(${peer_deploy}/ceservices.exe)
elseif(STEP STREQUAL "run" AND SCENARIO STREQUAL "cebase")
  # Each CE source's exit code and output, as in-tree: ce_programs.cmake
  # says what, run-expect.cmake checks it.
  include(${ceshim_source}/wine-tests/cebase/ce_sources/ce_programs.cmake)
  set(wrapper "")
  if(EMULATOR)
    list(GET EMULATOR 1 wineprefix)
    set(wrapper "${prefix}/share/ceshim/wine-run.sh|${wineprefix}")
  endif()
  foreach(name IN LISTS CE_PROGRAMS)
    execute_process(COMMAND ${CMAKE_COMMAND} "-DEMULATOR=${wrapper}" -DPROGRAM=${deploy}/${name}.exe
                            "-DARGS=${CE_${name}_ARGS}" -DEXIT=${CE_${name}_EXIT} "-DEXPECT=${CE_${name}_EXPECT}"
                            "-DENV=${CE_${name}_ENV}" -P ${ceshim_source}/cmake/tests/run-expect.cmake
                    RESULT_VARIABLE rc OUTPUT_VARIABLE all ERROR_VARIABLE all)
    message("$ ${name}:\n${all}")
    if(NOT rc EQUAL 0)
      string(REGEX MATCH "CMake Error[^\n]*\n *([^\n]*)" _ "${all}")
      set(failures "${failures}\n- ${name}: ${CMAKE_MATCH_1}")
    endif()
  endforeach()
else()
  message(FATAL_ERROR "package-test.cmake: unknown STEP=${STEP} SCENARIO=${SCENARIO}")
endif()
give_up_if_failed()
