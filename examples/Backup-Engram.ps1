<#
.SYNOPSIS
    Nightly backup: exports every bucket (or the ones named) to dated JSON Lines files and prunes old ones.

.DESCRIPTION
    Writes <BackupRoot>/<yyyy-MM-dd>/<bucket>.jsonl with Export-EngramMemory, one file per bucket, then
    deletes dated folders older than -RetentionDays. Supports -WhatIf: with it nothing is written or
    deleted and you see what would be. Restore a file with Import-EngramMemory -Path <file>.

    Writes one object per file written (Bucket, Path, MemoryCount) and one per folder pruned (Pruned).

    Schedule it with cron, systemd timers or Task Scheduler, for example:
        pwsh -NoProfile -File /opt/engram/Backup-Engram.ps1 -BackupRoot /var/backups/engram

.EXAMPLE
    ./examples/Backup-Engram.ps1 -BackupRoot ./backups -DatabasePath ./engram.db -RetentionDays 14

.EXAMPLE
    ./examples/Backup-Engram.ps1 -BackupRoot ./backups -RetentionDays 7 -WhatIf
#>
[CmdletBinding(SupportsShouldProcess)]
param(
    # The folder that holds one dated subfolder per run.
    [Parameter(Mandatory)] [string] $BackupRoot,

    # The buckets to back up; by default every bucket.
    [string[]] $Bucket,

    # Dated folders older than this many days are deleted after the backup.
    [ValidateRange(1, 3650)] [int] $RetentionDays = 14,

    # The day the backup is for (the folder name and the retention cut-off); today by default.
    [datetime] $Date = (Get-Date),

    # The embedded engine's database file; omit to use the current connection or ENGRAM_API_KEY.
    [string] $DatabasePath,

    # The module to use; by default the installed Lumetra.Engram.
    [string] $ModulePath = 'Lumetra.Engram'
)
$ErrorActionPreference = 'Stop'
Import-Module $ModulePath

$connection = if ($DatabasePath) { Connect-Engram -Local -Path $DatabasePath -PassThru }
try {
    $buckets = if ($Bucket) { $Bucket } else { (Get-EngramBucket).Name }
    $folder = Join-Path $BackupRoot $Date.ToString('yyyy-MM-dd')
    if ($PSCmdlet.ShouldProcess($folder, 'Create backup folder')) {
        $null = New-Item -ItemType Directory -Path $folder -Force
    }
    foreach ($name in $buckets) {
        $file = Join-Path $folder "$name.jsonl"
        if ($PSCmdlet.ShouldProcess($file, "Export bucket '$name'")) {
            $result = Export-EngramMemory -Bucket $name -Path $file
            [pscustomobject]@{ Bucket = $name; Path = $result.Path; MemoryCount = $result.MemoryCount }
        }
    }

    # Retention: only folders named like a date are considered, so nothing else in BackupRoot is touched.
    $cutOff = $Date.Date.AddDays(-$RetentionDays)
    Get-ChildItem -LiteralPath $BackupRoot -Directory -ErrorAction SilentlyContinue | ForEach-Object {
        $day = [datetime]::MinValue
        if ([datetime]::TryParseExact($_.Name, 'yyyy-MM-dd', [cultureinfo]::InvariantCulture, 'None', [ref] $day) -and $day -lt $cutOff) {
            if ($PSCmdlet.ShouldProcess($_.FullName, "Delete backup older than $RetentionDays days")) {
                Remove-Item -LiteralPath $_.FullName -Recurse -Force
                [pscustomobject]@{ Pruned = $_.FullName }
            }
        }
    }
}
finally {
    if ($connection) { Disconnect-Engram -Connection $connection }
}
