@{
    Synopsis    = 'Closes an Engram connection and releases what it holds.'
    Description = @'
Disconnect-Engram closes the session's default connection, or the connection you pass, and releases its HTTP client or its hold on the local engine (a local database file is closed when its last user lets go). A closed connection cannot be used again: cmdlets given it fail with EngramConnectionClosed.

Without -Connection it also drops the implicit connection made from ENGRAM_API_KEY; the next cmdlet builds a new one if the variable is still set.
'@
    Parameters  = @{
        Connection = 'The connection to close, from Connect-Engram -PassThru. Default: the session''s default connection.'
    }
    Examples    = @(
        @{
            Title   = 'Close the default connection'
            Code    = 'Connect-Engram -Local -InMemory
Disconnect-Engram'
            Remarks = 'After this, Engram cmdlets need a new Connect-Engram (or ENGRAM_API_KEY).'
        }
        @{
            Title   = 'Close a connection you kept'
            Code    = '$c = Connect-Engram -Local -InMemory -PassThru
$c | Disconnect-Engram'
            Remarks = 'Closes exactly that connection.'
        }
    )
    Inputs      = @(@{ Type = 'Engram.PowerShell.EngramConnection'; Description = 'The connection to close.' })
    Links       = @('Connect-Engram', 'Get-EngramConnection')
}
