# Source manifest of the Lumetra.Engram module. build.ps1 stages it as Lumetra.Engram.psd1.
# ModuleVersion here is the one version source for the module and every assembly.
@{
    RootModule           = 'Lumetra.Engram.psm1'
    ModuleVersion        = '0.1.0'
    GUID                 = '5d7c8f4e-2b1a-4c3e-9f60-8a1e2d3c4b5a'
    Author               = 'Lumetra'
    CompanyName          = 'Lumetra'
    Copyright            = '(c) 2026 Lumetra. Licensed under the MIT License (see LICENSE).'
    Description          = 'Engram - durable, explainable memory for AI agents - as PowerShell cmdlets, with an embedded local Engram engine that works offline.'
    CompatiblePSEditions = @('Core', 'Desktop')
    PowerShellVersion    = '5.1'
    FormatsToProcess     = @('Lumetra.Engram.format.ps1xml')
    TypesToProcess       = @('Lumetra.Engram.types.ps1xml')
    CmdletsToExport      = @(
        'Connect-Engram'
        'Disconnect-Engram'
        'Get-EngramConnection'
        'Add-EngramMemory'
        'Get-EngramMemory'
        'Remove-EngramMemory'
        'Clear-EngramMemory'
        'Invoke-EngramQuery'
        'Get-EngramBucket'
        'New-EngramBucket'
        'Remove-EngramBucket'
        'Get-EngramProfile'
        'Update-EngramProfile'
        'Export-EngramMemory'
        'Import-EngramMemory'
        'Start-EngramLocalServer'
        'Stop-EngramLocalServer'
        'Update-EngramIndex'
    )
    FunctionsToExport    = @()
    VariablesToExport    = @()
    AliasesToExport      = @()
    PrivateData          = @{
        PSData = @{
            Tags         = @('Engram', 'Lumetra', 'Memory', 'AI', 'Agents', 'RAG', 'SQLite', 'PSEdition_Core', 'PSEdition_Desktop', 'Windows', 'Linux', 'MacOS')
            ProjectUri   = 'https://github.com/lumetra-io/Lumetra.Engram'
            LicenseUri   = 'https://github.com/lumetra-io/Lumetra.Engram/blob/main/LICENSE'
            ReleaseNotes = 'First release: every Engram operation as a cmdlet, and the embedded local engine.'
        }
    }
}
