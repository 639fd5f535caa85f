/* A C client of the mock CA (examples/mock-ca), written against the header widl generates from
 * fixtures/certif/certif.idl: CoCreateInstance(CLSID_CCertServerExit), then all 12 methods of
 * ICertServerExit through the vtable, in the order certif_exit.vbs calls them late-bound.
 * Built and run by .ci/wine-server:
 *   widl -h -I <wine idl> -o certif.h fixtures/certif/certif.idl
 *   x86_64-w64-mingw32-gcc -I <dir of certif.h> -o certif_client.exe tests/wine/certif_client.c \
 *       -lole32 -loleaut32 -luuid
 * Lines not starting with two spaces must equal the VBScript's; indented lines are details only
 * this client shows (bytes of binary values, DllCanUnloadNow, the policy class). */
#define COBJMACROS
#include <windows.h>
#include <initguid.h>
#include <stdio.h>
#include "certif.h"

DEFINE_GUID(CLSID_CCertServerExit, 0x4c4a5e40, 0x732c, 0x11d0, 0x88, 0x16, 0x00, 0xa0, 0xc9, 0x03, 0xb8, 0x3c);
DEFINE_GUID(CLSID_CCertServerPolicy, 0xaa000926, 0xffbe, 0x11cf, 0x88, 0x00, 0x00, 0xa0, 0xc9, 0x03, 0xb8, 0x3c);

#define PROPTYPE_LONG 1
#define PROPTYPE_DATE 2
#define PROPTYPE_BINARY 3
#define PROPTYPE_STRING 4

static ICertServerExit *ca;
static int failures;

static void print_bstr(BSTR s)
{
    UINT i, n = SysStringLen(s);
    for (i = 0; i < n; i++)
        putchar(s[i] < 0x80 ? (char)s[i] : '?');
}

static void print_variant(const VARIANT *v)
{
    switch (V_VT(v)) {
    case VT_I4:
        printf("VT_I4 %ld", (long)V_I4(v));
        break;
    case VT_BSTR:
        printf("VT_BSTR ");
        print_bstr(V_BSTR(v));
        break;
    case VT_DATE: {
        SYSTEMTIME st;
        if (VariantTimeToSystemTime(V_DATE(v), &st))
            printf("VT_DATE %04u-%02u-%02u %02u:%02u:%02u", st.wYear, st.wMonth, st.wDay, st.wHour,
                   st.wMinute, st.wSecond);
        else
            printf("VT_DATE ?");
        break;
    }
    case VT_ARRAY | VT_UI1: {
        SAFEARRAY *sa = V_ARRAY(v);
        LONG lo = 0, hi = -1, i;
        printf("VT_ARRAY|VT_UI1\n  bytes:");
        SafeArrayGetLBound(sa, 1, &lo);
        SafeArrayGetUBound(sa, 1, &hi);
        for (i = lo; i <= hi; i++) {
            BYTE b = 0;
            SafeArrayGetElement(sa, &i, &b);
            printf(" %02x", b);
        }
        break;
    }
    default:
        printf("VarType %u", V_VT(v));
    }
}

static void print_error(const char *label, HRESULT hr)
{
    printf("%s: error 0x%08lX\n", label, (unsigned long)hr);
}

static void check_void(const char *label, HRESULT hr)
{
    if (FAILED(hr))
        print_error(label, hr);
    else
        printf("%s: ok\n", label);
}

static BSTR wide(const char *s)
{
    WCHAR buf[256];
    int n = MultiByteToWideChar(CP_UTF8, 0, s, -1, buf, 256);
    return SysAllocStringLen(buf, n > 0 ? (UINT)(n - 1) : 0);
}


