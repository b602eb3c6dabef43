# Offline installer of supervise-tui @VERSION@ for @TARGET@ (CPython @PYTHONS@). Needs no network and
# no administrator rights. Re-running it upgrades the install in place; the database and the settings
# live in the user data folder (%LOCALAPPDATA%\supervise-tui) and are never touched.
#
#   powershell -ExecutionPolicy Bypass -File install.ps1 [-Prefix DIR] [-Python PYTHON] [-Lang zh|en] [-Yes]
#
# Windows PowerShell 5.1 reads this file as UTF-8 only because it starts with a byte order mark.
param(
    [string]$Prefix = "",
    [string]$Python = "",
    [string]$Lang = "",
    [switch]$Yes
)
$ErrorActionPreference = "Stop"

$Version = '@VERSION@'
$Target = '@TARGET@'
$Pythons = '@PYTHONS@' -split ' '
$Bundle = '@BUNDLE@'
$Here = Split-Path -Parent $MyInvocation.MyCommand.Path
$StartDir = (Get-Location).Path

if ($Lang) { $L = $Lang } elseif ($env:SUPERVISE_TUI_LANG) { $L = $env:SUPERVISE_TUI_LANG } else { $L = 'zh' }
if ($L -like 'en*') { $L = 'en' } else { $L = 'zh' }
$LangArgs = @()
if ($Lang) { $LangArgs = @('--lang', $L) }

function Say([string]$Zh, [string]$En) {
    if ($L -eq 'en') { Write-Host $En } else { Write-Host $Zh }
}
function Fail([string]$Zh, [string]$En, [int]$Code = 1) {
    if ($L -eq 'en') { [Console]::Error.WriteLine($En) } else { [Console]::Error.WriteLine($Zh) }
    exit $Code
}

Say "supervise-tui $Version 离线安装($Target)" "supervise-tui $Version offline install ($Target)"

