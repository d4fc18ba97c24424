# Root module of Lumetra.Engram. The cmdlets and their dependencies live in the lib folder, out of
# PowerShell's default probing. Engram.PowerShell.Loader.dll loads them in isolation from other modules
# (a private AssemblyLoadContext on PowerShell 7, a dependency resolver on Windows PowerShell 5.1); the
# cmdlet assembly and the client assembly (whose types scripts name) are then imported as nested modules.
# Only language statements and Microsoft.PowerShell.Core cmdlets here: a pipeline through Select-Object (or any
# other Microsoft.PowerShell.Utility cmdlet) would auto-load that module, about 200 ms of a fresh import.
[string] $loaderPath = [System.IO.Path]::Combine($PSScriptRoot, 'Engram.PowerShell.Loader.dll')
[string] $dependencyFolder = [System.IO.Path]::Combine($PSScriptRoot, 'lib')

# Reuse the loader if this copy of the module was imported before (Import-Module -Force).
$loader = $null
foreach ($candidate in [System.AppDomain]::CurrentDomain.GetAssemblies()) {
    if (-not $candidate.IsDynamic -and $candidate.Location -eq $loaderPath) { $loader = $candidate; break }
}
$importedBefore = $null -ne $loader
if (-not $importedBefore) { $loader = [System.Reflection.Assembly]::LoadFrom($loaderPath) }

$moduleAssemblies = $loader.GetType('Engram.PowerShell.Loader.ModuleLoader', $true).GetMethod('LoadPublicAssemblies').Invoke($null, @(, $dependencyFolder))

# Remove-Module and Import-Module -Force drop this module but leave its nested modules in the session's
# module table, where a later Import-Module -Assembly would find them and import nothing here. So remove
# such leftovers first (there are none before this copy's loader was first loaded), and remove the nested
# modules together with this one.
$removeNested = {
    foreach ($nested in (Get-Module -All)) {
        if ($null -ne $nested.ImplementingAssembly -and $moduleAssemblies -contains $nested.ImplementingAssembly) {
            Remove-Module -ModuleInfo $nested -Force -Verbose:$false
        }
    }
}.GetNewClosure()
if ($importedBefore) { & $removeNested }
Import-Module -Assembly $moduleAssemblies
$ExecutionContext.SessionState.Module.OnRemove = $removeNested
