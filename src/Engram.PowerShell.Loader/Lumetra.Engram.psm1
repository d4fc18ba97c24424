# Root module of Lumetra.Engram. The cmdlets and their dependencies live in the lib folder, out of
# PowerShell's default probing. Engram.PowerShell.Loader.dll loads them in isolation from other modules
# (a private AssemblyLoadContext on PowerShell 7, a dependency resolver on Windows PowerShell 5.1); the
# cmdlet assembly and the client assembly (whose types scripts name) are then imported as nested modules.
# As little script as possible runs here, and only language statements and Microsoft.PowerShell.Core cmdlets:
# a Microsoft.PowerShell.Utility cmdlet (Select-Object, ...) would auto-load that module, about 200 ms of a fresh
# import, and every .NET call from script costs PowerShell's binder more than the call itself.
[string] $loaderPath = [System.IO.Path]::Combine($PSScriptRoot, 'Engram.PowerShell.Loader.dll')
[string] $dependencyFolder = [System.IO.Path]::Combine($PSScriptRoot, 'lib')

# LoadFrom of a path loaded before (Import-Module -Force) hands back that same loader.
$moduleLoader = [System.Reflection.Assembly]::LoadFrom($loaderPath).GetType('Engram.PowerShell.Loader.ModuleLoader', $true)
$importedBefore = $moduleLoader::IsLoaded($dependencyFolder)
$moduleAssemblies = $moduleLoader::LoadPublicAssemblies($dependencyFolder)

# Remove-Module and Import-Module -Force drop this module but leave its nested modules in the session's
# module table, where a later Import-Module -Assembly would find them and import nothing here. So remove
# such leftovers first (there are none before this process first loaded these assemblies), and remove the
# nested modules together with this one.
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
