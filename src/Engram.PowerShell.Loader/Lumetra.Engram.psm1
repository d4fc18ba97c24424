# Root module of Lumetra.Engram. The cmdlets and their dependencies live in the lib folder, out of
# PowerShell's default probing. Engram.PowerShell.Loader.dll loads them in isolation from other modules
# (a private AssemblyLoadContext on PowerShell 7, a dependency resolver on Windows PowerShell 5.1); the
# cmdlet assembly and the client assembly (whose types scripts name) are then imported as nested modules.
[string] $loaderPath = [System.IO.Path]::Combine($PSScriptRoot, 'Engram.PowerShell.Loader.dll')
[string] $dependencyFolder = [System.IO.Path]::Combine($PSScriptRoot, 'lib')

# Reuse the loader if this copy of the module was imported before (Import-Module -Force).
$loader = [System.AppDomain]::CurrentDomain.GetAssemblies() |
    Where-Object { -not $_.IsDynamic -and $_.Location -eq $loaderPath } |
    Select-Object -First 1
if (-not $loader) { $loader = [System.Reflection.Assembly]::LoadFrom($loaderPath) }

$moduleAssemblies = $loader.GetType('Engram.PowerShell.Loader.ModuleLoader', $true).GetMethod('LoadPublicAssemblies').Invoke($null, @(, $dependencyFolder))

# Remove-Module and Import-Module -Force drop this module but leave its nested modules in the session's
# module table, where a later Import-Module -Assembly would find them and import nothing here. So remove
# such leftovers first, and remove the nested modules together with this one.
$removeNested = {
    Get-Module -All | Where-Object { $null -ne $_.ImplementingAssembly -and $moduleAssemblies -contains $_.ImplementingAssembly } |
        Remove-Module -Force -Verbose:$false
}.GetNewClosure()
& $removeNested
foreach ($assembly in $moduleAssemblies) {
    Import-Module -Assembly $assembly
}
$ExecutionContext.SessionState.Module.OnRemove = $removeNested
