using System.Management.Automation;
using System.Security;
using Engram.PowerShell.Binding;
using Engram.PowerShell.Session;

namespace Engram.PowerShell.Cmdlets
{
    /// <summary>An <see cref="EmbedderCmdlet"/> whose engine can also use the user's model provider (BYOK).</summary>
    public abstract class LocalEngineCmdlet : EmbedderCmdlet
    {
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

        internal override LocalEngineSettings BuildEngineSettings() =>
            LocalEngineSettingsBuilder.Build(
                Embedder, EmbeddingModel, EmbeddingEndpoint, EmbeddingKey,
                IsBound(nameof(Provider)) ? Provider : (Engram.Providers.ProviderKind?)null, Model, Endpoint, ProviderKey);
    }
}
