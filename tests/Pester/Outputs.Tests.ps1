BeforeAll {
    . (Join-Path $PSScriptRoot 'EngramTestSupport.ps1')

    # Makes one object of every output type the module's cmdlets write, on a fresh database in $Folder.
    # Kept as text so a Start-Job can run exactly the same code in its own process.
    $script:ProduceOutputs = @'
param([string] $ModulePath, [string] $Folder)
Import-Module $ModulePath -Force
$db = Join-Path $Folder 'outputs.db'
$out = [ordered]@{}
$out.Connection = Connect-Engram -Local -Path $db -PassThru
$facts = 'The weekly maintenance window is Sunday 02:00-04:00 UTC.', 'Status: pending review of the pg-prod upgrade.'
$out.StoreResult = @($facts | Add-EngramMemory -Bucket ops -Dedup Off)[0]
$out.Memory = Get-EngramMemory -Bucket ops -First 1
$out.Bucket = Get-EngramBucket | Where-Object Name -eq 'ops'
$out.NewBucket = New-EngramBucket -Name scratch -Description 'Try things here.'
$schema = @{ type = 'object'; properties = @{ status = @{ type = 'string' } } }
$out.Answer = Invoke-EngramQuery 'What is the status of the pg-prod upgrade?' -Bucket ops -ResponseSchema $schema
$out.RecalledMemory = $out.Answer.Memories[0]
$out.Profile = Update-EngramProfile -Bucket ops -Install -Confirm:$false
$out.Export = Export-EngramMemory -Bucket ops -Path (Join-Path $Folder 'ops.jsonl')
$out.Clear = Clear-EngramMemory -Bucket scratch -Force
$out.Server = Start-EngramLocalServer -InMemory 6>$null
$out.Server | Stop-EngramLocalServer
Disconnect-Engram
$out.IndexUpdate = Update-EngramIndex -Path $db -Confirm:$false
$out
'@

    # Values that say only what type they were: what a lossy round trip leaves instead of the data.
    $script:TypeNameValue = '^(System|Engram|Microsoft)\.[\w.`\[\]]+$'
}

BeforeDiscovery {
    $OutputNames = 'Connection', 'StoreResult', 'Memory', 'Bucket', 'NewBucket', 'Answer', 'RecalledMemory', 'Profile', 'Export', 'Clear', 'Server', 'IndexUpdate' |
        ForEach-Object { @{ Name = $_ } }
}

