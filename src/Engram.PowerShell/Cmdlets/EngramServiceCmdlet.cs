using System;
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
            var connection = ResolveConnection();
            if (!connection.IsOpen)
            {
                ThrowServiceError(new ObjectDisposedException(nameof(EngramConnection), "This Engram connection is closed."), connection);
            }
        }

        /// <summary>
        /// The service behind the connection BeginProcessing resolved; safe on any thread. A closed connection
        /// throws ObjectDisposedException, which the cmdlets report as EngramConnectionClosed.
        /// </summary>
        internal IEngramService Service =>
            (_resolved ?? throw new InvalidOperationException("BeginProcessing resolves the connection before any work uses it.")).Service;

        /// <summary>
        /// The connection this command uses: -Connection, else the session's. Stops the command with a
        /// terminating EngramNotConnected error when there is none. Pipeline thread only.
        /// </summary>
        internal EngramConnection ResolveConnection()
        {
            if (_resolved != null)
            {
                return _resolved;
            }

            if (Connection != null)
            {
                return _resolved = Connection;
            }

            EngramConnection? connection = null;
            try
            {
                connection = EngramSession.Current.Resolve();
            }
            catch (Exception ex) when (IsOperationFailure(ex))
            {
                ThrowServiceError(ex, null);
            }

            if (connection == null)
            {
                ThrowTerminatingError(EngramErrorRecords.NotConnected());
            }

            return _resolved = connection!;
        }
    }
}
