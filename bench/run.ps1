#!/usr/bin/env pwsh
<#
.SYNOPSIS
    Measures ingestion, query latency, module start-up and memory of Lumetra.Engram on this machine, prints a
    table and writes it (with the machine, the date and the command) to docs/benchmarks.md.

.DESCRIPTION
    Usually run as `dotnet pwsh ./build.ps1 -Task Bench [-Quick]`, which stages the module first. Everything runs
    on loopback against the local engine; CI does not run it. Figures are printed, never asserted: a missed
    target says "missed", the script still succeeds.

    1. Ingest: Import-Csv | Add-EngramMemory -Dedup Off over loopback HTTP (server in its own process), next to
       a one-request-per-row loop (on a subset) and the engine's own in-process rate (the ceiling).
    2. Query latency p50/p95/p99 at two sizes: retrieval only and with the extractive answer, in-process and
       over HTTP, buffered and streamed (time to the first delta).
    3. Cold Import-Module in fresh pwsh processes, and the per-call overhead of a cmdlet.
    4. Peak working set of the ingesting pwsh at both sizes.
    5. One bucket at scale (-ScaleSizes, -ScaleMillion): first query after reopening, warm p50/p95, working set,
       ingest rate by decade with the default dedup, recall@10 of the approximate index against exact.

.EXAMPLE
    dotnet pwsh ./build.ps1 -Task Bench

.EXAMPLE
    dotnet pwsh ./bench/run.ps1 -Quick
#>
[CmdletBinding()]
param(
    # Rows ingested by the pipeline and the in-process ceiling; the larger query database.
    [ValidateRange(1000, 10000000)]
    [int] $Rows = 100000,

    # The smaller size: the memory-flatness comparison and the smaller query database.
    [ValidateRange(500, 10000000)]
    [int] $SmallRows = 10000,

    # Rows of the one-request-per-row loop (it is slow by nature, so a subset).
    [ValidateRange(100, 1000000)]
    [int] $PerRowRows = 2000,

    # Measured questions per query cell (plus a warm-up with other questions).
    [ValidateRange(20, 100000)]
    [int] $Questions = 300,

    # Fresh pwsh processes for the Import-Module median.
    [ValidateRange(5, 100)]
    [int] $ImportRuns = 7,

    # Calls per cmdlet-overhead measurement.
    [ValidateRange(100, 1000000)]
    [int] $OverheadCalls = 1000,

    # A quick run: 10 000 / 2 000 rows, 500 per-row, 100 questions, 300 calls. Writes out/bench/benchmarks.md
    # unless -OutFile says otherwise, so docs/benchmarks.md keeps the full figures.
    [switch] $Quick,

    # The staged module manifest; default out/Lumetra.Engram/<version>/Lumetra.Engram.psd1 (staged when missing).
    [string] $ModuleManifest,

    # Where the Markdown goes; default docs/benchmarks.md (out/bench/benchmarks.md with -Quick).
    [string] $OutFile,

    # The command line to record in the report (build.ps1 passes its own).
    [string] $InvokedAs,

    # One-bucket scale cells (bench/scripts/Measure-Scale.ps1), hashing and 384-dim clustered vectors.
    [int[]] $ScaleSizes = @(100000),

    # Adds the 1,000,000-memory scale cells (about an hour on the 2-core machine, mostly the index build).
    [switch] $ScaleMillion,

    # Keep the database files under out/bench (several hundred MB at 100 000 rows) for inspection.
    [switch] $KeepDatabases
)

Set-StrictMode -Version 3.0
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'

$RepoRoot = Split-Path -Parent $PSScriptRoot
$WorkDir = Join-Path $RepoRoot 'out/bench'
$ScriptsDir = Join-Path $PSScriptRoot 'scripts'
$BenchProject = Join-Path $PSScriptRoot 'Engram.Bench/Engram.Bench.csproj'
$BenchDll = Join-Path $PSScriptRoot 'Engram.Bench/bin/Release/net10.0/Engram.Bench.dll'
$ApiKey = 'bench-' + [guid]::NewGuid().ToString('N')

if (-not $InvokedAs) {
    $InvokedAs = 'dotnet pwsh ./bench/run.ps1' + (($PSBoundParameters.GetEnumerator() | ForEach-Object {
                if ($_.Value -is [switch]) { if ($_.Value) { " -$($_.Key)" } } else { " -$($_.Key) $($_.Value)" }
            }) -join '')
}