Describe 'Output types' {
    BeforeAll {
        $script:folder = Join-Path $TestDrive 'here'
        $null = New-Item -ItemType Directory $script:folder
        $produce = [scriptblock]::Create($script:ProduceOutputs)
        $script:outputs = & $produce $env:ENGRAM_TEST_MODULE $script:folder
        $jobFolder = Join-Path $TestDrive 'job'
        $null = New-Item -ItemType Directory $jobFolder
        $job = Start-Job -ScriptBlock ([scriptblock]::Create($script:ProduceOutputs)) -ArgumentList $env:ENGRAM_TEST_MODULE, $jobFolder
        $script:received = $job | Wait-Job | Receive-Job -ErrorAction Stop
        $job | Remove-Job
    }

    It 'covers the output type of every cmdlet' {
        $declared = Get-Command -Module Lumetra.Engram -CommandType Cmdlet |
            ForEach-Object { $_.OutputType.Type } | Where-Object { $_ } | ForEach-Object FullName | Sort-Object -Unique
        $made = $script:outputs.Values | ForEach-Object { $_.PSObject.TypeNames[0] } | Sort-Object -Unique
        $declared | Where-Object { $_ -notin $made } | Should -BeNullOrEmpty
    }

    It 'types CreatedAt of memories and buckets as DateTimeOffset, so comparing with a date works' {
        $memory = $script:outputs.Memory
        $memory.CreatedAt | Should -BeOfType [DateTimeOffset]
        $script:outputs.Bucket.CreatedAt | Should -BeOfType [DateTimeOffset]
        $script:outputs.NewBucket.CreatedAt | Should -BeOfType [DateTimeOffset]
        $memory.CreatedAt -gt (Get-Date).AddDays(1) | Should -BeFalse
        $memory.CreatedAt -gt (Get-Date).AddDays(-1) | Should -BeTrue
        $script:outputs.Profile.UpdatedAt | Should -BeOfType [DateTimeOffset]
    }

    It 'names a memory''s bucket Bucket, wherever it comes from' {
        $script:outputs.Memory.Bucket | Should -Be 'ops'
        $script:outputs.RecalledMemory.Bucket | Should -Be 'ops'
        $script:outputs.StoreResult.Bucket | Should -Be 'ops'
    }

    It 'gives every column of every view a property of that name' {
        $format = [xml](Get-Content (Join-Path (Split-Path $env:ENGRAM_TEST_MODULE) 'Lumetra.Engram.format.ps1xml') -Raw)
        $byType = @{}
        foreach ($value in $script:outputs.Values) { $byType[$value.PSObject.TypeNames[0]] = $value }
        $byType['Engram.Client.QueryUsage'] = [Engram.Client.QueryUsage]::new()
        $missing = foreach ($view in $format.Configuration.ViewDefinitions.View) {
            $type = $view.ViewSelectedBy.TypeName
            $sample = $byType[$type]
            if (-not $sample) { "$type (no sample)"; continue }
            $labels = @($view.TableControl.TableHeaders.TableColumnHeader.Label) + @($view.ListControl.ListEntries.ListEntry.ListItems.ListItem | ForEach-Object { if ($_.Label) { $_.Label } else { $_.PropertyName } })
            foreach ($label in $labels | Where-Object { $_ }) {
                if (-not $sample.PSObject.Properties[$label]) { "$type.$label" }
            }
        }
        $missing | Should -BeNullOrEmpty
    }

    It 'survives ConvertTo-Json -Depth 5 with readable values: <Name>' -ForEach $OutputNames {
        $json = $script:outputs[$Name] | ConvertTo-Json -Depth 5 -WarningAction SilentlyContinue
        $json | Should -Not -Match 'ValueKind'
        $back = $json | ConvertFrom-Json
        foreach ($property in $script:outputs[$Name].PSObject.Properties) {
            $back.PSObject.Properties.Name | Should -Contain $property.Name
            if ($null -ne $property.Value -and $property.Value -isnot [System.Collections.IEnumerable]) {
                "$($back.($property.Name))" | Should -Not -Match $script:TypeNameValue -Because "$Name.$($property.Name) is data"
            }
        }
    }

    It 'keeps the answer''s JSON, the memories'' metadata and the dates readable through JSON' {
        $back = $script:outputs.Answer | ConvertTo-Json -Depth 5 | ConvertFrom-Json
        $back.AnswerJson.status | Should -Match 'pending'
        $back.Memories[0].Bucket | Should -Be 'ops'
        $back.Memories[0].Metadata.PSObject.Properties.Name | Should -Contain 'created_at'
        $memory = $script:outputs.Memory | ConvertTo-Json | ConvertFrom-Json
        [DateTimeOffset]$memory.CreatedAt | Should -Be $script:outputs.Memory.CreatedAt
    }

    It 'exports to CSV with readable values: <Name>' -ForEach $OutputNames {
        $csv = Join-Path $TestDrive "$Name.csv"
        $script:outputs[$Name] | Export-Csv -Path $csv -NoTypeInformation
        $row = Import-Csv $csv
        foreach ($property in $script:outputs[$Name].PSObject.Properties) {
            if ($property.Value -is [securestring]) { continue }   # a key stays a SecureString, never text
            $row.($property.Name) | Should -Not -Match $script:TypeNameValue -Because "$Name.$($property.Name) is data"
            $row.($property.Name) | Should -Not -Match 'ValueKind'
        }
    }

    It 'shows the answer''s memories and buckets in CSV' {
        $csv = Join-Path $TestDrive 'answer-detail.csv'
        $script:outputs.Answer | Export-Csv -Path $csv -NoTypeInformation
        $row = Import-Csv $csv
        $row.Buckets | Should -Be 'ops'
        $row.Memories | Should -Match 'Status: pending review'
        ([DateTimeOffset]::Parse((Import-Csv (Join-Path $TestDrive 'Memory.csv')).CreatedAt)) | Should -BeOfType [DateTimeOffset]
    }

    It 'comes back from Start-Job with its properties and readable values: <Name>' -ForEach $OutputNames {
        $here = $script:outputs[$Name]
        $there = $script:received.$Name
        $there | Should -Not -BeNullOrEmpty
        $there.PSObject.TypeNames | Should -Contain "Deserialized.$($here.PSObject.TypeNames[0])"
        foreach ($property in $here.PSObject.Properties) {
            $there.PSObject.Properties.Name | Should -Contain $property.Name
            if ($property.Value -is [securestring]) { continue }
            "$($there.($property.Name))" | Should -Not -Match $script:TypeNameValue -Because "$Name.$($property.Name) is data"
        }
    }

    It 'keeps nested memories, answer JSON and dates through Start-Job' {
        $answer = $script:received.Answer
        $answer.Memories[0].Bucket | Should -Be 'ops'
        $answer.Memories[0].Content | Should -Not -BeNullOrEmpty
        $answer.Memories[0].Metadata.created_at | Should -Not -BeNullOrEmpty
        $answer.AnswerJson.status | Should -Match 'pending'
        [DateTimeOffset]::Parse("$($script:received.Memory.CreatedAt)") | Should -BeOfType [DateTimeOffset]
    }
}

