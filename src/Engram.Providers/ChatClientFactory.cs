using System;
using System.ClientModel;
using System.ClientModel.Primitives;
using System.Net.Http;
using Anthropic;
using Engram.Client;
using Microsoft.Extensions.AI;
using OpenAI;

namespace Engram.Providers
{
    /// <summary>
    /// Builds the <see cref="IChatClient"/> Engram Local synthesizes with, from the official SDKs:
    /// <c>OpenAI</c> (through Microsoft.Extensions.AI.OpenAI) for OpenAI and every OpenAI-compatible endpoint,
    /// <c>Anthropic</c>'s own <c>AsIChatClient</c> for Anthropic. Both run over one HttpClient whose
    /// <see cref="RateLimitRetryHandler"/> is the only retry; the result is wrapped in a
    /// <see cref="GuardedChatClient"/> (timeouts, cancellation, clear errors).
    /// </summary>
    public static class ChatClientFactory
    {
        /// <summary>Builds the client. 400 when the settings are incomplete; 412 BYOK_NOT_CONFIGURED when a required key is missing.</summary>
        public static IChatClient Create(ProviderSettings settings)
        {
            if (settings == null)
            {
                throw new ArgumentNullException(nameof(settings));
            }

            if (string.IsNullOrWhiteSpace(settings.Model))
            {
                throw new EngramException($"A model is required for {settings.Profile.DisplayName}: pass -Model (for example the id the provider lists).", 400, null, EngramErrorCodes.InvalidRequest);
            }

            var endpoint = settings.EffectiveEndpoint
                ?? throw new EngramException($"{settings.Profile.DisplayName} needs -Endpoint (e.g. https://<resource>.openai.azure.com/openai/v1/).", 400, null, EngramErrorCodes.InvalidRequest);
            if (settings.Timeout <= TimeSpan.Zero)
            {
                throw new ArgumentOutOfRangeException(nameof(settings), "The provider timeout must be positive.");
            }

            var key = ProviderKeys.Resolve(settings);
            // GuardedChatClient owns the timeout; the transport must not cut a long stream first.
            var http = new HttpClient(new RateLimitRetryHandler(settings.MaxRetriesOn429, new HttpClientHandler(), settings.RetryDelay), disposeHandler: true)
            {
                Timeout = System.Threading.Timeout.InfiniteTimeSpan,
            };

            var inner = settings.Provider == ProviderKind.Anthropic
                ? CreateAnthropic(settings, endpoint, key, http)
                : CreateOpenAICompatible(settings, endpoint, key, http);
            return new GuardedChatClient(inner, settings);
        }

        private static IChatClient CreateOpenAICompatible(ProviderSettings settings, Uri endpoint, string key, HttpClient http)
        {
            var options = new OpenAIClientOptions
            {
                Endpoint = endpoint,
                Transport = new HttpClientPipelineTransport(http),
                RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
                NetworkTimeout = System.Threading.Timeout.InfiniteTimeSpan,
            };
            var chat = new OpenAI.Chat.ChatClient(settings.Model, new ApiKeyCredential(key), options);
            return chat.AsIChatClient();
        }

        private static IChatClient CreateAnthropic(ProviderSettings settings, Uri endpoint, string key, HttpClient http)
        {
            var client = new AnthropicClient(new Anthropic.Core.ClientOptions
            {
                ApiKey = key,
                BaseUrl = endpoint.ToString().TrimEnd('/'),
                HttpClient = http,
                MaxRetries = 0,
                Timeout = System.Threading.Timeout.InfiniteTimeSpan,
            });
            return client.AsIChatClient(settings.Model);
        }
    }
}
