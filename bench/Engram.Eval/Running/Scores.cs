using System;
using System.Collections.Generic;
using System.Linq;
using Engram.Eval.Sets;

namespace Engram.Eval.Running
{
    /// <summary>recall@1, recall@5 and MRR@10 of one method on one set, with the paraphrase/lexical split.</summary>
    public sealed class ScoreRow
    {
        public string Method { get; set; } = "";
        public string Embedder { get; set; } = "";
        public int Questions { get; set; }
        public double RecallAt1 { get; set; }
        public double RecallAt5 { get; set; }
        public double MrrAt10 { get; set; }
        public double? RecallAt5Paraphrase { get; set; }
        public double? RecallAt5Lexical { get; set; }

        /// <summary>Share of correction questions where the superseded fact ranks above its correction.</summary>
        public double? OldAboveCorrection { get; set; }

        public double Seconds { get; set; }
    }

    public static class Scores
    {
        public const int TopK = 10;

        /// <summary>
        /// <paramref name="results"/> holds each question's retrieved memory indexes, best first. A question
        /// with several evidence memories is a hit at the rank of the first of them retrieved.
        /// </summary>
        public static ScoreRow Compute(EvalSet set, IReadOnlyList<IReadOnlyList<int>> results)
        {
            var indexOf = new Dictionary<string, int>(StringComparer.Ordinal);
            for (var i = 0; i < set.Memories.Count; i++)
            {
                indexOf[set.Memories[i].Id] = i;
            }

            var ranks = new int?[set.Questions.Count];
            int oldFirst = 0, corrections = 0;
            for (var q = 0; q < set.Questions.Count; q++)
            {
                var question = set.Questions[q];
                var evidence = new HashSet<int>(question.Evidence.Select(id => indexOf[id]));
                ranks[q] = RankOf(results[q], evidence.Contains);
                if (question.AboutCorrection)
                {
                    var correction = set.Memories[indexOf[question.Evidence[0]]];
                    if (correction.Corrects != null && indexOf.TryGetValue(correction.Corrects, out var old))
                    {
                        corrections++;
                        var oldRank = RankOf(results[q], i => i == old) ?? int.MaxValue;
                        if (oldRank < (ranks[q] ?? int.MaxValue))
                        {
                            oldFirst++;
                        }
                    }
                }
            }

            var paraphrase = Enumerable.Range(0, ranks.Length).Where(i => set.Questions[i].SharedContentWords <= SetChecks.MaxSharedForParaphrase).ToList();
            var lexical = Enumerable.Range(0, ranks.Length).Except(paraphrase).ToList();
            return new ScoreRow
            {
                Questions = ranks.Length,
                RecallAt1 = Share(ranks, Enumerable.Range(0, ranks.Length), 1),
                RecallAt5 = Share(ranks, Enumerable.Range(0, ranks.Length), 5),
                MrrAt10 = ranks.Length == 0 ? 0 : ranks.Average(r => r.HasValue && r.Value <= TopK ? 1.0 / r.Value : 0.0),
                RecallAt5Paraphrase = paraphrase.Count == 0 ? null : Share(ranks, paraphrase, 5),
                RecallAt5Lexical = lexical.Count == 0 ? null : Share(ranks, lexical, 5),
                OldAboveCorrection = corrections == 0 ? null : (double)oldFirst / corrections,
            };
        }

        private static int? RankOf(IReadOnlyList<int> retrieved, Func<int, bool> match)
        {
            for (var i = 0; i < retrieved.Count && i < TopK; i++)
            {
                if (match(retrieved[i]))
                {
                    return i + 1;
                }
            }

            return null;
        }

        private static double Share(int?[] ranks, IEnumerable<int> which, int k)
        {
            var list = which.ToList();
            return list.Count == 0 ? 0 : (double)list.Count(i => ranks[i].HasValue && ranks[i]!.Value <= k) / list.Count;
        }
    }
}