static void get_prop(const char *method, const char *name, LONG type)
{
    char label[200];
    VARIANT v;
    HRESULT hr;
    BSTR b = wide(name);
    VariantInit(&v);
    if (!strcmp(method, "GetRequestProperty"))
        hr = ca->lpVtbl->GetRequestProperty(ca, b, type, &v);
    else if (!strcmp(method, "GetCertificateProperty"))
        hr = ca->lpVtbl->GetCertificateProperty(ca, b, type, &v);
    else
        hr = ca->lpVtbl->GetCertificateExtension(ca, b, type, &v);
    SysFreeString(b);
    snprintf(label, sizeof label, "%s(\"%s\", %ld)", method, name, (long)type);
    if (FAILED(hr)) {
        print_error(label, hr);
    } else {
        printf("%s: ", label);
        print_variant(&v);
        printf("\n");
    }
    VariantClear(&v);
}

static void print_bstr_result(const char *label, HRESULT hr, BSTR s)
{
    if (FAILED(hr)) {
        print_error(label, hr);
    } else {
        printf("%s: ", label);
        print_bstr(s);
        printf("\n");
    }
    SysFreeString(s);
}

static void flags(void)
{
    LONG f = -1;
    HRESULT hr = ca->lpVtbl->GetCertificateExtensionFlags(ca, &f);
    if (FAILED(hr))
        print_error("GetCertificateExtensionFlags()", hr);
    else
        printf("GetCertificateExtensionFlags(): %ld\n", (long)f);
}

static void enumerate(int extensions)
{
    const char *what = extensions ? "Extensions" : "Attributes";
    char label[100];
    int i;
    snprintf(label, sizeof label, "Enumerate%sSetup(0)", what);
    check_void(label, extensions ? ca->lpVtbl->EnumerateExtensionsSetup(ca, 0)
                                 : ca->lpVtbl->EnumerateAttributesSetup(ca, 0));
    snprintf(label, sizeof label, "Enumerate%s()", what);
    for (i = 0; i < 20; i++) {
        BSTR name = NULL;
        HRESULT hr = extensions ? ca->lpVtbl->EnumerateExtensions(ca, &name)
                                : ca->lpVtbl->EnumerateAttributes(ca, &name);
        print_bstr_result(label, hr, name);
        if (FAILED(hr))
            break;
    }
    snprintf(label, sizeof label, "Enumerate%sClose()", what);
    check_void(label, extensions ? ca->lpVtbl->EnumerateExtensionsClose(ca)
                                 : ca->lpVtbl->EnumerateAttributesClose(ca));
}

static const char *can_unload(void)
{
    HMODULE dll = GetModuleHandleA("mock_ca.dll");
    HRESULT(STDAPICALLTYPE * fn)(void);
    HRESULT hr;
    if (!dll)
        return "not loaded";
    fn = (HRESULT(STDAPICALLTYPE *)(void))(void *)GetProcAddress(dll, "DllCanUnloadNow");
    if (!fn)
        return "no DllCanUnloadNow";
    hr = fn();
    return hr == S_OK ? "S_OK" : hr == S_FALSE ? "S_FALSE" : "other";
}

