using System;
using System.ClientModel;
using System.ClientModel.Primitives;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Runtime.InteropServices;
using System.Security;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;
using OpenAI;
using EmbeddingClient = OpenAI.Embeddings.EmbeddingClient;

namespace Engram.Embeddings.OpenAI
{
    /// <summary>
    /// Embeddings from an OpenAI-compatible endpoint (OpenAI, Azure OpenAI, Ollama, LM Studio, Together,
    /// Fireworks, ...) through the official OpenAI SDK and Microsoft.Extensions.AI.OpenAI, with the user's own
    /// key. Many texts go in one request (up to <see cref="OpenAiEmbeddingOptions.MaxBatchSize"/>); vectors come
    /// back L2-normalised. Failures are <see cref="EmbeddingProviderException"/>s that name the provider and what
    /// to do, never the key. Thread-safe.
    /// </summary>
    public sealed class OpenAiEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
    {
        /// <summary>The environment variable read when no key is passed.</summary>
        public const string ApiKeyVariable = "OPENAI_API_KEY";

        // Sent to local servers that need no key: the SDK insists on a non-empty credential.
        private const string NoKey = "no-key";

        private readonly OpenAiEmbeddingOptions _options;
        private readonly IEmbeddingGenerator<string, Embedding<float>> _inner;
        private readonly ProviderErrorTranslator _errors;
        private readonly string _provider;
        private EmbeddingGeneratorMetadata _metadata;
        private int _dimensions;

        /// <summary>Uses <paramref name="apiKey"/>, else OPENAI_API_KEY; a loopback endpoint (Ollama, LM Studio) may have neither.</summary>
        public OpenAiEmbeddingGenerator(OpenAiEmbeddingOptions options, string? apiKey = null)
        {
            _options = Validate(options);
            _provider = string.IsNullOrWhiteSpace(options.ProviderName) ? ProviderNames.FromEndpoint(options.Endpoint) : options.ProviderName!;
            var key = string.IsNullOrEmpty(apiKey) ? Environment.GetEnvironmentVariable(ApiKeyVariable) : apiKey;
            _errors = new ProviderErrorTranslator(_provider, options.Endpoint, options.Model, string.IsNullOrEmpty(key) ? null : key, options.MaxRetries);
            if (string.IsNullOrEmpty(key))
            {
                if (!options.Endpoint.IsLoopback)
                {
                    throw _errors.MissingKey();
                }

                key = NoKey;
            }

            var clientOptions = new OpenAIClientOptions
            {
                Endpoint = options.Endpoint,
                NetworkTimeout = options.Timeout,
                RetryPolicy = new ClientRetryPolicy(options.MaxRetries),
            };
            if (ProviderNames.IsAzure(options.Endpoint))
            {
                clientOptions.AddPolicy(new ApiKeyHeaderPolicy(key!), PipelinePosition.PerCall);
            }

            var client = new EmbeddingClient(options.Model, new ApiKeyCredential(key!), clientOptions);
            _inner = client.AsIEmbeddingGenerator(options.Dimensions);
            _dimensions = options.Dimensions ?? ProviderNames.KnownDimensions(options.Model) ?? 0;
            _metadata = CreateMetadata();
        }

        /// <summary>Uses the key held in <paramref name="apiKey"/> (as PowerShell's Read-Host -AsSecureString gives it).</summary>
        public OpenAiEmbeddingGenerator(OpenAiEmbeddingOptions options, SecureString apiKey)
            : this(options, Reveal(apiKey))
        {
        }

        public string ProviderName => _provider;

        public Uri Endpoint => _options.Endpoint;

        public string Model => _options.Model;

        /// <summary>The vector length: as configured, known for OpenAI's models, or learnt from the first answer (0 until then).</summary>
        public int Dimensions => Volatile.Read(ref _dimensions);

        public EmbeddingGeneratorMetadata Metadata => Volatile.Read(ref _metadata);

        public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
            IEnumerable<string> values,
            EmbeddingGenerationOptions? options = null,
            CancellationToken cancellationToken = default)
        {
            if (values == null)
            {
                throw new ArgumentNullException(nameof(values));
            }

            var texts = values as IReadOnlyList<string> ?? values.ToList();
            var all = new GeneratedEmbeddings<Embedding<float>>(texts.Count);
            for (var start = 0; start < texts.Count; start += _options.MaxBatchSize)
            {
                var chunk = texts.Skip(start).Take(Math.Min(_options.MaxBatchSize, texts.Count - start)).ToList();
                var answer = await CallAsync(chunk, options, cancellationToken).ConfigureAwait(false);
                if (answer.Count != chunk.Count)
                {
                    throw _errors.InvalidResponse($"{answer.Count} embeddings came back for {chunk.Count} texts.");
                }

                foreach (var embedding in answer)
                {
                    all.Add(Normalized(embedding));
                }

                if (answer.Usage != null)
                {
                    all.Usage ??= new UsageDetails();
                    all.Usage.Add(answer.Usage);
                }
            }

            return all;
        }

