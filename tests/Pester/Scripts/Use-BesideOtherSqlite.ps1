# Runs in a fresh pwsh: another module's SQLite stack (older Microsoft.Data.Sqlite and SQLitePCLRaw,
# loaded with Add-Type -Path into PowerShell's default context) and Lumetra.Engram in one session,
# in the given order, each used before and after the other loads. Writes a RESULT line as JSON.
param(
    [Parameter(Mandatory)] [ValidateSet('OtherFirst', 'EngramFirst')] [string] $Order,
    [Parameter(Mandatory)] [string] $OtherFolder,
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $DatabasePath
)
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'

function Import-OtherSqlite {
    foreach ($file in 'SQLitePCLRaw.core.dll', 'SQLitePCLRaw.provider.e_sqlite3.dll', 'SQLitePCLRaw.batteries_v2.dll', 'Microsoft.Data.Sqlite.dll') {
        Add-Type -Path (Join-Path $OtherFolder $file)
    }
    [SQLitePCL.Batteries_V2]::Init()
}

# What the other module does with its SQLite: a table in an in-memory database, written and read back.
function Use-OtherSqlite([string] $Text) {
    $connection = [Microsoft.Data.Sqlite.SqliteConnection]::new('Data Source=:memory:')
    try {
        $connection.Open()
        $command = $connection.CreateCommand()
        $command.CommandText = 'CREATE TABLE notes(text TEXT); INSERT INTO notes VALUES ($text); SELECT text || '' / '' || sqlite_version() FROM notes;'
        $null = $command.Parameters.AddWithValue('$text', $Text)
        [string] $command.ExecuteScalar()
    }
    finally { $connection.Dispose() }
}

function Use-Engram([string] $Fact, [string] $Question) {
    $null = Add-EngramMemory $Fact -Bucket coexist
    $buffered = Invoke-EngramQuery $Question -Bucket coexist
    # -Stream runs through IAsyncEnumerable (Microsoft.Bcl.AsyncInterfaces) and System.Text.Json.
    $streamed = Invoke-EngramQuery $Question -Bucket coexist -Stream 6>$null
    [pscustomobject]@{ Cited = @($buffered.Memories.Content); Streamed = $streamed.Answer }
}

function Get-LoadedCopies([string] $Name) {
    @([AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq $Name } | ForEach-Object {
            [pscustomobject]@{
                Version = $_.GetName().Version.ToString()
                Context = [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($_).ToString()
            }
        })
}

$steps = [ordered]@{}
if ($Order -eq 'OtherFirst') {
    Import-OtherSqlite
    $steps.OtherBefore = Use-OtherSqlite 'other module, before'
    Import-Module $ModulePath
    Connect-Engram -Local -Path $DatabasePath
    $steps.Engram = Use-Engram 'The VPN certificate expires on 1 March.' 'When does the VPN certificate expire?'
    $steps.OtherAfter = Use-OtherSqlite 'other module, after'
}
else {
    Import-Module $ModulePath
    Connect-Engram -Local -Path $DatabasePath
    $steps.EngramBefore = Use-Engram 'The VPN certificate expires on 1 March.' 'When does the VPN certificate expire?'
    Import-OtherSqlite
    $steps.OtherAfter = Use-OtherSqlite 'other module, after'
    $steps.Engram = Use-Engram 'The backup key rotates every 90 days.' 'How often does the backup key rotate?'
}

# A second server-backed round trip: the HTTP client's SSE reader, also under the module's load context.
$server = Start-EngramLocalServer -Path $DatabasePath -ApiKey 'eng_coexistence_key' 6>$null
try {
    $http = Connect-Engram -BaseUrl $server.BaseUrl -ApiKey 'eng_coexistence_key' -PassThru
    $steps.HttpStreamed = (Invoke-EngramQuery 'When does the VPN certificate expire?' -Bucket coexist -Stream -Connection $http 6>$null).Answer
}
finally { $server | Stop-EngramLocalServer }
Disconnect-Engram

$steps.Sqlite = Get-LoadedCopies 'Microsoft.Data.Sqlite'
$steps.SqlitePclCore = Get-LoadedCopies 'SQLitePCLRaw.core'
$steps.AsyncInterfaces = Get-LoadedCopies 'Microsoft.Bcl.AsyncInterfaces'
'RESULT:' + ([pscustomobject]$steps | ConvertTo-Json -Compress -Depth 5)
