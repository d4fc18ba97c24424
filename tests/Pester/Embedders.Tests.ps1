# -Embedder, -Provider and Update-EngramIndex through the staged module (with its companion
# Lumetra.Engram.Embeddings staged beside it), each scenario in a fresh pwsh.
BeforeAll {
    . (Join-Path $PSScriptRoot 'FreshProcess.ps1')
    $script:useEmbedders = Join-Path $PSScriptRoot 'Scripts/Use-Embedders.ps1'
    $script:fact = 'The on-call engineer for the payments database is Priya.'
    $script:mainBase = Split-Path $env:ENGRAM_TEST_MODULE
    $version = Split-Path $script:mainBase -Leaf
    $script:companionStaged = Test-Path (Join-Path (Split-Path (Split-Path $script:mainBase)) "Lumetra.Engram.Embeddings/$version/lib/Engram.Embeddings.Onnx.dll")
    function Invoke-Scenario([string] $Name, [string] $Database, [string] $Module = $env:ENGRAM_TEST_MODULE, [hashtable] $Environment = @{}) {
        $run = Invoke-FreshPwsh -ScriptPath $script:useEmbedders -Parameters @{ ModulePath = $Module; Scenario = $Name; DatabasePath = $Database } -Environment $Environment
        Get-ChildResult $run
    }
}

Describe 'Connect-Engram -Local -Embedder Local' {
    It 'finds a fact from a question in other words' -Skip:(-not $IsCoreCLR) {
        $script:companionStaged | Should -BeTrue -Because 'the build stages the companion module beside the main one'
        $result = Invoke-Scenario Recall (Join-Path $TestDrive 'recall.db')
        $result.Embedder | Should -Be 'Local all-MiniLM-L6-v2'
        $result.First | Should -Be $script:fact
    }

    It 'says to Install-Module Lumetra.Engram.Embeddings when the companion is not installed, and hashing still works' -Skip:(-not $IsCoreCLR) {
        $alone = Join-Path $TestDrive 'alone/Lumetra.Engram'
        $null = New-Item -ItemType Directory -Path $alone -Force
        Copy-Item $script:mainBase -Destination $alone -Recurse
        $manifest = Join-Path $alone "$(Split-Path $script:mainBase -Leaf)/Lumetra.Engram.psd1"
        $result = Invoke-Scenario Missing '' $manifest @{ PSModulePath = (Join-Path $TestDrive 'empty') }
        $result.Error | Should -Match 'Install-Module Lumetra.Engram.Embeddings'
        $result.ErrorId | Should -BeLike 'EngramEmbeddingsNotInstalled*'
        $result.StoredWithHashing | Should -Be 6
    }
}

Describe 'A database made with another embedder, and Update-EngramIndex' {
    BeforeAll {
        $script:mismatch = Invoke-Scenario Mismatch (Join-Path $TestDrive 'hashing.db')
    }

    It 'refuses to open with -Embedder Local and says to run Update-EngramIndex' -Skip:(-not $IsCoreCLR) {
        $script:mismatch.Error | Should -Match 'Update-EngramIndex'
        $script:mismatch.ErrorId | Should -BeLike 'EngramHttp409*'
    }

    It 'refuses to re-embed a database this session still has open, saying to disconnect' -Skip:(-not $IsCoreCLR) {
        $script:mismatch.WhileOpen | Should -Match 'Disconnect-Engram'
    }

    It 'changes nothing with -WhatIf' -Skip:(-not $IsCoreCLR) {
        $script:mismatch.WhatIfOutput | Should -Be 0
    }

    It 're-embeds every memory, after which -Embedder Local opens it and finds the paraphrase' -Skip:(-not $IsCoreCLR) {
        $script:mismatch.Embedded | Should -Be 6
        $script:mismatch.To | Should -Match '^local-onnx/all-MiniLM-L6-v2@'
        $script:mismatch.First | Should -Be $script:fact
        $script:mismatch.Count | Should -Be 6
        $script:mismatch.EmbeddedAgain | Should -Be 0 -Because 'a database already on this embedder needs nothing'
    }
}

Describe 'One database, one configuration per process' {
    It 'refuses a second, different embedder for an open file and shares it with the same settings' -Skip:(-not $IsCoreCLR) {
        $result = Invoke-Scenario Conflict (Join-Path $TestDrive 'conflict.db')
        $result.ServerError | Should -Match 'already open in this process with embedder Hashing'
        $result.ServerError | Should -Match 'Disconnect-Engram'
        $result.SameSettingsServer | Should -BeTrue
    }
}

Describe 'Connect-Engram -Local -Provider, with a scripted OpenAI-compatible peer on loopback' {
    BeforeAll {
        $script:secrets = Invoke-Scenario Secrets (Join-Path $TestDrive 'provider.db')
    }

    It 'answers with the model: the peer''s answer and token counts, sent with the key' -Skip:(-not $IsCoreCLR) {
        $script:secrets.Answer | Should -Be 'Priya is on call for the payments database.'
        $script:secrets.Usage | Should -Be 7 -Because 'the peer reported 7 completion tokens'
        $script:secrets.PeerSawKey | Should -BeTrue
        $script:secrets.SawConnection | Should -BeTrue -Because 'Get-EngramConnection shows the provider and model'
    }

    It 'never shows either key: not in Get-EngramConnection | Format-List *, -Verbose, -Debug, errors, nor the database' -Skip:(-not $IsCoreCLR) {
        $script:secrets.Captured | Should -BeGreaterThan 0
        $script:secrets.SawEmbedderError | Should -BeTrue -Because 'the failing embeddings endpoint must have been reported'
        $script:secrets.ProviderKeyShown | Should -BeFalse
        $script:secrets.EmbeddingKeyShown | Should -BeFalse
        $script:secrets.KeyInDatabase | Should -BeFalse
    }
}

Describe 'Connect-Engram -Local -Provider Anthropic, with a scripted Anthropic-compatible peer on loopback' {
    BeforeAll {
        $script:anthropic = Invoke-Scenario Anthropic (Join-Path $TestDrive 'anthropic.db')
    }

    It 'answers through the Anthropic SDK: the peer''s answer and usage, from POST /v1/messages with the key' -Skip:(-not $IsCoreCLR) {
        $script:anthropic.Answer | Should -Be 'Priya is on call for the payments database (Anthropic).'
        $script:anthropic.InputTokens | Should -Be 40 -Because 'the peer reported 40 input tokens'
        $script:anthropic.OutputTokens | Should -Be 9
        $script:anthropic.Paths | Should -Be @('/v1/messages')
        $script:anthropic.PeerSawKey | Should -BeTrue
        $script:anthropic.SawConnection | Should -BeTrue -Because 'Get-EngramConnection shows the provider and model'
    }

    It 'never shows the Anthropic key: not in -Verbose, -Debug, Format-List *, nor the database' -Skip:(-not $IsCoreCLR) {
        $script:anthropic.Captured | Should -BeGreaterThan 0
        $script:anthropic.ProviderKeyShown | Should -BeFalse
        $script:anthropic.KeyInDatabase | Should -BeFalse
    }
}
