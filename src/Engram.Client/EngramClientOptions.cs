using System;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace Engram.Client
{
    /// <summary>
    /// Settings of an <see cref="EngramHttpService"/>. Unset values fall back to ENGRAM_API_KEY /
    /// ENGRAM_BASE_URL, then to the defaults (wire spec §3.1, §10, §11).
    /// </summary>
    public sealed class EngramClientOptions
    {
        public const string DefaultBaseUrl = "https://api.lumetra.io";
        public const string ApiKeyVariable = "ENGRAM_API_KEY";
        public const string BaseUrlVariable = "ENGRAM_BASE_URL";

        /// <summary>Bearer key. Null or empty means ENGRAM_API_KEY.</summary>
        public string? ApiKey { get; set; }

        /// <summary>Base URL, path prefix allowed. Null or empty means ENGRAM_BASE_URL, then the hosted service.</summary>
        public string? BaseUrl { get; set; }

        /// <summary>Per-attempt timeout of buffered calls.</summary>
        public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

        /// <summary>Total deadline of a streamed query, from the first attempt.</summary>
        public TimeSpan StreamTimeout { get; set; } = TimeSpan.FromSeconds(300);

        /// <summary>Retries after a 429; 0 disables retrying.</summary>
        public int MaxRetriesOn429 { get; set; } = 3;

        /// <summary>Replaces the whole User-Agent. Null keeps <c>engram-dotnet/&lt;version&gt;</c>.</summary>
        public string? UserAgent { get; set; }

        /// <summary>Appended to the User-Agent after a space, e.g. <c>engram-powershell/0.1.0</c>.</summary>
        public string? UserAgentSuffix { get; set; }

        /// <summary>Transport override (tests, proxies). The service does not dispose a handler it was given.</summary>
        public HttpMessageHandler? Handler { get; set; }

        /// <summary>How the retry policy waits; tests replace it so they do not sleep.</summary>
        public Func<TimeSpan, CancellationToken, Task>? Delay { get; set; }

        /// <summary>Current time, for Retry-After HTTP-dates; tests replace it.</summary>
        public Func<DateTimeOffset>? Clock { get; set; }

        /// <summary>The settings for display; the key is only reported as set or not, never shown.</summary>
        public override string ToString() =>
            "EngramClientOptions(BaseUrl=" + (string.IsNullOrEmpty(BaseUrl) ? "(default)" : BaseUrl) +
            ", ApiKey=" + (string.IsNullOrEmpty(ApiKey) ? "(not set)" : "***") +
            ", Timeout=" + Timeout + ", StreamTimeout=" + StreamTimeout + ", MaxRetriesOn429=" + MaxRetriesOn429 + ")";
    }
}
