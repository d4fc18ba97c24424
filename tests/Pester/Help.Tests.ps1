BeforeDiscovery {
    Import-Module $env:ENGRAM_TEST_MODULE -Force
    $script:cmdlets = (Import-PowerShellDataFile $env:ENGRAM_TEST_MODULE).CmdletsToExport | ForEach-Object { @{ Name = $_ } }
}

BeforeAll {
    Import-Module $env:ENGRAM_TEST_MODULE -Force
}

Describe 'Help for <Name>' -ForEach $script:cmdlets {
    BeforeAll {
        $script:help = Get-Help $Name -Full
        $script:command = Get-Command $Name
    }

    It 'is exported by the module' {
        $script:command.Source | Should -Be 'Lumetra.Engram'
    }

    It 'has a synopsis and a description from the help file' {
        $script:help.Synopsis | Should -Not -BeNullOrEmpty
        # Without a help file PowerShell makes the synopsis from the syntax.
        $script:help.Synopsis | Should -Not -Match ([regex]::Escape("$Name ["))
        ($script:help.description.Text -join ' ') | Should -Not -BeNullOrEmpty
    }

    It 'has at least one example with code and remarks' {
        @($script:help.examples.example).Count | Should -BeGreaterThan 0
        foreach ($example in $script:help.examples.example) {
            $example.code | Should -Not -BeNullOrEmpty
            ($example.remarks.Text -join '') | Should -Not -BeNullOrEmpty
        }
    }

    It 'describes every parameter' {
        $common = [System.Management.Automation.Cmdlet]::CommonParameters + [System.Management.Automation.Cmdlet]::OptionalCommonParameters
        $own = $script:command.Parameters.Keys | Where-Object { $_ -notin $common -or $_ -in 'WhatIf', 'Confirm' }
        $helpParameters = @($script:help.parameters.parameter)
        foreach ($parameter in $own) {
            $entry = $helpParameters | Where-Object name -eq $parameter
            $entry | Should -Not -BeNullOrEmpty -Because "-$parameter must be in the help"
            ($entry.description.Text -join '') | Should -Not -BeNullOrEmpty -Because "-$parameter needs a description"
        }
    }

    It 'declares its output type when it writes objects' {
        # These four write nothing (like Remove-Item); every other cmdlet declares what it writes.
        $silent = 'Disconnect-Engram', 'Remove-EngramMemory', 'Remove-EngramBucket', 'Stop-EngramLocalServer'
        if ($Name -in $silent) { $script:command.OutputType | Should -BeNullOrEmpty }
        else { $script:command.OutputType | Should -Not -BeNullOrEmpty }
    }
}

Describe 'The about topic' {
    It 'exists and names the cmdlets' {
        $about = Get-Help about_Engram | Out-String
        $about | Should -Match 'Connect-Engram'
        $about | Should -Match 'ENGRAM_API_KEY'
        Join-Path (Split-Path $env:ENGRAM_TEST_MODULE) 'en-US/about_Engram.help.txt' | Should -Exist
    }

    It 'is also reachable by the module name, about_Lumetra.Engram' {
        Get-Help about_Lumetra.Engram | Out-String | Should -Match 'about_Engram'
        Join-Path (Split-Path $env:ENGRAM_TEST_MODULE) 'en-US/about_Lumetra.Engram.help.txt' | Should -Exist
    }
}

Describe 'Format views' {
    It 'has a view for every output type' {
        $types = Get-Command -Module Lumetra.Engram | ForEach-Object OutputType | ForEach-Object Name | Sort-Object -Unique
        $types | Should -Not -BeNullOrEmpty
        foreach ($type in $types) {
            Get-FormatData -TypeName $type | Should -Not -BeNullOrEmpty -Because "$type needs a view"
        }
    }
}
