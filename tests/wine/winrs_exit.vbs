' The windows-rs exit module (tools/wine-windows-rs: the `windows` crate's ICertExit2 behind
' #[implement], IDispatch from idlgen's generated ICertExit2_dispatch!) through a real script
' host: CreateObject by ProgID, every call late-bound (GetIDsOfNames + Invoke). Run by
' .ci/windows-target under wine64 cscript after `regsvr32 winrs_exit.dll`; the output must equal
' winrs_exit.expected (IDLGEN_BLESS=1 rewrites it).
'
' One line per call: "Method(args): result" or "Method(args): error 0xHRESULT" followed by an
' indented line with the error's number and description.
Option Explicit

Dim ex, mm, v, name

Function Show(v)
    Select Case VarType(v)
        Case vbEmpty: Show = "Empty"
        Case vbLong: Show = "VT_I4 " & v
        Case vbString: Show = "VT_BSTR " & v
        Case vbBoolean: Show = "VT_BOOL " & v
        Case vbObject: Show = "VT_DISPATCH " & TypeName(v)
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

On Error Resume Next
Set ex = CreateObject("IdlgenSample.WinrsExit")
If Err.Number <> 0 Then
    WScript.Echo "CreateObject: error 0x" & Hex(Err.Number) & " " & Err.Description
    WScript.Quit 1
End If
WScript.Echo "CreateObject(""IdlgenSample.WinrsExit""): " & TypeName(ex)

v = Empty
v = ex.GetDescription()
Check "GetDescription()", Show(v)
ex.Notify 1, 7
Check "Notify(1, 7)", "ok"

v = Empty
v = ex.Initialize("machine\CA")
Check "Initialize(""machine\CA"")", Show(v)
v = Empty
v = ex.initialize("")
Check "initialize("""")", Show(v)
v = Empty
v = ex.Initialize()
Check "Initialize()", Show(v)

ex.Notify 1, 7
Check "Notify(1, 7)", "ok"
ex.NOTIFY "4", 8.4
Check "NOTIFY(""4"", 8.4)", "ok"
ex.Notify 2, 9
Check "Notify(2, 9)", "ok"
ex.Notify 1, -1
Check "Notify(1, -1)", "ok"
ex.Notify "abc", 1
Check "Notify(""abc"", 1)", "ok"
ex.Notify 1
Check "Notify(1)", "ok"
v = Empty
v = ex.GetDescription()
Check "GetDescription()", Show(v)
v = Empty
v = ex.GetDescription
Check "GetDescription (no parentheses)", Show(v)
ex.NoSuchMethod
Check "NoSuchMethod", "ok"

Set mm = Nothing
Set mm = ex.GetManageModule()
Check "GetManageModule()", Show(mm)
For Each name In Array("Name", "description", "File Version", "IsMultiThreaded", "NoSuchProperty")
    v = Empty
    v = mm.GetProperty("machine\CA", "", name, 0)
    Check "GetManageModule().GetProperty(""machine\CA"", """", """ & name & """, 0)", Show(v)
Next
v = Empty
v = ex.GetManageModule().GetProperty("machine\CA", "HKLM", "Description", 0)
Check "GetManageModule().GetProperty(""machine\CA"", ""HKLM"", ""Description"", 0)", Show(v)
mm.SetProperty "machine\CA", "", "Name", 0, "x"
Check "SetProperty(""machine\CA"", """", ""Name"", 0, ""x"")", "ok"
mm.Configure "machine\CA", "", 1
Check "Configure(""machine\CA"", """", 1)", "ok"
mm.Configure "machine\CA", "", 8
Check "Configure(""machine\CA"", """", 8)", "ok"
v = Empty
v = mm.GetProperty("machine\CA", "", "Configured", 0)
Check "GetProperty(""machine\CA"", """", ""Configured"", 0)", Show(v)

Set mm = Nothing
Set ex = Nothing
WScript.Echo "released"