        private async Task<GeneratedEmbeddings<Embedding<float>>> CallAsync(IReadOnlyList<string> texts, EmbeddingGenerationOptions? options, CancellationToken cancellationToken)
        {
            try
            {
                return await _inner.GenerateAsync(texts, options, cancellationToken).ConfigureAwait(false);
            }
            catch (ClientResultException e)
            {
                throw _errors.Translate(e);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw _errors.Timeout(_options.Timeout);
            }
            catch (HttpRequestException e)
            {
                throw _errors.Unreachable(e);
            }
            catch (Exception e) when (e is FormatException || e is JsonException || e is InvalidOperationException || e is KeyNotFoundException)
            {
                throw _errors.InvalidResponse(e.Message);
            }
        }

        private Embedding<float> Normalized(Embedding<float> embedding)
        {
            var vector = embedding.Vector.ToArray();
            var expected = Dimensions;
            if (expected == 0)
            {
                // The first answer tells the length; the identity now includes it.
                Interlocked.CompareExchange(ref _dimensions, vector.Length, 0);
                Volatile.Write(ref _metadata, CreateMetadata());
                expected = Dimensions;
            }

            if (vector.Length != expected)
            {
                throw _errors.InvalidResponse($"a {vector.Length}-dimension vector came back where {expected} were expected.");
            }

            double sum = 0;
            foreach (var x in vector)
            {
                sum += (double)x * x;
            }

            if (sum > 0)
            {
                var scale = (float)(1.0 / Math.Sqrt(sum));
                for (var i = 0; i < vector.Length; i++)
                {
                    vector[i] *= scale;
                }
            }

            return new Embedding<float>(vector)
            {
                ModelId = embedding.ModelId ?? _options.Model,
                CreatedAt = embedding.CreatedAt ?? DateTimeOffset.UtcNow,
            };
        }

        private EmbeddingGeneratorMetadata CreateMetadata() =>
            new EmbeddingGeneratorMetadata(_provider, _options.Endpoint, _options.Model, Dimensions == 0 ? (int?)null : Dimensions);

        public object? GetService(Type serviceType, object? serviceKey = null)
        {
            if (serviceType == null)
            {
                throw new ArgumentNullException(nameof(serviceType));
            }

            if (serviceKey != null)
            {
                return null;
            }

            if (serviceType == typeof(EmbeddingGeneratorMetadata))
            {
                return Metadata;
            }

            return serviceType.IsInstanceOfType(this) ? this : null;
        }

        public override string ToString() => $"{_provider} embeddings ({_options.Model} at {_options.Endpoint})";

        public void Dispose() => _inner.Dispose();

        private static OpenAiEmbeddingOptions Validate(OpenAiEmbeddingOptions options)
        {
            if (options == null)
            {
                throw new ArgumentNullException(nameof(options));
            }

            if (options.Endpoint == null || !options.Endpoint.IsAbsoluteUri)
            {
                throw new ArgumentException("Endpoint must be an absolute URI such as https://api.openai.com/v1.", nameof(options));
            }

            if (string.IsNullOrWhiteSpace(options.Model))
            {
                throw new ArgumentException("Model must name the embedding model, such as text-embedding-3-small.", nameof(options));
            }

            if (options.Dimensions <= 0 || options.MaxBatchSize < 1 || options.MaxRetries < 0 || options.Timeout <= TimeSpan.Zero)
            {
                throw new ArgumentException("Dimensions and MaxBatchSize must be positive, MaxRetries not negative, Timeout above zero.", nameof(options));
            }

            return options;
        }

        private static string? Reveal(SecureString secure)
        {
            if (secure == null || secure.Length == 0)
            {
                return null;
            }

            var pointer = Marshal.SecureStringToGlobalAllocUnicode(secure);
            try
            {
                return Marshal.PtrToStringUni(pointer);
            }
            finally
            {
                Marshal.ZeroFreeGlobalAllocUnicode(pointer);
            }
        }
    }
}
