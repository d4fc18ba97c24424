using System.Management.Automation;
using Engram.PowerShell.Session;

namespace Engram.PowerShell.Cmdlets
{
    /// <summary>Disconnect-Engram: closes the default connection (or the one given) and releases what it holds.</summary>
    [Cmdlet(VerbsCommunications.Disconnect, "Engram")]
    public sealed class DisconnectEngramCommand : EngramCmdlet
    {
        /// <summary>A connection from Connect-Engram -PassThru; without it, the session's default connection.</summary>
        [Parameter(Position = 0, ValueFromPipeline = true)]
        [ValidateNotNull]
        public EngramConnection? Connection { get; set; }

        protected override void ProcessRecord()
        {
            var session = EngramSession.Current;
            if (Connection != null)
            {
                session.RemoveDefault(Connection);
                Connection.Dispose();
                WriteVerbose("Disconnected " + Connection);
                return;
            }

            var closed = session.RemoveDefault();
            if (closed != null)
            {
                closed.Dispose();
                WriteVerbose("Disconnected " + closed);
            }
            else
            {
                WriteVerbose("There was no default Engram connection.");
            }

            // A later command rebuilds this from ENGRAM_API_KEY if it is still set.
            session.CloseImplicit();
        }
    }
}
