/*
 * Declarations that Debian 12's MinGW-w64 headers (version 10) lack and whisper.cpp's ggml
 * uses when built for Windows 8 or later: the thread power-throttling state it hands
 * SetThreadInformation so Windows 11 does not park the cores its worker threads run on.
 * scripts/build-windows.sh force-includes this into whisper.cpp's C files
 * (CMAKE_C_FLAGS_RELEASE="... -include mingw-compat.h"). Newer MinGW-w64 headers declare
 * these themselves, so the block is skipped there.
 */
#ifndef CLIPWRIGHT_MINGW_COMPAT_H
#define CLIPWRIGHT_MINGW_COMPAT_H
#include <_mingw.h>
#if defined(__MINGW64_VERSION_MAJOR) && __MINGW64_VERSION_MAJOR <= 10
#define THREAD_POWER_THROTTLING_CURRENT_VERSION 1
#define THREAD_POWER_THROTTLING_EXECUTION_SPEED 0x1
#define THREAD_POWER_THROTTLING_VALID_FLAGS THREAD_POWER_THROTTLING_EXECUTION_SPEED
/* The Windows SDK's layout: three ULONGs (unsigned long is 32 bits on Windows). */
typedef struct _THREAD_POWER_THROTTLING_STATE {
    unsigned long Version;
    unsigned long ControlMask;
    unsigned long StateMask;
} THREAD_POWER_THROTTLING_STATE;
#endif
#endif
