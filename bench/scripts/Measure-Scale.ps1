#!/usr/bin/env pwsh
<#
.SYNOPSIS
    One bucket at scale (issue 14): for each vector kind and size, builds the bucket with the default dedup,
    reopens it in a fresh process to time the first query and warm retrieval, and measures recall@10 of the
    dense ranking against an exact scan. Returns the report's Markdown lines (bench/run.ps1 adds them).

.EXAMPLE
    dotnet pwsh ./bench/scripts/Measure-Scale.ps1 -BenchDll bench/Engram.Bench/bin/Release/net10.0/Engram.Bench.dll -Sizes 100000,1000000
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $BenchDll,
    [string] $WorkDir = (Join-Path (Split-Path -Parent (Split-Path -Parent $PSScriptRoot)) 'out/bench'),
    [int[]] $Sizes = @(100000),
    # 0 = the hashing embedder (256 dims); 384 = the bench's clustered synthetic 384-dim embedder.
    [int[]] $Dims = @(0, 384),
    [int] $Questions = 200,
    [int] $RecallQuestions = 100
)

Set-StrictMode -Version 3.0
$ErrorActionPreference = 'Stop'
$null = New-Item -ItemType Directory -Path $WorkDir -Force

function Invoke-Scale([string[]] $Arguments) {
    & dotnet (@($BenchDll, 'scale') + $Arguments)
    if ($LASTEXITCODE -ne 0) { throw "Engram.Bench scale $($Arguments -join ' ') failed with exit code $LASTEXITCODE." }
}

$cells = foreach ($dim in $Dims) {
    foreach ($size in $Sizes) {
        $db = Join-Path $WorkDir "scale-$dim-$size.db"
        $common = @('--rows', $size, '--db', $db, '--dims', $dim)
        Write-Host "scale: $size rows, $(if ($dim) { "$dim-dim clustered" } else { 'hashing' }) vectors"
        Invoke-Scale (@('--phase', 'build', '--result', "$db.build.json") + $common)
        Invoke-Scale (@('--phase', 'query', '--questions', $Questions, '--result', "$db.query.json") + $common)
        Invoke-Scale (@('--phase', 'recall', '--questions', $RecallQuestions, '--result', "$db.recall.json") + $common)
        [pscustomobject]@{
            Dims   = $dim
            Size   = $size
            Build  = Get-Content -Raw "$db.build.json" | ConvertFrom-Json
            Query  = Get-Content -Raw "$db.query.json" | ConvertFrom-Json
            Recall = Get-Content -Raw "$db.recall.json" | ConvertFrom-Json
        }
    }
}

function Format-MiB([double] $Bytes) { '{0:N0} MiB' -f ($Bytes / 1MB) }
function Get-Verdict([bool] $Met) { if ($Met) { 'met' } else { 'missed' } }

$lines = [System.Collections.Generic.List[string]]::new()
$lines.Add('## One bucket at scale')
$lines.Add('')
$lines.Add('`Engram.Bench scale` in three processes per cell: **build** stores N facts into one bucket with the default dedup')
$lines.Add('(Loose) in batches of 100, noting the rate over the second half of every decade (5,000–10,000, 50,000–100,000, …),')
$lines.Add('then waits for the approximate index to catch up and closes the engine (which saves it); **query** reopens the file,')
$lines.Add("times the first query (retrieval only), then $Questions warm queries after 50 warm-up ones, and reads its working set;")
$lines.Add("**recall** compares the dense top 10 of $RecallQuestions questions with an exact scan of every stored vector (ties at the")
$lines.Add('10th cosine count as hits). "hashing" is the built-in 256-dim embedder; "384 clustered" is the bench''s deterministic')
$lines.Add('synthetic embedder (4,096 Gaussian clusters, unit vectors): the real MiniLM model embeds ~100 texts/s on this')
$lines.Add('2-core machine, so a million rows would take hours; the synthetic one measures the engine at the same width.')
$lines.Add('')
$lines.Add('| Vectors | Memories | Ingest rows/s at 10k | at N | N ÷ 10k | CPU µs/row at 10k / at N | Index catch-up s | First query ms | Warm p50 ms | Warm p95 ms | Working set | recall@10 | DB + index |')
$lines.Add('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|')
foreach ($c in $cells) {
    $first = @($c.Build.decades)[0].rows_per_second
    $last = @($c.Build.decades)[-1].rows_per_second
    # Process CPU time per row (all threads): far less sensitive to a shared machine's load than the wall rate.
    $cpu = '{0:N0} / {1:N0}' -f @($c.Build.decades)[0].cpu_us_per_row, @($c.Build.decades)[-1].cpu_us_per_row
    $kind = if ($c.Dims) { "$($c.Dims) clustered" } else { 'hashing 256' }
    $lines.Add("| $kind | $($c.Size) | $('{0:N0}' -f $first) | $('{0:N0}' -f $last) | $('{0:N2}' -f ($last / $first)) | $cpu | $($c.Build.index_catch_up_seconds) | $('{0:N0}' -f $c.Query.first_query_ms) | $('{0:N1}' -f $c.Query.warm.p50_ms) | $('{0:N1}' -f $c.Query.warm.p95_ms) | $(Format-MiB $c.Query.working_set_bytes) | $('{0:N3}' -f $c.Recall.recall_at_10) | $(Format-MiB ($c.Build.database_bytes + $c.Build.index_bytes)) |")
}
$lines.Add('')
$lines.Add('| Target (largest size) | Vectors | Measured | Result |')
$lines.Add('|---|---|---|---|')
foreach ($c in ($cells | Group-Object Dims | ForEach-Object { $_.Group | Sort-Object Size | Select-Object -Last 1 })) {
    $kind = if ($c.Dims) { "$($c.Dims) clustered" } else { 'hashing 256' }
    $ratio = @($c.Build.decades)[-1].rows_per_second / @($c.Build.decades)[0].rows_per_second
    $lines.Add("| First query after opening <= 1 s ($($c.Size)) | $kind | $('{0:N0}' -f $c.Query.first_query_ms) ms (open $('{0:N0}' -f $c.Query.open_ms) ms) | $(Get-Verdict ($c.Query.first_query_ms -le 1000)) |")
    $lines.Add("| Warm retrieval p95 <= 30 ms in-process | $kind | $('{0:N1}' -f $c.Query.warm.p95_ms) ms | $(Get-Verdict ($c.Query.warm.p95_ms -le 30)) |")
    $lines.Add("| Process working set <= 1.5 GiB (query process) | $kind | $(Format-MiB $c.Query.working_set_bytes) (peak $(Format-MiB $c.Query.peak_working_set_bytes); build process peak $(Format-MiB $c.Build.peak_working_set_bytes)) | $(Get-Verdict ($c.Query.peak_working_set_bytes -le 1.5GB)) |")
    $lines.Add("| Ingest rate at N within 80 % of the rate at 10,000 | $kind | $('{0:N0}' -f (100 * $ratio)) % | $(Get-Verdict ($ratio -ge 0.8)) |")
    $lines.Add("| recall@10 vs exact >= 0.98 | $kind | $('{0:N3}' -f $c.Recall.recall_at_10) | $(Get-Verdict ($c.Recall.recall_at_10 -ge 0.98)) |")
}
$lines.Add('')
$lines
