@echo off
rem Double-click friendly: runs install.ps1 beside this file with Windows PowerShell, passing any
rem arguments on (-Prefix DIR, -Python PYTHON, -Lang en, -Yes). Keep this file ASCII: cmd reads it
rem in the console's code page.
setlocal
powershell.exe -NoProfile -ExecutionPolicy Bypass -File "%~dp0install.ps1" %*
set RC=%ERRORLEVEL%
echo.
pause
exit /b %RC%
