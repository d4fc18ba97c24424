<#
.SYNOPSIS
    Generates the module's MAML help from docs/help and the cmdlets' own parameter metadata.

.DESCRIPTION
    Called by build.ps1 after staging. For every cmdlet the staged module exports, it combines
    docs/help/<Cmdlet>.psd1 (synopsis, description, parameter descriptions, examples, notes, links)
    with what PowerShell itself knows about the cmdlet (parameter sets, types, mandatory, position,
    pipeline input, aliases, wildcards, defaults, output types) and writes
    <OutputDir>/en-US/Engram.PowerShell.dll-Help.xml. The about_ topics in the source folder are copied
    beside it. The build fails when a cmdlet, a parameter or an example is missing from the source, so
    help cannot silently fall behind the code.

    The metadata is read in a child pwsh so this (build) process never loads the module's assemblies. The
    staged manifest is imported the way a user imports it (through the module's loader), so the help is made
    from exactly what ships.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $SourceDir,
    [Parameter(Mandatory)] [string] $OutputDir,

    # Internal: run as the metadata reader in the child process and write JSON here.
    [string] $MetadataFile
)

Set-StrictMode -Version 3.0
$ErrorActionPreference = 'Stop'

# Parameters PowerShell adds itself; described here once instead of in every source file.
$AutomaticParameters = @{
    WhatIf            = 'Shows what would happen if the cmdlet runs. The cmdlet is not run and nothing is sent to Engram.'
    Confirm           = 'Prompts you for confirmation before running the cmdlet.'
    First             = 'Gets only the first N objects.'
    Skip              = 'Skips the first N objects and then gets the remaining objects.'
    IncludeTotalCount = 'Reports the total number of objects in the data set (an integer) followed by the selected objects.'
}

function Read-CmdletMetadata([string] $ManifestPath) {
    $module = Import-Module $ManifestPath -PassThru -ErrorAction Stop
    $common = [System.Management.Automation.Cmdlet]::CommonParameters + [System.Management.Automation.Cmdlet]::OptionalCommonParameters
    foreach ($command in Get-Command -Module $module.Name -CommandType Cmdlet | Sort-Object Name) {
        $instance = try { [Activator]::CreateInstance($command.ImplementingType) } catch { $null }
        $parameters = foreach ($parameter in $command.Parameters.Values) {
            if ($parameter.Name -in $common -and $parameter.Name -notin 'WhatIf', 'Confirm') { continue }
            $default = $null
            if ($instance -and $parameter.ParameterType -ne [System.Management.Automation.SwitchParameter]) {
                $property = $command.ImplementingType.GetProperty($parameter.Name)
                if ($property) {
                    $value = $property.GetValue($instance)
                    if ($null -ne $value -and "$value" -ne '' -and -not ($value -is [array] -and $value.Count -eq 0)) { $default = "$value" }
                }
            }
            $attributes = $parameter.Attributes
            [pscustomobject]@{
                Name      = $parameter.Name
                Type      = $parameter.ParameterType.FullName
                TypeName  = $parameter.ParameterType.Name
                IsSwitch  = $parameter.SwitchParameter
                Aliases   = @($parameter.Aliases)
                Globbing  = [bool]($attributes | Where-Object { $_ -is [System.Management.Automation.SupportsWildcardsAttribute] })
                Default   = $default
                Sets      = @(foreach ($set in $parameter.ParameterSets.GetEnumerator()) {
                        [pscustomobject]@{
                            Name          = $set.Key
                            Mandatory     = $set.Value.IsMandatory
                            Position      = $set.Value.Position
                            ByValue       = $set.Value.ValueFromPipeline
                            ByPropertyName = $set.Value.ValueFromPipelineByPropertyName
                        }
                    })
                Values    = @(if ($parameter.ParameterType.IsEnum) { [Enum]::GetNames($parameter.ParameterType) })
            }
        }
        [pscustomobject]@{
            Name        = $command.Name
            Verb        = $command.Verb
            Noun        = $command.Noun
            DefaultSet  = $command.DefaultParameterSet
            Sets        = @($command.ParameterSets | ForEach-Object { [pscustomobject]@{ Name = $_.Name; IsDefault = $_.IsDefault; Parameters = @($_.Parameters.Name) } })
            Parameters  = @($parameters)
            OutputTypes = @($command.OutputType | ForEach-Object { $_.Name })
        }
    }
}

