using System;
using System.Collections.Generic;

namespace Engram.Providers
{
    /// <summary>The model providers Engram Local can synthesize with. All but Anthropic speak the OpenAI chat API.</summary>
    public enum ProviderKind
    {
        OpenAI,
        AzureOpenAI,
        Anthropic,
        Groq,
        Together,
        Fireworks,
        Ollama,
        LMStudio,
        Vllm,
    }

    /// <summary>What each provider needs: display name, default endpoint, key variable, whether a key is required.</summary>
    public sealed class ProviderProfile
    {
        private static readonly Dictionary<ProviderKind, ProviderProfile> Profiles = new Dictionary<ProviderKind, ProviderProfile>
        {
            [ProviderKind.OpenAI] = new ProviderProfile(ProviderKind.OpenAI, "OpenAI", "https://api.openai.com/v1", "OPENAI_API_KEY", true),
            // Azure's v1 API speaks the OpenAI protocol at https://<resource>.openai.azure.com/openai/v1/: the endpoint is the user's.
            [ProviderKind.AzureOpenAI] = new ProviderProfile(ProviderKind.AzureOpenAI, "Azure OpenAI", null, "AZURE_OPENAI_API_KEY", true),
            [ProviderKind.Anthropic] = new ProviderProfile(ProviderKind.Anthropic, "Anthropic", "https://api.anthropic.com", "ANTHROPIC_API_KEY", true),
            [ProviderKind.Groq] = new ProviderProfile(ProviderKind.Groq, "Groq", "https://api.groq.com/openai/v1", "GROQ_API_KEY", true),
            [ProviderKind.Together] = new ProviderProfile(ProviderKind.Together, "Together", "https://api.together.xyz/v1", "TOGETHER_API_KEY", true),
            [ProviderKind.Fireworks] = new ProviderProfile(ProviderKind.Fireworks, "Fireworks", "https://api.fireworks.ai/inference/v1", "FIREWORKS_API_KEY", true),
            // Local servers take no key; any bearer value is accepted.
            [ProviderKind.Ollama] = new ProviderProfile(ProviderKind.Ollama, "Ollama", "http://localhost:11434/v1", null, false),
            [ProviderKind.LMStudio] = new ProviderProfile(ProviderKind.LMStudio, "LM Studio", "http://localhost:1234/v1", null, false),
            [ProviderKind.Vllm] = new ProviderProfile(ProviderKind.Vllm, "vLLM", "http://localhost:8000/v1", "VLLM_API_KEY", false),
        };

        private ProviderProfile(ProviderKind kind, string displayName, string? defaultEndpoint, string? keyVariable, bool requiresKey)
        {
            Kind = kind;
            DisplayName = displayName;
            DefaultEndpoint = defaultEndpoint == null ? null : new Uri(defaultEndpoint);
            KeyVariable = keyVariable;
            RequiresKey = requiresKey;
        }

        public ProviderKind Kind { get; }

        /// <summary>The name errors use ("OpenAI", "Anthropic", …).</summary>
        public string DisplayName { get; }

        public Uri? DefaultEndpoint { get; }

        /// <summary>The environment variable read when no key is given.</summary>
        public string? KeyVariable { get; }

        public bool RequiresKey { get; }

        public static ProviderProfile Of(ProviderKind kind) => Profiles[kind];

        /// <summary>
        /// Parses a provider name as users type it (case-insensitive; "azure", "lm-studio", "lmstudio",
        /// "vllm", "openai-compatible" → OpenAI with a custom endpoint).
        /// </summary>
        public static bool TryParse(string? name, out ProviderKind kind)
        {
            var key = (name ?? "").Trim().Replace("-", "").Replace("_", "").Replace(" ", "").ToLowerInvariant();
            switch (key)
            {
                case "openai":
                case "openaicompatible":
                case "compatible":
                    kind = ProviderKind.OpenAI;
                    return true;
                case "azure":
                case "azureopenai":
                    kind = ProviderKind.AzureOpenAI;
                    return true;
                case "anthropic":
                case "claude":
                    kind = ProviderKind.Anthropic;
                    return true;
                case "groq":
                    kind = ProviderKind.Groq;
                    return true;
                case "together":
                case "togetherai":
                    kind = ProviderKind.Together;
                    return true;
                case "fireworks":
                case "fireworksai":
                    kind = ProviderKind.Fireworks;
                    return true;
                case "ollama":
                    kind = ProviderKind.Ollama;
                    return true;
                case "lmstudio":
                    kind = ProviderKind.LMStudio;
                    return true;
                case "vllm":
                    kind = ProviderKind.Vllm;
                    return true;
                default:
                    kind = default;
                    return false;
            }
        }
    }
}
