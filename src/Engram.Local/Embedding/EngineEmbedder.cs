using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;

namespace Engram.Local.Embedding
{
    /// <summary>
    /// The engine's view of its <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/>: one call per batch,
    /// every vector checked for length and L2-normalised (cosine is then a dot product), copied so the
    /// generator may reuse its buffers.
    /// </summary>
    internal sealed class EngineEmbedder
    {
        private readonly IEmbeddingGenerator<string, Embedding<float>> _generator;

        private EngineEmbedder(IEmbeddingGenerator<string, Embedding<float>> generator, EmbedderIdentity identity)
        {
            _generator = generator;
            Identity = identity;
        }

        public EmbedderIdentity Identity { get; }

        public int Dimensions => Identity.Dimensions;

        /// <summary>
        /// Wraps <paramref name="generator"/>. Its dimensions come from its metadata; a generator that declares
        /// none is asked for one vector to find out.
        /// </summary>
        public static EngineEmbedder Create(IEmbeddingGenerator<string, Embedding<float>> generator)
        {
            if (generator == null)
            {
                throw new ArgumentNullException(nameof(generator));
            }

            var metadata = generator.GetService(typeof(EmbeddingGeneratorMetadata)) as EmbeddingGeneratorMetadata;
            var dimensions = metadata?.DefaultModelDimensions;
            if (dimensions == null || dimensions <= 0)
            {
                // Opening an engine is synchronous; this one probe is the only blocking call on the generator.
                var probe = generator.GenerateAsync(new[] { "dimension probe" }).ConfigureAwait(false).GetAwaiter().GetResult();
                if (probe.Count != 1 || probe[0].Vector.Length == 0)
                {
                    throw new InvalidOperationException("The embedder returned no vector for a probe text, so its dimensions are unknown.");
                }

                dimensions = probe[0].Vector.Length;
            }

            return new EngineEmbedder(generator, EmbedderIdentity.Of(generator, dimensions.Value));
        }

        /// <summary>One L2-normalised vector per text, in order, from a single generator call.</summary>
        public async Task<float[][]> EmbedAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken)
        {
            if (texts.Count == 0)
            {
                return Array.Empty<float[]>();
            }

            var generated = await _generator.GenerateAsync(texts, null, cancellationToken).ConfigureAwait(false);
            if (generated == null || generated.Count != texts.Count)
            {
                throw new InvalidOperationException(
                    $"The embedder {Identity} returned {generated?.Count ?? 0} vectors for {texts.Count} texts.");
            }

            var vectors = new float[texts.Count][];
            for (var i = 0; i < texts.Count; i++)
            {
                var source = generated[i].Vector;
                if (source.Length != Dimensions)
                {
                    throw new InvalidOperationException(
                        $"The embedder {Identity} returned a vector of {source.Length} dimensions (expected {Dimensions}).");
                }

                var vector = source.ToArray();
                VectorMath.NormalizeInPlace(vector);
                vectors[i] = vector;
            }

            return vectors;
        }

        public async Task<float[]> EmbedAsync(string text, CancellationToken cancellationToken) =>
            (await EmbedAsync(new[] { text }, cancellationToken).ConfigureAwait(false))[0];
    }
}
