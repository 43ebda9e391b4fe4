# Runs cross-compiled test executables under Wine when Wine is found.
# The wrapper gives every build tree its own Wine prefix (<build>/wineprefix),
# silences Wine's logging and avoids the Mono/Gecko prompts.
if(NOT CMAKE_CROSSCOMPILING_EMULATOR)
  find_program(CESHIM_WINE_PROGRAM NAMES wine)
  if(CESHIM_WINE_PROGRAM)
    get_filename_component(_ceshim_wine_run "${CMAKE_CURRENT_LIST_DIR}/../wine-run.sh" ABSOLUTE)
    set(CMAKE_CROSSCOMPILING_EMULATOR "${_ceshim_wine_run};${CMAKE_BINARY_DIR}/wineprefix")
  endif()
endif()
