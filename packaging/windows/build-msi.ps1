# Builds the Windows installer: stages clipwright.exe with the FFmpeg DLLs, checks that the
# staged exe starts with only those DLLs, and runs WiX v5 on main.wxs.
#
#   dotnet tool install --global wix --version 5.0.2
#   cargo build --release --locked
#   pwsh packaging/windows/build-msi.ps1 -Exe target\release\clipwright.exe -FfmpegBin C:\ffmpeg\bin
#
# Writes target\wix\clipwright-<version>-x64.msi (or under -OutDir) and prints its path last.
param(
    [Parameter(Mandatory = $true)] [string] $Exe,
    [Parameter(Mandatory = $true)] [string] $FfmpegBin,
    [string] $OutDir = "target\wix"
)
$ErrorActionPreference = "Stop"
Set-StrictMode -Version Latest

$root = (Resolve-Path (Join-Path $PSScriptRoot "..\..")).Path
$exePath = (Resolve-Path $Exe).Path
$binPath = (Resolve-Path $FfmpegBin).Path
New-Item -ItemType Directory -Force -Path $OutDir | Out-Null
$out = (Resolve-Path $OutDir).Path

# The version comes from Cargo.toml; an MSI version is numbers only ("0.2.0-beta.1" -> "0.2.0").
$match = Select-String -Path (Join-Path $root "Cargo.toml") -Pattern '^version\s*=\s*"([^"]+)"' |
    Select-Object -First 1
if (-not $match) { throw "no version in Cargo.toml" }
$version = $match.Matches[0].Groups[1].Value
$msiVersion = ($version -split '[-+]')[0]

# Stage with absolute paths: WiX resolves relative <Files Include> against main.wxs's folder.
$stage = Join-Path $out "stage"
if (Test-Path $stage) { Remove-Item -Recurse -Force $stage }
New-Item -ItemType Directory -Path $stage | Out-Null
Copy-Item $exePath (Join-Path $stage "clipwright.exe")
Copy-Item (Join-Path $binPath "*.dll") $stage
$dlls = @(Get-ChildItem (Join-Path $stage "*.dll"))
if ($dlls.Count -eq 0) { throw "no DLLs in $($binPath): FfmpegBin must be the bin folder of a shared FFmpeg build" }
foreach ($lib in "avcodec", "avformat", "avutil", "avdevice", "avfilter", "swscale", "swresample") {
    if (-not ($dlls | Where-Object { $_.Name -like "$lib-*.dll" })) { throw "$lib-*.dll missing from $binPath" }
}
Write-Host "Staged clipwright.exe and $($dlls.Count) DLLs in $stage"

# The exe is a GUI-subsystem program: capturing its output makes PowerShell wait for it.
# Windows looks for DLLs beside the exe first, so this proves the staged set is enough.
$line = & (Join-Path $stage "clipwright.exe") --version
if ($LASTEXITCODE -ne 0) { throw "staged clipwright.exe --version failed ($LASTEXITCODE)" }
Write-Host "staged: $line"
if (-not "$line".StartsWith("clipwright $version ")) { throw "unexpected --version output: $line" }

$msi = Join-Path $out "clipwright-$version-x64.msi"
wix build -arch x64 `
    -d "Version=$msiVersion" `
    -d "StageDir=$stage" `
    -d "IconFile=$(Join-Path $root 'packaging\windows\clipwright.ico')" `
    -o $msi (Join-Path $PSScriptRoot "main.wxs")
if ($LASTEXITCODE -ne 0) { throw "wix build failed ($LASTEXITCODE)" }
Write-Host "Built $msi ($([math]::Round((Get-Item $msi).Length / 1MB, 1)) MB)"
$msi
