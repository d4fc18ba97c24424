<#
.SYNOPSIS
    Cleanup: deletes the memories of a bucket whose text matches a pattern (and, optionally, that are old).
    Preview with -WhatIf first, then run it again without.

.DESCRIPTION
    Lists the bucket with Get-EngramMemory -All, keeps the memories whose Content matches -Like (a wildcard
    pattern) and, with -OlderThanDays, that were created before that many days ago, writes them out, and
    pipes them to Remove-EngramMemory. The script supports -WhatIf and -Confirm, which Remove-EngramMemory
    honours: with -WhatIf nothing is deleted and each deletion is described instead.

.EXAMPLE
    ./examples/Remove-StaleMemories.ps1 -Bucket ops -Like '*staging*' -DatabasePath ./engram.db -WhatIf
    ./examples/Remove-StaleMemories.ps1 -Bucket ops -Like '*staging*' -DatabasePath ./engram.db

    The first run shows what would be deleted; the second deletes it.
#>
[CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'Medium')]
param(
    [Parameter(Mandatory)] [string] $Bucket,

    # A wildcard pattern the memory's text must match, such as '*staging*'.
    [Parameter(Mandatory)] [string] $Like,

    # Only memories created more than this many days ago.
    [ValidateRange(0, 36500)] [int] $OlderThanDays = 0,

    # The embedded engine's database file; omit to use the current connection or ENGRAM_API_KEY.
    [string] $DatabasePath,

    # The module to use; by default the installed Lumetra.Engram.
    [string] $ModulePath = 'Lumetra.Engram'
)
$ErrorActionPreference = 'Stop'
Import-Module $ModulePath

$connection = if ($DatabasePath) { Connect-Engram -Local -Path $DatabasePath -PassThru }
try {
    $cutOff = [DateTimeOffset]::Now.AddDays(-$OlderThanDays)
    $stale = @(Get-EngramMemory -Bucket $Bucket -All | Where-Object {
            $_.Content -like $Like -and ($OlderThanDays -eq 0 -or ($null -ne $_.CreatedAt -and $_.CreatedAt -lt $cutOff))
        })
    Write-Verbose "$($stale.Count) memories in '$Bucket' match '$Like'."
    $stale
    # -WhatIf and -Confirm given to this script reach Remove-EngramMemory through the preference variables.
    $stale | Remove-EngramMemory
}
finally {
    if ($connection) { Disconnect-Engram -Connection $connection }
}
