using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Engram.Client.Diagnostics;
using Engram.Client.Errors;

namespace Engram.Client.Http
{
    /// <summary>
    /// Sends requests over one long-lived HttpClient (keep-alive, pooled connections): builds the headers,
    /// applies the <see cref="RetryPolicy"/> to 429s, enforces our timeouts, reports each attempt to
    /// <see cref="EngramTrace"/> and turns failures into <see cref="EngramException"/>s.
    /// </summary>
    internal sealed class EngramTransport : IDisposable
    {
        private const string JsonMediaType = "application/json";
        private const string EventStreamMediaType = "text/event-stream";

        private readonly HttpClient _http;
        private readonly ClientSettings _settings;
        private readonly RetryPolicy _retry;
        private readonly AuthenticationHeaderValue _authorization;

        public EngramTransport(ClientSettings settings)
        {
            _settings = settings;
            _retry = new RetryPolicy(settings.MaxRetriesOn429, settings.Delay, settings.Clock);
            Redactor = new SecretRedactor(settings.ApiKey);
            _authorization = new AuthenticationHeaderValue("Bearer", settings.ApiKey);

            // A handler we were given belongs to the caller: never dispose it.
            var ownsHandler = settings.Handler == null;
            var handler = settings.Handler ?? new HttpClientHandler { UseCookies = false };
            _http = new HttpClient(handler, ownsHandler)
            {
                // Timeouts are ours (per attempt / per stream) so a timeout can be told apart from cancellation.
                Timeout = System.Threading.Timeout.InfiniteTimeSpan,
            };
        }

        public SecretRedactor Redactor { get; }

        public RetryPolicy RetryPolicy => _retry;

