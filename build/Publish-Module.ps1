<#
.SYNOPSIS
    Publishes a staged Lumetra.Engram module folder to a folder-based (local or file-share) repository.

.DESCRIPTION
    Called by `build.ps1 -Task Publish -Repository <folder>` and by the Pester install tests. Uses
    PSResourceGet (Microsoft.PowerShell.PSResourceGet, shipped with PowerShell 7.4+), which packs and
    publishes without nuget.exe or any network access. The repository folder is created if needed;
    a uniquely named repository registration exists only while publishing and is removed afterwards,
    even on failure. Never prompts.

    The .nupkg it writes is a plain NuGet package, so the same folder works as a source for
    Install-PSResource (PSResourceGet) and for Install-Module (PowerShellGet 2, through
    PackageManagement's built-in NuGet provider).
#>
[CmdletBinding()]
param(
    # The staged module folder (the one holding Lumetra.Engram.psd1).
    [Parameter(Mandatory)] [string] $ModulePath,

    # The repository folder to publish to.
    [Parameter(Mandatory)] [string] $Repository
)

Set-StrictMode -Version 3.0
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'

if (-not (Get-Module -ListAvailable Microsoft.PowerShell.PSResourceGet)) {
    throw 'Publishing needs Microsoft.PowerShell.PSResourceGet (included in PowerShell 7.4 and later). Run the build with the repository''s pinned PowerShell: dotnet tool restore && dotnet pwsh ./build.ps1 -Task Publish -Repository <folder>.'
}
Import-Module Microsoft.PowerShell.PSResourceGet

$null = New-Item -ItemType Directory -Path $Repository -Force
$repositoryPath = (Resolve-Path -LiteralPath $Repository).ProviderPath
$manifestFile = Get-ChildItem -LiteralPath $ModulePath -Filter '*.psd1' | Select-Object -First 1
$manifest = Import-PowerShellDataFile $manifestFile.FullName
$name = 'LumetraEngramPublish-' + [guid]::NewGuid().ToString('n').Substring(0, 12)

Register-PSResourceRepository -Name $name -Uri $repositoryPath -Trusted
try {
    Publish-PSResource -Path $ModulePath -Repository $name
}
finally {
    Unregister-PSResourceRepository -Name $name
}

$package = Join-Path $repositoryPath ("{0}.{1}.nupkg" -f $manifestFile.BaseName, $manifest.ModuleVersion)
if (-not (Test-Path $package)) {
    throw "Publish-PSResource reported success but $package is missing."
}
Get-Item $package