if ($Quick) {
    if (-not $PSBoundParameters.ContainsKey('Rows')) { $Rows = 10000 }
    if (-not $PSBoundParameters.ContainsKey('SmallRows')) { $SmallRows = 2000 }
    if (-not $PSBoundParameters.ContainsKey('PerRowRows')) { $PerRowRows = 500 }
    if (-not $PSBoundParameters.ContainsKey('Questions')) { $Questions = 100 }
    if (-not $PSBoundParameters.ContainsKey('ImportRuns')) { $ImportRuns = 5 }
    if (-not $PSBoundParameters.ContainsKey('OverheadCalls')) { $OverheadCalls = 300 }
}
if ($SmallRows -ge $Rows) { throw "-SmallRows ($SmallRows) must be smaller than -Rows ($Rows)." }
if ($PerRowRows -gt $Rows) { throw "-PerRowRows ($PerRowRows) must not exceed -Rows ($Rows)." }
if (-not $OutFile) {
    $OutFile = if ($Quick) { Join-Path $WorkDir 'benchmarks.md' } else { Join-Path $RepoRoot 'docs/benchmarks.md' }
}

function Write-Step([string] $Message) {
    Write-Host "==> $Message" -ForegroundColor Cyan
}

function Invoke-Checked([string] $FilePath, [string[]] $ArgumentList) {
    & $FilePath @ArgumentList | Out-Host
    if ($LASTEXITCODE -ne 0) { throw "'$FilePath $($ArgumentList -join ' ')' failed with exit code $LASTEXITCODE." }
}

function Invoke-BenchTool([string[]] $ArgumentList) {
    Invoke-Checked dotnet (@($BenchDll) + $ArgumentList)
}

function Read-Result([string] $Path) {
    Get-Content -Raw -LiteralPath $Path | ConvertFrom-Json
}

# A fresh pwsh (the repo's pinned one) running one of bench/scripts with named arguments.
function Invoke-FreshPwsh([string] $Script, [hashtable] $Arguments) {
    $argv = @('tool', 'run', 'pwsh', '--', '-NoProfile', '-NonInteractive', '-File', (Join-Path $ScriptsDir $Script))
    foreach ($pair in $Arguments.GetEnumerator()) { $argv += @("-$($pair.Key)", [string] $pair.Value) }
    Push-Location $RepoRoot
    try { Invoke-Checked dotnet $argv }
    finally { Pop-Location }
}

function Remove-Database([string] $Path) {
    foreach ($suffix in '', '-wal', '-shm', '-journal') {
        if (Test-Path -LiteralPath "$Path$suffix") { Remove-Item -LiteralPath "$Path$suffix" -Force }
    }
}

# The local server in its own process (Engram.Bench serve) on a fresh database file.
function Start-BenchServer([string] $Database) {
    Remove-Database $Database
    $info = [System.Diagnostics.ProcessStartInfo]::new('dotnet')
    foreach ($a in @($BenchDll, 'serve', '--db', $Database, '--api-key', $ApiKey)) { $info.ArgumentList.Add($a) }
    $info.RedirectStandardInput = $true
    $info.RedirectStandardOutput = $true
    $info.UseShellExecute = $false
    $process = [System.Diagnostics.Process]::Start($info)
    $line = $process.StandardOutput.ReadLine()
    if ($null -eq $line -or $line -notmatch '^LISTENING (\S+)$') {
        if (-not $process.HasExited) { $process.Kill() }
        throw "The bench server did not start (said: '$line')."
    }
    [pscustomobject]@{ Process = $process; BaseUrl = $Matches[1] }
}

function Stop-BenchServer($Server) {
    $Server.Process.StandardInput.WriteLine('stop')
    $Server.Process.StandardInput.Close()
    $peak = $null
    while ($null -ne ($line = $Server.Process.StandardOutput.ReadLine())) {
        if ($line -match '^PEAK_WORKING_SET (\d+)$') { $peak = [long] $Matches[1] }
    }
    if (-not $Server.Process.WaitForExit(30000)) { $Server.Process.Kill(); throw 'The bench server did not stop.' }
    $Server.Process.Dispose()
    $peak
}

function Get-LoadAverage {
    if (Test-Path /proc/loadavg) { ((Get-Content /proc/loadavg) -split ' ')[0..2] -join ' ' } else { 'n/a' }
}

