# Publishes the staged main module and its companion to a folder repository (as build.ps1 -Task Publish does),
# then installs only the companion from it with Save-PSResource, which must bring the main module along.
param(
    [Parameter(Mandatory)] [string] $StageRoot,
    [Parameter(Mandatory)] [string] $Version,
    [Parameter(Mandatory)] [string] $Repository,
    [Parameter(Mandatory)] [string] $InstallPath
)
$ErrorActionPreference = 'Stop'
$publish = Join-Path $PSScriptRoot '../../../build/Publish-Module.ps1'
$env:PSModulePath = $StageRoot + [IO.Path]::PathSeparator + $env:PSModulePath
$main = & $publish -ModulePath (Join-Path $StageRoot "Lumetra.Engram/$Version") -Repository $Repository
$companion = & $publish -ModulePath (Join-Path $StageRoot "Lumetra.Engram.Embeddings/$Version") -Repository $Repository
$name = 'EngramCompanion-' + [guid]::NewGuid().ToString('n').Substring(0, 8)
Register-PSResourceRepository -Name $name -Uri $Repository -Trusted
try { Save-PSResource -Name Lumetra.Engram.Embeddings -Repository $name -Path $InstallPath -TrustRepository }
finally { Unregister-PSResourceRepository -Name $name }
'RESULT:' + (@{
    Packages  = @($main.Name, $companion.Name)
    CompanionPackageMB = [math]::Round($companion.Length / 1MB, 1)
    Installed = @(Get-ChildItem $InstallPath -Directory | ForEach-Object Name)
} | ConvertTo-Json -Compress)