# 1. Every file as it was made: a bundle damaged on the way is refused before anything is written.
$Sums = Join-Path $Here 'SHA256SUMS'
if (-not (Test-Path -LiteralPath $Sums -PathType Leaf)) {
    Fail "缺少 SHA256SUMS:安装包不完整,请重新复制整个压缩包" "SHA256SUMS is missing: the bundle is incomplete, copy the whole zip again"
}
$Listed = @{}
foreach ($Line in [IO.File]::ReadAllLines($Sums, [Text.Encoding]::UTF8)) {
    if ($Line.Length -lt 67) { continue }
    $Digest = $Line.Substring(0, 64)
    $Name = $Line.Substring(66)
    $Listed[$Name] = $true
    $Path = Join-Path $Here ($Name -replace '/', '\')
    $Ok = $false
    if (Test-Path -LiteralPath $Path -PathType Leaf) {
        $Ok = ((Get-FileHash -LiteralPath $Path -Algorithm SHA256).Hash -eq $Digest)
    }
    if (-not $Ok) {
        Fail "校验失败:$Name 与 SHA256SUMS 不符,安装包已损坏,请重新复制整个压缩包" `
             "Checksum mismatch: $Name differs from SHA256SUMS; the bundle is damaged, copy the whole zip again"
    }
}
foreach ($Wheel in Get-ChildItem -LiteralPath (Join-Path $Here 'wheels') -File) {
    if (-not $Listed.ContainsKey("wheels/" + $Wheel.Name)) {
        Fail "wheels/$($Wheel.Name) 不在 SHA256SUMS 中:安装包被改动过,请重新复制整个压缩包" `
             "wheels/$($Wheel.Name) is not listed in SHA256SUMS: the bundle was altered, copy the whole zip again"
    }
}

# 2. A CPython this bundle serves: the py launcher's newest first, then python on PATH.
function Probe([string[]]$Command) {
    if (-not (Get-Command $Command[0] -ErrorAction SilentlyContinue)) { return $null }
    $Rest = @()
    if ($Command.Length -gt 1) { $Rest = @($Command[1..($Command.Length - 1)]) }
    $Code = 'import sys; print("%s %d.%d" % (sys.implementation.name, sys.version_info[0], sys.version_info[1]))'
    try { $Out = @(& $Command[0] @Rest -c $Code 2>$null) } catch { return $null }
    if ($LASTEXITCODE -ne 0 -or $Out.Length -lt 1) { return $null }
    $Name, $Ver = $Out[0] -split ' '
    return @{ Implementation = $Name; Version = $Ver; Exe = $Command[0]; Args = $Rest; Shown = $Command -join ' ' }
}
if ($Python) { $Candidates = @(, @($Python)) }
else { $Candidates = @(@('py', '-3.13'), @('py', '-3.12'), @('py', '-3.11'), @('python'), @('python3')) }
$Py = $null
$First = $null
foreach ($Candidate in $Candidates) {
    $Found = Probe $Candidate
    if ($null -eq $Found) { continue }
    if ($null -eq $First) { $First = $Found }
    if ($Found.Implementation -eq 'cpython' -and $Pythons -contains $Found.Version) { $Py = $Found; break }
}
$Checker = Join-Path $Here 'check\bundle_check.py'
if ($null -eq $Py) {
    # No CPython of the right version: the checker, run by what there is, says which bundle or Python.
    if ($null -ne $First) {
        $FirstArgs = $First.Args
        & $First.Exe @FirstArgs -B $Checker --lang $L
        if ($LASTEXITCODE -eq 3) { exit 3 }
    }
    Fail "需要 CPython $($Pythons -join '/'),这台电脑上没有找到(可用 -Python 指定)" `
         "CPython $($Pythons -join '/') is needed and none was found (name one with -Python)" 3
}

# 3. The bundle is the one for this platform and this Python (the checker prints the one line).
$PyArgs = $Py.Args
& $Py.Exe @PyArgs -B $Checker --lang $L
if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }
Say "使用 Python $($Py.Version):$($Py.Shown)" "Using Python $($Py.Version): $($Py.Shown)"

# 4. Where to install; a folder of something else is never overwritten.
$DefaultPrefix = Join-Path $env:LOCALAPPDATA 'Programs\supervise-tui'
if (-not $Prefix) {
    $Prefix = $DefaultPrefix
    if (-not $Yes -and -not [Console]::IsInputRedirected) {
        Say "安装到哪个文件夹?直接回车即用 $DefaultPrefix" "Install into which folder? Press Enter for $DefaultPrefix"
        $Answer = Read-Host '>'
        if ($Answer) { $Prefix = $Answer }
    }
}
if (-not [IO.Path]::IsPathRooted($Prefix)) { $Prefix = Join-Path $StartDir $Prefix }
$Prefix = [IO.Path]::GetFullPath($Prefix)
$Mark = Join-Path $Prefix 'supervise-tui-install.txt'
$Venv = Join-Path $Prefix 'venv'
$VenvPy = Join-Path $Venv 'Scripts\python.exe'
$Bin = Join-Path $Prefix 'bin'
$Launcher = Join-Path $Bin 'supervise-tui.cmd'
if ((Test-Path -LiteralPath $Prefix) -and -not (Test-Path -LiteralPath $Mark)) {
    $IsEmptyFolder = (Test-Path -LiteralPath $Prefix -PathType Container) -and
                     -not (Get-ChildItem -LiteralPath $Prefix -Force | Select-Object -First 1)
    if (-not $IsEmptyFolder) {
        Fail "$Prefix 已存在且不是 supervise-tui 的安装文件夹:请用 -Prefix 选一个空的或新的文件夹" `
             "$Prefix exists and is not a supervise-tui install folder: choose an empty or new one with -Prefix" 2
    }
}

