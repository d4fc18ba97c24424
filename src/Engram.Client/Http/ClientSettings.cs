using System;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace Engram.Client.Http
{
    /// <summary>
    /// <see cref="EngramClientOptions"/> resolved once (wire spec §3.1): explicit value, then ENGRAM_API_KEY /
    /// ENGRAM_BASE_URL, then the default; empty and whitespace-only strings count as unset; every trailing slash of the base URL
    /// is dropped so paths can be appended by concatenation (a path prefix like /engram survives).
    /// </summary>
    internal sealed class ClientSettings
    {
        private ClientSettings(string apiKey, string baseUrl, EngramClientOptions options)
        {
            ApiKey = apiKey;
            BaseUrl = baseUrl;
            BaseUri = new Uri(baseUrl, UriKind.Absolute);
            UserAgent = Http.UserAgent.Compose(options.UserAgent, options.UserAgentSuffix);
            Timeout = CheckTimeout(options.Timeout, nameof(EngramClientOptions.Timeout));
            StreamTimeout = CheckTimeout(options.StreamTimeout, nameof(EngramClientOptions.StreamTimeout));
            MaxRetriesOn429 = Math.Max(0, options.MaxRetriesOn429);
            Handler = options.Handler;
            Delay = options.Delay;
            Clock = options.Clock;
        }

        public string ApiKey { get; }

        /// <summary>Without trailing slashes; request URL = BaseUrl + path.</summary>
        public string BaseUrl { get; }

        public Uri BaseUri { get; }

        public string UserAgent { get; }

        public TimeSpan Timeout { get; }

        public TimeSpan StreamTimeout { get; }

        public int MaxRetriesOn429 { get; }

        public HttpMessageHandler? Handler { get; }

        public Func<TimeSpan, CancellationToken, Task>? Delay { get; }

        public Func<DateTimeOffset>? Clock { get; }

        /// <param name="options">Explicit settings; null means all from the environment and defaults.</param>
        /// <param name="environment">Reads an environment variable; tests pass a dictionary instead of the process environment.</param>
        public static ClientSettings Resolve(EngramClientOptions? options, Func<string, string?> environment)
        {
            options = options ?? new EngramClientOptions();
            var apiKey = FirstSet(options.ApiKey, environment(EngramClientOptions.ApiKeyVariable));
            if (apiKey == null)
            {
                throw new InvalidOperationException(
                    "No Engram API key. Set the " + EngramClientOptions.ApiKeyVariable + " environment variable, or pass the key as " +
                    "EngramClientOptions.ApiKey (in PowerShell: Connect-Engram -ApiKey).");
            }

            foreach (var c in apiKey)
            {
                if (char.IsControl(c))
                {
                    // The key is never shown, only described: a pasted key often carries a line break.
                    throw new ArgumentException(
                        "The Engram API key contains a line break or another control character; remove it (check " +
                        EngramClientOptions.ApiKeyVariable + " or EngramClientOptions.ApiKey).",
                        nameof(EngramClientOptions.ApiKey));
                }
            }

            var baseUrl = (FirstSet(options.BaseUrl, environment(EngramClientOptions.BaseUrlVariable)) ?? EngramClientOptions.DefaultBaseUrl).Trim().TrimEnd('/');
            if (!Uri.TryCreate(baseUrl, UriKind.Absolute, out var uri) ||
                (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps) ||
                baseUrl.IndexOf('?') >= 0 || baseUrl.IndexOf('#') >= 0)
            {
                throw new ArgumentException(
                    "The Engram base URL '" + baseUrl + "' is not an absolute http(s) URL without query or fragment, e.g. " +
                    EngramClientOptions.DefaultBaseUrl + " or http://127.0.0.1:8080 (from EngramClientOptions.BaseUrl or " +
                    EngramClientOptions.BaseUrlVariable + ").",
                    nameof(EngramClientOptions.BaseUrl));
            }

            return new ClientSettings(apiKey, baseUrl, options);
        }

        /// <summary>A blank value (a variable set to spaces) is as good as unset: no key or URL is only spaces.</summary>
        private static string? FirstSet(string? explicitValue, string? environmentValue) =>
            !string.IsNullOrWhiteSpace(explicitValue) ? explicitValue : !string.IsNullOrWhiteSpace(environmentValue) ? environmentValue : null;

        private static TimeSpan CheckTimeout(TimeSpan value, string name)
        {
            if (value <= TimeSpan.Zero && value != System.Threading.Timeout.InfiniteTimeSpan)
            {
                throw new ArgumentOutOfRangeException(name, value, name + " must be positive (or Timeout.InfiniteTimeSpan).");
            }

            return value;
        }
    }
}
