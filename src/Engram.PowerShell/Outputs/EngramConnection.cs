using System;
using System.Threading;
using Engram.Client;
using Engram.Local;
using Engram.PowerShell.Session;

namespace Engram.PowerShell
{
    /// <summary>What an <see cref="EngramConnection"/> talks to.</summary>
    public enum EngramConnectionKind
    {
        /// <summary>The hosted Lumetra Engram service.</summary>
        Cloud,

        /// <summary>Any other Engram-compatible server, such as a local server on a loopback port.</summary>
        Http,

        /// <summary>The embedded engine, in this process.</summary>
        Local,
    }

    /// <summary>
    /// A connection to Engram, made by Connect-Engram or taken from ENGRAM_API_KEY. It never exposes the
    /// API key: not as a property, not masked, not in ToString.
    /// </summary>
    public sealed class EngramConnection : IDisposable
    {
        private readonly IEngramService _service;
        private readonly LocalEngineLease? _lease;
        private int _closed;

        internal EngramConnection(
            EngramConnectionKind kind,
            IEngramService service,
            string source,
            string? baseUrl = null,
            int? timeoutSeconds = null,
            int? maxRetriesOn429 = null,
            LocalEngineLease? lease = null,
            LocalEngramService? localService = null)
        {
            Kind = kind;
            _service = service;
            Source = source;
            BaseUrl = baseUrl;
            TimeoutSeconds = timeoutSeconds;
            MaxRetriesOn429 = maxRetriesOn429;
            _lease = lease;
            LocalService = localService;
            DatabasePath = lease?.DatabasePath;
            InMemory = lease?.InMemory ?? false;
            Embedder = lease?.Settings.EmbedderDescription;
            Provider = lease?.Settings.ProviderDescription;
            ConnectedAt = DateTimeOffset.Now;
        }

        public EngramConnectionKind Kind { get; }

        /// <summary>The server's base URL (Cloud and Http connections).</summary>
        public string? BaseUrl { get; }

        /// <summary>The SQLite file of a Local connection; empty for an in-memory engine.</summary>
        public string? DatabasePath { get; }

        /// <summary>True for a Local connection whose engine lives only in memory.</summary>
        public bool InMemory { get; }

        /// <summary>Per-request timeout of buffered calls (Cloud and Http connections).</summary>
        public int? TimeoutSeconds { get; }

        public int? MaxRetriesOn429 { get; }

        /// <summary><c>Connect-Engram</c>, or <c>Environment</c> for the implicit connection from ENGRAM_API_KEY.</summary>
        public string Source { get; }

        public DateTimeOffset ConnectedAt { get; }

        /// <summary>The embedder of a Local connection ("Hashing", "Local all-MiniLM-L6-v2", …); never a key.</summary>
        public string? Embedder { get; }

        /// <summary>The model provider that answers for a Local connection ("OpenAI gpt-4o-mini at …"), or null; never a key.</summary>
        public string? Provider { get; }

        /// <summary>What it talks to, in one column: the database file (or "(in memory)") of a Local connection, else the base URL.</summary>
        public string? Target => Kind == EngramConnectionKind.Local ? (InMemory ? "(in memory)" : DatabasePath) : BaseUrl;

        /// <summary>False once Disconnect-Engram closed it.</summary>
        public bool IsOpen => Volatile.Read(ref _closed) == 0;

        /// <summary>Set when the user holds a reference (-PassThru), so a later Connect-Engram does not close it under them.</summary>
        internal bool HandedOut { get; set; }

        /// <summary>The engine's service of a Local connection (for local-only operations such as installing a profiler).</summary>
        internal LocalEngramService? LocalService { get; }

        internal IEngramService Service
        {
            get
            {
                if (!IsOpen)
                {
                    throw new ObjectDisposedException(nameof(EngramConnection), "This Engram connection is closed.");
                }

                return _service;
            }
        }

        public override string ToString() =>
            Kind == EngramConnectionKind.Local
                ? (InMemory ? "Local (in memory)" : "Local " + DatabasePath)
                : Kind + " " + BaseUrl;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _closed, 1) != 0)
            {
                return;
            }

            _service.Dispose();
            LocalService?.Dispose();
            _lease?.Dispose();
        }
    }
}
