using System;
using System.Collections.Generic;

namespace Engram.Local.Retrieval
{
    /// <summary>
    /// Recency as a ranking signal among near-duplicates only: memories in a ranked list that are versions
    /// of one fact (cosine ≥ the embedder's <c>NearDuplicate</c> calibration with each other and a shared
    /// subject, <see cref="Text.SubjectTokens"/>, directly or through a chain) keep the positions the group earned, but take them newest first — so a correction
    /// ("rate limit raised to 600") ranks above the stale fact ("rate limit is 300"). Memories without a
    /// near-duplicate in the list keep their place; there is no global date bias. Then <see cref="PromoteNewer"/>: a
    /// newer version of a fact ranks directly above the older one, however far apart their scores.
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

        /// <summary>
        /// How many of the ranked memories <see cref="PromoteNewer"/> looks at. Measured on bench/eval: 30 and 50 rank
        /// every set as 15 does (a version far below the top is seldom worth lifting), at twice the texts to compare.
        /// </summary>
        public const int VersionDepth = 15;

        /// <summary>
        /// Recency between versions of one fact (<see cref="FactVersion.AreVersions"/>), wherever the fused scores put
        /// them: each newer version moves directly above the highest-ranked older version of it, unless the question uses
        /// a word of the older one that the newer lacks (<see cref="FactVersion.QuestionNamesOlder"/>: "Which service
        /// had 300 requests a minute?" keeps the 300 fact where it ranked). <paramref name="versions"/> holds the first
        /// <see cref="VersionDepth"/> memories' texts as ranked (null: not read). Measured on bench/eval (hashing /
        /// MiniLM), "old above correction" on facts 0.38 → 0.06 / 0.47 → 0.03, facts-scale 0.47 → 0.03 / 0.47 → 0.03;
        /// conversations, where a reply with the details follows the announcement it continues, R@1 0.34 → 0.41 / 0.51 → 0.53.
        /// The constants were tuned together (figures in <see cref="FactVersion"/>, measured before its topic check was
        /// added, which changed no set by more than 0.01).
        /// </summary>
        public static void PromoteNewer(List<RetrievalCandidate> ranked, IReadOnlyList<FactVersion?> versions, ISet<string> questionWords)
        {
            var n = Math.Min(VersionDepth, Math.Min(ranked.Count, versions.Count));
            var order = new List<int>(n);
            for (var i = 0; i < n; i++)
            {
                order.Add(i);
            }

            var moved = false;
            for (var k = 1; k < n; k++)
            {
                var j = order[k];
                var newer = versions[j];
                if (newer == null)
                {
                    continue;
                }

                for (var p = 0; p < k; p++)
                {
                    var i = order[p];
                    var older = versions[i];
                    if (older != null && ranked[i].Seq < ranked[j].Seq && FactVersion.AreVersions(older, newer)
                        && !FactVersion.QuestionNamesOlder(older, newer, questionWords))
                    {
                        order.RemoveAt(k);
                        order.Insert(p, j);
                        moved = true;
                        break;
                    }
                }
            }

            if (!moved)
            {
                return;
            }

            var reordered = new RetrievalCandidate[n];
            for (var k = 0; k < n; k++)
            {
                reordered[k] = ranked[order[k]];
            }

            for (var k = 0; k < n; k++)
            {
                ranked[k] = reordered[k];
            }
        }
    }
}