function Get-MachineInfo {
    $memory = if (Test-Path /proc/meminfo) {
        $kb = [long] ((Select-String -Path /proc/meminfo -Pattern '^MemTotal:\s+(\d+)').Matches[0].Groups[1].Value)
        '{0:N1} GiB' -f ($kb / 1MB)
    }
    else { '{0:N1} GiB' -f ([GC]::GetGCMemoryInfo().TotalAvailableMemoryBytes / 1GB) }
    $cpu = if (Test-Path /proc/cpuinfo) {
        ((Select-String -Path /proc/cpuinfo -Pattern '^model name\s*:\s*(.+)$' | Select-Object -First 1).Matches[0].Groups[1].Value).Trim()
    }
    else { $env:PROCESSOR_IDENTIFIER }
    $dotnetSdk = (& dotnet --version).Trim()
    [ordered]@{
        'CPU'        = "$cpu, $([Environment]::ProcessorCount) logical cores"
        'Memory'     = $memory
        'OS'         = [System.Runtime.InteropServices.RuntimeInformation]::OSDescription
        '.NET'       = "$([System.Runtime.InteropServices.RuntimeInformation]::FrameworkDescription) (SDK $dotnetSdk)"
        'PowerShell' = "$($PSVersionTable.PSVersion) ($($PSVersionTable.PSEdition))"
    }
}

function Format-Rate([double] $Value) { '{0:N0}' -f $Value }
function Format-Ms([double] $Value) { '{0:N1}' -f $Value }
function Format-MiB([double] $Bytes) { '{0:N0} MiB' -f ($Bytes / 1MB) }
function Get-Verdict([bool] $Met) { if ($Met) { 'met' } else { 'missed' } }

# ---------------------------------------------------------------------------------------------------------
$started = Get-Date
$loadBefore = Get-LoadAverage
$null = New-Item -ItemType Directory -Path $WorkDir -Force

if (-not $ModuleManifest) {
    $version = (Import-PowerShellDataFile (Join-Path $RepoRoot 'Engram.psd1')).ModuleVersion
    $ModuleManifest = Join-Path $RepoRoot "out/Lumetra.Engram/$version/Lumetra.Engram.psd1"
    if (-not (Test-Path $ModuleManifest)) {
        Write-Step 'Stage the module (build.ps1 -Task Build)'
        Invoke-Checked dotnet @('tool', 'run', 'pwsh', '--', '-NoProfile', '-NonInteractive', '-File', (Join-Path $RepoRoot 'build.ps1'), '-Task', 'Build')
    }
}
$ModuleManifest = (Resolve-Path $ModuleManifest).Path

Write-Step 'Build Engram.Bench (Release)'
Invoke-Checked dotnet @('build', $BenchProject, '-c', 'Release', '-nologo', '-v', 'quiet')

Write-Step "Generate $Rows, $SmallRows and $PerRowRows facts"
$csv = @{}
foreach ($n in ($Rows, $SmallRows, $PerRowRows | Sort-Object -Unique)) {
    $csv[$n] = Join-Path $WorkDir "facts-$n.csv"
    Invoke-BenchTool @('generate', '--rows', $n, '--out', $csv[$n])
}

# 1b. The ceiling: the engine alone, batches of 100 into a fresh file. These files are the query databases too.
$inproc = @{}
$queryDb = @{}
foreach ($n in $SmallRows, $Rows) {
    Write-Step "In-process ingest of $n rows (StoreMemoriesAsync, batches of 100, fresh file)"
    $queryDb[$n] = Join-Path $WorkDir "inproc-$n.db"
    $resultFile = Join-Path $WorkDir "inproc-$n.json"
    Invoke-BenchTool @('ingest-inproc', '--rows', $n, '--db', $queryDb[$n], '--result', $resultFile)
    $inproc[$n] = Read-Result $resultFile
}

# 1 and 4. The pipeline, server in another process; the ingesting pwsh reports its peak working set.
$pipeline = @{}
$serverPeak = @{}
foreach ($n in $SmallRows, $Rows) {
    Write-Step "Pipeline ingest of $n rows: Import-Csv | Add-EngramMemory -Dedup Off over loopback HTTP"
    $server = Start-BenchServer (Join-Path $WorkDir "pipeline-$n.db")
    try {
        $resultFile = Join-Path $WorkDir "pipeline-$n.json"
        Invoke-FreshPwsh 'Measure-PipelineIngest.ps1' @{ ModuleManifest = $ModuleManifest; Csv = $csv[$n]; BaseUrl = $server.BaseUrl; ApiKey = $ApiKey; ResultFile = $resultFile }
        $pipeline[$n] = Read-Result $resultFile
    }
    finally { $serverPeak[$n] = Stop-BenchServer $server }
}

