using System;
using System.Management.Automation;
using System.Security;
using System.Threading;
using Engram.Local;
using Engram.Local.Storage;
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
    public sealed class StartEngramLocalServerCommand : LocalEngineCmdlet
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

        /// <summary>
        /// A file that holds the key: read from it when it exists, else the generated key is written into it,
        /// created owner-only (0600 on Unix), for other clients to read.
        /// </summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        [Alias("KeyFile")]
        public string? ApiKeyPath { get; set; }

        /// <summary>The name of an environment variable that holds the key (keeps it off the command line).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? ApiKeyVariable { get; set; }

        [Parameter]
        [ValidateRange(1, 10_000)]
        public int MaxConcurrentRequests { get; set; }

        [Parameter]
        public SwitchParameter Wait { get; set; }

        /// <summary>Appends the server's log here: one JSON line per request, never a key or a memory's content.</summary>
        [Parameter]
        public string? LogPath { get; set; }

        protected override void ProcessRecord()
        {
            if ((ApiKey != null ? 1 : 0) + (ApiKeyPath != null ? 1 : 0) + (ApiKeyVariable != null ? 1 : 0) > 1)
            {
                ThrowTerminatingError(Errors.EngramErrorRecords.Create(
                    new ArgumentException("-ApiKey, -ApiKeyPath and -ApiKeyVariable each give the key; use only one."),
                    Errors.EngramErrorIds.ServerKeyConflict,
                    ErrorCategory.InvalidArgument,
                    null,
                    "Give the key one way: -ApiKeyVariable NAME or -ApiKeyPath FILE keep it off the command line."));
            }

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
            if (!Wait)
            {
                WriteHostText(DescribeStart(server), noNewLine: false);
                return;
            }

            WriteHostText(DescribeForeground(server), noNewLine: false);
            if (_keyFile == null && _fixedKey == null)
            {
                // In the foreground nobody can read $server.ApiKey: the generated key is shown once, on the host
                // itself (not an output or information stream, so it is in no variable, job or redirect).
                Host.UI.WriteLine("API key (shown once; use -ApiKeyPath FILE to keep it off the screen): " + _generatedKey);
            }

            WriteHostText("Serving in the foreground; request log lines follow. Press Ctrl+C to stop.", noNewLine: false);
            _logToHost = true;
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

        private string? _keyFile;
        private string? _fixedKey;
        private string? _generatedKey;
        private volatile bool _logToHost;

        /// <summary>The key from -ApiKey, -ApiKeyVariable or an existing -ApiKeyPath file; null to generate one.</summary>
        private string? ReadFixedKey()
        {
            if (ApiKey != null && ApiKey.Length > 0)
            {
                return SecretText.ToPlainText(ApiKey);
            }

            if (ApiKeyVariable != null)
            {
                var value = Environment.GetEnvironmentVariable(ApiKeyVariable);
                if (string.IsNullOrWhiteSpace(value))
                {
                    throw new ArgumentException("The environment variable " + ApiKeyVariable + " named by -ApiKeyVariable is not set or empty; set it to the key, or leave -ApiKeyVariable out to generate a key.");
                }

                return value!.Trim();
            }

            if (_keyFile != null && System.IO.File.Exists(_keyFile))
            {
                var text = System.IO.File.ReadAllText(_keyFile).Trim();
                if (text.Length == 0)
                {
                    throw new ArgumentException("The key file " + _keyFile + " is empty; delete it to have a new key written there, or put the key in it.");
                }

                return text;
            }

            return null;
        }

        private EngramLocalServer StartServer()
        {
            _keyFile = ApiKeyPath == null ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(ApiKeyPath);
            _fixedKey = ReadFixedKey();
            var settings = BuildEngineSettings();
            var lease = InMemory
                ? LocalEngineRegistry.AcquireInMemory(settings)
                : LocalEngineRegistry.AcquireFile(SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path ?? LocalEngine.DefaultDatabasePath), settings);
            try
            {
                var options = new LocalServerOptions { Port = Port };
                if (_fixedKey != null)
                {
                    options.ApiKeys[_fixedKey] = LocalEngine.DefaultTenant;
                }

                if (MaxConcurrentRequests > 0)
                {
                    options.MaxConcurrentRequestsPerTenant = MaxConcurrentRequests;
                }

                var logFile = string.IsNullOrEmpty(LogPath) ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(LogPath);
                var gate = new object();
                options.Log = line =>
                {
                    if (logFile != null)
                    {
                        // Opened per line: nothing to close when the server stops, and a line costs tens of µs.
                        lock (gate)
                        {
                            System.IO.File.AppendAllText(logFile, line + "\n");
                        }
                    }

                    if (_logToHost)
                    {
                        // -Wait: the same line on the host, written by the pipeline thread that waits for Ctrl+C.
                        Post(() => WriteInformation(new HostInformationMessage { Message = line }, new[] { "PSHOST", "Engram", "EngramServerLog" }));
                    }
                };

                var server = new LocalEngramServer(lease.Engine, options);
                server.Start();
                if (_fixedKey == null)
                {
                    _generatedKey = server.ApiKey;
                }

                if (_keyFile != null && _fixedKey == null)
                {
                    // Created owner-only before the key goes in, so no other user can ever read it.
                    StorageFaults.CreatePrivateFolder(System.IO.Path.GetDirectoryName(_keyFile)!);
                    StorageFaults.CreatePrivateFile(_keyFile);
                    System.IO.File.WriteAllText(_keyFile, server.ApiKey + "\n");
                }

                var key = SecretText.ToSecureString(server.ApiKey);
                return new EngramLocalServer(server, lease, key, MaxConcurrentRequests > 0 ? MaxConcurrentRequests : (int?)null);
            }
            catch
            {
                lease.Dispose();
                throw;
            }
        }

        /// <summary>The foreground form: $server is not available to the user, so the key comes from the file or variable.</summary>
        private string DescribeForeground(EngramLocalServer server)
        {
            var where = server.InMemory ? "in memory" : "database " + server.DatabasePath;
            var key = _keyFile != null ? "Get-Content '" + _keyFile + "'"
                : ApiKeyVariable != null ? "$env:" + ApiKeyVariable
                : _fixedKey != null ? "the key you gave with -ApiKey"
                : "the key shown below";
            return "Engram local server listening at " + server.BaseUrl + " (" + where + ")." + Environment.NewLine +
                   "  Other Engram clients: $env:ENGRAM_BASE_URL = '" + server.BaseUrl + "'" + Environment.NewLine +
                   "                        $env:ENGRAM_API_KEY = " + key;
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