if ($MetadataFile) {
    Read-CmdletMetadata $ModulePath | ConvertTo-Json -Depth 8 | Set-Content -Path $MetadataFile -Encoding utf8
    return
}

# ---- Parent: read the metadata in a child pwsh, then write MAML. ----
$pwsh = Join-Path $PSHOME ($(if ($IsWindows -or $PSVersionTable.PSEdition -eq 'Desktop') { 'pwsh.exe' } else { 'pwsh' }))
$metadataPath = Join-Path ([IO.Path]::GetTempPath()) ("engram-help-{0}.json" -f [guid]::NewGuid())
try {
    if (Test-Path $pwsh) {
        & $pwsh -NoProfile -NonInteractive -File $PSCommandPath -ModulePath $ModulePath -SourceDir $SourceDir -OutputDir $OutputDir -MetadataFile $metadataPath
        if ($LASTEXITCODE -ne 0) { throw "Reading the cmdlet metadata from $ModulePath failed (exit code $LASTEXITCODE)." }
        $commands = @(Get-Content -Raw $metadataPath | ConvertFrom-Json)
    }
    else {
        # No pwsh executable beside this host: read in-process (the assembly then stays loaded here).
        $commands = @(Read-CmdletMetadata $ModulePath | ConvertTo-Json -Depth 8 | ConvertFrom-Json)
    }
}
finally {
    if (Test-Path $metadataPath) { Remove-Item $metadataPath -Force }
}
if ($commands.Count -eq 0) { throw "No cmdlets found in $ModulePath." }

function Get-Paragraphs([string] $Text) {
    if ([string]::IsNullOrWhiteSpace($Text)) { return @() }
    @(($Text.Trim() -replace "`r", '') -split "\n\s*\n" | ForEach-Object { ($_ -split "\n" | ForEach-Object { $_.Trim() }) -join ' ' })
}

$problems = [System.Collections.Generic.List[string]]::new()

# Descriptions of parameters many cmdlets share (such as -Connection); a cmdlet's own source may override them.
$sharedPath = Join-Path $SourceDir 'Shared.psd1'
$shared = if (Test-Path $sharedPath) { (Import-PowerShellDataFile $sharedPath).Parameters } else { @{} }
$ns = @{
    maml    = 'http://schemas.microsoft.com/maml/2004/10'
    command = 'http://schemas.microsoft.com/maml/dev/command/2004/10'
    dev     = 'http://schemas.microsoft.com/maml/dev/2004/10'
}
$settings = [System.Xml.XmlWriterSettings]::new()
$settings.Indent = $true
$settings.Encoding = [System.Text.UTF8Encoding]::new($false)
$helpDir = Join-Path $OutputDir 'en-US'
$null = New-Item -ItemType Directory -Path $helpDir -Force
$helpFile = Join-Path $helpDir 'Engram.PowerShell.dll-Help.xml'
$w = [System.Xml.XmlWriter]::Create($helpFile, $settings)

