using System.Management.Automation;
using Engram.Client;
using Engram.PowerShell.Errors;
using Engram.PowerShell.Session;

namespace Engram.PowerShell.Cmdlets
{
    /// <summary>A cmdlet that talks to Engram: takes -Connection, else the session's connection, else ENGRAM_API_KEY.</summary>
    public abstract class EngramServiceCmdlet : EngramCmdlet
    {
        private EngramConnection? _resolved;

        /// <summary>The connection to use instead of the session's default (from Connect-Engram -PassThru).</summary>
        [Parameter]
        [ValidateNotNull]
        public EngramConnection? Connection { get; set; }

        /// <summary>
        /// Resolves the connection on the pipeline thread, before any work starts: the session lookup needs the
        /// runspace, which the thread-pool threads running the requests do not have. Overrides call this first.
        /// </summary>
        protected override void BeginProcessing()
        {
            var connection = ResolvedConnection;
            if (!connection.IsOpen)
            {
                ThrowServiceError(new System.ObjectDisposedException(nameof(EngramConnection), "This Engram connection is closed."), connection);
            }
        }

        /// <summary>The connection this command uses; a terminating EngramNotConnected error when there is none.</summary>
        internal EngramConnection ResolvedConnection
        {
            get
            {
                if (_resolved != null)
                {
                    return _resolved;
                }

                if (Connection != null)
                {
                    return _resolved = Connection;
                }

                EngramConnection? connection;
                try
                {
                    connection = EngramSession.Current.Resolve();
                }
                catch (System.Exception ex) when (IsOperationFailure(ex))
                {
                    ThrowServiceError(ex, null);
                    throw;
                }

                if (connection == null)
                {
                    ThrowTerminatingError(EngramErrorRecords.NotConnected());
                }

                return _resolved = connection!;
            }
        }

        /// <summary>
        /// The service behind the connection. Safe on any thread once BeginProcessing ran; a closed connection
        /// throws ObjectDisposedException, which the cmdlets report as EngramConnectionClosed.
        /// </summary>
        internal IEngramService Service => ResolvedConnection.Service;
    }
}
