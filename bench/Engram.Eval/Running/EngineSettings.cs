using System;
using System.Collections.Generic;
using Engram.Local;

namespace Engram.Eval.Running
{
    /// <summary>The engine configurations evaluated: a name for the table and how it sets the engine's options.</summary>
    public sealed class EngineSetting
    {
        public EngineSetting(string name, Action<LocalEngineOptions> configure)
        {
            Name = name;
            Configure = configure;
        }

        public string Name { get; }

        public Action<LocalEngineOptions> Configure { get; }

        public LocalEngineOptions Options(EvalEmbedder embedder)
        {
            var options = new LocalEngineOptions { InMemory = true, Embedder = embedder.ForEngine() };
            Configure(options);
            return options;
        }

        public static readonly IReadOnlyList<EngineSetting> All = new[]
        {
            new EngineSetting("engine (default)", _ => { }),
            new EngineSetting("engine lexical only", o => o.Retrieval = RetrievalMode.LexicalOnly),
            new EngineSetting("engine dense only", o => o.Retrieval = RetrievalMode.DenseOnly),
        };
    }
}
