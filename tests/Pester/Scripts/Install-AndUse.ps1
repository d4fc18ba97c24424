# Runs in a fresh pwsh whose HOME and XDG_DATA_HOME are a temp folder: installs Lumetra.Engram
# from a folder repository with the chosen client, imports the installed copy with a PSModulePath of only
# that install folder and $PSHOME/Modules, and does a store/query round trip on the embedded engine.
param(
    [Parameter(Mandatory)] [ValidateSet('PowerShellGet', 'PSResourceGet')] [string] $Client,
    [Parameter(Mandatory)] [string] $Repository,
    [Parameter(Mandatory)] [string] $InstallRoot,
    [Parameter(Mandatory)] [string] $DatabasePath
)
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
$env:PSModulePath = $InstallRoot + [IO.Path]::PathSeparator + (Join-Path $PSHOME 'Modules')

if ($Client -eq 'PowerShellGet') {
    Import-Module PowerShellGet -RequiredVersion 2.2.5
    Register-PSRepository -Name EngramTestRepo -SourceLocation $Repository -InstallationPolicy Trusted
    try { Install-Module Lumetra.Engram -Repository EngramTestRepo -Scope CurrentUser }
    finally { Unregister-PSRepository -Name EngramTestRepo }
    $installed = Get-InstalledModule Lumetra.Engram
}
else {
    Register-PSResourceRepository -Name EngramTestRepo -Uri $Repository -Trusted
    try { Install-PSResource Lumetra.Engram -Repository EngramTestRepo -Scope CurrentUser }
    finally { Unregister-PSResourceRepository -Name EngramTestRepo }
    $installed = Get-InstalledPSResource Lumetra.Engram
}

Import-Module Lumetra.Engram
$module = Get-Module Lumetra.Engram
Connect-Engram -Local -Path $DatabasePath
$null = Add-EngramMemory 'The staging database is restored from backup every Monday at 04:00 UTC.' -Bucket install-check
$answer = Invoke-EngramQuery 'When is the staging database restored?' -Bucket install-check
Disconnect-Engram

'RESULT:' + ([pscustomobject]@{
        ModuleBase   = $module.ModuleBase
        Version      = "$($module.Version)"
        InstalledVia      = $installed.Repository
        InstalledLocation = $installed.InstalledLocation
        CmdletSource = (Get-Command Invoke-EngramQuery).Source
        Answer       = $answer.Answer
        Cited        = @($answer.Memories.Content)
    } | ConvertTo-Json -Compress)