        /// <summary>
        /// A buffered call: each attempt (send + whole body) gets <paramref name="timeout"/>; waits between
        /// 429 retries do not count against it but do honour <paramref name="cancellationToken"/>.
        /// Returns a 2xx response; everything else throws.
        /// </summary>
        public async Task<BufferedResponse> SendAsync(EngramRequest request, TimeSpan timeout, CancellationToken cancellationToken)
        {
            var schedule = _retry.Begin();
            for (var attempt = 1; ; attempt++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                BufferedResponse response;
                using (var deadline = new RequestDeadline(cancellationToken, timeout))
                {
                    response = await SendBufferedAttemptAsync(request, attempt, deadline).ConfigureAwait(false);
                }

                if (response.Status == 429 && schedule.TryNextRetry(response.RetryAfter, out var delay))
                {
                    await _retry.WaitAsync(delay, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                if (!response.IsSuccess)
                {
                    throw Failure(response);
                }

                return response;
            }
        }

        /// <summary>
        /// Opens an event stream: retries 429s (only here, before any event), then returns the 2xx response
        /// with its body unread. The caller owns the response. Everything runs under <paramref name="deadline"/>,
        /// the whole stream's deadline, retry waits included.
        /// </summary>
        public async Task<HttpResponseMessage> OpenStreamAsync(EngramRequest request, RequestDeadline deadline)
        {
            var schedule = _retry.Begin();
            for (var attempt = 1; ; attempt++)
            {
                var clock = Stopwatch.StartNew();
                HttpResponseMessage response;
                try
                {
                    deadline.Token.ThrowIfCancellationRequested();
                    response = await _http.SendAsync(CreateMessage(request, EventStreamMediaType), HttpCompletionOption.ResponseHeadersRead, deadline.Token)
                        .ConfigureAwait(false);
                }
                catch (Exception failure)
                {
                    Trace(request, attempt, 0, clock.Elapsed, null);
                    throw deadline.Translate(failure, Redactor);
                }

                var status = (int)response.StatusCode;
                if (status >= 200 && status <= 299)
                {
                    Trace(request, attempt, status, clock.Elapsed, null);
                    return response;
                }

                BufferedResponse failed;
                try
                {
                    using (response)
                    {
                        failed = await ReadBufferedAsync(response, deadline.Token).ConfigureAwait(false);
                    }
                }
                catch (Exception failure)
                {
                    Trace(request, attempt, 0, clock.Elapsed, null);
                    throw deadline.Translate(failure, Redactor);
                }

                Trace(request, attempt, failed.Status, clock.Elapsed, failed.Text);
                if (failed.Status == 429 && schedule.TryNextRetry(failed.RetryAfter, out var delay))
                {
                    try
                    {
                        await _retry.WaitAsync(delay, deadline.Token).ConfigureAwait(false);
                    }
                    catch (Exception failure)
                    {
                        throw deadline.Translate(failure, Redactor);
                    }

                    continue;
                }

                throw Failure(failed);
            }
        }

        public void Dispose() => _http.Dispose();

        private async Task<BufferedResponse> SendBufferedAttemptAsync(EngramRequest request, int attempt, RequestDeadline deadline)
        {
            var clock = Stopwatch.StartNew();
            try
            {
                using (var message = CreateMessage(request, JsonMediaType))
                using (var response = await _http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, deadline.Token).ConfigureAwait(false))
                {
                    // The 429's body is read (drained) too: the connection goes back to the pool, and the trace shows it.
                    var buffered = await ReadBufferedAsync(response, deadline.Token).ConfigureAwait(false);
                    Trace(request, attempt, buffered.Status, clock.Elapsed, buffered.Text);
                    return buffered;
                }
            }
            catch (Exception failure)
            {
                Trace(request, attempt, 0, clock.Elapsed, null);
                throw deadline.Translate(failure, Redactor);
            }
        }

        private static async Task<BufferedResponse> ReadBufferedAsync(HttpResponseMessage response, CancellationToken cancellationToken)
        {
            byte[] body;
            if (response.Content == null)
            {
                body = Array.Empty<byte>();
            }
            else
            {
                // Disposing the response on cancellation unblocks reads on runtimes whose streams ignore the token.
                using (cancellationToken.Register(response.Dispose))
                using (var stream = await response.Content.ReadAsStreamAsync().ConfigureAwait(false))
                using (var copy = new MemoryStream())
                {
                    await stream.CopyToAsync(copy, 81920, cancellationToken).ConfigureAwait(false);
                    body = copy.ToArray();
                }
            }

            return new BufferedResponse((int)response.StatusCode, body, RetryAfterHeader(response));
        }

        private static string? RetryAfterHeader(HttpResponseMessage response)
        {
            // Raw text, not the typed RetryAfter: the typed parser rejects decimals like "1.5".
            return response.Headers.TryGetValues("Retry-After", out var values) ? values.FirstOrDefault() : null;
        }

        private HttpRequestMessage CreateMessage(EngramRequest request, string accept)
        {
            var message = new HttpRequestMessage(request.Method, _settings.BaseUrl + request.Path);
            message.Headers.Authorization = _authorization;
            message.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(accept));
            message.Headers.TryAddWithoutValidation("User-Agent", _settings.UserAgent);
            if (request.Body != null)
            {
                // Content-Type only with a body, as the Go client does (§3.3).
                var content = new ByteArrayContent(request.Body);
                content.Headers.ContentType = new MediaTypeHeaderValue(JsonMediaType);
                message.Content = content;
            }

            return message;
        }

        private EngramException Failure(BufferedResponse response)
        {
            var error = EngramErrors.FromResponse(response.Status, response.Text, Redactor);
            if (response.Status == 429)
            {
                error.RetryAfter = _retry.ParseRetryAfter(response.RetryAfter);
            }

            return error;
        }

        private void Trace(EngramRequest request, int attempt, int status, TimeSpan duration, string? responseBody)
        {
            if (!EngramTrace.IsListening)
            {
                return;
            }

            var requestBody = request.Body == null ? null : Encoding.UTF8.GetString(request.Body);
            EngramTrace.Emit(new EngramRequestTrace(
                request.Method.Method,
                request.Path,
                status,
                duration,
                attempt,
                Redactor.Redact(requestBody),
                Redactor.Redact(responseBody)));
        }
    }
}
