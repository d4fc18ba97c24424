# The example scripts users start from, each run as a script in a fresh pwsh against the embedded engine
# on a TestDrive database; the assertions check what each script produced or changed.
BeforeAll {
    . (Join-Path $PSScriptRoot 'FreshProcess.ps1')
    $script:examples = (Resolve-Path (Join-Path $PSScriptRoot '../../examples')).Path
    $script:runner = Join-Path $PSScriptRoot 'Scripts/Invoke-Example.ps1'

    # Runs examples/<Name>.ps1 with the staged module and returns its output objects (and the run).
    function Invoke-Example([string] $Name, [hashtable] $Parameters) {
        $Parameters.ModulePath = $env:ENGRAM_TEST_MODULE
        $run = Invoke-FreshPwsh -ScriptPath $script:runner -Parameters @{
            Example = Join-Path $script:examples "$Name.ps1"; ParametersJson = ($Parameters | ConvertTo-Json -Compress)
        }
        if ($run.ExitCode -ne 0) { throw "$Name failed (exit code $($run.ExitCode)):`n$($run.Text)" }
        [pscustomobject]@{ Objects = @(Get-ChildResult $run); Text = $run.Text }
    }

    # Reads the database in this process through the module (a separate connection to the same file).
    function Get-Memories([string] $DatabasePath, [string] $Bucket) {
        Import-Module $env:ENGRAM_TEST_MODULE
        $connection = Connect-Engram -Local -Path $DatabasePath -PassThru
        try { @(Get-EngramMemory -Bucket $Bucket -All -Connection $connection) }
        finally { Disconnect-Engram -Connection $connection }
    }
}

Describe 'examples/demo.ps1' {
    It 'ingests the CSV and prints answers with the memories they cite' {
        $database = Join-Path $TestDrive 'demo.db'
        $run = Invoke-FreshPwsh -ScriptPath (Join-Path $script:examples 'demo.ps1') -Parameters @{ ModulePath = $env:ENGRAM_TEST_MODULE; DatabasePath = $database }
        $run.ExitCode | Should -Be 0 -Because $run.Text
        # Answers and the memories they cite, from examples/ops-facts.csv. Tables wrap at the console
        # width, anywhere in a word, so compare without white space.
        $flat = $run.Text -replace '\s', ''
        foreach ($cited in 'The weekly maintenance window is Sunday 02:00-04:00 UTC', 'Backups of pg-prod run nightly at 01:30 UTC and are kept for 35 days',
            'Bram Jansen is the database specialist and the escalation contact for pg-prod') {
            $flat | Should -Match ([regex]::Escape(($cited -replace '\s', '')))
        }
        $run.Text | Should -Match 'Cited memories:'
        $run.Text | Should -Match 'merged'
        $csvRows = @(Import-Csv (Join-Path $script:examples 'ops-facts.csv') | Where-Object bucket -eq 'ops').Count
        (Get-Memories $database 'ops').Count | Should -Be $csvRows
    }
}

Describe 'examples/Ingest-Csv.ps1' {
    BeforeAll {
        $script:database = Join-Path $TestDrive 'ingest.db'
        $script:csv = Join-Path $script:examples 'ops-facts.csv'
        $script:rows = @(Import-Csv $script:csv)
    }

    It 'stores every row in its bucket and reports the counts per bucket' {
        $summary = (Invoke-Example 'Ingest-Csv' @{ Path = $script:csv; DatabasePath = $script:database }).Objects
        foreach ($group in $script:rows | Group-Object bucket) {
            $line = $summary | Where-Object Bucket -eq $group.Name
            $line.Stored | Should -Be $group.Count
            $line.Merged | Should -Be 0
            (Get-Memories $script:database $group.Name).Content | Sort-Object | Should -Be ($group.Group.content | Sort-Object)
        }
    }

    It 'stores nothing twice when run again' {
        $summary = (Invoke-Example 'Ingest-Csv' @{ Path = $script:csv; DatabasePath = $script:database }).Objects
        ($summary | Measure-Object Stored -Sum).Sum | Should -Be 0
        ($summary | Measure-Object Merged -Sum).Sum | Should -Be $script:rows.Count
    }

    It 'maps other column names and gives rows without a bucket the default one' {
        $custom = Join-Path $TestDrive 'notes.csv'
        @(
            [pscustomobject]@{ Note = 'The design review happens every second Tuesday.'; Team = 'platform' }
            [pscustomobject]@{ Note = 'Expense reports are due on the 5th.'; Team = '' }
            [pscustomobject]@{ Note = ''; Team = 'platform' }
        ) | Export-Csv -Path $custom -NoTypeInformation
        $result = Invoke-Example 'Ingest-Csv' @{ Path = $custom; ContentColumn = 'Note'; BucketColumn = 'Team'; Bucket = 'general'; DatabasePath = $script:database }
        ($result.Objects | Where-Object Bucket -eq 'platform').Stored | Should -Be 1
        ($result.Objects | Where-Object Bucket -eq 'general').Stored | Should -Be 1
        $result.Text | Should -Match 'Skipped a row without Note'
        (Get-Memories $script:database 'general').Content | Should -Be 'Expense reports are due on the 5th.'
    }
}

