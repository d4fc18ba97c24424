using System;
using System.Collections.Generic;

namespace Engram.Local.Retrieval
{
    /// <summary>
    /// Recency as a ranking signal among near-duplicates only: memories in a ranked list that are versions
    /// of one fact (cosine ≥ the embedder's <c>NearDuplicate</c> calibration with each other and a shared
    /// subject, <see cref="Text.SubjectTokens"/>, directly or through a chain) keep the positions the group earned, but take them newest first — so a correction
    /// ("rate limit raised to 600") ranks above the stale fact ("rate limit is 300"). Memories without a
    /// near-duplicate in the list keep their place; there is no global date bias.
    /// </summary>
    internal static class RecencyOrder
    {
        /// <summary>
        /// Reorders the first <paramref name="depth"/> items of <paramref name="ranked"/> (ordered by fused
        /// score) in place. Two are versions of one fact when their cosine is at least
        /// <paramref name="nearDuplicate"/>, <paramref name="sameSubject"/> says they name the same people or
        /// things, and the question found them about equally relevant (fused scores within
        /// <paramref name="margin"/>): recency breaks near-ties, it never lifts a memory the question does not
        /// point at. <paramref name="cosineBetween"/> and <paramref name="sameSubject"/> take positions in
        /// <paramref name="ranked"/> as it was passed in (every pair is judged before anything moves).
        /// </summary>
        public static void Apply(List<RetrievalCandidate> ranked, int depth, Func<int, int, float?> cosineBetween, float nearDuplicate, double margin, Func<int, int, bool> sameSubject)
        {
            var n = Math.Min(depth, ranked.Count);
            var parent = new int[n];
            for (var i = 0; i < n; i++)
            {
                parent[i] = i;
            }

            int Find(int i)
            {
                while (parent[i] != i)
                {
                    parent[i] = parent[parent[i]];
                    i = parent[i];
                }

                return i;
            }

            var grouped = false;
            for (var i = 0; i < n; i++)
            {
                for (var j = i + 1; j < n; j++)
                {
                    // Ranked by fused score, so every later j is further from i than the margin too.
                    if (ranked[i].Fused - ranked[j].Fused > margin)
                    {
                        break;
                    }

                    var cosine = cosineBetween(i, j);
                    if (cosine.HasValue && cosine.Value >= nearDuplicate && sameSubject(i, j))
                    {
                        parent[Find(j)] = Find(i);
                        grouped = true;
                    }
                }
            }

            if (!grouped)
            {
                return;
            }

            var groups = new Dictionary<int, List<int>>();
            for (var i = 0; i < n; i++)
            {
                var root = Find(i);
                if (!groups.TryGetValue(root, out var members))
                {
                    groups[root] = members = new List<int>();
                }

                members.Add(i);
            }

            var reordered = new RetrievalCandidate[n];
            foreach (var members in groups.Values)
            {
                // Positions ascending (as ranked); memories newest first (seq grows with every insert).
                var newestFirst = new List<RetrievalCandidate>(members.Count);
                foreach (var position in members)
                {
                    newestFirst.Add(ranked[position]);
                }

                newestFirst.Sort((a, b) => b.Seq.CompareTo(a.Seq));
                for (var k = 0; k < members.Count; k++)
                {
                    reordered[members[k]] = newestFirst[k];
                }
            }

            for (var i = 0; i < n; i++)
            {
                ranked[i] = reordered[i];
            }
        }
    }
}
