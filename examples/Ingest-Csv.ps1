<#
.SYNOPSIS
    Ingests a CSV file into Engram: one memory per row, with column mapping, a default bucket and a summary.

.DESCRIPTION
    Reads the CSV with Import-Csv, takes each row's text from -ContentColumn (by default the first of
    content, text, memory or fact that exists) and its bucket from -BucketColumn (when the column exists and
    the cell is not empty) or -Bucket. Rows without text are reported and skipped. Add-EngramMemory batches
    the rows and deduplicates (-Dedup), so running the script twice stores nothing twice.

    Writes one summary object per bucket: Bucket, Stored, Merged (rows deduplicated into an existing memory).

    With -DatabasePath it uses the embedded engine on that SQLite file; without it, the connection you
    already have (Connect-Engram) or ENGRAM_API_KEY.

.EXAMPLE
    ./examples/Ingest-Csv.ps1 -Path ./examples/ops-facts.csv -DatabasePath ./engram.db

.EXAMPLE
    ./examples/Ingest-Csv.ps1 -Path ./notes.csv -ContentColumn Note -BucketColumn Team -Bucket general
#>
[CmdletBinding()]
param(
    # The CSV file to ingest.
    [Parameter(Mandatory)] [string] $Path,

    # The column holding each memory's text; by default content, text, memory or fact.
    [string] $ContentColumn,

    # The column naming each row's bucket.
    [string] $BucketColumn = 'bucket',

    # The bucket for rows that name none.
    [string] $Bucket = 'default',

    [ValidateSet('Off', 'Loose', 'Strict')] [string] $Dedup = 'Loose',

    # The embedded engine's database file; omit to use the current connection or ENGRAM_API_KEY.
    [string] $DatabasePath,

    # The module to use; by default the installed Lumetra.Engram.
    [string] $ModulePath = 'Lumetra.Engram'
)
$ErrorActionPreference = 'Stop'
Import-Module $ModulePath

$rows = @(Import-Csv -LiteralPath $Path)
if ($rows.Count -eq 0) { Write-Warning "$Path has no rows."; return }

$columns = $rows[0].PSObject.Properties.Name
if (-not $ContentColumn) {
    $ContentColumn = 'content', 'text', 'memory', 'fact' | Where-Object { $_ -in $columns } | Select-Object -First 1
}
if (-not $ContentColumn -or $ContentColumn -notin $columns) {
    throw "No text column in $Path (columns: $($columns -join ', ')). Name it with -ContentColumn."
}

$connection = if ($DatabasePath) { Connect-Engram -Local -Path $DatabasePath -PassThru }
try {
    $memories = foreach ($row in $rows) {
        $text = "$($row.$ContentColumn)".Trim()
        if (-not $text) { Write-Warning "Skipped a row without $ContentColumn."; continue }
        $rowBucket = if ($BucketColumn -in $columns -and "$($row.$BucketColumn)".Trim()) { "$($row.$BucketColumn)".Trim() } else { $Bucket }
        [pscustomobject]@{ Content = $text; Bucket = $rowBucket }
    }
    $memories | Add-EngramMemory -Dedup $Dedup |
        Group-Object Bucket |
        ForEach-Object {
            [pscustomobject]@{
                Bucket = $_.Name
                Stored = @($_.Group | Where-Object { -not $_.IsMerged }).Count
                Merged = @($_.Group | Where-Object IsMerged).Count
            }
        }
}
finally {
    if ($connection) { Disconnect-Engram -Connection $connection }
}