Describe 'examples/Backup-Engram.ps1' {
    BeforeAll {
        $script:database = Join-Path $TestDrive 'backup.db'
        $script:root = Join-Path $TestDrive 'backups'
        $null = Invoke-Example 'Ingest-Csv' @{ Path = (Join-Path $script:examples 'ops-facts.csv'); DatabasePath = $script:database }
        $script:today = [datetime]::new(2030, 6, 15)
        # Earlier runs: one inside the retention period, one outside, and a folder that is not a backup.
        foreach ($old in '2030-06-10', '2030-05-01', 'keep-me') { $null = New-Item -ItemType Directory -Path (Join-Path $script:root $old) -Force }
    }

    It 'previews with -WhatIf: writes and deletes nothing' {
        $result = Invoke-Example 'Backup-Engram' @{ BackupRoot = $script:root; DatabasePath = $script:database; RetentionDays = 14; Date = $script:today.ToString('o'); WhatIf = $true }
        $result.Text | Should -Match 'What if: .*Export bucket .ops.'
        $result.Text | Should -Match 'What if: .*2030-05-01'
        Join-Path $script:root '2030-06-15' | Should -Not -Exist
        Join-Path $script:root '2030-05-01' | Should -Exist
    }

    It 'exports every bucket to a dated JSON Lines file and prunes only expired dated folders' {
        $result = Invoke-Example 'Backup-Engram' @{ BackupRoot = $script:root; DatabasePath = $script:database; RetentionDays = 14; Date = $script:today.ToString('o') }
        $written = @($result.Objects | Where-Object { $_.PSObject.Properties['Bucket'] })
        $written.Bucket | Sort-Object | Should -Be @('ops', 'team')
        foreach ($file in $written) {
            $file.Path | Should -Be (Join-Path $script:root "2030-06-15/$($file.Bucket).jsonl")
            @(Get-Content $file.Path).Count | Should -Be $file.MemoryCount
            $file.MemoryCount | Should -Be (Get-Memories $script:database $file.Bucket).Count
        }
        ($result.Objects | Where-Object { $_.PSObject.Properties['Pruned'] }).Pruned | Should -Be (Join-Path $script:root '2030-05-01')
        Join-Path $script:root '2030-05-01' | Should -Not -Exist
        Join-Path $script:root '2030-06-10' | Should -Exist
        Join-Path $script:root 'keep-me' | Should -Exist
    }

    It 'writes files Import-EngramMemory restores' {
        Import-Module $env:ENGRAM_TEST_MODULE
        $restore = Connect-Engram -Local -InMemory -PassThru
        try {
            $null = Import-EngramMemory -Path (Join-Path $script:root '2030-06-15/ops.jsonl') -Bucket restored -Connection $restore
            @(Get-EngramMemory -Bucket restored -All -Connection $restore).Count | Should -Be (Get-Memories $script:database 'ops').Count
        }
        finally { Disconnect-Engram -Connection $restore }
    }
}

