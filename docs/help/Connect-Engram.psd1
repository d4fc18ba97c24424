@{
    Synopsis    = 'Connects this PowerShell session to Engram: Lumetra''s hosted service, any Engram-compatible server, or the embedded local engine.'
    Description = @'
Connect-Engram sets the default connection of the current runspace. Every other Engram cmdlet uses it unless you pass -Connection.

With -ApiKey (a string or a SecureString) it connects over HTTPS to Lumetra Engram, or to the server at -BaseUrl. Without -ApiKey it uses the ENGRAM_API_KEY environment variable; without -BaseUrl, ENGRAM_BASE_URL, then https://api.lumetra.io. No request is sent until the first cmdlet runs.

With -Local it opens the embedded engine: a SQLite file (-Path, default in your user data folder) or a throwaway in-memory database (-InMemory). Everything works offline. All local connections and local servers of the process that use the same file share one engine.

The API key is never shown: not by Get-EngramConnection, not in verbose or debug output, not in errors. Connecting again replaces the default connection and closes the old one, unless you kept it with -PassThru.

Each runspace has its own default connection, so ForEach-Object -Parallel script blocks need -Connection $using:connection or ENGRAM_API_KEY.
'@
    Parameters  = @{
        ApiKey               = 'The Engram API key (eng_live_...), as plain text or as a SecureString. Also binds from the ApiKey property of piped objects, so Start-EngramLocalServer | Connect-Engram works. Default: the ENGRAM_API_KEY environment variable.'
        BaseUrl              = 'The server to talk to, an absolute http:// or https:// URL such as http://127.0.0.1:8765. Default: ENGRAM_BASE_URL, then https://api.lumetra.io.'
        TimeoutSeconds       = 'How long one buffered request may take, in seconds, before it fails. Default 30.'
        StreamTimeoutSeconds = 'How long a streamed query (Invoke-EngramQuery -Stream) may take in total, in seconds. Default 300.'
        MaxRetriesOn429      = 'How many times a request is retried when the service answers 429 (too many concurrent requests), honouring Retry-After. 0 disables retrying. Default 3.'
        Local                = 'Use the embedded local Engram engine in this process instead of a server.'
        Path                 = 'With -Local: the SQLite database file. It is created when missing. Default: Lumetra/Engram/engram.db in your user data folder.'
        InMemory             = 'With -Local: a throwaway in-memory database, gone when the connection is closed.'
        PassThru             = 'Outputs the new connection (an EngramConnection), for use with -Connection. A connection you hold is not closed when you connect again.'
    }
    Examples    = @(
        @{
            Title   = 'Use the embedded engine'
            Code    = 'Connect-Engram -Local -InMemory
Add-EngramMemory -Content ''The deploy window is Tuesday 10:00 UTC.'' -Bucket ops'
            Remarks = 'Connects to a throwaway local engine and stores a memory. Nothing leaves the machine.'
        }
        @{
            Title   = 'Use Lumetra Engram with a key from a secret store'
            Code    = 'Connect-Engram -ApiKey (Get-Secret EngramKey)'
            Remarks = 'Get-Secret (SecretManagement) returns a SecureString, which -ApiKey takes as it is.'
        }
        @{
            Title   = 'Keep two connections'
            Code    = '$archive = Connect-Engram -Local -Path ./archive.db -PassThru
Connect-Engram -Local -InMemory
Get-EngramMemory -Bucket ops -All -Connection $archive'
            Remarks = 'The second Connect-Engram becomes the default; the first stays usable through -Connection.'
        }
    )
    Inputs      = @(
        @{ Type = 'Engram.PowerShell.EngramLocalServer'; Description = 'A local server from Start-EngramLocalServer: its BaseUrl and ApiKey bind by property name.' }
    )
    Outputs     = 'With -PassThru, the new connection.'
    Links       = @('Disconnect-Engram', 'Get-EngramConnection', 'Start-EngramLocalServer')
}
