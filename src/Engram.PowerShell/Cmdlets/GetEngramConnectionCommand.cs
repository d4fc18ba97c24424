using System.Management.Automation;
using Engram.PowerShell.Session;

namespace Engram.PowerShell.Cmdlets
{
    /// <summary>
    /// Get-EngramConnection: the connection Engram cmdlets use in this session: the default one, else the one
    /// made from ENGRAM_API_KEY. Writes nothing when there is neither. Never shows the key.
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "EngramConnection")]
    [OutputType(typeof(EngramConnection))]
    public sealed class GetEngramConnectionCommand : EngramCmdlet
    {
        protected override void ProcessRecord()
        {
            EngramConnection? connection;
            try
            {
                connection = EngramSession.Current.Resolve();
            }
            catch (System.Exception ex) when (IsOperationFailure(ex))
            {
                WriteServiceError(ex, null);
                return;
            }

            if (connection == null)
            {
                WriteVerbose("Not connected. Run Connect-Engram, set ENGRAM_API_KEY, or run Connect-Engram -Local.");
                return;
            }

            WriteObject(connection);
        }
    }
}
