' The exit module as a script sees it: CreateObject by ProgID, late-bound calls (IDispatch from
' the generated DISPID table), and the module's own description of a failing call.
Set m = CreateObject("IdlgenSample.Exit")
WScript.Echo m.GetDescription()
On Error Resume Next
mask = m.Initialize("ca.contoso.test\No Such CA")
WScript.Echo "Initialize failed: " & Hex(Err.Number) & " " & Err.Description
Err.Clear
On Error GoTo 0
mask = m.Initialize("ca.contoso.test\Test CA")
WScript.Echo "Initialize -> " & Hex(mask)
Set manage = m.GetManageModule()
WScript.Echo manage.GetProperty("ca.contoso.test\Test CA", "", "Name", 0)
