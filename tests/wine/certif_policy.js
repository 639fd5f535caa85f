// The mock CA (examples/mock-ca) through JScript: CCertServerExit and CCertServerPolicy created
// by ProgID, every method called late-bound (GetIDsOfNames + Invoke), errors caught with their
// number and description. Run by .ci/wine-server under wine64 cscript; the output must equal
// certif_policy.expected.
//
// Binary (VT_ARRAY|VT_UI1) and date (VT_DATE) values are read by the VBScript and the C client
// only: Wine 8's JScript cannot take either kind of VARIANT from a call (E_NOTIMPL, whichever
// server returns it) and has no Date.getVarDate; this file sends a date as a number instead.
var PROPTYPE_LONG = 1, PROPTYPE_DATE = 2, PROPTYPE_STRING = 4;

function show(v) {
    if (typeof v === "number") return "number " + v;
    if (typeof v === "string") return "string " + v;
    return typeof v;
}

function hex(n) { return "0x" + ("0000000" + (n >>> 0).toString(16).toUpperCase()).slice(-8); }

// Runs one call and prints its result, or the error it raised.
function call(label, f) {
    try {
        var v = f();
        WScript.Echo(label + ": " + (v === undefined ? "ok" : show(v)));
        return true;
    } catch (e) {
        WScript.Echo(label + ": error " + hex(e.number) + " (" + e.number + ") " + e.description);
        return false;
    }
}

function enumerate(ca, what) {
    call("Enumerate" + what + "Setup(0)", function () { return ca["Enumerate" + what + "Setup"](0); });
    for (var i = 0; i < 20; i++) {
        if (!call("Enumerate" + what + "()", function () { return ca["Enumerate" + what](); })) break;
    }
    call("Enumerate" + what + "Close()", function () { return ca["Enumerate" + what + "Close"](); });
}

function readRequest(ca) {
    call("GetRequestProperty(\"RequestID\", 1)", function () { return ca.GetRequestProperty("RequestID", PROPTYPE_LONG); });
    call("SetContext(7)", function () { return ca.SetContext(7); });
    call("GetRequestProperty(\"RequestID\", 1)", function () { return ca.GetRequestProperty("RequestID", PROPTYPE_LONG); });
    call("GetRequestProperty(\"RequesterName\", 4)", function () { return ca.GetRequestProperty("RequesterName", PROPTYPE_STRING); });
    call("GetRequestProperty(\"NoSuchProperty\", 1)", function () { return ca.GetRequestProperty("NoSuchProperty", PROPTYPE_LONG); });
    call("GetRequestAttribute(\"ccm\")", function () { return ca.GetRequestAttribute("ccm"); });
    call("GetRequestAttribute(\"Missing\")", function () { return ca.GetRequestAttribute("Missing"); });
    call("GetCertificateProperty(\"SerialNumber\", 4)", function () { return ca.GetCertificateProperty("SerialNumber", PROPTYPE_STRING); });
    call("GetCertificateProperty(\"CertificateType\", 1)", function () { return ca.GetCertificateProperty("CertificateType", PROPTYPE_LONG); });
    call("GetCertificateExtension(\"1.3.6.1.4.1.311.21.1\", 1)", function () { return ca.GetCertificateExtension("1.3.6.1.4.1.311.21.1", PROPTYPE_LONG); });
    call("GetCertificateExtensionFlags()", function () { return ca.GetCertificateExtensionFlags(); });
    enumerate(ca, "Extensions");
    enumerate(ca, "Attributes");
    // A numeric string and a double where a LONG is expected.
    call("SetContext(\"8\")", function () { return ca.SetContext("8"); });
    call("GetRequestProperty(\"RequestID\", 1.0)", function () { return ca.GetRequestProperty("RequestID", 1.0); });
    call("SetContext(99)", function () { return ca.SetContext(99); });
    call("NoSuchMethod()", function () { return ca.NoSuchMethod(); });
}

WScript.Echo("== CertificateAuthority.ServerExit");
readRequest(new ActiveXObject("CertificateAuthority.ServerExit"));

WScript.Echo("== CertificateAuthority.ServerPolicy");
var policy = new ActiveXObject("CertificateAuthority.ServerPolicy");
readRequest(policy);
// The policy side also writes: a property of each scalar PROPTYPE and an extension, read back.
call("SetContext(7)", function () { return policy.SetContext(7); });
call("SetCertificateProperty(\"Validity\", 1, 365)", function () { return policy.SetCertificateProperty("Validity", PROPTYPE_LONG, 365); });
call("GetCertificateProperty(\"Validity\", 1)", function () { return policy.GetCertificateProperty("Validity", PROPTYPE_LONG); });
call("SetCertificateProperty(\"SerialNumber\", 4, \"ff00\")", function () { return policy.SetCertificateProperty("SerialNumber", PROPTYPE_STRING, "ff00"); });
call("GetCertificateProperty(\"SerialNumber\", 4)", function () { return policy.GetCertificateProperty("SerialNumber", PROPTYPE_STRING); });
call("SetCertificateProperty(\"NotAfter\", 2, 47120.5)", function () { return policy.SetCertificateProperty("NotAfter", PROPTYPE_DATE, 47120.5); });
call("SetCertificateProperty(\"NotAfter\", 2, \"soon\")", function () { return policy.SetCertificateProperty("NotAfter", PROPTYPE_DATE, "soon"); });
call("SetCertificateProperty(\"Validity\", 1, \"abc\")", function () { return policy.SetCertificateProperty("Validity", PROPTYPE_LONG, "abc"); });
call("SetCertificateExtension(\"1.2.3.4\", 1, 2, 77)", function () { return policy.SetCertificateExtension("1.2.3.4", PROPTYPE_LONG, 2, 77); });
call("GetCertificateExtension(\"1.2.3.4\", 1)", function () { return policy.GetCertificateExtension("1.2.3.4", PROPTYPE_LONG); });
call("GetCertificateExtensionFlags()", function () { return policy.GetCertificateExtensionFlags(); });
enumerate(policy, "Extensions");
WScript.Echo("done");
