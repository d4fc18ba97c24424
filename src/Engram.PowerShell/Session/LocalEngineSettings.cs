using System;
using System.IO;
using System.Runtime.CompilerServices;
using System.Security;
using System.Security.Cryptography;
using System.Text;
using Engram.Embeddings.OpenAI;
using Engram.Local;
using Engram.Providers;
using Microsoft.Extensions.AI;

namespace Engram.PowerShell.Session
{
    /// <summary>Which embedder the local engine turns text into vectors with (-Embedder).</summary>
    public enum EngramEmbedder
    {
        /// <summary>The built-in hashing embedder: no model, lexical-like recall.</summary>
        Hashing,

        /// <summary>all-MiniLM-L6-v2 in-process, from the companion module Lumetra.Engram.Embeddings.</summary>
        Local,

        /// <summary>Any OpenAI-compatible embeddings endpoint, with the user's key.</summary>
        OpenAI,
    }

    /// <summary>The companion module with the local model is not installed.</summary>
    internal sealed class EmbeddingsCompanionMissingException : InvalidOperationException
    {
        public EmbeddingsCompanionMissingException()
            : base("-Embedder Local needs the companion module with the local model: run 'Install-Module Lumetra.Engram.Embeddings', then connect again. Without it, use -Embedder Hashing (the default) or -Embedder OpenAI.")
        {
        }
    }

    /// <summary>
    /// The embedder and model provider a local engine opens with: the one place that turns the cmdlets'
    /// -Embedder* and -Provider* parameters into <see cref="LocalEngineOptions"/>. Keys stay SecureStrings
    /// until the clients are built; the descriptions and <see cref="ToString"/> never show them.
    /// </summary>
    internal sealed class LocalEngineSettings
    {
        public static readonly LocalEngineSettings Default = new LocalEngineSettings();

        public EngramEmbedder Embedder { get; set; } = EngramEmbedder.Hashing;

        public string? EmbeddingModel { get; set; }

        public Uri? EmbeddingEndpoint { get; set; }

        public SecureString? EmbeddingKey { get; set; }

        /// <summary>Null: no model answers (extractive answers).</summary>
        public ProviderKind? Provider { get; set; }

        public string? Model { get; set; }

        public Uri? Endpoint { get; set; }

        public SecureString? ProviderKey { get; set; }

        /// <summary>"Hashing", "Local all-MiniLM-L6-v2", "OpenAI text-embedding-3-small at https://…".</summary>
        public string EmbedderDescription => Embedder switch
        {
            EngramEmbedder.Local => "Local all-MiniLM-L6-v2",
            EngramEmbedder.OpenAI => "OpenAI-compatible " + (EmbeddingModel ?? new OpenAiEmbeddingOptions().Model) + " at " + (EmbeddingEndpoint ?? OpenAiEmbeddingOptions.OpenAiEndpoint),
            _ => "Hashing",
        };

        /// <summary>The provider as <see cref="ProviderSettings.ToString"/> shows it, or null without one.</summary>
        public string? ProviderDescription => Provider == null ? null : ToProviderSettings().ToString();

        /// <summary>
        /// Tells configurations apart for the engine registry: everything that changes the engine, keys as a
        /// SHA-256 digest (kept in memory only, never shown).
        /// </summary>
        public string Fingerprint =>
            string.Join("|", Embedder, EmbeddingModel, EmbeddingEndpoint, Digest(EmbeddingKey), Provider, Model, Endpoint, Digest(ProviderKey));

        public override string ToString() =>
            "embedder " + EmbedderDescription + (Provider == null ? ", no model provider" : ", provider " + ProviderDescription);

        /// <summary>
        /// Builds the engine's options for <paramref name="fullPath"/> (null: in memory), with the embedder and
        /// chat client this configuration names; <paramref name="owned"/> receives what the caller must dispose
        /// when the engine closes (the engine disposes neither).
        /// </summary>
        public LocalEngineOptions CreateOptions(string? fullPath, out IDisposable owned)
        {
            var embedder = CreateEmbedder();
            IChatClient? chat = null;
            try
            {
                if (Provider != null)
                {
                    chat = ChatClientFactory.Create(ToProviderSettings());
                }
            }
            catch
            {
                embedder?.Dispose();
                throw;
            }

            owned = new Owned(embedder, chat);
            return new LocalEngineOptions
            {
                Path = fullPath,
                InMemory = fullPath == null,
                Embedder = embedder,
                ChatClient = chat,
            };
        }

        private ProviderSettings ToProviderSettings() => new ProviderSettings
        {
            Provider = Provider ?? ProviderKind.OpenAI,
            Model = Model,
            Endpoint = Endpoint,
            Key = ProviderKey != null && ProviderKey.Length > 0 ? ProviderKey : null,
        };

        private IEmbeddingGenerator<string, Embedding<float>>? CreateEmbedder()
        {
            switch (Embedder)
            {
                case EngramEmbedder.Local:
                    try
                    {
                        return CreateLocalEmbedder();
                    }
                    catch (Exception e) when (e is FileNotFoundException || e is FileLoadException)
                    {
                        // The companion module is not installed, so Engram.Embeddings.Onnx cannot load.
                        throw new EmbeddingsCompanionMissingException();
                    }

                case EngramEmbedder.OpenAI:
                    var options = new OpenAiEmbeddingOptions { Endpoint = EmbeddingEndpoint ?? OpenAiEmbeddingOptions.OpenAiEndpoint };
                    if (!string.IsNullOrWhiteSpace(EmbeddingModel))
                    {
                        options.Model = EmbeddingModel!;
                    }

                    // No key here: the generator reads OPENAI_API_KEY itself.
                    return EmbeddingKey != null && EmbeddingKey.Length > 0
                        ? new OpenAiEmbeddingGenerator(options, EmbeddingKey)
                        : new OpenAiEmbeddingGenerator(options);

                default:
                    return null;
            }
        }

        /// <summary>Its own method, never inlined: naming the type loads Engram.Embeddings.Onnx, which only the companion module carries.</summary>
        [MethodImpl(MethodImplOptions.NoInlining)]
        private static IEmbeddingGenerator<string, Embedding<float>> CreateLocalEmbedder() =>
            new Engram.Embeddings.Onnx.MiniLmEmbeddingGenerator();

        private static string Digest(SecureString? key)
        {
            if (key == null || key.Length == 0)
            {
                return "";
            }

            using var sha = SHA256.Create();
            return Convert.ToBase64String(sha.ComputeHash(Encoding.UTF8.GetBytes(SecretText.ToPlainText(key))));
        }

        private sealed class Owned : IDisposable
        {
            private readonly IDisposable? _embedder;
            private readonly IDisposable? _chat;

            public Owned(IDisposable? embedder, IDisposable? chat)
            {
                _embedder = embedder;
                _chat = chat;
            }

            public void Dispose()
            {
                _chat?.Dispose();
                _embedder?.Dispose();
            }
        }
    }
}
