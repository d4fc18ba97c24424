using System;
using System.Collections.Generic;

namespace Engram.Eval
{
    /// <summary>"--name value" pairs after the subcommand.</summary>
    public sealed class CommandLine
    {
        private readonly Dictionary<string, string> _values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

        public CommandLine(string[] args, int start)
        {
            for (var i = start; i < args.Length; i += 2)
            {
                if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
                {
                    throw new ArgumentException($"Expected '--name value' pairs, got '{args[i]}'.");
                }

                _values[args[i].Substring(2)] = args[i + 1];
            }
        }

        public string? Optional(string name) => _values.TryGetValue(name, out var value) ? value : null;
    }
}
