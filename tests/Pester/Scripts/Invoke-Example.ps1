# Runs one example script in this (fresh) pwsh with the given parameters (JSON) and writes its output
# objects as a RESULT line, so the test can assert on them; host output (What if: ...) stays in the text.
param(
    [Parameter(Mandatory)] [string] $Example,
    [Parameter(Mandatory)] [string] $ParametersJson
)
$ErrorActionPreference = 'Stop'
$parameters = $ParametersJson | ConvertFrom-Json -AsHashtable
$output = & $Example @parameters
'RESULT:' + (ConvertTo-Json -InputObject @($output | Select-Object -Property *) -Depth 6 -Compress)
