' The mock CA (examples/mock-ca) through a real script host: CreateObject by ProgID, then every
' ICertServerExit method late-bound (GetIDsOfNames + Invoke). Run by .ci/wine-server under
' wine64 cscript; the output must equal certif_exit.expected.
'
' One line per call: "Method(args): result" or "Method(args): error 0xHRESULT". Lines that start
' with two spaces are details only a script host shows (error descriptions, argument passing
' styles); the others must equal what the C client (certif_client.c) prints for the same calls.
Option Explicit

Const PROPTYPE_LONG = 1
Const PROPTYPE_DATE = 2
Const PROPTYPE_BINARY = 3
Const PROPTYPE_STRING = 4

Dim ca, v, i, name, ptype, ctx

Function Pad(n)
    Pad = Right("0" & n, 2)
End Function

Function Show(v)
    Select Case VarType(v)
        Case vbLong: Show = "VT_I4 " & v
        Case vbString: Show = "VT_BSTR " & v
        Case vbDate: Show = "VT_DATE " & Year(v) & "-" & Pad(Month(v)) & "-" & Pad(Day(v)) & _
            " " & Pad(Hour(v)) & ":" & Pad(Minute(v)) & ":" & Pad(Second(v))
        Case vbArray + vbByte: Show = "VT_ARRAY|VT_UI1"
        Case Else: Show = "VarType " & VarType(v)
    End Select
End Function

' Prints the outcome of the call just made (under On Error Resume Next) and clears the error.
Sub Check(label, text)
    If Err.Number <> 0 Then
        WScript.Echo label & ": error 0x" & Right("0000000" & Hex(Err.Number), 8)
        WScript.Echo "  number " & Err.Number & ", description: " & Err.Description
        Err.Clear
    Else
        WScript.Echo label & ": " & text
    End If
End Sub

