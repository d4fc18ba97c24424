using System;
using System.Linq;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Engram.Client.Http;

namespace Engram.Providers
{
    /// <summary>
    /// Retries a provider's 429 after the delay it asks for: <c>retry-after-ms</c> (OpenAI) or
    /// <c>Retry-After</c> (seconds or HTTP-date), else the 1 s / 2 s / 4 s backoff, capped at 30 s — the
    /// client's own rule (<see cref="RetryPolicy"/>, wire spec §11). The wait is cancellable. Sits under
    /// both SDKs, whose own retries are switched off so there is one policy. A 429 arrives before any
    /// body, so streamed answers are never replayed.
    /// </summary>
    internal sealed class RateLimitRetryHandler : DelegatingHandler
    {
        private readonly RetryPolicy _policy;

        public RateLimitRetryHandler(int maxRetriesOn429, HttpMessageHandler inner, Func<TimeSpan, CancellationToken, Task>? delay = null)
            : base(inner)
        {
            _policy = new RetryPolicy(maxRetriesOn429, delay);
        }

        /// <summary>The delay the last 429 asked for; read when the retries run out to tell the caller.</summary>
        public static TimeSpan? RetryAfterOf(HttpResponseMessage response)
        {
            if (response.Headers.TryGetValues("retry-after-ms", out var ms) &&
                double.TryParse(ms.FirstOrDefault(), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var milliseconds) &&
                milliseconds >= 0)
            {
                return TimeSpan.FromMilliseconds(milliseconds);
            }

            return response.Headers.TryGetValues("Retry-After", out var values)
                ? RetryPolicy.ParseRetryAfter(values.FirstOrDefault(), DateTimeOffset.UtcNow)
                : null;
        }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var schedule = _policy.Begin();
            while (true)
            {
                var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
                if ((int)response.StatusCode != 429)
                {
                    return response;
                }

                var asked = RetryAfterOf(response);
                if (!schedule.TryNextRetry(asked.HasValue ? asked.Value.TotalSeconds.ToString("R", System.Globalization.CultureInfo.InvariantCulture) : null, out var delay))
                {
                    return response;
                }

                response.Dispose();
                await _policy.WaitAsync(delay, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
