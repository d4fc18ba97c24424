using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;

namespace Engram.Eval.Sets
{
    /// <summary>A loaded evaluation set: memories in store order and labelled questions.</summary>
    public sealed class EvalSet
    {
        public EvalSet(string name, string description, IReadOnlyList<EvalMemory> memories, IReadOnlyList<EvalQuestion> questions)
        {
            Name = name;
            Description = description;
            Memories = memories;
            Questions = questions;
        }

        public string Name { get; }

        public string Description { get; }

        public IReadOnlyList<EvalMemory> Memories { get; }

        public IReadOnlyList<EvalQuestion> Questions { get; }

        /// <summary>Every set under bench/eval, in report order. <paramref name="evalRoot"/> is the bench/eval folder.</summary>
        public static IReadOnlyList<EvalSet> LoadAll(string evalRoot) => Names.Select(n => Load(evalRoot, n)).ToList();

        public static readonly IReadOnlyList<string> Names = new[] { "facts", "conversations", "facts-scale" };

        public static EvalSet Load(string evalRoot, string name)
        {
            switch (name)
            {
                case "facts":
                    return new EvalSet(name, "agent-memory facts about people, services and customers; paraphrased questions, near-duplicates, corrections",
                        ReadJsonLines<EvalMemory>(Path.Combine(evalRoot, "facts", "memories.jsonl")),
                        ReadJsonLines<EvalQuestion>(Path.Combine(evalRoot, "facts", "questions.jsonl")));
                case "conversations":
                    return new EvalSet(name, "multi-speaker chat transcripts; questions name speakers and events",
                        ReadJsonLines<EvalMemory>(Path.Combine(evalRoot, "conversations", "turns.jsonl")),
                        ReadJsonLines<EvalQuestion>(Path.Combine(evalRoot, "conversations", "questions.jsonl")));
                case "facts-scale":
                    // The facts set with thousands of template-generated memories interleaved by timestamp.
                    var facts = Load(evalRoot, "facts");
                    var filler = ReadJsonLines<EvalMemory>(Path.Combine(evalRoot, "facts-scale", "distractors.jsonl"));
                    var merged = facts.Memories.Concat(filler)
                        .OrderBy(m => m.Timestamp, StringComparer.Ordinal)
                        .ThenBy(m => m.Id, StringComparer.Ordinal)
                        .ToList();
                    return new EvalSet(name, "the facts set plus template-generated distractor memories", merged, facts.Questions);
                default:
                    throw new ArgumentException($"Unknown evaluation set '{name}'. Known: {string.Join(", ", Names)}.");
            }
        }

        /// <summary>Finds bench/eval by walking up from <paramref name="start"/> (a repo checkout or a bin folder).</summary>
        public static string FindEvalRoot(string start)
        {
            for (var dir = new DirectoryInfo(start); dir != null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "bench", "eval");
                if (Directory.Exists(Path.Combine(candidate, "seed")))
                {
                    return candidate;
                }
            }

            throw new DirectoryNotFoundException($"No bench/eval folder above {start}.");
        }

        public static List<T> ReadJsonLines<T>(string path)
        {
            var list = new List<T>();
            var lineNumber = 0;
            foreach (var line in File.ReadLines(path, Encoding.UTF8))
            {
                lineNumber++;
                if (string.IsNullOrWhiteSpace(line))
                {
                    continue;
                }

                try
                {
                    list.Add(JsonSerializer.Deserialize<T>(line) ?? throw new JsonException("null line"));
                }
                catch (JsonException e)
                {
                    throw new InvalidDataException($"{path}:{lineNumber}: {e.Message}", e);
                }
            }

            return list;
        }

        public static void WriteJsonLines<T>(string path, IEnumerable<T> items)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var options = new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
            using var writer = new StreamWriter(path, false, new UTF8Encoding(false)) { NewLine = "\n" };
            foreach (var item in items)
            {
                writer.WriteLine(JsonSerializer.Serialize(item, options));
            }
        }
    }
}
