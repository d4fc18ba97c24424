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
        private readonly Func<IEmbedder> _create;
        private IEmbedder? _shared;

        private EvalEmbedder(string name, Func<IEmbedder> create)
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
            "minilm" => new EvalEmbedder("minilm", () => new GeneratorAsEmbedder(new MiniLmEmbeddingGenerator(), MiniLmEmbeddingGenerator.Dimensions)),
            _ => throw new ArgumentException($"Unknown embedder '{name}'. Known: {string.Join(", ", Known)}, all."),
        };

        /// <summary>The instance handed to the engine (one per run, so a model loads once).</summary>
        public IEmbedder ForEngine() => _shared ??= _create();

        public async Task<float[][]> EmbedAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken)
        {
            var embedder = ForEngine();
            if (embedder is GeneratorAsEmbedder adapter)
            {
                var generated = await adapter.Generator.GenerateAsync(texts, null, cancellationToken).ConfigureAwait(false);
                return generated.Select(e => e.Vector.ToArray()).ToArray();
            }

            return texts.Select(embedder.Embed).ToArray();
        }
    }

    /// <summary>An embedding generator behind the engine's one-text-at-a-time embedder interface.</summary>
    internal sealed class GeneratorAsEmbedder : IEmbedder
    {
        public GeneratorAsEmbedder(IEmbeddingGenerator<string, Embedding<float>> generator, int dimensions)
        {
            Generator = generator;
            Dimensions = dimensions;
        }

        public IEmbeddingGenerator<string, Embedding<float>> Generator { get; }

        public int Dimensions { get; }

        public float[] Embed(string text) =>
            Generator.GenerateAsync(new[] { text }).GetAwaiter().GetResult()[0].Vector.ToArray();
    }
}
