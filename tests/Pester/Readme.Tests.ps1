BeforeAll {
    . (Join-Path $PSScriptRoot 'FreshProcess.ps1')

    # The README's "Using it" block, as a user would copy it: the first powershell fence after the heading.
    function Get-ReadmeBlock {
        param([string] $Heading)
        $readme = Get-Content (Join-Path $PSScriptRoot '../../README.md') -Raw
        $start = $readme.IndexOf("`n## $Heading")
        if ($start -lt 0) { throw "README.md has no '## $Heading' section." }
        $fence = [regex]::Match($readme.Substring($start), '(?s)```powershell\r?\n(.*?)\r?\n```')
        if (-not $fence.Success) { throw "The '$Heading' section has no powershell block." }
        $fence.Groups[1].Value
    }
}

Describe 'README "Using it", run literally in a fresh session' {
    BeforeAll {
        $block = Get-ReadmeBlock 'Using it'
        # Two changes only, both the README itself invites: the module path is taken relative to the repository
        # (where build.ps1 stages it), and Connect-Engram -Local gets -Path for a throw-away database instead of
        # the user data folder. Everything else runs as written, from a folder holding a copy of examples/.
        $repo = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
        $work = Join-Path $TestDrive 'user'
        $null = New-Item -ItemType Directory $work
        Copy-Item (Join-Path $repo 'examples') $work -Recurse
        $db = Join-Path $TestDrive 'readme.db'
        $script:importLines = @([regex]::Matches($block, '(?m)^Import-Module \./out/')).Count
        $script:connectLines = @([regex]::Matches($block, '(?m)^Connect-Engram -Local\s*$')).Count
        $literal = $block -replace '(?m)^Import-Module \./out/(\S+)', "Import-Module '$repo/out/`$1'" `
            -replace '(?m)^Connect-Engram -Local\s*$', "Connect-Engram -Local -Path '$db'"
        $blockFile = Join-Path $TestDrive 'using-it.block.ps1'
        Set-Content $blockFile $literal
        # Statement by statement, each through Out-Default, the way an interactive session formats what it typed.
        $script:runner = Join-Path $TestDrive 'using-it.ps1'
        @(
            "Set-Location '$work'"
            '$ProgressPreference = ''SilentlyContinue'''
            "`$ast = [System.Management.Automation.Language.Parser]::ParseFile('$blockFile', [ref]`$null, [ref]`$null)"
            'foreach ($statement in $ast.EndBlock.Statements) { "PS> $($statement.Extent.Text)"; . ([scriptblock]::Create($statement.Extent.Text)) | Out-Default }'
            '"ERRORS:$($Error.Count)"'
            '$Error | ForEach-Object { "ERROR: $_" }'
        ) -join "`n" | Set-Content $script:runner
        $script:run = Invoke-FreshPwsh -ScriptPath $script:runner
    }

    It 'is rewritten only where the test says (one Import-Module, one Connect-Engram -Local)' {
        $script:importLines | Should -Be 1
        $script:connectLines | Should -Be 1
    }

    It 'runs without an error' {
        $script:run.ExitCode | Should -Be 0
        $script:run.Output | Should -Contain 'ERRORS:0' -Because $script:run.Text
    }

    It 'prints real answers, never the no-answer text' {
        $script:run.Text | Should -Not -Match 'No stored memory answers this question'
        $script:run.Text | Should -Match 'Sunday 02:00-04:00 UTC'
        $script:run.Text | Should -Match 'Bram Jansen'
        $script:run.Text | Should -Match 'Alice Moreau'
        $script:run.Text | Should -Match 'web-07 \(web\): serves the public status page'
    }

    It 'shows the memories, the -WhatIf preview and the restore' {
        $script:run.Text | Should -Match 'What if: Performing the operation "Remove" on target "memory'
        $script:run.Text | Should -Match 'ops-restored'
    }
}