function Write-Paras([string] $Text) {
    foreach ($p in Get-Paragraphs $Text) { $w.WriteElementString('maml', 'para', $ns.maml, $p) }
}
function Write-Description([string] $Text) {
    $w.WriteStartElement('maml', 'description', $ns.maml)
    Write-Paras $Text
    $w.WriteEndElement()
}
function Get-PipelineInput($Set) {
    $kinds = @()
    if ($Set.ByValue) { $kinds += 'ByValue' }
    if ($Set.ByPropertyName) { $kinds += 'ByPropertyName' }
    if ($kinds) { "True ($($kinds -join ', '))" } else { 'False' }
}
function Write-Parameter($Parameter, $Set, [string] $Description, [bool] $InSyntax) {
    $sets = @($Parameter.Sets)
    $chosen = if ($Set) { $Set } else { $sets[0] }
    $required = if ($Set) { $Set.Mandatory } else { @($sets | Where-Object { -not $_.Mandatory }).Count -eq 0 }
    $position = if ($chosen.Position -ge 0 -and $chosen.Position -ne [int]::MinValue) { "$($chosen.Position)" } else { 'named' }
    $w.WriteStartElement('command', 'parameter', $ns.command)
    $w.WriteAttributeString('required', "$required".ToLowerInvariant())
    $w.WriteAttributeString('variableLength', 'true')
    $w.WriteAttributeString('globbing', "$($Parameter.Globbing)".ToLowerInvariant())
    $w.WriteAttributeString('pipelineInput', (Get-PipelineInput $chosen))
    $w.WriteAttributeString('position', $position)
    $w.WriteAttributeString('aliases', $(if ($Parameter.Aliases.Count) { $Parameter.Aliases -join ', ' } else { 'none' }))
    $w.WriteElementString('maml', 'name', $ns.maml, $Parameter.Name)
    Write-Description $Description
    if ($Parameter.Values.Count) {
        $w.WriteStartElement('command', 'parameterValueGroup', $ns.command)
        foreach ($v in $Parameter.Values) {
            $w.WriteStartElement('command', 'parameterValue', $ns.command)
            $w.WriteAttributeString('required', 'false'); $w.WriteAttributeString('variableLength', 'false')
            $w.WriteString($v); $w.WriteEndElement()
        }
        $w.WriteEndElement()
    }
    if (-not ($InSyntax -and $Parameter.IsSwitch)) {
        $w.WriteStartElement('command', 'parameterValue', $ns.command)
        $w.WriteAttributeString('required', "$(-not $Parameter.IsSwitch)".ToLowerInvariant())
        $w.WriteAttributeString('variableLength', 'false')
        $w.WriteString($Parameter.TypeName)
        $w.WriteEndElement()
    }
    $w.WriteStartElement('dev', 'type', $ns.dev)
    $w.WriteElementString('maml', 'name', $ns.maml, $Parameter.Type)
    $w.WriteElementString('maml', 'uri', $ns.maml, '')
    $w.WriteEndElement()
    $w.WriteElementString('dev', 'defaultValue', $ns.dev, $(if ($Parameter.IsSwitch) { 'False' } elseif ($Parameter.Default) { $Parameter.Default } else { 'None' }))
    $w.WriteEndElement()
}