# 5. The virtual environment: kept when it runs this Python (an upgrade), else made afresh.
$Keep = $false
if ((Test-Path -LiteralPath $Mark) -and (Test-Path -LiteralPath $VenvPy)) {
    try { $Have = & $VenvPy -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>$null } catch { $Have = '' }
    $Keep = ($LASTEXITCODE -eq 0 -and $Have -eq $Py.Version)
}
if ($Keep) {
    Say "升级 $Prefix 中已有的安装" "Upgrading the install in $Prefix"
} else {
    Say "在 $Prefix 中建立虚拟环境" "Making a virtual environment in $Prefix"
    [IO.Directory]::CreateDirectory($Prefix) | Out-Null
    & $Py.Exe @PyArgs -m venv --clear --without-pip $Venv
    if ($LASTEXITCODE -ne 0) { Fail "无法在 $Venv 建立虚拟环境" "cannot make a virtual environment in $Venv" }
}
[IO.File]::WriteAllText($Mark, "supervise-tui $Version ($Target), installed from $Bundle by the offline installer`r`n")

# 6. Only the bundle's wheels: no index, no pip configuration of this machine, no network.
Say "安装 supervise-tui $Version 及其依赖(不联网)……" "Installing supervise-tui $Version and its dependencies (no network)..."
$PipWheel = (Get-ChildItem -LiteralPath (Join-Path $Here 'wheels') -Filter 'pip-*.whl' | Select-Object -First 1).FullName
$env:PIP_CONFIG_FILE = 'nul'  # os.devnull: pip then reads no configuration file at all
& $VenvPy (Join-Path $PipWheel 'pip') install --isolated --no-index --find-links (Join-Path $Here 'wheels') `
    --only-binary ':all:' --force-reinstall --no-cache-dir --disable-pip-version-check --no-warn-script-location `
    --quiet --report (Join-Path $Prefix 'install-report.json') "supervise-tui==$Version"
if ($LASTEXITCODE -ne 0) { Fail "pip 安装失败(见上方信息)" "pip could not install (see above)" }
Remove-Item Env:\PIP_CONFIG_FILE

# 7. The supervise-tui command: bin\supervise-tui.cmd, its folder added to the user's PATH.
[IO.Directory]::CreateDirectory($Bin) | Out-Null
$Cmd = "@echo off`r`nrem supervise-tui offline installer: runs the app installed in ..\venv`r`n" +
       "`"%~dp0..\venv\Scripts\supervise-tui.exe`" %*`r`nexit /b %ERRORLEVEL%`r`n"
[IO.File]::WriteAllText($Launcher, $Cmd, [Text.Encoding]::ASCII)
$Key = [Microsoft.Win32.Registry]::CurrentUser.CreateSubKey('Environment')
$UserPath = [string]$Key.GetValue('Path', '', [Microsoft.Win32.RegistryValueOptions]::DoNotExpandEnvironmentNames)
$Parts = @($UserPath -split ';' | Where-Object { $_ })
if ($Parts -notcontains $Bin) {
    # Written as REG_EXPAND_SZ, unexpanded entries (%USERPROFILE%\...) left as they were.
    $Key.SetValue('Path', (($Parts + $Bin) -join ';'), [Microsoft.Win32.RegistryValueKind]::ExpandString)
    # Setting a variable through .NET tells Explorer the environment changed, so new windows see PATH.
    [Environment]::SetEnvironmentVariable('SUPERVISE_TUI_INSTALLING', '1', 'User')
    [Environment]::SetEnvironmentVariable('SUPERVISE_TUI_INSTALLING', $null, 'User')
    Say "已把 $Bin 加入用户的 PATH:新开的终端窗口里可以直接运行 supervise-tui" `
        "Added $Bin to the user's PATH: new terminal windows can run supervise-tui"
}
$Key.Close()
$env:Path = "$Bin;$env:Path"
Say "启动命令:$Launcher" "The command: $Launcher"

# 8. The self-check: the installed app loads the task list into a scratch store and works on it.
Say "自检:" "Self-check:"
& $Launcher @LangArgs selfcheck
if ($LASTEXITCODE -ne 0) {
    Fail "自检失败:安装未完成,请把上面的输出交给维护人员" "The self-check failed: the install is not usable; send the output above to support"
}
Say "安装完成。在新的终端窗口中运行 supervise-tui 打开界面;数据库和设置在 %LOCALAPPDATA%\supervise-tui 中,升级不会改动它们。" `
    "Installed. Run supervise-tui in a new terminal window to open the app; the database and settings stay in %LOCALAPPDATA%\supervise-tui, untouched by upgrades."
exit 0
