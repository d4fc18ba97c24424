using System;
using System.IO;
using System.Management.Automation;
using System.Security;
using Engram.PowerShell.Binding;
using Engram.PowerShell.Errors;
using Engram.PowerShell.Session;

namespace Engram.PowerShell.Cmdlets
{
    /// <summary>Connect-Engram: sets this session's default connection, to a server or to the embedded engine.</summary>
    [Cmdlet(VerbsCommunications.Connect, "Engram", DefaultParameterSetName = RemoteSet)]
    [OutputType(typeof(EngramConnection))]
    public sealed class ConnectEngramCommand : EngramCmdlet
    {
        private const string RemoteSet = "Remote";
        private const string LocalSet = "Local";
        private const string LocalInMemorySet = "LocalInMemory";

        private string? _databasePath;
        private bool _databaseExisted;

        [Parameter(ParameterSetName = RemoteSet, Position = 0, ValueFromPipelineByPropertyName = true)]
        [SecureStringTransformation]
        public SecureString? ApiKey { get; set; }

        [Parameter(ParameterSetName = RemoteSet, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string? BaseUrl { get; set; }

        [Parameter(ParameterSetName = RemoteSet)]
        [ValidateRange(1, 86400)]
        public int TimeoutSeconds { get; set; }

        [Parameter(ParameterSetName = RemoteSet)]
        [ValidateRange(1, 86400)]
        public int StreamTimeoutSeconds { get; set; }

        [Parameter(ParameterSetName = RemoteSet)]
        [ValidateRange(0, 10)]
        public int MaxRetriesOn429 { get; set; }

        [Parameter(ParameterSetName = LocalSet, Mandatory = true)]
        [Parameter(ParameterSetName = LocalInMemorySet, Mandatory = true)]
        public SwitchParameter Local { get; set; }

        [Parameter(ParameterSetName = LocalSet)]
        [ValidateNotNullOrEmpty]
        [Alias("DatabasePath")]
        public string? Path { get; set; }

        [Parameter(ParameterSetName = LocalInMemorySet, Mandatory = true)]
        public SwitchParameter InMemory { get; set; }

        /// <summary>How the local engine embeds text: Hashing (default), Local (companion module), OpenAI (any compatible endpoint).</summary>
        [Parameter(ParameterSetName = LocalSet)]
        [Parameter(ParameterSetName = LocalInMemorySet)]
        public EngramEmbedder Embedder { get; set; } = EngramEmbedder.Hashing;

        [Parameter(ParameterSetName = LocalSet)]
        [Parameter(ParameterSetName = LocalInMemorySet)]
        [ValidateNotNullOrEmpty]
        public string? EmbeddingModel { get; set; }

        [Parameter(ParameterSetName = LocalSet)]
        [Parameter(ParameterSetName = LocalInMemorySet)]
        [ValidateNotNullOrEmpty]
        public string? EmbeddingEndpoint { get; set; }

        [Parameter(ParameterSetName = LocalSet)]
        [Parameter(ParameterSetName = LocalInMemorySet)]
        [SecureStringTransformation]
        public SecureString? EmbeddingKey { get; set; }

        /// <summary>The model provider that answers queries, judges conflicts and writes profiles.</summary>
        [Parameter(ParameterSetName = LocalSet)]
        [Parameter(ParameterSetName = LocalInMemorySet)]
        public Engram.Providers.ProviderKind Provider { get; set; }

        [Parameter(ParameterSetName = LocalSet)]
        [Parameter(ParameterSetName = LocalInMemorySet)]
        [ValidateNotNullOrEmpty]
        public string? Model { get; set; }

        [Parameter(ParameterSetName = LocalSet)]
        [Parameter(ParameterSetName = LocalInMemorySet)]
        [ValidateNotNullOrEmpty]
        public string? Endpoint { get; set; }

        [Parameter(ParameterSetName = LocalSet)]
        [Parameter(ParameterSetName = LocalInMemorySet)]
        [SecureStringTransformation]
        public SecureString? ProviderKey { get; set; }

        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void ProcessRecord()
        {
            EngramConnection connection;
            try
            {
                connection = ParameterSetName == RemoteSet ? ConnectRemote() : ConnectLocal();
            }
            catch (ApiKeyMissingException ex)
            {
                ThrowTerminatingError(EngramErrorRecords.Create(ex, EngramErrorIds.ApiKeyMissing, ErrorCategory.InvalidArgument, null, EngramErrorRecords.ConnectAdvice));
                return;
            }
            catch (Exception ex) when (ParameterSetName == LocalSet && (ex is IOException || ex is UnauthorizedAccessException))
            {
                // The engine's message names the file and the cause (Engram.Local StorageFaults).
                ThrowTerminatingError(EngramErrorRecords.DatabaseUnavailable(ex, _databasePath));
                return;
            }
            catch (Exception ex) when (IsOperationFailure(ex))
            {
                ThrowServiceError(ex, Path ?? BaseUrl);
                return;
            }

            connection.HandedOut = PassThru.IsPresent;
            EngramSession.Current.SetDefault(connection);
            WriteVerbose("Connected to Engram: " + connection);
            if (connection.DatabasePath != null)
            {
                WriteVerbose("Local database: " + connection.DatabasePath + (_databaseExisted ? " (existing file)" : " (created)") +
                    "; Get-EngramConnection shows it as DatabasePath.");
            }
            if (PassThru)
            {
                WriteObject(connection);
            }
        }

        private EngramConnection ConnectRemote()
        {
            if (BaseUrl != null)
            {
                if (!Uri.TryCreate(BaseUrl, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
                {
                    throw new ArgumentException("-BaseUrl must be an absolute http:// or https:// URL, such as https://api.lumetra.io or http://127.0.0.1:8765.", nameof(BaseUrl));
                }
            }

            // Unbound settings stay unset: Engram.Client owns their environment fallbacks and defaults.
            return ConnectionFactory.CreateRemote(
                ApiKey,
                BaseUrl,
                IsBound(nameof(TimeoutSeconds)) ? TimeSpan.FromSeconds(TimeoutSeconds) : (TimeSpan?)null,
                IsBound(nameof(StreamTimeoutSeconds)) ? TimeSpan.FromSeconds(StreamTimeoutSeconds) : (TimeSpan?)null,
                IsBound(nameof(MaxRetriesOn429)) ? MaxRetriesOn429 : (int?)null,
                ConnectionFactory.SourceConnect);
        }

        private EngramConnection ConnectLocal()
        {
            var settings = LocalEngineSettingsBuilder.Build(
                Embedder, EmbeddingModel, EmbeddingEndpoint, EmbeddingKey,
                IsBound(nameof(Provider)) ? Provider : (Engram.Providers.ProviderKind?)null, Model, Endpoint, ProviderKey);
            if (InMemory)
            {
                return ConnectionFactory.CreateLocal(null, inMemory: true, settings);
            }

            _databasePath = Path == null
                ? System.IO.Path.GetFullPath(Engram.Local.LocalEngine.DefaultDatabasePath)
                : SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path);
            _databaseExisted = File.Exists(_databasePath) && new FileInfo(_databasePath).Length > 0;
            return ConnectionFactory.CreateLocal(_databasePath, inMemory: false, settings);
        }
    }
}