$w.WriteStartDocument()
$w.WriteStartElement('helpItems', 'http://msh')
$w.WriteAttributeString('schema', 'maml')
foreach ($command in $commands) {
    $sourcePath = Join-Path $SourceDir "$($command.Name).psd1"
    if (-not (Test-Path $sourcePath)) { $problems.Add("$($command.Name): no help source $sourcePath"); continue }
    $source = Import-PowerShellDataFile $sourcePath
    foreach ($key in 'Synopsis', 'Description') {
        if ([string]::IsNullOrWhiteSpace($source[$key])) { $problems.Add("$($command.Name): no $key") }
    }
    $described = if ($source.ContainsKey('Parameters')) { $source.Parameters } else { @{} }
    $descriptions = @{}
    foreach ($parameter in $command.Parameters) {
        $text = if ($described.ContainsKey($parameter.Name)) { $described[$parameter.Name] }
        elseif ($shared.ContainsKey($parameter.Name)) { $shared[$parameter.Name] }
        else { $AutomaticParameters[$parameter.Name] }
        if ([string]::IsNullOrWhiteSpace($text)) { $problems.Add("$($command.Name): parameter -$($parameter.Name) has no description") }
        $descriptions[$parameter.Name] = $text
    }
    foreach ($name in $described.Keys) {
        if ($name -notin $command.Parameters.Name) { $problems.Add("$($command.Name): help describes -$name, which the cmdlet does not have") }
    }
    $examples = @(if ($source.ContainsKey('Examples')) { $source.Examples })
    if ($examples.Count -eq 0) { $problems.Add("$($command.Name): no example") }
    foreach ($example in $examples) {
        if ([string]::IsNullOrWhiteSpace($example.Code) -or [string]::IsNullOrWhiteSpace($example.Remarks)) { $problems.Add("$($command.Name): an example lacks Code or Remarks") }
    }

    $w.WriteStartElement('command', 'command', $ns.command)
    $w.WriteAttributeString('xmlns', 'maml', $null, $ns.maml)
    $w.WriteAttributeString('xmlns', 'dev', $null, $ns.dev)
    $w.WriteStartElement('command', 'details', $ns.command)
    $w.WriteElementString('command', 'name', $ns.command, $command.Name)
    $w.WriteElementString('command', 'verb', $ns.command, $command.Verb)
    $w.WriteElementString('command', 'noun', $ns.command, $command.Noun)
    Write-Description $source.Synopsis
    $w.WriteEndElement()
    Write-Description $source.Description

    $w.WriteStartElement('command', 'syntax', $ns.command)
    foreach ($set in ($command.Sets | Sort-Object { -not $_.IsDefault }, Name)) {
        $w.WriteStartElement('command', 'syntaxItem', $ns.command)
        $w.WriteElementString('maml', 'name', $ns.maml, $command.Name)
        $inSet = foreach ($parameter in $command.Parameters) {
            $membership = @($parameter.Sets | Where-Object { $_.Name -eq $set.Name -or $_.Name -eq '__AllParameterSets' }) | Select-Object -First 1
            if ($membership) { [pscustomobject]@{ Parameter = $parameter; Set = $membership } }
        }
        foreach ($entry in ($inSet | Sort-Object { if ($_.Set.Position -ge 0) { $_.Set.Position } else { 1000 } }, { -not $_.Set.Mandatory })) {
            Write-Parameter $entry.Parameter $entry.Set $descriptions[$entry.Parameter.Name] $true
        }
        $w.WriteEndElement()
    }
    $w.WriteEndElement()

    $w.WriteStartElement('command', 'parameters', $ns.command)
    foreach ($parameter in ($command.Parameters | Sort-Object Name)) {
        Write-Parameter $parameter $null $descriptions[$parameter.Name] $false
    }
    $w.WriteEndElement()

    $w.WriteStartElement('command', 'inputTypes', $ns.command)
    foreach ($input in @(if ($source.ContainsKey('Inputs')) { $source.Inputs })) {
        $w.WriteStartElement('command', 'inputType', $ns.command)
        $w.WriteStartElement('dev', 'type', $ns.dev); $w.WriteElementString('maml', 'name', $ns.maml, $input.Type); $w.WriteEndElement()
        Write-Description $input.Description
        $w.WriteEndElement()
    }
    $w.WriteEndElement()

    $w.WriteStartElement('command', 'returnValues', $ns.command)
    $outputNotes = if ($source.ContainsKey('Outputs')) { $source.Outputs } else { '' }
    foreach ($type in $command.OutputTypes) {
        $w.WriteStartElement('command', 'returnValue', $ns.command)
        $w.WriteStartElement('dev', 'type', $ns.dev); $w.WriteElementString('maml', 'name', $ns.maml, $type); $w.WriteEndElement()
        Write-Description $outputNotes
        $w.WriteEndElement()
    }
    $w.WriteEndElement()

    if ($source.ContainsKey('Notes')) {
        $w.WriteStartElement('maml', 'alertSet', $ns.maml)
        $w.WriteStartElement('maml', 'alert', $ns.maml)
        Write-Paras $source.Notes
        $w.WriteEndElement(); $w.WriteEndElement()
    }

    $w.WriteStartElement('command', 'examples', $ns.command)
    $i = 0
    foreach ($example in $examples) {
        $i++
        $w.WriteStartElement('command', 'example', $ns.command)
        $title = if ($example.Title) { "Example $($i): $($example.Title)" } else { "Example $i" }
        $w.WriteElementString('maml', 'title', $ns.maml, "-------------------------- $title --------------------------")
        $w.WriteElementString('dev', 'code', $ns.dev, $example.Code.Trim())
        $w.WriteStartElement('dev', 'remarks', $ns.dev)
        Write-Paras $example.Remarks
        $w.WriteEndElement()
        $w.WriteEndElement()
    }
    $w.WriteEndElement()

    $w.WriteStartElement('command', 'relatedLinks', $ns.command)
    foreach ($link in @('about_Engram') + @(if ($source.ContainsKey('Links')) { $source.Links })) {
        $w.WriteStartElement('maml', 'navigationLink', $ns.maml)
        $w.WriteElementString('maml', 'linkText', $ns.maml, $link)
        $w.WriteElementString('maml', 'uri', $ns.maml, '')
        $w.WriteEndElement()
    }
    $w.WriteEndElement()
    $w.WriteEndElement()
}
$w.WriteEndElement()
$w.WriteEndDocument()
$w.Dispose()

$abouts = @(Get-ChildItem $SourceDir -Filter 'about_*.help.txt')
if ($abouts.Count -eq 0) { $problems.Add("no about_*.help.txt topic in $SourceDir") }
$abouts | Copy-Item -Destination $helpDir

if ($problems.Count) {
    Remove-Item $helpFile -Force
    throw ("The help source is incomplete ($($problems.Count) problems):`n  " + ($problems -join "`n  "))
}
Write-Host "Help: $($commands.Count) cmdlets -> $helpFile"
