/*
 * tlbinfo: what oleaut32 sees in a type library, one line per fact, for idlgen's oracle tests.
 * Built with mingw-w64 and run under wine64 (see ../../shared/oracles.md):
 *
 *   x86_64-w64-mingw32-gcc -O1 -o tlbinfo.exe tlbinfo.c -loleaut32 -luuid
 *   WINEDEBUG=-all wine64 tlbinfo.exe lib.tlb
 *
 * Output lines (tab-separated):
 *   lib   NAME  GUID  LCID  MAJOR  MINOR  HELPSTRING
 *   type  NAME  TKIND  TYPEFLAGS  GUID  CFUNCS  CVARS  CBSIZEVFT  HELPSTRING
 *   func  TYPE  NAME  MEMID  INVKIND  OVFT  FUNCKIND  WFUNCFLAGS  PARAMS
 *   var   TYPE  NAME  MEMID  VARKIND
 * where PARAMS is name:PARAMFLAGS,... . For a dual interface (TKIND_DISPATCH with
 * TYPEFLAG_FDUAL) the vtable view, reached through GetRefTypeOfImplType(-1), is printed too,
 * as TYPE "NAME(vtbl)". A PE file's second type library is FILE.dll\\2 (LoadTypeLibEx's rule).
 */
#define COBJMACROS
#include <windows.h>
#include <oleauto.h>
#include <stdio.h>

static void print_bstr(BSTR s) {
    if (!s) { printf("-"); return; }
    for (const WCHAR *p = s; *p; p++) putchar(*p < 128 ? (char)*p : '?');
}

static void dump_info(ITypeInfo *ti, const char *suffix) {
    TYPEATTR *ta;
    BSTR name = NULL, doc = NULL;
    if (FAILED(ITypeInfo_GetTypeAttr(ti, &ta))) return;
    ITypeInfo_GetDocumentation(ti, MEMBERID_NIL, &name, &doc, NULL, NULL);
    WCHAR guid[64];
    StringFromGUID2(&ta->guid, guid, 64);
    printf("type\t"); print_bstr(name); printf("%s\t%d\t0x%x\t", suffix, ta->typekind, ta->wTypeFlags);
    for (const WCHAR *p = guid; *p; p++) putchar((char)*p);
    printf("\t%d\t%d\t%d\t", ta->cFuncs, ta->cVars, ta->cbSizeVft);
    print_bstr(doc);
    putchar('\n');
    SysFreeString(doc);
    for (UINT i = 0; i < ta->cFuncs; i++) {
        FUNCDESC *fd;
        if (FAILED(ITypeInfo_GetFuncDesc(ti, i, &fd))) continue;
        BSTR names[64];
        UINT count = 0;
        ITypeInfo_GetNames(ti, fd->memid, names, 64, &count);
        printf("func\t"); print_bstr(name); printf("%s\t", suffix);
        print_bstr(count > 0 ? names[0] : NULL);
        printf("\t0x%08lx\t%d\t%d\t%d\t0x%x\t", (unsigned long)fd->memid, fd->invkind, fd->oVft,
               fd->funckind, fd->wFuncFlags);
        for (SHORT p = 0; p < fd->cParams; p++) {
            if (p) putchar(',');
            if ((UINT)(p + 1) < count) print_bstr(names[p + 1]); else printf("-");
            printf(":0x%x", fd->lprgelemdescParam[p].paramdesc.wParamFlags);
        }
        putchar('\n');
        for (UINT n = 0; n < count; n++) SysFreeString(names[n]);
        ITypeInfo_ReleaseFuncDesc(ti, fd);
    }
    for (UINT i = 0; i < ta->cVars; i++) {
        VARDESC *vd;
        if (FAILED(ITypeInfo_GetVarDesc(ti, i, &vd))) continue;
        BSTR vname = NULL;
        ITypeInfo_GetDocumentation(ti, vd->memid, &vname, NULL, NULL, NULL);
        printf("var\t"); print_bstr(name); printf("%s\t", suffix); print_bstr(vname);
        printf("\t0x%08lx\t%d\n", (unsigned long)vd->memid, vd->varkind);
        SysFreeString(vname);
        ITypeInfo_ReleaseVarDesc(ti, vd);
    }
    if (!suffix[0] && ta->typekind == TKIND_DISPATCH && (ta->wTypeFlags & TYPEFLAG_FDUAL)) {
        HREFTYPE href;
        ITypeInfo *vt;
        if (SUCCEEDED(ITypeInfo_GetRefTypeOfImplType(ti, -1, &href)) &&
            SUCCEEDED(ITypeInfo_GetRefTypeInfo(ti, href, &vt))) {
            dump_info(vt, "(vtbl)");
            ITypeInfo_Release(vt);
        }
    }
    SysFreeString(name);
    ITypeInfo_ReleaseTypeAttr(ti, ta);
}

int wmain(int argc, WCHAR **argv) {
    ITypeLib *tl;
    if (argc < 2) { fprintf(stderr, "usage: tlbinfo FILE.tlb\n"); return 2; }
    HRESULT hr = LoadTypeLibEx(argv[1], REGKIND_NONE, &tl);
    if (FAILED(hr)) { fprintf(stderr, "LoadTypeLibEx failed: 0x%08lx\n", (unsigned long)hr); return 1; }
    TLIBATTR *la;
    if (SUCCEEDED(ITypeLib_GetLibAttr(tl, &la))) {
        BSTR lname = NULL, ldoc = NULL;
        WCHAR lguid[64];
        ITypeLib_GetDocumentation(tl, -1, &lname, &ldoc, NULL, NULL);
        StringFromGUID2(&la->guid, lguid, 64);
        printf("lib\t"); print_bstr(lname); putchar('\t');
        for (const WCHAR *p = lguid; *p; p++) putchar((char)*p);
        printf("\t%lu\t%d\t%d\t", (unsigned long)la->lcid, la->wMajorVerNum, la->wMinorVerNum);
        print_bstr(ldoc);
        putchar('\n');
        SysFreeString(lname);
        SysFreeString(ldoc);
        ITypeLib_ReleaseTLibAttr(tl, la);
    }
    UINT n = ITypeLib_GetTypeInfoCount(tl);
    for (UINT i = 0; i < n; i++) {
        ITypeInfo *ti;
        if (SUCCEEDED(ITypeLib_GetTypeInfo(tl, i, &ti))) {
            dump_info(ti, "");
            ITypeInfo_Release(ti);
        }
    }
    ITypeLib_Release(tl);
    return 0;
}
