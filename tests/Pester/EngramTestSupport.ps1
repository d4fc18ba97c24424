# Shared by the Pester tests: imports the staged module and opens a connection of the requested kind.
# Local = the embedded engine in this process; Http = a local server on a loopback port, reached over HTTP.

Import-Module $env:ENGRAM_TEST_MODULE -Force

function New-TestConnection {
    param([ValidateSet('Local', 'Http')] [string] $Mode, [string] $ApiKey = 'eng_test_support_key')
    if ($Mode -eq 'Local') {
        return @{ Connection = Connect-Engram -Local -InMemory -PassThru; Server = $null }
    }
    $server = Start-EngramLocalServer -InMemory -ApiKey $ApiKey 6>$null
    $connection = Connect-Engram -BaseUrl $server.BaseUrl -ApiKey $ApiKey -MaxRetriesOn429 0 -PassThru
    @{ Connection = $connection; Server = $server }
}

# The $PSDefaultParameterValues that give every Engram cmdlet working on memories, buckets, profiles and
# queries this -Connection. Assign it in a BeforeAll (the tests below it see it, other files do not):
#   $PSDefaultParameterValues = Use-TestConnection $c
# Disconnect-Engram is left out on purpose: a bare Disconnect-Engram still means the session's default.
function Use-TestConnection {
    param([Parameter(Mandatory)] $Connection)
    $defaults = @{}
    foreach ($command in '*-EngramMemory', '*-EngramBucket', '*-EngramProfile', 'Invoke-EngramQuery') {
        $defaults["$($command):Connection"] = $Connection
    }
    $defaults
}

function Remove-TestConnection {
    param($Context)
    if ($Context.Connection) { Disconnect-Engram -Connection $Context.Connection }
    if ($Context.Server) { $Context.Server | Stop-EngramLocalServer }
}

# Saves and clears the ENGRAM_* variables so a test controls them; Restore-EngramEnvironment puts them back.
function Save-EngramEnvironment {
    $script:SavedEngramEnvironment = @{ Key = $env:ENGRAM_API_KEY; Url = $env:ENGRAM_BASE_URL }
    Remove-Item Env:ENGRAM_API_KEY, Env:ENGRAM_BASE_URL -ErrorAction SilentlyContinue
}

function Restore-EngramEnvironment {
    $env:ENGRAM_API_KEY = $script:SavedEngramEnvironment.Key
    $env:ENGRAM_BASE_URL = $script:SavedEngramEnvironment.Url
}