Describe 'examples/Remove-StaleMemories.ps1' {
    BeforeAll {
        $script:database = Join-Path $TestDrive 'cleanup.db'
        $null = Invoke-Example 'Ingest-Csv' @{ Path = (Join-Path $script:examples 'ops-facts.csv'); DatabasePath = $script:database }
        $script:before = Get-Memories $script:database 'ops'
        $script:staging = @($script:before | Where-Object Content -like '*staging*')
    }

    It 'has something to clean up in the sample data' {
        $script:staging.Count | Should -BeGreaterThan 0
    }

    It 'previews with -WhatIf: lists the matches and deletes nothing' {
        $result = Invoke-Example 'Remove-StaleMemories' @{ Bucket = 'ops'; Like = '*staging*'; DatabasePath = $script:database; WhatIf = $true }
        $result.Objects.Id | Sort-Object | Should -Be ($script:staging.Id | Sort-Object)
        ([regex]::Matches($result.Text, 'What if:')).Count | Should -Be $script:staging.Count
        (Get-Memories $script:database 'ops').Count | Should -Be $script:before.Count
    }

    It 'then deletes exactly those memories' {
        $null = Invoke-Example 'Remove-StaleMemories' @{ Bucket = 'ops'; Like = '*staging*'; DatabasePath = $script:database }
        $after = Get-Memories $script:database 'ops'
        $after.Count | Should -Be ($script:before.Count - $script:staging.Count)
        $after | Where-Object Content -like '*staging*' | Should -BeNullOrEmpty
    }

    It 'leaves memories younger than -OlderThanDays alone' {
        $result = Invoke-Example 'Remove-StaleMemories' @{ Bucket = 'ops'; Like = '*'; OlderThanDays = 1; DatabasePath = $script:database }
        $result.Objects | Where-Object { $_ } | Should -BeNullOrEmpty
        (Get-Memories $script:database 'ops').Count | Should -Be ($script:before.Count - $script:staging.Count)
    }
}

Describe 'examples/Invoke-AgentLoop.ps1' {
    BeforeAll {
        $script:database = Join-Path $TestDrive 'agent.db'
        $runbooks = Join-Path $TestDrive 'runbooks.csv'
        @(
            [pscustomobject]@{ content = 'Runbook: when pg-prod disk usage exceeds 90%, run the vacuum-db action and tell #ops-oncall.'; bucket = 'runbooks' }
            [pscustomobject]@{ content = 'Runbook: when the api-gateway returns 502 errors, run the restart-service action on api-gateway.'; bucket = 'runbooks' }
            [pscustomobject]@{ content = 'Runbook: a TLS certificate that expires within 7 days needs the rotate-certificate action.'; bucket = 'runbooks' }
        ) | Export-Csv -Path $runbooks -NoTypeInformation
        $null = Invoke-Example 'Ingest-Csv' @{ Path = $runbooks; DatabasePath = $script:database }
        $stored = Get-Memories $script:database 'runbooks'
        $script:diskRunbook = ($stored | Where-Object Content -like '*pg-prod*').Id
        $script:gatewayRunbook = ($stored | Where-Object Content -like '*api-gateway*').Id

        $script:actionLog = Join-Path $TestDrive 'actions.log'
        $script:alerts = 'pg-prod disk usage is at 93%', 'api-gateway is returning 502 errors', 'the office coffee machine is empty'
        $script:result = (Invoke-Example 'Invoke-AgentLoop' @{ Alert = $script:alerts; ActionLog = $script:actionLog; DatabasePath = $script:database }).Objects
    }

    It 'picks the action the cited runbook names, citing that runbook' {
        $disk = $script:result | Where-Object Alert -eq $script:alerts[0]
        $disk.Action | Should -Be 'vacuum-db'
        $disk.Evidence | Should -Contain $script:diskRunbook
        $gateway = $script:result | Where-Object Alert -eq $script:alerts[1]
        $gateway.Action | Should -Be 'restart-service'
        $gateway.Evidence | Should -Contain $script:gatewayRunbook
    }

    It 'escalates what no memory answers instead of inventing an action' {
        $coffee = $script:result | Where-Object Alert -eq $script:alerts[2]
        $coffee.Action | Should -Be 'escalate'
        @($coffee.Evidence).Count | Should -Be 0
    }

    It 'acts: one action line per alert' {
        $lines = @(Get-Content $script:actionLog | ForEach-Object { , ($_ -split "`t") })
        $lines.Count | Should -Be 3
        $lines | ForEach-Object { $_[1] } | Should -Be @('vacuum-db', 'restart-service', 'escalate')
        $lines | ForEach-Object { $_[2] } | Should -Be $script:alerts
    }

    It 'remembers what it did in the agent-log bucket' {
        $log = Get-Memories $script:database 'agent-log'
        $log.Count | Should -Be 3
        $log.Content | Should -Contain "Agent handled alert '$($script:alerts[0])' with action vacuum-db based on memories $($script:diskRunbook)."
    }
}
