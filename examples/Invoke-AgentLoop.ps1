<#
.SYNOPSIS
    An agent loop: for each incoming alert, ask Engram for a JSON answer, pick an action from it, act, and
    remember what was done.

.DESCRIPTION
    For every alert the agent calls Invoke-EngramQuery -ReturnFormat Json -ResponseSchema with a schema of
    { answer, count, sources: [{ id, content }] } and reads the parsed object from .AnswerJson. It then:
      1. picks the first allowed action (-AllowedAction) that the cited memories name, or 'escalate' when
         no memory answers or none names an allowed action (the agent never invents an action);
      2. acts: appends "<time>`t<action>`t<alert>" to -ActionLog (stand-in for calling your tooling);
      3. remembers: stores what it did, with the ids of the memories it relied on, in -LogBucket, so the
         next run (or a person) can ask what happened.
    Writes one object per alert: Alert, Action, Evidence (memory ids), Answer.

.EXAMPLE
    ./examples/Invoke-AgentLoop.ps1 -Alert 'pg-prod disk usage is at 93%' -ActionLog ./actions.log -DatabasePath ./engram.db
#>
[CmdletBinding()]
param(
    # The alerts to handle, one question each.
    [Parameter(Mandatory, ValueFromPipeline)] [string[]] $Alert,

    # Where the runbooks are.
    [string[]] $Bucket = @('runbooks'),

    # The actions the agent may take; anything else is escalated.
    [string[]] $AllowedAction = @('vacuum-db', 'restart-service', 'rotate-certificate'),

    # The file the actions are appended to.
    [Parameter(Mandatory)] [string] $ActionLog,

    # Where the agent records what it did.
    [string] $LogBucket = 'agent-log',

    # Memories less similar than this to the alert do not count as evidence.
    [double] $MinSimilarity = 0.2,

    # The embedded engine's database file; omit to use the current connection or ENGRAM_API_KEY.
    [string] $DatabasePath,

    # The module to use; by default the installed Lumetra.Engram.
    [string] $ModulePath = 'Lumetra.Engram'
)
begin {
    $ErrorActionPreference = 'Stop'
    Import-Module $ModulePath
    $connection = if ($DatabasePath) { Connect-Engram -Local -Path $DatabasePath -PassThru }

    # The shape the agent wants back; Engram fills it from the memories it retrieves.
    $schema = @{
        type       = 'object'
        properties = @{
            answer  = @{ type = 'string' }
            count   = @{ type = 'integer' }
            sources = @{ type = 'array'; items = @{ type = 'object'; properties = @{ id = @{ type = 'string' }; content = @{ type = 'string' } } } }
        }
    }
}
process {
    try {
        foreach ($item in $Alert) {
            $reply = (Invoke-EngramQuery "$item. What should I do?" -Bucket $Bucket -ReturnFormat Json -ResponseSchema $schema -TopK 3 -MinSimilarity $MinSimilarity).AnswerJson
            $sources = @($reply.sources | Where-Object { $_ })

            $action = 'escalate'
            foreach ($source in $sources) {
                $named = $AllowedAction | Where-Object { $source.content -match "(?<![\w-])$([regex]::Escape($_))(?![\w-])" } | Select-Object -First 1
                if ($named) { $action = $named; break }
            }
            $evidence = @($sources | ForEach-Object id)

            Add-Content -LiteralPath $ActionLog -Value ("{0:o}`t{1}`t{2}" -f [datetime]::UtcNow, $action, $item)
            $note = "Agent handled alert '$item' with action $action" + $(if ($evidence) { " based on memories $($evidence -join ', ')." } else { ' (no runbook matched).' })
            $null = Add-EngramMemory $note -Bucket $LogBucket -Dedup Off

            [pscustomobject]@{ Alert = $item; Action = $action; Evidence = $evidence; Answer = $reply.answer }
        }
    }
    catch {
        if ($connection) { Disconnect-Engram -Connection $connection }
        throw
    }
}
end {
    if ($connection) { Disconnect-Engram -Connection $connection }
}