Describe 'Profiles that are JSON text' {
    BeforeAll {
        # A stand-in for the hosted service: lists the bucket (Get-EngramProfile checks it exists), then answers
        # the profile request the way wire spec B.18 shows it.
        $script:listener = [System.Net.HttpListener]::new()
        $port = Get-Random -Minimum 20000 -Maximum 60000
        $script:listener.Prefixes.Add("http://127.0.0.1:$port/")
        $script:listener.Start()
        $script:responder = [powershell]::Create().AddScript({
                param($listener)
                while ($listener.IsListening) {
                    $context = $listener.GetContext()
                    $json = if ($context.Request.Url.AbsolutePath -eq '/v1/buckets') {
                        '{"buckets":[{"id":"b7d8","name":"user-123","created_at":"2026-05-20T07:00:00.000Z"}]}'
                    } else {
                        '{"profile":"{\"owned_items\":[\"power bank\"],\"city\":\"Lisbon\"}","bucket_id":"b7d8","status":"ready","updated_at":"2026-05-21T07:00:00.000Z","n_memories_at_gen":42,"source":"bucket-profiler"}'
                    }
                    $body = [Text.Encoding]::UTF8.GetBytes($json)
                    $context.Response.ContentType = 'application/json'
                    $context.Response.OutputStream.Write($body, 0, $body.Length)
                    $context.Response.Close()
                }
            }).AddArgument($script:listener)
        $script:handle = $script:responder.BeginInvoke()
        $script:stub = Connect-Engram -BaseUrl "http://127.0.0.1:$port" -ApiKey 'eng_outputs_stub' -PassThru
    }
    AfterAll {
        Disconnect-Engram -Connection $script:stub
        $script:listener.Stop()
        $script:responder.Dispose()
    }

    It 'returns a JSON profile as an object, not as a JSON string' {
        $profile = Get-EngramProfile -Bucket user-123 -Connection $script:stub
        $profile.Profile | Should -Not -BeOfType [string]
        $profile.Profile.city | Should -Be 'Lisbon'
        $profile.Profile.owned_items | Should -Be 'power bank'
        $profile.UpdatedAt | Should -Be ([DateTimeOffset]'2026-05-21T07:00:00Z')
        ($profile | ConvertTo-Json -Depth 5 | ConvertFrom-Json).Profile.city | Should -Be 'Lisbon'
    }
}
