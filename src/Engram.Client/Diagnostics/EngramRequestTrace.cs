using System;

namespace Engram.Client.Diagnostics
{
    /// <summary>
    /// One HTTP attempt as seen by <see cref="EngramTrace"/> listeners (PowerShell -Verbose / -Debug).
    /// Carries no headers, so never the Authorization header or the key.
    /// </summary>
    public sealed class EngramRequestTrace
    {
        public EngramRequestTrace(string method, string path, int status, TimeSpan duration, int attempt, string? requestBody, string? responseBody)
        {
            Method = method;
            Path = path;
            Status = status;
            Duration = duration;
            Attempt = attempt;
            RequestBody = requestBody;
            ResponseBody = responseBody;
        }

        /// <summary>HTTP method, e.g. <c>POST</c>.</summary>
        public string Method { get; }

        /// <summary>Path and query as sent, relative to the base URL, e.g. <c>/v1/buckets/work/memories?limit=20&amp;offset=0</c>.</summary>
        public string Path { get; }

        /// <summary>HTTP status; 0 when the attempt failed in transport (refused, reset, timed out, cancelled).</summary>
        public int Status { get; }

        /// <summary>From sending the request to the end of the buffered body (stream: to the response headers).</summary>
        public TimeSpan Duration { get; }

        /// <summary>1 for the first attempt, 2.. for retries after 429.</summary>
        public int Attempt { get; }

        /// <summary>The JSON body sent, or null when there was none.</summary>
        public string? RequestBody { get; }

        /// <summary>The body received; null for event streams, transport failures and empty bodies.</summary>
        public string? ResponseBody { get; }

        public override string ToString() =>
            Method + " " + Path + " -> " + (Status == 0 ? "failed" : Status.ToString(System.Globalization.CultureInfo.InvariantCulture)) +
            " in " + ((long)Duration.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture) + " ms" +
            (Attempt > 1 ? " (attempt " + Attempt.ToString(System.Globalization.CultureInfo.InvariantCulture) + ")" : "");
    }
}
