using System;
using System.Security;

namespace Engram.Providers
{
    /// <summary>
    /// Which model answers for Engram Local, and how to reach it. The key is held as a
    /// <see cref="SecureString"/> (or read from the provider's usual environment variable) and turned into
    /// text only when the SDK client is built; <see cref="ToString"/> never shows it.
    /// </summary>
    public sealed class ProviderSettings
    {
        public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(120);

        public ProviderKind Provider { get; set; } = ProviderKind.OpenAI;

        /// <summary>The model id as the provider names it (gpt-4o-mini, claude-sonnet-4-5, llama3.1, …). Required.</summary>
        public string? Model { get; set; }

        /// <summary>The API base; null means the provider's default (required for Azure OpenAI).</summary>
        public Uri? Endpoint { get; set; }

        /// <summary>The provider key; null means the provider's environment variable (OPENAI_API_KEY, ANTHROPIC_API_KEY, …).</summary>
        public SecureString? Key { get; set; }

        /// <summary>
        /// How long a provider call may take: the whole answer when buffered; until the first delta and
        /// between deltas when streaming. Default 120 s.
        /// </summary>
        public TimeSpan Timeout { get; set; } = DefaultTimeout;

        /// <summary>Retries after a provider 429, each after its Retry-After (capped at 30 s). Default 3; 0 disables.</summary>
        public int MaxRetriesOn429 { get; set; } = 3;

        public ProviderProfile Profile => ProviderProfile.Of(Provider);

        /// <summary>Test seam: how the 429 retry waits (null = Task.Delay), so tests see the delay asked for without sleeping it.</summary>
        internal Func<TimeSpan, System.Threading.CancellationToken, System.Threading.Tasks.Task>? RetryDelay { get; set; }

        /// <summary>The endpoint in effect.</summary>
        public Uri? EffectiveEndpoint => Endpoint ?? Profile.DefaultEndpoint;

        /// <summary>Takes a plain-text key into a read-only <see cref="SecureString"/>.</summary>
        public ProviderSettings WithKey(string? key)
        {
            Key = ToSecureString(key);
            return this;
        }

        /// <summary>"OpenAI gpt-4o-mini at https://api.openai.com/v1" — never the key.</summary>
        public override string ToString() => $"{Profile.DisplayName} {Model ?? "(no model)"} at {EffectiveEndpoint?.ToString() ?? "(no endpoint)"}";

        internal static SecureString? ToSecureString(string? text)
        {
            if (string.IsNullOrEmpty(text))
            {
                return null;
            }

            var secure = new SecureString();
            foreach (var c in text!)
            {
                secure.AppendChar(c);
            }

            secure.MakeReadOnly();
            return secure;
        }
    }
}
