using System.Collections.Generic;
using System.IO;
using System.Text.Json;

namespace Engram.Bench.Measurement
{
    /// <summary>Figures of one subcommand, written as one JSON object for bench/run.ps1.</summary>
    public sealed class ResultFile
    {
        private readonly SortedDictionary<string, object?> _values = new SortedDictionary<string, object?>();

        public object? this[string key]
        {
            set => _values[key] = value;
        }

        public void Save(string path)
        {
            var folder = Path.GetDirectoryName(Path.GetFullPath(path));
            if (!string.IsNullOrEmpty(folder))
            {
                Directory.CreateDirectory(folder);
            }

            File.WriteAllText(path, JsonSerializer.Serialize(_values, new JsonSerializerOptions { WriteIndented = true }));
        }
    }
}
