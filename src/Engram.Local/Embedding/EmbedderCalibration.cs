using System;
using Engram.Local.Retrieval;

namespace Engram.Local.Embedding
{
    /// <summary>
    /// Cosine thresholds that depend on the embedder, because each embedder spreads similar and unrelated
    /// texts differently. Chosen by the database's embedder identity; an embedder we have not measured
    /// gets the conservative (merge-shy) values.
    /// </summary>
    internal sealed class EmbedderCalibration
    {
        // Fusion tuned on bench/eval (facts, conversations, facts-scale) over a grid of share × adaptivity × gap
        // depth × dense normalisation; figures are hybrid minus the better of BM25-only and dense-only, R@5/MRR@10.
        // Hashing vectors are a weaker lexical signal, so BM25 leads and the share moves toward the list whose top
        // stands out: +0.04/+0.01 facts, +0.00/+0.00 conversations, -0.01/-0.00 facts-scale (a fixed share of 0.4:
        // -0.09/-0.04 on facts-scale).
        private static readonly FusionSettings HashingFusion = new FusionSettings { LexicalShare = 0.6, Adaptivity = 2, GapDepth = 40, DenseMinMax = true };

        // A semantic embedder finds paraphrases BM25 cannot; BM25 adds names and rare words: with MiniLM +0.00/-0.01
        // facts, +0.03/+0.05 conversations, +0.01/+0.01 facts-scale. Fixed share: gap-based adaptivity (0.25) cost
        // 0.03-0.04 MRR@10 on the paraphrase-heavy facts set, and a share of 0.2 cost 0.03.
        private static readonly FusionSettings SemanticFusion = new FusionSettings { LexicalShare = 0.1, Adaptivity = 0, DenseMinMax = false };

        // Measured with the lab pairs and the bench/eval sets (facts: 146 memories, 16 old/correction pairs;
        // conversations: 1,153 turns). Merge thresholds stay the protocol's 0.95/0.99 for both measured embedders:
        // with the fact rule (FactTokens: numbers, ids, names and content words must agree) no distinct turn or fact of the eval
        // sets merges at 0.95 (hashing and MiniLM: 0 similarity merges; exact repeats merge by hash), while a
        // restatement that only changes punctuation scores 1.000 (hashing) and 0.972 (MiniLM) and still merges.
        // Without the fact rule MiniLM scores "rate limit 300"/"600" at 0.972 and "INC-4411 … pg-prod-2" /
        // "INC-4412 … pg-prod-3" at 0.985: those are what the rule keeps apart.
        // NearDuplicate (recency): the cosine at which old/correction pairs of the facts set are grouped —
        // hashing 0.55 groups 10 of 16 pairs (0.65: 3 of 16), MiniLM 0.65 groups 15 of 16 (0.75: 9 of 16);
        // look-alike facts about other subjects are kept out by the shared-subject rule and the fused-score margin.
        public static readonly EmbedderCalibration Hashing = new EmbedderCalibration("hashing", 0.95f, 0.99f, 0.55f, HashingFusion);

        // all-MiniLM-L6-v2 (384 dims, mean pooled).
        public static readonly EmbedderCalibration MiniLm = new EmbedderCalibration("all-MiniLM-L6-v2", 0.95f, 0.99f, 0.65f, SemanticFusion);

        // An embedder we have not measured: the protocol's values (wire spec §17 Q13); the fact rule still keeps
        // texts with different numbers apart. Recency only among very close texts.
        public static readonly EmbedderCalibration Unknown = new EmbedderCalibration("unknown", 0.95f, 0.99f, 0.90f, SemanticFusion);

        private EmbedderCalibration(string name, float looseMerge, float strictMerge, float nearDuplicate, FusionSettings fusion)
        {
            Fusion = fusion;
            Name = name;
            LooseMerge = looseMerge;
            StrictMerge = strictMerge;
            NearDuplicate = nearDuplicate;
        }

        public string Name { get; }

        /// <summary>How lexical and dense evidence are fused: a weak embedder leans on BM25, a semantic one on its vectors.</summary>
        public FusionSettings Fusion { get; }

        /// <summary>Dedup <c>loose</c> (and default): merge at cosine at least this (and no fact differs).</summary>
        public float LooseMerge { get; }

        /// <summary>Dedup <c>strict</c>: merge at cosine at least this (and no fact differs).</summary>
        public float StrictMerge { get; }

        /// <summary>Two retrieved memories this similar are versions of one fact: the newer ranks first.</summary>
        public float NearDuplicate { get; }

        public static EmbedderCalibration For(EmbedderIdentity identity)
        {
            if (identity.ProviderName == HashingEmbedder.ProviderName)
            {
                return Hashing;
            }

            return identity.ModelId.IndexOf("MiniLM-L6", StringComparison.OrdinalIgnoreCase) >= 0 ? MiniLm : Unknown;
        }
    }
}