# 1a. One request per row, on a subset: Add-EngramMemory per row, and the .NET client's StoreMemoryAsync per row.
Write-Step "Per-row loop over $PerRowRows rows: Add-EngramMemory per row"
$server = Start-BenchServer (Join-Path $WorkDir 'perrow-pwsh.db')
try {
    $resultFile = Join-Path $WorkDir 'perrow-pwsh.json'
    Invoke-FreshPwsh 'Measure-PerRowIngest.ps1' @{ ModuleManifest = $ModuleManifest; Csv = $csv[$PerRowRows]; BaseUrl = $server.BaseUrl; ApiKey = $ApiKey; ResultFile = $resultFile }
    $perRowPwsh = Read-Result $resultFile
}
finally { $null = Stop-BenchServer $server }

Write-Step "Per-row loop over $PerRowRows rows: .NET StoreMemoryAsync per row"
$server = Start-BenchServer (Join-Path $WorkDir 'perrow-dotnet.db')
try {
    $resultFile = Join-Path $WorkDir 'perrow-dotnet.json'
    Invoke-BenchTool @('ingest-perrow', '--rows', $PerRowRows, '--url', $server.BaseUrl, '--api-key', $ApiKey, '--result', $resultFile)
    $perRowDotnet = Read-Result $resultFile
}
finally { $null = Stop-BenchServer $server }

# 2. Query latency on the two in-process databases.
Write-Step "Query latency at $SmallRows and $Rows memories ($Questions questions per cell)"
$resultFile = Join-Path $WorkDir 'query.json'
Invoke-BenchTool @('query', '--db', "$($queryDb[$SmallRows]),$($queryDb[$Rows])", '--questions', $Questions, '--question-rows', $SmallRows, '--result', $resultFile)
$query = Read-Result $resultFile

# 3. Cold Import-Module, each in a fresh process.
Write-Step "Import-Module in $ImportRuns fresh pwsh processes"
$importMs = foreach ($i in 1..$ImportRuns) {
    $resultFile = Join-Path $WorkDir "import-$i.json"
    Invoke-FreshPwsh 'Measure-ImportModule.ps1' @{ ModuleManifest = $ModuleManifest; ResultFile = $resultFile }
    (Read-Result $resultFile).milliseconds
}
$importSorted = @($importMs | Sort-Object)
$importMedian = $importSorted[[int][math]::Floor(($importSorted.Count - 1) / 2)]
if ($importSorted.Count % 2 -eq 0) { $importMedian = ($importSorted[$importSorted.Count / 2 - 1] + $importSorted[$importSorted.Count / 2]) / 2 }

Write-Step "Cmdlet overhead: $OverheadCalls calls against the in-process engine"
$overheadDb = Join-Path $WorkDir 'overhead.db'
Remove-Database $overheadDb
$resultFile = Join-Path $WorkDir 'overhead.json'
Invoke-FreshPwsh 'Measure-CmdletOverhead.ps1' @{ ModuleManifest = $ModuleManifest; DatabasePath = $overheadDb; ResultFile = $resultFile; Calls = $OverheadCalls }
$overhead = Read-Result $resultFile

$loadAfter = Get-LoadAverage
$finished = Get-Date

# 5. One bucket at scale: first query after opening, warm latency, working set, ingest by decade, recall@10.
Write-Step 'One bucket at scale'
$scaleSizes = if ($Quick) { @(30000) } else { $ScaleSizes }
if ($ScaleMillion) { $scaleSizes = @($scaleSizes) + 1000000 }
$scaleLines = & (Join-Path $ScriptsDir 'Measure-Scale.ps1') -BenchDll $BenchDll -WorkDir $WorkDir -Sizes $scaleSizes -Questions $Questions

# ---------------------------------------------------------------------------------------------------------
# The report.
$big = $pipeline[$Rows]
$small = $pipeline[$SmallRows]
$ceiling = $inproc[$Rows]
$ratioLoop = $big.rows_per_second / $perRowPwsh.rows_per_second
$ratioLoopDotnet = $big.rows_per_second / $perRowDotnet.rows_per_second
$ratioCeiling = $big.rows_per_second / $ceiling.rows_per_second
$memoryRatio = $big.peak_working_set_bytes / $small.peak_working_set_bytes
$sizeBig = $query.sizes | Where-Object { $_.database -eq $queryDb[$Rows] }
$httpRetrievalP95 = $sizeBig.cells.http_retrieval.p95_ms

