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

        /// <summary>The base URL a remote connection will use: the parameter, else ENGRAM_BASE_URL, else the hosted service.</summary>
        public static string EffectiveBaseUrl(string? baseUrl)
        {
            var url = baseUrl;
            if (string.IsNullOrWhiteSpace(url))
            {
                url = Environment.GetEnvironmentVariable(EngramClientOptions.BaseUrlVariable);
            }

            if (string.IsNullOrWhiteSpace(url))
            {
                url = EngramClientOptions.DefaultBaseUrl;
            }

            return url!.Trim().TrimEnd('/');
        }

        public static EngramConnection CreateRemote(SecureString? apiKey, string? baseUrl, int? timeoutSeconds, int? streamTimeoutSeconds, int? maxRetriesOn429, string source)
        {
            var key = apiKey != null && apiKey.Length > 0
                ? SecretText.ToPlainText(apiKey)
                : Environment.GetEnvironmentVariable(EngramClientOptions.ApiKeyVariable);
            if (string.IsNullOrWhiteSpace(key))
            {
                throw new ApiKeyMissingException();
            }

            var url = EffectiveBaseUrl(baseUrl);
            var options = new EngramClientOptions
            {
                ApiKey = key,
                BaseUrl = url,
                UserAgentSuffix = ModuleInfo.UserAgentSuffix,
            };
            if (timeoutSeconds.HasValue)
            {
                options.Timeout = TimeSpan.FromSeconds(timeoutSeconds.Value);
            }

            if (streamTimeoutSeconds.HasValue)
            {
                options.StreamTimeout = TimeSpan.FromSeconds(streamTimeoutSeconds.Value);
            }

            if (maxRetriesOn429.HasValue)
            {
                options.MaxRetriesOn429 = maxRetriesOn429.Value;
            }

            var service = new EngramHttpService(options);
            var kind = IsHostedService(url) ? EngramConnectionKind.Cloud : EngramConnectionKind.Http;
            return new EngramConnection(kind, service, source, url, (int)options.Timeout.TotalSeconds, options.MaxRetriesOn429);
        }

        /// <summary>A Local connection; <c>fullPath</c> is absolute, or null for the default file.</summary>
        public static EngramConnection CreateLocal(string? fullPath, bool inMemory)
        {
            var lease = inMemory
                ? LocalEngineRegistry.AcquireInMemory()
                : LocalEngineRegistry.AcquireFile(fullPath ?? System.IO.Path.GetFullPath(Engram.Local.LocalEngine.DefaultDatabasePath));
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
