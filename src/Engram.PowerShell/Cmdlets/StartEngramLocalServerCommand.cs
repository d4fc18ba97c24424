using System;
using System.Management.Automation;
using System.Security;
using System.Threading;
using Engram.Local;
using Engram.Server;
using Engram.PowerShell.Binding;
using Engram.PowerShell.Session;

namespace Engram.PowerShell.Cmdlets
{
    /// <summary>
    /// Start-EngramLocalServer: serves the embedded engine over the Engram REST protocol on 127.0.0.1, for any
    /// Engram client. Runs in the background of this session, or in the foreground with -Wait until Ctrl+C.
    /// </summary>
    [Cmdlet(VerbsLifecycle.Start, "EngramLocalServer", DefaultParameterSetName = FileSet)]
    [OutputType(typeof(EngramLocalServer))]
    public sealed class StartEngramLocalServerCommand : EngramCmdlet
    {
        private const string FileSet = "File";
        private const string InMemorySet = "InMemory";

        [Parameter(Position = 0)]
        [ValidateRange(0, 65535)]
        public int Port { get; set; }

        [Parameter(ParameterSetName = FileSet)]
        [ValidateNotNullOrEmpty]
        [Alias("DatabasePath")]
        public string? Path { get; set; }

        [Parameter(ParameterSetName = InMemorySet, Mandatory = true)]
        public SwitchParameter InMemory { get; set; }

        [Parameter]
        [SecureStringTransformation]
        public SecureString? ApiKey { get; set; }

        [Parameter]
        [ValidateRange(1, 10_000)]
        public int MaxConcurrentRequests { get; set; }

        [Parameter]
        public SwitchParameter Wait { get; set; }

        /// <summary>Appends the server's log here: one JSON line per request, never a key or a memory's content.</summary>
        [Parameter]
        public string? LogPath { get; set; }
        /// <summary>How the engine embeds text: Hashing (default), Local (companion module), OpenAI (any compatible endpoint).</summary>
        [Parameter]
        public EngramEmbedder Embedder { get; set; } = EngramEmbedder.Hashing;

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? EmbeddingModel { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? EmbeddingEndpoint { get; set; }

        [Parameter]
        [SecureStringTransformation]
        public SecureString? EmbeddingKey { get; set; }

        /// <summary>The model provider that answers queries, judges conflicts and writes profiles.</summary>
        [Parameter]
        public Engram.Providers.ProviderKind Provider { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? Model { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? Endpoint { get; set; }

        [Parameter]
        [SecureStringTransformation]
        public SecureString? ProviderKey { get; set; }

        protected override void ProcessRecord()
        {
            EngramLocalServer server;
            try
            {
                server = StartServer();
            }
            catch (Exception ex) when (IsOperationFailure(ex))
            {
                ThrowServiceError(ex, Port);
                return;
            }

            var session = EngramSession.Current;
            session.AddServer(server);
            WriteObject(server);
            WriteHostText(DescribeStart(server), noNewLine: false);

            if (!Wait)
            {
                return;
            }

            WriteHostText("Serving in the foreground. Press Ctrl+C to stop.", noNewLine: false);
            try
            {
                Run(async ct =>
                {
                    await server.WaitForShutdownAsync(ct).ConfigureAwait(false);
                    return true;
                });
            }
            finally
            {
                session.RemoveServer(server);
                server.StopAsync(CancellationToken.None).GetAwaiter().GetResult();
            }
        }

        private EngramLocalServer StartServer()
        {
            var settings = LocalEngineSettingsBuilder.Build(
                Embedder, EmbeddingModel, EmbeddingEndpoint, EmbeddingKey,
                IsBound(nameof(Provider)) ? Provider : (Engram.Providers.ProviderKind?)null, Model, Endpoint, ProviderKey);
            var lease = InMemory
                ? LocalEngineRegistry.AcquireInMemory(settings)
                : LocalEngineRegistry.AcquireFile(SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path ?? LocalEngine.DefaultDatabasePath), settings);
            try
            {
                var options = new LocalServerOptions { Port = Port };
                if (ApiKey != null && ApiKey.Length > 0)
                {
                    options.ApiKeys[SecretText.ToPlainText(ApiKey)] = LocalEngine.DefaultTenant;
                }

                if (MaxConcurrentRequests > 0)
                {
                    options.MaxConcurrentRequestsPerTenant = MaxConcurrentRequests;
                }

                if (!string.IsNullOrEmpty(LogPath))
                {
                    var logFile = SessionState.Path.GetUnresolvedProviderPathFromPSPath(LogPath);
                    var gate = new object();
                    // Opened per line: nothing to close when the server stops, and a line costs tens of µs.
                    options.Log = line =>
                    {
                        lock (gate)
                        {
                            System.IO.File.AppendAllText(logFile, line + "\n");
                        }
                    };
                }

                var server = new LocalEngramServer(lease.Engine, options);
                server.Start();
                var key = ApiKey != null && ApiKey.Length > 0 ? ApiKey.Copy() : SecretText.ToSecureString(server.ApiKey);
                key.MakeReadOnly();
                return new EngramLocalServer(server, lease, key, MaxConcurrentRequests > 0 ? MaxConcurrentRequests : (int?)null);
            }
            catch
            {
                lease.Dispose();
                throw;
            }
        }

        /// <summary>How to use the server, without printing the key: it is read from the output's SecureString.</summary>
        private static string DescribeStart(EngramLocalServer server)
        {
            var where = server.InMemory ? "in memory" : "database " + server.DatabasePath;
            return "Engram local server listening at " + server.BaseUrl + " (" + where + ")." + Environment.NewLine +
                   "  This session:        $server | Connect-Engram" + Environment.NewLine +
                   "  Other Engram clients: $env:ENGRAM_BASE_URL = '" + server.BaseUrl + "'" + Environment.NewLine +
                   "                        $env:ENGRAM_API_KEY = [Net.NetworkCredential]::new('', $server.ApiKey).Password" + Environment.NewLine +
                   "  ($server is the object this command returned; the key itself is never printed.)";
        }
    }
}
