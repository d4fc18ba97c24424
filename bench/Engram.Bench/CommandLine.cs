using System;
using System.Collections.Generic;
using System.Globalization;

namespace Engram.Bench
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

        public string Text(string name) =>
            _values.TryGetValue(name, out var value) ? value : throw new ArgumentException($"--{name} is required.");

        public string? OptionalText(string name) => _values.TryGetValue(name, out var value) ? value : null;

        public int Int(string name, int? fallback = null)
        {
            if (!_values.TryGetValue(name, out var value))
            {
                return fallback ?? throw new ArgumentException($"--{name} is required.");
            }

            return int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= 0
                ? n
                : throw new ArgumentException($"--{name} must be a non-negative integer, got '{value}'.");
        }
    }
}
