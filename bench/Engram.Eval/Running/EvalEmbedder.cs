using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Engram.Embeddings.Onnx;
using Engram.Local;
using Microsoft.Extensions.AI;

namespace Engram.Eval.Running
{
    /// <summary>An embedder under evaluation: what the engine is opened with, and the same vectors for the dense baseline.</summary>
    public sealed class EvalEmbedder
    {
        private readonly Func<IEmbeddingGenerator<string, Embedding<float>>> _create;
        private VectorCachingGenerator? _shared;

        private EvalEmbedder(string name, Func<IEmbeddingGenerator<string, Embedding<float>>> create)
        {
            Name = name;
            _create = create;
        }

        public string Name { get; }

        public static readonly IReadOnlyList<string> Known = new[] { "hashing", "minilm" };

        public static IReadOnlyList<EvalEmbedder> Parse(string? option)
        {
            var names = string.IsNullOrEmpty(option) || option == "all" ? Known : option!.Split(',').Select(s => s.Trim()).ToList();
            return names.Select(Create).ToList();
        }

        public static EvalEmbedder Create(string name) => name switch
        {
            "hashing" => new EvalEmbedder("hashing", () => new HashingEmbedder()),
            "minilm" => new EvalEmbedder("minilm", () => new MiniLmEmbeddingGenerator()),
            _ => throw new ArgumentException($"Unknown embedder '{name}'. Known: {string.Join(", ", Known)}, all."),
        };

        /// <summary>
        /// The instance handed to the engine (one per run, so a model loads once). It remembers every vector
        /// it made: each set is stored by several engines and the dense baseline, and the model is
        /// deterministic, so it runs once per text (MiniLM on facts-scale: about a minute instead of four).
        /// </summary>
        public IEmbeddingGenerator<string, Embedding<float>> ForEngine() => _shared ??= new VectorCachingGenerator(_create());

        public async Task<float[][]> EmbedAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken)
        {
            var generated = await ForEngine().GenerateAsync(texts, null, cancellationToken).ConfigureAwait(false);
            return generated.Select(e => e.Vector.ToArray()).ToArray();
        }

        /// <summary>Passes metadata (the engine's embedder identity) through; answers repeated texts from memory.</summary>
        private sealed class VectorCachingGenerator : DelegatingEmbeddingGenerator<string, Embedding<float>>
        {
            private readonly ConcurrentDictionary<string, Embedding<float>> _vectors = new ConcurrentDictionary<string, Embedding<float>>(StringComparer.Ordinal);

            public VectorCachingGenerator(IEmbeddingGenerator<string, Embedding<float>> inner)
                : base(inner)
            {
            }

            public override async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
                IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
            {
                var texts = values as IReadOnlyList<string> ?? values.ToList();
                var missing = texts.Where(t => !_vectors.ContainsKey(t)).Distinct(StringComparer.Ordinal).ToList();
                if (missing.Count > 0)
                {
                    var made = await base.GenerateAsync(missing, options, cancellationToken).ConfigureAwait(false);
                    for (var i = 0; i < missing.Count; i++)
                    {
                        _vectors[missing[i]] = made[i];
                    }
                }

                return new GeneratedEmbeddings<Embedding<float>>(texts.Select(t => _vectors[t]));
            }
        }
    }
}
