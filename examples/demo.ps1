<#
.SYNOPSIS
    The main job on the embedded engine: ingest a CSV into Engram, then ask questions and show the
    memories each answer cites. Needs no account and no network.

.EXAMPLE
    ./examples/demo.ps1 -DatabasePath ./out/demo/engram.db
#>
[CmdletBinding()]
param(
    # The module to use; by default the installed Lumetra.Engram.
    [string] $ModulePath = 'Lumetra.Engram',

    # Where the local engine keeps its SQLite file.
    [Parameter(Mandatory)]
    [string] $DatabasePath
)
$ErrorActionPreference = 'Stop'
Import-Module $ModulePath

$csv = Join-Path $PSScriptRoot 'ops-facts.csv'
Connect-Engram -Local -Path $DatabasePath
try {
    Write-Host "`n== Ingest $csv with Import-Csv | Add-EngramMemory" -ForegroundColor Cyan
    $results = Import-Csv $csv | Add-EngramMemory
    $results | Group-Object Status | ForEach-Object { Write-Host ("{0,-7} {1}" -f $_.Name, $_.Count) }

    Write-Host "`n== Ingest the same file again: dedup merges every row" -ForegroundColor Cyan
    Import-Csv $csv | Add-EngramMemory | Group-Object Status, MergeReason |
        ForEach-Object { Write-Host ("{0,-25} {1}" -f $_.Name, $_.Count) }

    Write-Host "`n== Buckets" -ForegroundColor Cyan
    Get-EngramBucket | Format-Table Name, MemoryCount -AutoSize | Out-Host

    $questions = @(
        @{ Question = 'When is the maintenance window?'; Bucket = 'ops' }
        @{ Question = 'How long are backups of pg-prod kept?'; Bucket = 'ops' }
    )
    foreach ($q in $questions) {
        Write-Host "`n== Q: $($q.Question)" -ForegroundColor Cyan
        # The default view shows the answer and the memories it cites.
        Invoke-EngramQuery -Question $q.Question -Bucket $q.Bucket -TopK 3 | Out-Host
    }

    Write-Host "`n== Streamed, across two buckets: Who is the escalation contact for the production database?" -ForegroundColor Cyan
    $streamed = Invoke-EngramQuery 'Who is the escalation contact for the production database pg-prod?' -Bucket ops, team -TopK 2 -Stream
    Write-Host "`nCited memories:"
    $streamed.Memories | Format-Table Bucket, WeightedScore, Content -AutoSize -Wrap | Out-Host

    Write-Host "`n== JSON answer for an agent: Who owns what on the platform team?" -ForegroundColor Cyan
    $json = Invoke-EngramQuery 'Who owns what on the platform team?' -Bucket team -TopK 4 -ReturnFormat Json
    $json.AnswerJson | ConvertTo-Json -Depth 6 | Out-Host
}
finally {
    Disconnect-Engram
}
