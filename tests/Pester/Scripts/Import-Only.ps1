# Imports the staged Lumetra.Engram in a fresh process and does nothing else; reports (as a RESULT: JSON line)
# the assemblies and the other PowerShell modules that the import alone brought in. Nothing before the import
# may use a Microsoft.PowerShell.Utility cmdlet, or that module would already be loaded.
param([Parameter(Mandatory)] [string] $ModulePath)
$ErrorActionPreference = 'Stop'
$modulesBefore = @(Get-Module -All).Name
$assembliesBefore = @([AppDomain]::CurrentDomain.GetAssemblies()).ForEach({ $_.FullName })
Import-Module $ModulePath
$added = @([AppDomain]::CurrentDomain.GetAssemblies()).Where({ $_.FullName -notin $assembliesBefore }).ForEach({ $_.GetName().Name })
$modules = @(Get-Module -All).Where({ $_.Name -notin $modulesBefore -and $_.Name -ne 'Lumetra.Engram' -and $_.Name -notlike 'dynamic_code_module_*' }).ForEach({ $_.Name })
'RESULT:' + (ConvertTo-Json -Compress -InputObject ([ordered]@{ Assemblies = @($added); Modules = @($modules) }))
