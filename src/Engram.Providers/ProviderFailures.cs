using System;
using System.ClientModel;
using System.Net.Http;
using Anthropic.Exceptions;
using Engram.Client;

namespace Engram.Providers
{
    /// <summary>
    /// Turns what an SDK throws into an <see cref="EngramException"/> that names the provider and says
    /// what to do. SDK messages are never copied: provider error bodies can echo part of the key.
    /// Statuses: 502 for a failed or refused call, 503 when rate-limited, 504 on timeout — never 401 or 429,
    /// which Engram clients read as their own Engram key being wrong or as "retry this request".
    /// </summary>
    public static class ProviderFailures
    {
        public static EngramException Timeout(ProviderSettings settings, TimeSpan after, Exception? inner = null) =>
            new EngramException(
                $"{Name(settings)} did not answer within {after.TotalSeconds:0.#} s. Retry, or raise the provider timeout; nothing stored was changed.",
                504, null, EngramErrorCodes.ProviderTimeout, Safe(inner));

        /// <summary>The Engram error for <paramref name="failure"/>, or null when it is not a provider failure (e.g. cancellation).</summary>
        public static EngramException? Translate(ProviderSettings settings, Exception failure)
        {
            switch (failure)
            {
                case EngramException:
                case OperationCanceledException:
                    return null;
                case ClientResultException openAi when openAi.Status != 0:
                    return ForStatus(settings, openAi.Status, RetryAfterOf(openAi), failure);
                case AnthropicApiException anthropic:
                    return ForStatus(settings, (int)anthropic.StatusCode, null, failure);
                case ClientResultException:
                case HttpRequestException:
                case AnthropicIOException:
                    return new EngramException(
                        $"{Name(settings)} could not be reached at {settings.EffectiveEndpoint?.GetLeftPart(UriPartial.Authority) ?? "its endpoint"}. Check -Endpoint, the network, and that the server is running.",
                        502, null, EngramErrorCodes.ProviderFailed, Safe(failure));
                default:
                    return new EngramException(
                        $"{Name(settings)} returned something Engram could not read ({failure.GetType().Name}). Retry, or check -Model and -Endpoint.",
                        502, null, EngramErrorCodes.ProviderFailed, Safe(failure));
            }
        }

        private static EngramException ForStatus(ProviderSettings settings, int status, TimeSpan? retryAfter, Exception failure)
        {
            var name = Name(settings);
            if (status == 401 || status == 403)
            {
                var where = settings.Key != null || settings.Profile.KeyVariable == null ? "-ProviderKey" : $"-ProviderKey or {settings.Profile.KeyVariable}";
                return new EngramException(
                    $"{name} rejected the provider key (HTTP {status}). Check the key given with {where}; nothing stored was changed.",
                    502, null, EngramErrorCodes.ProviderUnauthorized, Safe(failure));
            }

            if (status == 429)
            {
                return new EngramException(
                    $"{name} is rate-limiting requests (HTTP 429) and still was after {settings.MaxRetriesOn429} retries. Wait and retry, or raise your {settings.Profile.DisplayName} limits.",
                    503, null, EngramErrorCodes.ProviderRateLimited, Safe(failure))
                { RetryAfter = retryAfter };
            }

            if (status == 408 || status == 504)
            {
                return new EngramException(
                    $"{name} timed out (HTTP {status}). Retry later; nothing stored was changed.",
                    504, null, EngramErrorCodes.ProviderTimeout, Safe(failure));
            }

            if (status >= 500)
            {
                return new EngramException(
                    $"{name} failed (HTTP {status}). Retry later; it may be overloaded or down. Nothing stored was changed.",
                    502, null, EngramErrorCodes.ProviderFailed, Safe(failure));
            }

            var hint = status == 404 ? $" Check that the model '{settings.Model}' exists at {settings.EffectiveEndpoint}." : " Check -Model and -Endpoint.";
            return new EngramException($"{name} refused the request (HTTP {status}).{hint}", 502, null, EngramErrorCodes.ProviderFailed, Safe(failure));
        }

        private static string Name(ProviderSettings settings) =>
            settings.Model == null ? $"The model provider {settings.Profile.DisplayName}" : $"The model provider {settings.Profile.DisplayName} ({settings.Model})";

        private static TimeSpan? RetryAfterOf(ClientResultException failure)
        {
            var response = failure.GetRawResponse();
            if (response == null)
            {
                return null;
            }

            if (response.Headers.TryGetValue("Retry-After", out var value))
            {
                return Engram.Client.Http.RetryPolicy.ParseRetryAfter(value, DateTimeOffset.UtcNow);
            }

            return null;
        }

        /// <summary>
        /// The SDK exception keeps its type and status for diagnosis but not its message or body, which
        /// may quote the provider's reply (and so part of a key).
        /// </summary>
        private static Exception? Safe(Exception? failure) =>
            failure == null ? null : new ProviderCallException(failure.GetType().FullName ?? failure.GetType().Name);
    }

    /// <summary>Stands in for an SDK exception: its type only, no message or body from the provider.</summary>
    public sealed class ProviderCallException : Exception
    {
        public ProviderCallException(string sdkExceptionType)
            : base("The provider SDK threw " + sdkExceptionType + ".")
        {
            SdkExceptionType = sdkExceptionType;
        }

        public string SdkExceptionType { get; }
    }
}
