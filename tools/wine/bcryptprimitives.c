/* bcryptprimitives.dll for Wine 8, whose loader lacks it: Rust's std (x86_64-pc-windows-gnu)
 * imports ProcessPrng from it for HashMap seeds. This forwards to RtlGenRandom (advapi32's
 * SystemFunction036), which Wine has. Built by .ci/windows-target next to each test .exe:
 *   x86_64-w64-mingw32-gcc -shared -O2 -o bcryptprimitives.dll bcryptprimitives.c -ladvapi32 */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len)
{
    while (len > 0) {
        ULONG chunk = len > 0x10000000 ? 0x10000000 : (ULONG)len;
        if (!SystemFunction036(data, chunk))
            return FALSE;
        data += chunk;
        len -= chunk;
    }
    return TRUE;
}
