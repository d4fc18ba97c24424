using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text;

namespace Engram.Eval.Running
{
    /// <summary>The console tables and docs/retrieval.md.</summary>
    public static class Report
    {
        private static readonly string[] Header =
        {
            "method", "embedder", "R@1", "R@5", "MRR@10", "R@5 paraphrase", "R@5 lexical", "old above correction", "seconds",
        };

        public static string ConsoleTable(SetResult result)
        {
            var rows = result.Rows.Select(Cells).ToList();
            var widths = Header.Select((h, i) => Math.Max(h.Length, rows.Count == 0 ? 0 : rows.Max(r => r[i].Length))).ToArray();
            var text = new StringBuilder();
            text.AppendLine($"{result.Set.Name}: {result.Set.Memories.Count} memories, {result.Set.Questions.Count} questions");
            text.AppendLine(string.Join("  ", Header.Select((h, i) => h.PadRight(widths[i]))));
            text.AppendLine(string.Join("  ", widths.Select(w => new string('-', w))));
            foreach (var row in rows)
            {
                text.AppendLine(string.Join("  ", row.Select((c, i) => i < 2 ? c.PadRight(widths[i]) : c.PadLeft(widths[i]))));
            }

            foreach (var m in result.Merges)
            {
                text.AppendLine($"default dedup ({m.Embedder}): {m.Merged} of {result.Set.Memories.Count} merged, {m.CorrectionsMerged} corrections among them, {m.QuestionsLosingEvidence} questions lost their evidence");
            }

            return text.ToString();
        }

        public static string Markdown(IReadOnlyList<SetResult> results, string command, IReadOnlyList<string> embedders)
        {
            var md = new StringBuilder();
            md.AppendLine("# Retrieval quality");
            md.AppendLine();
            md.AppendLine("Written by `build.ps1 -Task Eval` (bench/Engram.Eval); do not edit by hand. The sets are described in");
            md.AppendLine("[bench/eval/README.md](../bench/eval/README.md).");
            md.AppendLine();
            md.AppendLine($"- Date: {DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC");
            md.AppendLine($"- Machine: {Machine()}");
            md.AppendLine($"- Command: `{command}`");
            md.AppendLine($"- Embedders: {string.Join(", ", embedders)}");
            md.AppendLine();
            md.AppendLine("## How to read the tables");
            md.AppendLine();
            md.AppendLine("Each question is asked once (top_k 10, skip_synthesis) and its evidence memory is looked for in the ranked list.");
            md.AppendLine("**R@1** / **R@5**: share of questions whose evidence is first / in the first five. **MRR@10**: mean of 1/rank of the");
            md.AppendLine("evidence (0 when it is not in the ten); a question with several evidence memories counts at the first of them.");
            md.AppendLine("**R@5 paraphrase** is R@5 over the questions that share at most one content word with their evidence (stop words");
            md.AppendLine("removed, porter-stemmed), **R@5 lexical** over the rest. **old above correction**: of the questions answered by a");
            md.AppendLine("correction, the share where the superseded fact ranks above it (lower is better). **seconds**: store + all queries.");
            md.AppendLine();
            md.AppendLine("Methods: **engine** rows store every memory through `IEngramService.StoreMemoriesAsync` (dedup off) into a fresh");
            md.AppendLine("in-memory `LocalEngine` and read `retrieved_memories` in order. The two baselines are computed in the runner, not by");
            md.AppendLine("the engine: **FTS5 BM25** is a plain SQLite FTS5 table with the porter tokenizer queried with an OR of the question's");
            md.AppendLine("content words; **dense cosine** is brute-force cosine over the same embedder's vectors. The default dedup lines");
            md.AppendLine("store the set once more with the default policy (no dedup field) and count what it merged away.");
            foreach (var result in results)
            {
                md.AppendLine();
                md.AppendLine($"## {result.Set.Name}");
                md.AppendLine();
                md.AppendLine($"{result.Set.Description}: {result.Set.Memories.Count:N0} memories, {result.Set.Questions.Count} questions.");
                md.AppendLine();
                md.AppendLine("| " + string.Join(" | ", Header) + " |");
                md.AppendLine("| " + string.Join(" | ", Header.Select((_, i) => i < 2 ? "---" : "---:")) + " |");
                foreach (var row in result.Rows)
                {
                    md.AppendLine("| " + string.Join(" | ", Cells(row)) + " |");
                }

                md.AppendLine();
                foreach (var m in result.Merges)
                {
                    md.AppendLine($"Default dedup, {m.Embedder} embedder: {m.Merged} of {result.Set.Memories.Count:N0} memories merged " +
                                  $"({m.CorrectionsMerged} of them corrections); {m.QuestionsLosingEvidence} questions lost their evidence.");
                    md.AppendLine();
                }
            }

            return md.ToString().TrimEnd() + "\n";
        }

        private static string[] Cells(ScoreRow r) => new[]
        {
            r.Method, r.Embedder, F(r.RecallAt1), F(r.RecallAt5), F(r.MrrAt10), F(r.RecallAt5Paraphrase), F(r.RecallAt5Lexical),
            F(r.OldAboveCorrection), r.Seconds.ToString("0.0", CultureInfo.InvariantCulture),
        };

        private static string F(double? value) => value.HasValue ? value.Value.ToString("0.00", CultureInfo.InvariantCulture) : "-";

        private static string Machine()
        {
            var cpu = "";
            try
            {
                if (File.Exists("/proc/cpuinfo"))
                {
                    cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':')[1].Trim() ?? "";
                }
            }
            catch (IOException)
            {
            }

            return $"{Environment.ProcessorCount} cores{(cpu.Length > 0 ? " (" + cpu + ")" : "")}, {RuntimeInformation.OSDescription}, " +
                   $"{RuntimeInformation.ProcessArchitecture}, {RuntimeInformation.FrameworkDescription}";
        }
    }
}
