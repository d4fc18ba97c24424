# Parameter descriptions shared by several cmdlets. Build-Help.ps1 uses them when a cmdlet's own file does not describe the parameter.
@{
    Parameters = @{
        Connection = @'
The connection to use, as returned by Connect-Engram -PassThru. Without it the cmdlet uses the session's default connection (the last Connect-Engram in this runspace), or else a connection made from the ENGRAM_API_KEY and ENGRAM_BASE_URL environment variables. With none of these the cmdlet stops with the error EngramNotConnected.
'@
    }
}
