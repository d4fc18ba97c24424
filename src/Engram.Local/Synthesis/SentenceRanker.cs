using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using Engram.Local.Retrieval;
using Engram.Local.Text;

namespace Engram.Local.Synthesis
{
    /// <summary>
    /// Orders the sentences of the retrieved memories by how well each answers the question, for
    /// extractive answers: question words the sentence contains, weighted by how rare they are among the
    /// candidate sentences (a word every sentence has tells nothing), plus a bonus when the sentence holds
    /// the kind of thing the question asks for (who → a name or contact, when → a date or time, how
    /// many/much → a number, where → a place). Retrieval rank breaks ties, so with no overlap at all the
    /// best-ranked memory still comes first.
    /// </summary>
    internal static class SentenceRanker
    {
        private const double KindBonus = 1.0;
        private const double RankPrior = 0.05;

        // Tuning seams for bench/Engram.ByokBench (set from its environment only); the values below are the chosen ones.
        // Measured on bench/eval/facts (151 questions), share whose first sentence comes from an answering memory,
        // old = top-ranked memory's first sentence: hashing embedder 29.8 % old → 33.8 % here (35.1 % at weight 1);
        // all-MiniLM-L6-v2 44.4 % old → 43.0 % here (39.1 % at weight 1). Retrieval weight 5 is the compromise:
        // lexical evidence helps a weak embedder and must not override a good one.
        internal static double RetrievalWeight = 5.0;
        internal static double SupersededFactor = 0.5;
        internal static double SameSubject = 0.35;

        private static readonly Regex DateOrTime = new Regex(
            @"\b(\d{4}-\d{2}-\d{2}|\d{1,2}[:.]\d{2}|\d{1,2}(st|nd|rd|th)?\s+(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)\w*|(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)\w*\s+\d{1,2}|monday|tuesday|wednesday|thursday|friday|saturday|sunday|mondays|tuesdays|wednesdays|thursdays|fridays|saturdays|sundays|today|tomorrow|yesterday|weekly|daily|am|pm|noon|midnight|q[1-4])\b",
            RegexOptions.Compiled | RegexOptions.IgnoreCase);

        private static readonly Regex Number = new Regex(@"\d", RegexOptions.Compiled);
        private static readonly Regex Contact = new Regex(@"[\w.+-]+@[\w-]+\.[\w.]+|\+?\d[\d\s().-]{6,}\d|@\w+", RegexOptions.Compiled);

        // A capitalised word after the first one: a name, team or place.
        private static readonly Regex ProperNoun = new Regex(@"(?<!^)(?<![.!?]\s)\b[A-Z][a-z]+", RegexOptions.Compiled);

        public sealed class Candidate
        {
            public Candidate(string sentence, RetrievalHit hit, int rank, double score)
            {
                Sentence = sentence;
                Hit = hit;
                Rank = rank;
                Score = score;
            }

            public string Sentence { get; }

            public RetrievalHit Hit { get; }

            /// <summary>The memory's retrieval rank (0 = best).</summary>
            public int Rank { get; }

            /// <summary>The answer score without the rank prior; above 0 when the sentence shares meaning with the question.</summary>
            public double Score { get; }
        }

