@{
    Synopsis    = 'Shows the connection Engram cmdlets use in this session, without the key.'
    Description = @'
Get-EngramConnection returns the session's default connection (from Connect-Engram), or else the implicit connection made from ENGRAM_API_KEY. It writes nothing when there is neither.

The connection shows its Kind (Cloud, Http or Local), BaseUrl or DatabasePath, timeouts and where it came from. It never shows the API key, not even masked.
'@
    Parameters  = @{}
    Examples    = @(
        @{
            Title   = 'See where cmdlets go'
            Code    = 'Connect-Engram -Local -InMemory
Get-EngramConnection | Format-List'
            Remarks = 'Shows Kind Local and InMemory True.'
        }
    )
    Outputs     = 'The connection in use.'
    Links       = @('Connect-Engram', 'Disconnect-Engram')
}