$lines = [System.Collections.Generic.List[string]]::new()
$lines.Add('# Benchmarks')
$lines.Add('')
$lines.Add('Measured by `bench/run.ps1` on one machine, against the local engine over loopback. The figures are')
$lines.Add('what this machine did on this day, not guarantees; CI does not run the benchmark and no test asserts a figure.')
$lines.Add('')
$lines.Add("- Command: ``$InvokedAs``")
$lines.Add("- Date: $($started.ToUniversalTime().ToString('yyyy-MM-dd HH:mm')) UTC (took $([math]::Round(($finished - $started).TotalMinutes, 1)) min)")
foreach ($pair in (Get-MachineInfo).GetEnumerator()) { $lines.Add("- $($pair.Key): $($pair.Value)") }
$lines.Add("- Load average (1/5/15 min) before: $loadBefore; after: $loadAfter")
$lines.Add('')

$lines.Add('## Targets')
$lines.Add('')
$lines.Add('| Target | Measured | Result |')
$lines.Add('|---|---|---|')
$lines.Add("| Pipeline ingest >= 30x the one-request-per-row loop | $('{0:N1}' -f $ratioLoop)x (Add-EngramMemory per row); $('{0:N1}' -f $ratioLoopDotnet)x (.NET StoreMemoryAsync per row) | $(Get-Verdict ($ratioLoop -ge 30 -and $ratioLoopDotnet -ge 30)) |")
$lines.Add("| Pipeline ingest >= 50 % of the in-process ceiling ($Rows rows) | $('{0:N0}' -f (100 * $ratioCeiling)) % | $(Get-Verdict ($ratioCeiling -ge 0.5)) |")
$lines.Add("| Query p95 <= 20 ms at $Rows memories over HTTP, retrieval only | $(Format-Ms $httpRetrievalP95) ms | $(Get-Verdict ($httpRetrievalP95 -le 20)) |")
$lines.Add("| Import-Module <= 300 ms (median of $ImportRuns fresh processes) | $(Format-Ms $importMedian) ms | $(Get-Verdict ($importMedian -le 300)) |")
$lines.Add("| Peak memory at $Rows rows within 1.5x of $SmallRows rows | $('{0:N2}' -f $memoryRatio)x | $(Get-Verdict ($memoryRatio -le 1.5)) |")
$lines.Add('')

$lines.Add('## Ingest')
$lines.Add('')
$lines.Add('| How | Rows | Seconds | Rows/s | Peak working set |')
$lines.Add('|---|---:|---:|---:|---:|')
foreach ($n in $SmallRows, $Rows) {
    $p = $pipeline[$n]
    $lines.Add("| ``Import-Csv \| Add-EngramMemory -Dedup Off`` over loopback HTTP (pwsh) | $($p.rows) | $($p.seconds) | $(Format-Rate $p.rows_per_second) | $(Format-MiB $p.peak_working_set_bytes) (server process: $(Format-MiB $serverPeak[$n])) |")
}
$lines.Add("| ``foreach (`$row) { Add-EngramMemory -Content `$row.Content }``, one request per row (subset) | $($perRowPwsh.rows) | $($perRowPwsh.seconds) | $(Format-Rate $perRowPwsh.rows_per_second) | |")
$lines.Add("| .NET ``StoreMemoryAsync`` per row over HTTP, awaited one by one (subset) | $($perRowDotnet.rows) | $($perRowDotnet.seconds) | $(Format-Rate $perRowDotnet.rows_per_second) | |")
foreach ($n in $SmallRows, $Rows) {
    $c = $inproc[$n]
    $lines.Add("| In-process ``StoreMemoriesAsync``, batches of 100, fresh file (ceiling) | $($c.rows) | $($c.seconds) | $(Format-Rate $c.rows_per_second) | $(Format-MiB $c.peak_working_set_bytes) |")
}
$lines.Add('')
$lines.Add("Pipeline ÷ per-row loop: $('{0:N1}' -f $ratioLoop)x (Add-EngramMemory per row), $('{0:N1}' -f $ratioLoopDotnet)x (.NET per row).")
$lines.Add("Pipeline ÷ in-process ceiling: $('{0:N0}' -f (100 * $ratioCeiling)) % at $Rows rows.")
$lines.Add("Peak working set of the ingesting pwsh: $(Format-MiB $big.peak_working_set_bytes) at $Rows rows vs $(Format-MiB $small.peak_working_set_bytes) at $SmallRows rows ($('{0:N2}' -f $memoryRatio)x).")
$lines.Add('')

