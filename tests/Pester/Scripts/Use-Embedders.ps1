# Drives -Embedder through the staged module in a fresh process: one scenario per run, reported as JSON.
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $Scenario,
    [string] $DatabasePath
)
$ErrorActionPreference = 'Stop'
Import-Module $ModulePath
$result = [ordered]@{}

# The fact is found only by meaning: the question shares no content word with it.
$fact = 'The on-call engineer for the payments database is Priya.'
$question = 'Who should I phone when the billing DB breaks?'
$distractors = @(
    'Deploys happen every Tuesday at 10:00.'
    'The office cafeteria serves sushi on Fridays.'
    'Alice prefers dark mode in her editor.'
    'The staging cluster runs Kubernetes 1.29.'
    'Quarterly planning starts in the second week of March.'
)
function Add-Facts { $null = @($fact) + $distractors | Add-EngramMemory -Bucket facts }
function Get-First { @((Invoke-EngramQuery $question -Bucket facts -SkipSynthesis -TopK 3).Memories)[0].Content }
function Get-ErrorText($record) { "$($record.Exception.Message) $($record.ErrorDetails.RecommendedAction)" }


# A scripted provider peer on loopback: answers every POST with one fixed JSON body (an OpenAI chat
# completion or an Anthropic message) and remembers the path and key headers it saw. Runs in a runspace of its own.
function Start-ScriptedPeer([string] $Body, [string] $Root = '/v1') {
    $probe = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
    $probe.Start(); $port = $probe.LocalEndpoint.Port; $probe.Stop()
    $listener = [System.Net.HttpListener]::new()
    $listener.Prefixes.Add("http://127.0.0.1:$port/")
    $listener.Start()
    $seen = [System.Collections.Concurrent.ConcurrentQueue[string]]::new()
    $ps = [powershell]::Create()
    $null = $ps.AddScript({
        param($listener, $seen, $body)
        while ($listener.IsListening) {
            try { $context = $listener.GetContext() } catch { break }
            $headers = $context.Request.Headers
            $seen.Enqueue("$($context.Request.Url.AbsolutePath) $($headers['Authorization'])$($headers['x-api-key'])")
            $null = [System.IO.StreamReader]::new($context.Request.InputStream).ReadToEnd()
            $bytes = [System.Text.Encoding]::UTF8.GetBytes($body)
            $context.Response.ContentType = 'application/json'
            $context.Response.OutputStream.Write($bytes, 0, $bytes.Length)
            $context.Response.Close()
        }
    }).AddArgument($listener).AddArgument($seen).AddArgument($Body)
    $null = $ps.BeginInvoke()
    [pscustomobject]@{ Endpoint = "http://127.0.0.1:$port$Root"; Seen = $seen; Listener = $listener }
}

function Get-OpenAIAnswerBody([string] $Answer) {
    @{
        id = 'chatcmpl-scripted'; object = 'chat.completion'; created = 1700000000; model = 'scripted-model'
        choices = @(@{ index = 0; message = @{ role = 'assistant'; content = $Answer }; finish_reason = 'stop' })
        usage = @{ prompt_tokens = 42; completion_tokens = 7; total_tokens = 49 }
    } | ConvertTo-Json -Depth 6 -Compress
}

function Get-AnthropicAnswerBody([string] $Answer) {
    @{
        id = 'msg_scripted'; type = 'message'; role = 'assistant'; model = 'claude-scripted'
        content = @(@{ type = 'text'; text = $Answer }); stop_reason = 'end_turn'; stop_sequence = $null
        usage = @{ input_tokens = 40; output_tokens = 9 }
    } | ConvertTo-Json -Depth 6 -Compress
}

