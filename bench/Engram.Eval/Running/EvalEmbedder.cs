using System;
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
        private IEmbeddingGenerator<string, Embedding<float>>? _shared;

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

        /// <summary>The instance handed to the engine (one per run, so a model loads once).</summary>
        public IEmbeddingGenerator<string, Embedding<float>> ForEngine() => _shared ??= _create();

        public async Task<float[][]> EmbedAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken)
        {
            var generated = await ForEngine().GenerateAsync(texts, null, cancellationToken).ConfigureAwait(false);
            return generated.Select(e => e.Vector.ToArray()).ToArray();
        }
    }
}