$lines.Add('## Query latency')
$lines.Add('')
$lines.Add("One caller, one query at a time, $($query.questions_per_cell) different questions per cell after $($query.warmup_per_cell) warm-up questions; top_k 8.")
$lines.Add('HTTP is `EngramHttpService` → `LocalEngramServer` on loopback (both in the benchmark process). "Streamed" is the time to the first answer delta.')
$lines.Add('"Source found" is the share of questions whose source fact was among the retrieved memories (a sanity check that the queries do real work).')
$lines.Add('')
$lines.Add('| Memories | Path | Mode | p50 ms | p95 ms | p99 ms | Source found |')
$lines.Add('|---:|---|---|---:|---:|---:|---:|')
$cellNames = [ordered]@{
    inproc_retrieval          = @('in-process', 'retrieval only (skip_synthesis)')
    inproc_answer             = @('in-process', 'with extractive answer')
    inproc_stream_first_delta = @('in-process', 'streamed, first delta')
    http_retrieval            = @('HTTP', 'retrieval only (skip_synthesis)')
    http_answer               = @('HTTP', 'with extractive answer')
    http_stream_first_delta   = @('HTTP', 'streamed, first delta')
}
foreach ($size in $query.sizes) {
    foreach ($name in $cellNames.Keys) {
        $cell = $size.cells.$name
        $lines.Add("| $($size.memories) | $($cellNames[$name][0]) | $($cellNames[$name][1]) | $(Format-Ms $cell.p50_ms) | $(Format-Ms $cell.p95_ms) | $(Format-Ms $cell.p99_ms) | $('{0:N0}' -f (100 * $cell.source_in_top_k)) % |")
    }
}
$lines.Add('')

foreach ($line in $scaleLines) { $lines.Add($line) }

$lines.Add('## Start-up and per-call overhead')
$lines.Add('')
$lines.Add("Import-Module in a fresh pwsh, timed inside the process: median $(Format-Ms $importMedian) ms (runs: $(($importMs | ForEach-Object { Format-Ms $_ }) -join ', ') ms).")
$lines.Add('')
$lines.Add("| Call ($($overhead.calls)x, in-process engine) | Cmdlet µs/call | Direct .NET call µs/call | Cmdlet overhead µs/call |")
$lines.Add('|---|---:|---:|---:|')
$lines.Add("| ``Get-EngramBucket`` vs ``ListBucketsAsync`` | $($overhead.get_bucket_cmdlet_us) | $($overhead.get_bucket_direct_us) | $([math]::Round($overhead.get_bucket_cmdlet_us - $overhead.get_bucket_direct_us, 1)) |")
$lines.Add("| ``Get-EngramMemory -First 3`` vs ``ListMemoriesAsync(limit 3)`` | $($overhead.get_memory_cmdlet_us) | $($overhead.get_memory_direct_us) | $([math]::Round($overhead.get_memory_cmdlet_us - $overhead.get_memory_direct_us, 1)) |")
$lines.Add('')
$lines.Add('Both columns are timed from the same pwsh script loop, so the difference is the cmdlet machinery (parameter binding, session lookup, output objects).')
$lines.Add('')

$notes = Join-Path $PSScriptRoot 'NOTES.md'
if (Test-Path $notes) {
    $lines.Add((Get-Content -Raw $notes).TrimEnd())
    $lines.Add('')
}

$markdown = $lines -join "`n"
$null = New-Item -ItemType Directory -Path (Split-Path -Parent $OutFile) -Force
Set-Content -LiteralPath $OutFile -Value $markdown -Encoding utf8NoBOM
Write-Host ''
Write-Host $markdown
Write-Host ''
Write-Host "Written to $OutFile"

if (-not $KeepDatabases) {
    Get-ChildItem -LiteralPath $WorkDir -File | Where-Object { $_.Name -match '\.db(-wal|-shm|-journal)?$' } | Remove-Item -Force
    Get-ChildItem -LiteralPath $WorkDir -Directory -Filter '*.db.vectors' | Remove-Item -Recurse -Force
}