        /// <summary>Every distinct sentence of the hits, best answer first.</summary>
        public static List<Candidate> Rank(IReadOnlyList<RetrievalHit> hits, string? question)
        {
            var sentences = new List<(string Sentence, RetrievalHit Hit, int Rank, HashSet<string> Stems)>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (var rank = 0; rank < hits.Count; rank++)
            {
                foreach (var sentence in ExtractiveSynthesizer.SplitSentences(hits[rank].Row.Content))
                {
                    if (seen.Add(sentence))
                    {
                        sentences.Add((sentence, hits[rank], rank, Stems(sentence)));
                    }
                }
            }

            var questionStems = question == null ? new HashSet<string>() : Stems(question);
            var kind = KindOf(question);
            var documentFrequency = new Dictionary<string, int>();
            foreach (var stem in questionStems)
            {
                documentFrequency[stem] = sentences.Count(s => s.Stems.Contains(stem));
            }

            var superseded = Superseded(hits);
            var topRetrieval = hits.Count == 0 ? 0 : hits.Max(h => h.RankScore);
            var ranked = new List<(Candidate Candidate, double Total, int Order)>();
            for (var i = 0; i < sentences.Count; i++)
            {
                var s = sentences[i];
                double score = 0;
                foreach (var stem in questionStems)
                {
                    if (s.Stems.Contains(stem))
                    {
                        score += Math.Log(1.0 + (double)sentences.Count / documentFrequency[stem]);
                    }
                }

                if (score > 0 && kind != null && kind(s.Sentence))
                {
                    score += KindBonus;
                }

                // Retrieval's own judgement (BM25 and embedding fused), relative to the best hit.
                var retrieval = topRetrieval > 0 ? RetrievalWeight * s.Hit.RankScore / topRetrieval : 0;
                var total = score + retrieval + RankPrior / (1 + s.Rank);
                if (superseded.Contains(s.Hit))
                {
                    total *= SupersededFactor;
                }

                ranked.Add((new Candidate(s.Sentence, s.Hit, s.Rank, score), total, i));
            }

            return ranked
                .OrderByDescending(r => r.Total)
                .ThenBy(r => r.Order)
                .Select(r => r.Candidate)
                .ToList();
        }

        /// <summary>
        /// Memories a newer retrieved memory about the same subject (most of their words shared) replaces:
        /// "raised the rate limit to 600" after "rate limit of 300". Newest wins, as in the grounded prompt.
        /// </summary>
        private static HashSet<RetrievalHit> Superseded(IReadOnlyList<RetrievalHit> hits)
        {
            var superseded = new HashSet<RetrievalHit>();
            var stems = hits.Select(h => Stems(h.Row.Content)).ToList();
            for (var i = 0; i < hits.Count; i++)
            {
                for (var j = 0; j < hits.Count; j++)
                {
                    if (i == j || string.CompareOrdinal(hits[j].Row.CreatedAt, hits[i].Row.CreatedAt) <= 0)
                    {
                        continue;
                    }

                    var shared = stems[i].Count(stems[j].Contains);
                    var union = stems[i].Count + stems[j].Count - shared;
                    if (union > 0 && (double)shared / union >= SameSubject)
                    {
                        superseded.Add(hits[i]);
                        break;
                    }
                }
            }

            return superseded;
        }

        private static Func<string, bool>? KindOf(string? question)
        {
            if (question == null)
            {
                return null;
            }

            var words = WordTokenizer.Words(question);
            if (words.Contains("who") || words.Contains("whom") || words.Contains("whose") || words.Contains("call") || words.Contains("contact"))
            {
                return s => Contact.IsMatch(s) || ProperNoun.IsMatch(s);
            }

            if (words.Contains("when") || (words.Contains("what") && (words.Contains("time") || words.Contains("date") || words.Contains("day"))))
            {
                return s => DateOrTime.IsMatch(s);
            }

            if (words.Contains("how") && (words.Contains("many") || words.Contains("much") || words.Contains("long") || words.Contains("often")))
            {
                return s => Number.IsMatch(s) || DateOrTime.IsMatch(s);
            }

            if (words.Contains("where"))
            {
                return s => ProperNoun.IsMatch(s) || s.IndexOf("://", StringComparison.Ordinal) >= 0;
            }

            return null;
        }

        /// <summary>Content words cut to a crude stem, so "deploys" meets "deployed" and "deployment".</summary>
        private static HashSet<string> Stems(string text) =>
            new HashSet<string>(WordTokenizer.Words(text).Where(WordTokenizer.IsContentWord).Select(Stem), StringComparer.Ordinal);

        private static string Stem(string word)
        {
            foreach (var suffix in new[] { "ments", "ment", "ings", "ing", "ies", "ied", "ed", "es", "s" })
            {
                if (word.Length > suffix.Length + 3 && word.EndsWith(suffix, StringComparison.Ordinal))
                {
                    return word.Substring(0, word.Length - suffix.Length);
                }
            }

            return word;
        }
    }
}
