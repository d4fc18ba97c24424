using System.Management.Automation;
using System.Security;
using Engram.PowerShell.Binding;
using Engram.PowerShell.Session;

namespace Engram.PowerShell.Cmdlets
{
    /// <summary>
    /// The cmdlets that open a local engine without a connection (Update-EngramIndex, Start-EngramLocalServer):
    /// the -Embedder parameters, in one place. Connect-Engram declares the same names itself, because there they
    /// belong to its -Local parameter sets only.
    /// </summary>
    public abstract class EmbedderCmdlet : EngramCmdlet
    {
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

        /// <summary>The engine settings the bound parameters ask for; an ArgumentException says which combination is wrong.</summary>
        internal virtual LocalEngineSettings BuildEngineSettings() =>
            LocalEngineSettingsBuilder.Build(Embedder, EmbeddingModel, EmbeddingEndpoint, EmbeddingKey);
    }
}
