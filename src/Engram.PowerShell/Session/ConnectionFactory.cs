using System;
using System.Security;
using Engram.Client;
using Engram.PowerShell.Runtime;

namespace Engram.PowerShell.Session
{
    /// <summary>The API key is missing everywhere it may come from.</summary>
    internal sealed class ApiKeyMissingException : InvalidOperationException
    {
        public ApiKeyMissingException()
            : base("No Engram API key: pass -ApiKey, set the ENGRAM_API_KEY environment variable, or use 'Connect-Engram -Local' for the embedded local engine.")
        {
        }
    }

    /// <summary>Builds connections: HTTP ones over Engram.Client, local ones over a shared embedded engine.</summary>
    internal static class ConnectionFactory
    {
        public const string SourceConnect = "Connect-Engram";
        public const string SourceEnvironment = "Environment";

        /// <summary>
        /// A Cloud or Http connection. Only what the user gave is passed on: the key, base URL, timeouts and
        /// retries fall back to the environment and the defaults inside Engram.Client (ClientSettings), and the
        /// connection shows the values the service resolved.
        /// </summary>
        public static EngramConnection CreateRemote(SecureString? apiKey, string? baseUrl, TimeSpan? timeout, TimeSpan? streamTimeout, int? maxRetriesOn429, string source)
        {
            var options = new EngramClientOptions
            {
                ApiKey = apiKey != null && apiKey.Length > 0 ? SecretText.ToPlainText(apiKey) : null,
                BaseUrl = baseUrl,
                UserAgentSuffix = ModuleInfo.UserAgentSuffix,
            };
            options.Timeout = timeout ?? options.Timeout;
            options.StreamTimeout = streamTimeout ?? options.StreamTimeout;
            options.MaxRetriesOn429 = maxRetriesOn429 ?? options.MaxRetriesOn429;

            EngramHttpService service;
            try
            {
                service = new EngramHttpService(options);
            }
            catch (InvalidOperationException)
            {
                // The client's documented failure for a key missing everywhere; say it the PowerShell way.
                throw new ApiKeyMissingException();
            }

            var url = service.BaseUrl.OriginalString;
            var kind = IsHostedService(url) ? EngramConnectionKind.Cloud : EngramConnectionKind.Http;
            return new EngramConnection(kind, service, source, url, (int)service.Timeout.TotalSeconds, service.MaxRetriesOn429);
        }

        /// <summary>A Local connection; <c>fullPath</c> is absolute, or null for the default file.</summary>
        public static EngramConnection CreateLocal(string? fullPath, bool inMemory, LocalEngineSettings? settings = null)
        {
            var lease = inMemory
                ? LocalEngineRegistry.AcquireInMemory(settings)
                : LocalEngineRegistry.AcquireFile(fullPath ?? System.IO.Path.GetFullPath(Engram.Local.LocalEngine.DefaultDatabasePath), settings);
            try
            {
                var local = lease.Engine.ForTenant(Engram.Local.LocalEngine.DefaultTenant);
                return new EngramConnection(EngramConnectionKind.Local, new TracingEngramService(local), SourceConnect, lease: lease, localService: local);
            }
            catch
            {
                lease.Dispose();
                throw;
            }
        }

        private static bool IsHostedService(string url) =>
            Uri.TryCreate(url, UriKind.Absolute, out var uri) &&
            (uri.Host.Equals("api.lumetra.io", StringComparison.OrdinalIgnoreCase) || uri.Host.EndsWith(".lumetra.io", StringComparison.OrdinalIgnoreCase));
    }
}
