using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;

namespace Engram.Embeddings.Onnx
{
    /// <summary>
    /// Local all-MiniLM-L6-v2 sentence embeddings: 384 dimensions, mean pooling, L2-normalised, computed
    /// in-process by ONNX Runtime with no network. The model loads on the first embedding (constructing this,
    /// and asking for its metadata, read no more than a 70-byte hash file), so creating it keeps start-up fast.
    /// Thread-safe; one instance serves every caller. Inference runs on the calling thread.
    /// </summary>
    public sealed class MiniLmEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
    {
        /// <summary>The provider name in the embedder identity <c>{provider}/{model}/{dimensions}</c>.</summary>
        public const string ProviderName = "local-onnx";

        public const string ModelName = "all-MiniLM-L6-v2";

        public const int Dimensions = MiniLmModel.Dimensions;

        private readonly MiniLmOptions _options;
        private readonly MiniLmModelFiles _files;
        private readonly Lazy<EmbeddingGeneratorMetadata> _metadata;
        private readonly object _loadGate = new object();
        private volatile MiniLmModel? _model;
        private bool _disposed;

        public MiniLmEmbeddingGenerator(MiniLmOptions? options = null)
        {
            _options = options ?? new MiniLmOptions();
            if (_options.IntraOpThreads < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(options), _options.IntraOpThreads, "IntraOpThreads must be at least 1.");
            }

            if (_options.MaxBatchSize < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(options), _options.MaxBatchSize, "MaxBatchSize must be at least 1.");
            }

            _files = new MiniLmModelFiles(_options.ModelDirectory);
            _metadata = new Lazy<EmbeddingGeneratorMetadata>(() => new EmbeddingGeneratorMetadata(
                ProviderName, new Uri(_files.Directory + System.IO.Path.DirectorySeparatorChar), ModelId, Dimensions));
        }

        /// <summary>
        /// Names the model version and the pooling, e.g. <c>all-MiniLM-L6-v2@4a64cee3;mean;l2</c>: the first
        /// 8 hex digits of model.onnx's SHA-256, mean pooling, L2 normalisation.
        /// </summary>
        public string ModelId => ModelName + "@" + _files.Sha256.Substring(0, 8) + ";mean;l2";

        /// <summary>The folder the model is read from.</summary>
        public string ModelDirectory => _files.Directory;

        /// <summary>Whether the model has been loaded (it is, from the first embedding on).</summary>
        public bool IsLoaded => _model != null;

        public EmbeddingGeneratorMetadata Metadata => _metadata.Value;

        public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
            IEnumerable<string> values,
            EmbeddingGenerationOptions? options = null,
            CancellationToken cancellationToken = default)
        {
            if (values == null)
            {
                throw new ArgumentNullException(nameof(values));
            }

            cancellationToken.ThrowIfCancellationRequested();
            var texts = values as IReadOnlyList<string> ?? values.ToList();
            var vectors = Embed(texts, cancellationToken);
            var createdAt = DateTimeOffset.UtcNow;
            var modelId = ModelId;
            var embeddings = new GeneratedEmbeddings<Embedding<float>>(vectors.Length);
            foreach (var vector in vectors)
            {
                embeddings.Add(new Embedding<float>(vector) { ModelId = modelId, CreatedAt = createdAt });
            }

            return Task.FromResult(embeddings);
        }

        /// <summary>
        /// Embeds <paramref name="texts"/>, in order. Texts are sorted by token count and run
        /// <see cref="MiniLmOptions.MaxBatchSize"/> at a time, so each run pads little.
        /// </summary>
        internal float[][] Embed(IReadOnlyList<string> texts, CancellationToken cancellationToken)
        {
            var result = new float[texts.Count][];
            if (texts.Count == 0)
            {
                return result;
            }

            var model = EnsureLoaded();
            var tokenized = new long[texts.Count][];
            for (var i = 0; i < texts.Count; i++)
            {
                tokenized[i] = model.Tokenize(texts[i] ?? throw new ArgumentException("A text to embed is null.", nameof(texts)));
            }

            var order = Enumerable.Range(0, texts.Count).OrderBy(i => tokenized[i].Length).ToArray();
            var batchSize = _options.MaxBatchSize;
            for (var start = 0; start < order.Length; start += batchSize)
            {
                var count = Math.Min(batchSize, order.Length - start);
                var run = new long[count][];
                for (var j = 0; j < count; j++)
                {
                    run[j] = tokenized[order[start + j]];
                }

                var vectors = model.Embed(run, cancellationToken);
                for (var j = 0; j < count; j++)
                {
                    result[order[start + j]] = vectors[j];
                }
            }

            return result;
        }

        /// <summary>The token ids the model sees for <paramref name="text"/> ([CLS] ... [SEP], at most 256).</summary>
        internal long[] Tokenize(string text) => EnsureLoaded().Tokenize(text);

        /// <summary>Loads the model now (it otherwise loads on the first embedding). Safe to call repeatedly.</summary>
        public void Load() => EnsureLoaded();

        private MiniLmModel EnsureLoaded()
        {
            var model = _model;
            if (model != null)
            {
                return model;
            }

            lock (_loadGate)
            {
                if (_disposed)
                {
                    throw new ObjectDisposedException(nameof(MiniLmEmbeddingGenerator));
                }

                // A failed load is not remembered: the next call tries again (the files may have been installed).
                return _model ??= MiniLmModel.Load(_files, _options.IntraOpThreads);
            }
        }

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

        public override string ToString() => $"{ProviderName} {ModelName} ({Dimensions} dimensions, {_files.Directory})";

        public void Dispose()
        {
            lock (_loadGate)
            {
                _disposed = true;
                _model?.Dispose();
                _model = null;
            }
        }
    }
}
