using System;
using System.ClientModel;
using System.Globalization;
using System.Net.Http;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Engram.Embeddings.OpenAI
{
    /// <summary>
    /// Turns the SDK's failures into <see cref="EmbeddingProviderException"/>s that say which provider failed
    /// and what to do. One home for the rule that no key reaches a message: the provider's own error text is
    /// quoted only after the key, and anything shaped like a key, is masked.
    /// </summary>
    internal sealed class ProviderErrorTranslator
    {
        // OpenAI's 401 text quotes the start and end of the key it was given ("sk-abc***xyz"): mask such tokens too.
        private static readonly Regex KeyShaped = new Regex(@"\b(sk|pk|fw|key|tgp)[-_][A-Za-z0-9*._\-]{3,}", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

        private readonly string _provider;
        private readonly Uri _endpoint;
        private readonly string _model;
        private readonly string? _key;
        private readonly int _maxRetries;

        public ProviderErrorTranslator(string provider, Uri endpoint, string model, string? key, int maxRetries)
        {
            _provider = provider;
            _endpoint = endpoint;
            _model = model;
            _key = key;
            _maxRetries = maxRetries;
        }

        public EmbeddingProviderException MissingKey() => new EmbeddingProviderException(
            $"No API key for {_provider} at {_endpoint}. Pass one with -ApiKey (a SecureString) or set the OPENAI_API_KEY environment variable.",
            _provider, _endpoint, EmbeddingProviderFailure.Unauthorized);

        public EmbeddingProviderException Timeout(TimeSpan timeout) => new EmbeddingProviderException(
            $"{_provider} at {_endpoint} did not answer within {timeout.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture)} s. " +
            "Try again, raise the timeout, or embed fewer texts per request.",
            _provider, _endpoint, EmbeddingProviderFailure.Timeout);

        public EmbeddingProviderException InvalidResponse(string what) => new EmbeddingProviderException(
            $"{_provider} at {_endpoint} answered, but not with embeddings this client understands: {Scrub(what)} " +
            "Check that the endpoint is an OpenAI-compatible /v1 base address and that it supports encoding_format=base64.",
            _provider, _endpoint, EmbeddingProviderFailure.InvalidResponse);

        public EmbeddingProviderException Unreachable(Exception e) => new EmbeddingProviderException(
            $"Could not reach {_provider} at {_endpoint}: {Scrub(e.Message)} Check the endpoint address and that the server is running.",
            _provider, _endpoint, EmbeddingProviderFailure.Unreachable);

        public EmbeddingProviderException Translate(ClientResultException e)
        {
            var status = e.Status;
            if (status == 0)
            {
                return e.InnerException is HttpRequestException || e.InnerException == null ? Unreachable(e.InnerException ?? e) : Unreachable(e.InnerException);
            }

            var response = e.GetRawResponse();
            var said = ProviderMessage(response?.Content?.ToString());
            var quoted = said == null ? string.Empty : " The provider said: " + said;
            switch (status)
            {
                case 401:
                case 403:
                    // The provider's text is left out here: it is about the key.
                    return new EmbeddingProviderException(
                        $"{_provider} at {_endpoint} rejected the API key (HTTP {status}). " +
                        "Check the key passed with -ApiKey or set in OPENAI_API_KEY, and that it may use the model '" + _model + "'.",
                        _provider, _endpoint, EmbeddingProviderFailure.Unauthorized, status);
                case 429:
                    var retryAfter = RetryAfter(response);
                    var wait = retryAfter == null ? "wait a little" : "wait " + retryAfter.Value.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture) + " s (Retry-After)";
                    return new EmbeddingProviderException(
                        $"{_provider} at {_endpoint} is rate-limiting requests (HTTP 429) after {_maxRetries} retries: {wait} and try again, " +
                        "or embed fewer texts at a time. If it persists, check the account's quota." + quoted,
                        _provider, _endpoint, EmbeddingProviderFailure.RateLimited, status, retryAfter);
                default:
                    if (status >= 500)
                    {
                        return new EmbeddingProviderException(
                            $"{_provider} at {_endpoint} failed (HTTP {status}) after {_maxRetries} retries. Try again later." + quoted,
                            _provider, _endpoint, EmbeddingProviderFailure.ServerError, status);
                    }

                    return new EmbeddingProviderException(
                        $"{_provider} at {_endpoint} refused the request (HTTP {status}). Check the model name '{_model}' and the endpoint address." + quoted,
                        _provider, _endpoint, EmbeddingProviderFailure.BadRequest, status);
            }
        }

        /// <summary>Masks the key, and anything shaped like one, in text that came from elsewhere.</summary>
        public string Scrub(string text)
        {
            if (string.IsNullOrEmpty(text))
            {
                return text;
            }

            if (!string.IsNullOrEmpty(_key))
            {
                text = text.Replace(_key, "[key]");
            }

            return KeyShaped.Replace(text, "[key]");
        }

        private string? ProviderMessage(string? body)
        {
            if (string.IsNullOrWhiteSpace(body))
            {
                return null;
            }

            string? message = null;
            try
            {
                using (var json = JsonDocument.Parse(body!))
                {
                    var root = json.RootElement;
                    if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("error", out var error))
                    {
                        message = error.ValueKind == JsonValueKind.String ? error.GetString()
                            : error.ValueKind == JsonValueKind.Object && error.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString()
                            : null;
                    }
                }
            }
            catch (JsonException)
            {
                message = body;
            }

            if (string.IsNullOrWhiteSpace(message))
            {
                return null;
            }

            message = Scrub(message!.Trim());
            return message.Length > 300 ? message.Substring(0, 300) + "..." : message;
        }

        private static TimeSpan? RetryAfter(System.ClientModel.Primitives.PipelineResponse? response)
        {
            if (response == null)
            {
                return null;
            }

            if (response.Headers.TryGetValue("retry-after-ms", out var ms) && double.TryParse(ms, NumberStyles.Float, CultureInfo.InvariantCulture, out var millis))
            {
                return TimeSpan.FromMilliseconds(millis);
            }

            if (response.Headers.TryGetValue("Retry-After", out var value) && value != null)
            {
                if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds))
                {
                    return TimeSpan.FromSeconds(seconds);
                }

                if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
                {
                    var delay = at - DateTimeOffset.UtcNow;
                    return delay > TimeSpan.Zero ? delay : TimeSpan.Zero;
                }
            }

            return null;
        }
    }
}
