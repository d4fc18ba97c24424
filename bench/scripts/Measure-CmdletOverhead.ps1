<#
.SYNOPSIS
    One fresh pwsh: the per-call cost of a cmdlet against the in-process engine next to the same .NET call
    made directly from the same script loop, so the difference is the cmdlet machinery (binding, session
    lookup, output objects), not the engine.
#>
param(
    [Parameter(Mandatory)] [string] $ModuleManifest,
    [Parameter(Mandatory)] [string] $DatabasePath,
    [Parameter(Mandatory)] [string] $ResultFile,
    [int] $Calls = 1000
)
Set-StrictMode -Version 3.0
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'

Import-Module $ModuleManifest
Connect-Engram -Local -Path $DatabasePath
$null = 'Anna prefers tea.', 'The build server runs Debian.', 'Invoice 7 is due in May.' | Add-EngramMemory -Bucket 'overhead' -Dedup Off

# The same engine file, opened directly for the .NET side of the comparison. The module keeps its
# assemblies in an isolated load context, so the engine type comes from the module's own Engram.Local.
$localAssembly = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'Engram.Local' } | Select-Object -First 1
if (-not $localAssembly) { throw 'The module did not load Engram.Local.' }
$engineType = $localAssembly.GetType('Engram.Local.LocalEngine', $true)
$options = [Activator]::CreateInstance($localAssembly.GetType('Engram.Local.LocalEngineOptions', $true))
$options.Path = $DatabasePath
$engine = $engineType::Open($options)
$service = $engine.ForTenant($engineType::DefaultTenant)
$none = [System.Threading.CancellationToken]::None

function Measure-PerCall([scriptblock] $Body, [int] $Count) {
    for ($i = 0; $i -lt 100; $i++) { $null = & $Body }   # warm-up: JIT and caches
    $clock = [System.Diagnostics.Stopwatch]::StartNew()
    for ($i = 0; $i -lt $Count; $i++) { $null = & $Body }
    $clock.Stop()
    [math]::Round($clock.Elapsed.TotalMilliseconds * 1000 / $Count, 1)
}

try {
    $result = [ordered]@{
        calls                       = $Calls
        get_bucket_cmdlet_us        = Measure-PerCall { Get-EngramBucket } $Calls
        get_bucket_direct_us        = Measure-PerCall { $service.ListBucketsAsync($none).GetAwaiter().GetResult() } $Calls
        get_memory_cmdlet_us        = Measure-PerCall { Get-EngramMemory -Bucket 'overhead' -First 3 } $Calls
        get_memory_direct_us        = Measure-PerCall { $service.ListMemoriesAsync('overhead', 3, 0, $none).GetAwaiter().GetResult().Memories } $Calls
    }
    $result | ConvertTo-Json | Set-Content -LiteralPath $ResultFile -Encoding utf8
}
finally {
    $service.Dispose()
    $engine.Dispose()
    Disconnect-Engram
}
