using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Engram.Bench;
using Engram.Eval.Sets;

namespace Engram.Eval.Running
{
    /// <summary>`Engram.Eval run`: every set × embedder × method, printed as tables and written to docs/retrieval.md.</summary>
    public static class EvalRun
    {
        public static async Task<int> RunAsync(string evalRoot, CommandLine options, CancellationToken cancellationToken)
        {
            var setNames = options.OptionalText("sets")?.Split(',').Select(s => s.Trim()).ToList() ?? EvalSet.Names.ToList();
            var embedders = EvalEmbedder.Parse(options.OptionalText("embedder"));
            var output = options.OptionalText("out") ?? Path.Combine(evalRoot, "..", "..", "docs", "retrieval.md");
            var command = options.OptionalText("command") ?? "dotnet run --project bench/Engram.Eval -c Release -- run";

            var results = new List<SetResult>();
            using var words = new ContentWords();
            foreach (var name in setNames)
            {
                var set = EvalSet.Load(evalRoot, name);
                var problems = SetChecks.Check(set, words).Problems;
                if (problems.Count > 0)
                {
                    Console.Error.WriteLine($"Set {name} has broken labels (run `check`): {problems[0]}");
                    return 1;
                }

                Console.Error.WriteLine($"{name}: {set.Memories.Count} memories, {set.Questions.Count} questions");
                var result = new SetResult(set);
                result.Rows.Add(await MeasureAsync(set, "FTS5 BM25 (porter)", "-", () => new Bm25Retriever(words), cancellationToken).ConfigureAwait(false));
                foreach (var embedder in embedders)
                {
                    result.Rows.Add(await MeasureAsync(set, "dense cosine (brute force)", embedder.Name, () => new DenseRetriever(embedder), cancellationToken).ConfigureAwait(false));
                    foreach (var setting in EngineSetting.All)
                    {
                        result.Rows.Add(await MeasureAsync(set, setting.Name, embedder.Name, () => new EngineRetriever(setting.Options(embedder)), cancellationToken).ConfigureAwait(false));
                    }

                    var merged = await EngineRetriever.MergedUnderDefaultDedupAsync(EngineSetting.All[0].Options(embedder), set.Memories, cancellationToken).ConfigureAwait(false);
                    result.Merges.Add(MergeRow.From(set, embedder.Name, merged));
                }

                Console.WriteLine();
                Console.WriteLine(Report.ConsoleTable(result));
                results.Add(result);
            }

            if (!string.Equals(output, "none", StringComparison.OrdinalIgnoreCase))
            {
                Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
                File.WriteAllText(output, Report.Markdown(results, command, embedders.Select(e => e.Name).ToList()));
                Console.WriteLine($"Wrote {Path.GetFullPath(output)}");
            }

            return 0;
        }

        private static async Task<ScoreRow> MeasureAsync(EvalSet set, string method, string embedder, Func<IRetriever> create, CancellationToken cancellationToken)
        {
            var clock = Stopwatch.StartNew();
            using var retriever = create();
            await retriever.IndexAsync(set.Memories, cancellationToken).ConfigureAwait(false);
            var results = new List<IReadOnlyList<int>>(set.Questions.Count);
            foreach (var question in set.Questions)
            {
                results.Add(await retriever.SearchAsync(question.Question, Scores.TopK, cancellationToken).ConfigureAwait(false));
            }

            var row = Scores.Compute(set, results);
            row.Method = method;
            row.Embedder = embedder;
            row.Seconds = clock.Elapsed.TotalSeconds;
            Console.Error.WriteLine($"  {method,-28} {embedder,-8} R@1 {row.RecallAt1:0.00}  R@5 {row.RecallAt5:0.00}  MRR@10 {row.MrrAt10:0.00}  ({row.Seconds:0.0} s)");
            return row;
        }
    }

    public sealed class SetResult
    {
        public SetResult(EvalSet set) => Set = set;

        public EvalSet Set { get; }
        public List<ScoreRow> Rows { get; } = new List<ScoreRow>();
        public List<MergeRow> Merges { get; } = new List<MergeRow>();
    }

    /// <summary>What the default dedup policy merged away when the set was stored with it.</summary>
    public sealed class MergeRow
    {
        public string Embedder { get; set; } = "";
        public int Merged { get; set; }
        public int ByContentHash { get; set; }
        public int BySimilarity { get; set; }
        public int CorrectionsMerged { get; set; }
        public int QuestionsLosingEvidence { get; set; }

        /// <summary>A few similarity merges of different texts ("merged" text, "into" text), to see what dedup takes for one fact.</summary>
        public List<(string Merged, string Into)> Examples { get; } = new List<(string, string)>();

        public static MergeRow From(EvalSet set, string embedder, IReadOnlyList<MergedMemory> merges)
        {
            var merged = new HashSet<string>(merges.Select(m => m.Id), StringComparer.Ordinal);
            var byId = set.Memories.ToDictionary(m => m.Id, StringComparer.Ordinal);
            var row = new MergeRow
            {
                Embedder = embedder,
                Merged = merged.Count,
                ByContentHash = merges.Count(m => m.Reason == "content_hash"),
                BySimilarity = merges.Count(m => m.Reason == "embedding_similarity"),
                CorrectionsMerged = merged.Count(id => byId[id].Kind == "correction"),
                QuestionsLosingEvidence = set.Questions.Count(q => q.Evidence.All(merged.Contains)),
            };
            foreach (var m in merges.Where(m => m.Reason != "content_hash" && m.Into != null).Take(3))
            {
                row.Examples.Add((byId[m.Id].Text, byId[m.Into!].Text));
            }

            return row;
        }
    }
}