switch ($Scenario) {
    'Recall' {
        Connect-Engram -Local -Path $DatabasePath -Embedder Local
        Add-Facts
        $result.First = Get-First
        $result.Embedder = (Get-EngramConnection).Embedder
    }
    'Mismatch' {
        Connect-Engram -Local -Path $DatabasePath
        Add-Facts
        $result.HashingFirst = Get-First
        Disconnect-Engram
        try { Connect-Engram -Local -Path $DatabasePath -Embedder Local; $result.Error = $null }
        catch { $result.Error = Get-ErrorText $_; $result.ErrorId = $_.FullyQualifiedErrorId }
        # Re-embed: refused while the file is open, then done, then the local model opens it and finds the paraphrase.
        Connect-Engram -Local -Path $DatabasePath
        try { $null = Update-EngramIndex -Path $DatabasePath -Embedder Local -Confirm:$false; $result.WhileOpen = $null }
        catch { $result.WhileOpen = Get-ErrorText $_ }
        Disconnect-Engram
        $whatIf = Update-EngramIndex -Path $DatabasePath -Embedder Local -WhatIf
        $result.WhatIfOutput = @($whatIf).Count
        $update = Update-EngramIndex -Path $DatabasePath -Embedder Local -BatchSize 2 -Confirm:$false
        $result.Embedded = $update.Embedded
        $result.To = $update.To
        Connect-Engram -Local -Path $DatabasePath -Embedder Local
        $result.First = Get-First
        $result.Count = @(Get-EngramMemory -Bucket facts -All).Count
        Disconnect-Engram
        $again = Update-EngramIndex -Path $DatabasePath -Embedder Local -Confirm:$false
        $result.EmbeddedAgain = $again.Embedded
    }
    'Missing' {
        try { Connect-Engram -Local -InMemory -Embedder Local; $result.Error = $null }
        catch { $result.Error = Get-ErrorText $_; $result.ErrorId = $_.FullyQualifiedErrorId }
        Connect-Engram -Local -InMemory
        Add-Facts
        $result.StoredWithHashing = @(Get-EngramMemory -Bucket facts -All).Count
    }
    'Conflict' {
        Connect-Engram -Local -Path $DatabasePath
        try { Start-EngramLocalServer -Path $DatabasePath -Embedder Local; $result.ServerError = $null }
        catch { $result.ServerError = Get-ErrorText $_ }
        $server = Start-EngramLocalServer -Path $DatabasePath
        $result.SameSettingsServer = $server.IsRunning
        Stop-EngramLocalServer
    }
    'Secrets' {
        $providerKey = 'sk-test-PROVIDERsecretMarker7731'
        $embeddingKey = 'sk-test-EMBEDDINGsecretMarker5519'
        $answer = 'Priya is on call for the payments database.'
        $peer = Start-ScriptedPeer (Get-OpenAIAnswerBody $answer)
        $captured = & {
            $ErrorActionPreference = 'Continue'
            Connect-Engram -Local -Path $DatabasePath -Provider OpenAI -Model scripted-model -Endpoint $peer.Endpoint -ProviderKey $providerKey -PassThru -Verbose -Debug | Format-List * | Out-String
            Get-EngramConnection -Verbose -Debug | Format-List * | Out-String
            Add-Facts
            # Words shared with the fact, so the hashing embedder retrieves it and the model is asked.
            $q = Invoke-EngramQuery 'Who is the on-call engineer for the payments database?' -Bucket facts -Verbose -Debug
            $q | Format-List * | Out-String
            $result.Answer = $q.Answer
            $result.Usage = $q.Usage.ActualOutputTokens
            # Another embedder for the open file: refused, and the refusal names no key.
            Connect-Engram -Local -Path $DatabasePath -Embedder OpenAI -EmbeddingKey $embeddingKey -Verbose
            Disconnect-Engram
            # An embeddings endpoint that is not there: the error names the endpoint, not the key.
            Connect-Engram -Local -InMemory -Embedder OpenAI -EmbeddingEndpoint 'http://127.0.0.1:9/v1' -EmbeddingModel text-embedding-3-small -EmbeddingKey $embeddingKey -Verbose -Debug
            Get-EngramConnection | Format-List * | Out-String
            Add-EngramMemory 'A fact for an endpoint that is not there.' -Bucket facts -Verbose -Debug
            $Error | ForEach-Object { $_ | Format-List * -Force | Out-String; $_.Exception | Format-List * -Force | Out-String }
            Disconnect-Engram
        } *>&1 | Out-String
        $peer.Listener.Stop()
        $result.Captured = $captured.Length
        $result.ProviderKeyShown = $captured.Contains($providerKey)
        $result.EmbeddingKeyShown = $captured.Contains($embeddingKey)
        $result.SawConnection = $captured -match 'Provider\s*:\s*OpenAI scripted-model at'
        $result.SawEmbedderError = $captured -match '127\.0\.0\.1:9'
        $result.PeerSawKey = @($peer.Seen | Where-Object { $_ -like "*/chat/completions Bearer $providerKey" }).Count -gt 0
        $bytes = [System.IO.File]::ReadAllBytes($DatabasePath)
        $result.KeyInDatabase = [System.Text.Encoding]::UTF8.GetString($bytes).Contains($providerKey)
    }
    'Anthropic' {
        $providerKey = 'sk-ant-test-ANTHROPICsecretMarker4417'
        $answer = 'Priya is on call for the payments database (Anthropic).'
        # The Anthropic SDK appends /v1/messages to the endpoint itself.
        $peer = Start-ScriptedPeer (Get-AnthropicAnswerBody $answer) -Root ''
        $env:ENGRAM_TEST_ANTHROPIC_KEY = $providerKey
        $captured = & {
            $ErrorActionPreference = 'Continue'
            Connect-Engram -Local -Path $DatabasePath -Provider Anthropic -Model claude-scripted -Endpoint $peer.Endpoint -ProviderKey (ConvertTo-SecureString $env:ENGRAM_TEST_ANTHROPIC_KEY -AsPlainText -Force) -PassThru -Verbose -Debug | Format-List * | Out-String
            Add-Facts
            $q = Invoke-EngramQuery 'Who is the on-call engineer for the payments database?' -Bucket facts -Verbose -Debug
            $q | Format-List * | Out-String
            $result.Answer = $q.Answer
            $result.InputTokens = $q.Usage.ActualInputTokens
            $result.OutputTokens = $q.Usage.ActualOutputTokens
            Get-EngramConnection | Format-List * | Out-String
            Disconnect-Engram
        } *>&1 | Out-String
        $peer.Listener.Stop()
        $result.Captured = $captured.Length
        $result.ProviderKeyShown = $captured.Contains($providerKey)
        $result.SawConnection = $captured -match 'Provider\s*:\s*Anthropic claude-scripted at'
        $result.Paths = @($peer.Seen | ForEach-Object { ($_ -split ' ')[0] } | Sort-Object -Unique)
        $result.PeerSawKey = @($peer.Seen | Where-Object { $_ -like "*$providerKey" }).Count -gt 0
        $bytes = [System.IO.File]::ReadAllBytes($DatabasePath)
        $result.KeyInDatabase = [System.Text.Encoding]::UTF8.GetString($bytes).Contains($providerKey)
    }
}
'RESULT:' + ($result | ConvertTo-Json -Compress)