' A property getter: label "Method(""Name"", type)".
Sub GetProp(method, name, ptype)
    Dim v
    On Error Resume Next
    v = Empty
    If method = "GetRequestProperty" Then
        v = ca.GetRequestProperty(name, ptype)
    ElseIf method = "GetCertificateProperty" Then
        v = ca.GetCertificateProperty(name, ptype)
    Else
        v = ca.GetCertificateExtension(name, ptype)
    End If
    Check method & "(""" & name & """, " & ptype & ")", Show(v)
End Sub

' Setup(0), then the enumeration until it fails, then Close.
Sub Enumerate(what)
    Dim n, count
    On Error Resume Next
    If what = "Extensions" Then ca.EnumerateExtensionsSetup 0 Else ca.EnumerateAttributesSetup 0
    Check "Enumerate" & what & "Setup(0)", "ok"
    For count = 1 To 20
        n = Empty
        If what = "Extensions" Then n = ca.EnumerateExtensions() Else n = ca.EnumerateAttributes()
        If Err.Number <> 0 Then
            Check "Enumerate" & what & "()", ""
            Exit For
        End If
        Check "Enumerate" & what & "()", n
    Next
    If what = "Extensions" Then ca.EnumerateExtensionsClose Else ca.EnumerateAttributesClose
    Check "Enumerate" & what & "Close()", "ok"
End Sub

On Error Resume Next
Set ca = CreateObject("CertificateAuthority.ServerExit")
If Err.Number <> 0 Then
    WScript.Echo "CreateObject: error 0x" & Hex(Err.Number) & " " & Err.Description
    WScript.Quit 1
End If

' Before SetContext there is no request.
GetProp "GetRequestProperty", "RequestID", PROPTYPE_LONG
v = ca.EnumerateExtensions()
Check "EnumerateExtensions()", v

ca.SetContext 7
Check "SetContext(7)", "ok"

' Request properties of each PROPTYPE; names are case-insensitive.
GetProp "GetRequestProperty", "RequestID", PROPTYPE_LONG
GetProp "GetRequestProperty", "requestername", PROPTYPE_STRING
GetProp "GetRequestProperty", "RawRequest", PROPTYPE_BINARY
GetProp "GetRequestProperty", "SubmittedWhen", PROPTYPE_DATE
GetProp "GetRequestProperty", "RequestID", PROPTYPE_DATE
' The unknown property: the script catches the error with its number and description.
GetProp "GetRequestProperty", "NoSuchProperty", PROPTYPE_LONG

' Attributes.
For Each name In Array("CertificateTemplate", "ccm", "Missing")
    v = Empty
    v = ca.GetRequestAttribute(name)
    Check "GetRequestAttribute(""" & name & """)", v
Next

' Certificate properties of each PROPTYPE.
GetProp "GetCertificateProperty", "RawCertificate", PROPTYPE_BINARY
GetProp "GetCertificateProperty", "SerialNumber", PROPTYPE_STRING
GetProp "GetCertificateProperty", "NotBefore", PROPTYPE_DATE
GetProp "GetCertificateProperty", "CertificateType", PROPTYPE_LONG

' Extensions, each followed by its flags.
For Each name In Array("2.5.29.15", "1.3.6.1.4.1.311.21.7", "2.5.29.99")
    GetProp "GetCertificateExtension", name, PROPTYPE_BINARY
    v = Empty
    v = ca.GetCertificateExtensionFlags()
    Check "GetCertificateExtensionFlags()", v
Next
GetProp "GetCertificateExtension", "1.3.6.1.4.1.311.21.1", PROPTYPE_LONG
v = ca.GetCertificateExtensionFlags()
Check "GetCertificateExtensionFlags()", v

' The enumerations to the end.
Enumerate "Extensions"
Enumerate "Attributes"
v = ca.EnumerateAttributes()
Check "EnumerateAttributes()", v
ca.EnumerateExtensionsSetup 1
Check "EnumerateExtensionsSetup(1)", "ok"

' Another request.
ca.SetContext 99
Check "SetContext(99)", "ok"
ca.SetContext 8
Check "SetContext(8)", "ok"
GetProp "GetRequestProperty", "RequestID", PROPTYPE_LONG
Enumerate "Extensions"

' How VBScript passes arguments: variables go by reference (VT_VARIANT|VT_BYREF), parenthesised
' ones and literals by value, and strings holding numbers are coerced to LONG.
WScript.Echo "  argument passing:"
ctx = 7
ca.SetContext ctx
Check "  SetContext(variable 7, VT_BYREF|VT_VARIANT)", "ok, ctx still " & ctx
name = "RequestID"
ptype = PROPTYPE_LONG
v = ca.GetRequestProperty(name, ptype)
Check "  GetRequestProperty(variable, variable)", Show(v)
Call ca.SetContext((8))
Check "  Call SetContext((8)) by value", "ok"
v = ca.GetRequestProperty("RequestID", 1)
Check "  GetRequestProperty(""RequestID"", 1) after it", Show(v)
ca.SetContext "7"
Check "  SetContext(""7"") numeric string literal", "ok"
ptype = "1"
v = ca.GetRequestProperty(name, ptype)
Check "  GetRequestProperty(variable, variable ""1"")", Show(v)
ctx = "8"
ca.SetContext ctx
Check "  SetContext(variable ""8"")", "ok, ctx still " & TypeName(ctx) & " " & ctx
v = ca.GetRequestProperty("RequestID", 1.0)
Check "  GetRequestProperty(""RequestID"", 1.0) double literal", Show(v)
ca.SetContext 7.4
Check "  SetContext(7.4) rounds to 7", "ok"
v = ca.GetRequestProperty(name, PROPTYPE_LONG)
Check "  GetRequestProperty after it", Show(v)
ca.SetContext "seven"
Check "  SetContext(""seven"")", "ok"
ca.SetContext
Check "  SetContext()", "ok"
ca.NoSuchMethod 1
Check "  NoSuchMethod(1)", "ok"

Set ca = Nothing
WScript.Echo "done"
