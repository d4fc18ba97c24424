using System;
using System.Security;
using System.Threading;
using System.Threading.Tasks;
using Engram.Server;
using Engram.PowerShell.Session;

namespace Engram.PowerShell
{
    /// <summary>
    /// A local Engram server started by Start-EngramLocalServer on a loopback port. <see cref="ApiKey"/> is the
    /// bearer key other clients need, as a SecureString: the plain key is never printed.
    /// </summary>
    public sealed class EngramLocalServer
    {
        private readonly LocalEngramServer _server;
        private readonly LocalEngineLease _lease;
        private int _stopped;

        internal EngramLocalServer(LocalEngramServer server, LocalEngineLease lease, SecureString apiKey, int? maxConcurrentRequests)
        {
            _server = server;
            _lease = lease;
            ApiKey = apiKey;
            MaxConcurrentRequests = maxConcurrentRequests;
            Port = server.Port;
            BaseUrl = server.BaseUrl.ToString().TrimEnd('/');
            DatabasePath = lease.DatabasePath;
            InMemory = lease.InMemory;
            StartedAt = DateTimeOffset.Now;
        }

        public int Port { get; }

        /// <summary>Set ENGRAM_BASE_URL to this for other Engram clients.</summary>
        public string BaseUrl { get; }

        /// <summary>The SQLite file it serves; empty for an in-memory engine.</summary>
        public string? DatabasePath { get; }

        public bool InMemory { get; }

        /// <summary>The bearer key clients must send. Read it with [Net.NetworkCredential]::new('', $server.ApiKey).Password.</summary>
        public SecureString ApiKey { get; }

        /// <summary>Per-tenant cap of requests in flight; more get 429. Empty means no cap.</summary>
        public int? MaxConcurrentRequests { get; }

        public DateTimeOffset StartedAt { get; }

        public bool IsRunning => Volatile.Read(ref _stopped) == 0 && _server.IsRunning;

        internal Task WaitForShutdownAsync(CancellationToken cancellationToken) => _server.WaitForShutdownAsync(cancellationToken);

        /// <summary>Stops serving and lets go of the engine (once).</summary>
        internal async Task StopAsync(CancellationToken cancellationToken)
        {
            if (Interlocked.Exchange(ref _stopped, 1) != 0)
            {
                return;
            }

            try
            {
                await _server.StopAsync().ConfigureAwait(false);
            }
            finally
            {
                (_server as IDisposable)?.Dispose();
                _lease.Dispose();
            }
        }

        public override string ToString() => BaseUrl;
    }
}
