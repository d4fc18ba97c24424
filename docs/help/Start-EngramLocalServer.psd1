@{
    Synopsis    = 'Serves the embedded Engram engine over the Engram REST protocol on a loopback port.'
    Description = @'
Start-EngramLocalServer starts an Engram-compatible server on 127.0.0.1, backed by the embedded engine (a SQLite file, or memory with -InMemory). The official Engram clients (Python, Go, TypeScript) and any other tool can use it by setting ENGRAM_BASE_URL and ENGRAM_API_KEY.

It returns an object with BaseUrl, Port, DatabasePath and ApiKey, the bearer key clients must send, as a SecureString. The key is never printed. A message tells how to use it: pipe the object to Connect-Engram, or set the variables with
$env:ENGRAM_API_KEY = [Net.NetworkCredential]::new('', $server.ApiKey).Password.

The server runs in the background of this session until Stop-EngramLocalServer, or until the session ends. With -Wait it runs in the foreground until Ctrl+C and writes its request log (the -LogPath lines) to the host, as information records tagged EngramServerLog (6> redirects them). In the foreground nobody can read $server.ApiKey, so a generated key is shown once on the host itself (not on any stream, so it lands in no variable, job or redirect); give -ApiKeyPath to have it written into an owner-only file instead.

A fixed key need not be on the command line: -ApiKeyVariable NAME reads it from an environment variable, -ApiKeyPath FILE from a file (and writes a generated key there when the file does not exist yet, so the next start reuses it). Keys never appear in the log, in errors or in the output's string form.
'@
    Parameters  = @{
        Port                  = 'The loopback port. 0 (default) picks a free port; the output tells which.'
        Path                  = 'The SQLite database file to serve. Default: Lumetra/Engram/engram.db in your user data folder. Shared with Connect-Engram -Local connections to the same file.'
        InMemory              = 'Serves a throwaway in-memory database.'
        ApiKey                = 'The bearer key clients must send, as a string or SecureString. Default: a new random key, returned in the output''s ApiKey property.'
        ApiKeyPath            = 'A file for the key. When it exists its first line is the key; otherwise a new key is generated and written there, the file created owner-only (0600 on Unix) before the key goes in. Other clients then use $env:ENGRAM_API_KEY = Get-Content FILE. Alias: KeyFile.'
        ApiKeyVariable        = 'The name of an environment variable that holds the key, e.g. ENGRAM_SERVER_KEY; keeps the key off the command line and out of history. Use only one of -ApiKey, -ApiKeyPath, -ApiKeyVariable.'
        MaxConcurrentRequests = 'Requests one tenant may have in flight; more are answered 429 with Retry-After. Default: no limit.'
        LogPath               = 'Appends the server log to this file: one JSON line per request (time, method, path without query, status, ms, a hash of the tenant) plus transport notes and failures with their correlation id. Never a key or a memory''s content.'
        Wait                  = 'Runs the server in the foreground until Ctrl+C, then stops it. Request log lines go to the host; a generated key is shown once unless -ApiKeyPath writes it to a file.'
    }
    Examples    = @(
        @{
            Title   = 'Serve a throwaway database and use it'
            Code    = '$server = Start-EngramLocalServer -InMemory
$server | Connect-Engram
Add-EngramMemory -Content ''Served over HTTP.'' -Bucket demo
Stop-EngramLocalServer'
            Remarks = 'Starts a server on a free port, connects this session to it over HTTP, and stops it.'
        }
        @{
            Title   = 'Give other clients the address and key'
            Code    = '$server = Start-EngramLocalServer -InMemory
$env:ENGRAM_BASE_URL = $server.BaseUrl
$env:ENGRAM_API_KEY = [Net.NetworkCredential]::new('''', $server.ApiKey).Password
# python -c "from lumetra_engram import Engram; ..." now reaches this server
Stop-EngramLocalServer'
            Remarks = 'Child processes see the two variables; the key is never printed.'
        }
        @{
            Title   = 'A foreground server whose key other clients read from a file'
            Code    = '$keyFile = Join-Path ([IO.Path]::GetTempPath()) ''engram-demo.key''
Start-EngramLocalServer -InMemory -ApiKeyPath $keyFile -Wait
# in another shell: $env:ENGRAM_API_KEY = Get-Content $keyFile'
            Remarks = 'Generates a key into an owner-only file (or reuses the key already in it) and serves until Ctrl+C, logging each request to the host.'
        }
    )
    Outputs     = 'The running server.'
    Links       = @('Stop-EngramLocalServer', 'Connect-Engram')
}