int main(void)
{
    static const char *attributes[] = {"CertificateTemplate", "ccm", "Missing"};
    static const char *extensions[] = {"2.5.29.15", "1.3.6.1.4.1.311.21.7", "2.5.29.99"};
    ICertServerPolicy *policy = NULL;
    const char *status;
    HRESULT hr;
    int i;

    hr = CoInitialize(NULL);
    if (FAILED(hr)) {
        printf("CoInitialize: error 0x%08lX\n", (unsigned long)hr);
        return 1;
    }
    hr = CoCreateInstance(&CLSID_CCertServerExit, NULL, CLSCTX_INPROC_SERVER, &IID_ICertServerExit,
                          (void **)&ca);
    if (FAILED(hr)) {
        printf("CoCreateInstance: error 0x%08lX\n", (unsigned long)hr);
        return 1;
    }

    get_prop("GetRequestProperty", "RequestID", PROPTYPE_LONG);
    {
        BSTR name = NULL;
        print_bstr_result("EnumerateExtensions()", ca->lpVtbl->EnumerateExtensions(ca, &name), name);
    }
    check_void("SetContext(7)", ca->lpVtbl->SetContext(ca, 7));

    get_prop("GetRequestProperty", "RequestID", PROPTYPE_LONG);
    get_prop("GetRequestProperty", "requestername", PROPTYPE_STRING);
    get_prop("GetRequestProperty", "RawRequest", PROPTYPE_BINARY);
    get_prop("GetRequestProperty", "SubmittedWhen", PROPTYPE_DATE);
    get_prop("GetRequestProperty", "RequestID", PROPTYPE_DATE);
    get_prop("GetRequestProperty", "NoSuchProperty", PROPTYPE_LONG);

    for (i = 0; i < 3; i++) {
        char label[100];
        BSTR name = wide(attributes[i]), value = NULL;
        hr = ca->lpVtbl->GetRequestAttribute(ca, name, &value);
        SysFreeString(name);
        snprintf(label, sizeof label, "GetRequestAttribute(\"%s\")", attributes[i]);
        print_bstr_result(label, hr, value);
    }

    get_prop("GetCertificateProperty", "RawCertificate", PROPTYPE_BINARY);
    get_prop("GetCertificateProperty", "SerialNumber", PROPTYPE_STRING);
    get_prop("GetCertificateProperty", "NotBefore", PROPTYPE_DATE);
    get_prop("GetCertificateProperty", "CertificateType", PROPTYPE_LONG);

    for (i = 0; i < 3; i++) {
        get_prop("GetCertificateExtension", extensions[i], PROPTYPE_BINARY);
        flags();
    }
    get_prop("GetCertificateExtension", "1.3.6.1.4.1.311.21.1", PROPTYPE_LONG);
    flags();

    enumerate(1);
    enumerate(0);
    {
        BSTR name = NULL;
        print_bstr_result("EnumerateAttributes()", ca->lpVtbl->EnumerateAttributes(ca, &name), name);
    }
    check_void("EnumerateExtensionsSetup(1)", ca->lpVtbl->EnumerateExtensionsSetup(ca, 1));

    check_void("SetContext(99)", ca->lpVtbl->SetContext(ca, 99));
    check_void("SetContext(8)", ca->lpVtbl->SetContext(ca, 8));
    get_prop("GetRequestProperty", "RequestID", PROPTYPE_LONG);
    enumerate(1);

    /* The policy class through its own vtable (three extra slots). */
    hr = CoCreateInstance(&CLSID_CCertServerPolicy, NULL, CLSCTX_INPROC_SERVER,
                          &IID_ICertServerPolicy, (void **)&policy);
    if (FAILED(hr)) {
        printf("  CoCreateInstance(CCertServerPolicy): error 0x%08lX\n", (unsigned long)hr);
        failures++;
    } else {
        BSTR name = wide("Validity");
        VARIANT in, out;
        VariantInit(&in);
        VariantInit(&out);
        V_VT(&in) = VT_I4;
        V_I4(&in) = 365;
        hr = policy->lpVtbl->SetContext(policy, 7);
        if (SUCCEEDED(hr))
            hr = policy->lpVtbl->SetCertificateProperty(policy, name, PROPTYPE_LONG, &in);
        if (SUCCEEDED(hr))
            hr = policy->lpVtbl->GetCertificateProperty(policy, name, PROPTYPE_LONG, &out);
        SysFreeString(name);
        if (FAILED(hr) || V_VT(&out) != VT_I4 || V_I4(&out) != 365) {
            printf("  policy: SetCertificateProperty/GetCertificateProperty: error 0x%08lX\n",
                   (unsigned long)hr);
            failures++;
        } else {
            printf("  policy: SetCertificateProperty(\"Validity\", 1, 365) read back: ");
            print_variant(&out);
            printf("\n");
        }
        VariantClear(&out);
        policy->lpVtbl->Release(policy);
    }

    status = can_unload();
    printf("  DllCanUnloadNow with an object alive: %s\n", status);
    if (strcmp(status, "S_FALSE"))
        failures++;
    ca->lpVtbl->Release(ca);
    status = can_unload();
    printf("  DllCanUnloadNow after the last Release: %s\n", status);
    if (strcmp(status, "S_OK"))
        failures++;

    CoUninitialize();
    printf("done\n");
    return failures ? 1 : 0;
}
