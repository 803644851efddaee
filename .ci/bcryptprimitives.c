/* A stand-in for Windows' bcryptprimitives.dll, for running the Windows test suite under Wine.
 *
 * Why: Rust's standard library on Windows (since Rust 1.78) fills HashMap keys and other
 * random needs with ProcessPrng, which it imports from bcryptprimitives.dll. Windows 10 and
 * later have it; Debian 12's Wine 8 has no bcryptprimitives.dll at all, so every Rust program
 * built for x86_64-pc-windows-gnu fails to start there ("could not load bcryptprimitives.dll").
 * Newer Wine (9.x) ships it; until Debian does, .ci/wine-tests builds this file with mingw
 * and puts the DLL in the Wine prefix's system32, where Wine loads it like any native DLL.
 *
 * ProcessPrng is documented to always succeed and return TRUE. Here it asks Wine's
 * RtlGenRandom (advapi32's SystemFunction036), which reads the host's random source.
 * Only the test machine uses this DLL; no program of the course ships it.
 */
#include <windows.h>

/* advapi32 exports RtlGenRandom under this name (see ntsecapi.h). */
BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length)
{
    while (length > 0) {
        ULONG chunk = length > 0x10000000 ? 0x10000000 : (ULONG)length;
        if (!SystemFunction036(data, chunk))
            return FALSE;
        data += chunk;
        length -= chunk;
    }
    return TRUE;
}
