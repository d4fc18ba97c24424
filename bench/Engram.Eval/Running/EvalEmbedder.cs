using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Engram.Local;

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

        public static readonly IReadOnlyList<string> Known = new[] { "hashing" };

        public static IReadOnlyList<EvalEmbedder> Parse(string? option)
        {
            var names = string.IsNullOrEmpty(option) || option == "all" ? Known : option!.Split(',').Select(s => s.Trim()).ToList();
            return names.Select(Create).ToList();
        }

        public static EvalEmbedder Create(string name) => name switch
        {
            "hashing" => new EvalEmbedder("hashing", () => new HashingEmbedder()),
            _ => throw new ArgumentException($"Unknown embedder '{name}'. Known: {string.Join(", ", Known)}, all."),
        };

        /// <summary>The instance handed to the engine (one per run, so a model loads once).</summary>
        public IEmbedder ForEngine() => _shared ??= _create();

        public Task<float[][]> EmbedAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken)
        {
            var embedder = ForEngine();
            return Task.FromResult(texts.Select(embedder.Embed).ToArray());
        }
    }
}
