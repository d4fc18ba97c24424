@{
    Synopsis    = 'Stops local Engram servers started in this session.'
    Description = @'
Stop-EngramLocalServer stops the servers you pipe in, those on the given ports, or, without parameters, every local server started in this session. It stops accepting requests, lets in-flight ones finish briefly, and releases the database.
'@
    Parameters  = @{
        InputObject = 'The servers to stop, from Start-EngramLocalServer.'
        Port        = 'The ports of the servers to stop. A port with no server of this session gives a non-terminating EngramLocalServerNotFound error.'
    }
    Examples    = @(
        @{
            Title   = 'Stop one server'
            Code    = '$server = Start-EngramLocalServer -InMemory
$server | Stop-EngramLocalServer'
            Remarks = 'Stops exactly that server.'
        }
        @{
            Title   = 'Stop every server of the session'
            Code    = 'Start-EngramLocalServer -InMemory | Out-Null
Start-EngramLocalServer -InMemory | Out-Null
Stop-EngramLocalServer'
            Remarks = 'Without parameters, every server started in this session stops.'
        }
    )
    Inputs      = @(@{ Type = 'Engram.PowerShell.EngramLocalServer'; Description = 'Servers from Start-EngramLocalServer.' })
    Links       = @('Start-EngramLocalServer')
}
