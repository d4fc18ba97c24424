# Runs in a fresh pwsh whose user data folder is a temp folder: publishes the staged module with
# build/Publish-Module.ps1 and reports the package and the repositories registered afterwards.
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $Repository
)
$ErrorActionPreference = 'Stop'
$package = & (Join-Path $PSScriptRoot '../../../build/Publish-Module.ps1') -ModulePath $ModulePath -Repository $Repository
'RESULT:' + ([pscustomobject]@{
        Package      = $package.FullName
        Repositories = @(Get-PSResourceRepository | ForEach-Object Name)
    } | ConvertTo-Json -Compress)
