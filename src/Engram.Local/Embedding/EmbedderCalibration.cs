using System;

namespace Engram.Local.Embedding
{
    /// <summary>
    /// Cosine thresholds that depend on the embedder, because each embedder spreads similar and unrelated
    /// texts differently. Chosen by the database's embedder identity; an embedder we have not measured
    /// gets the conservative (merge-shy) values.
    /// </summary>
    internal sealed class EmbedderCalibration
    {
        // Hashing (feature-hashed words, bigrams, trigrams; 256 dims): the protocol's own loose/strict values.
        // Rewordings of one fact ("Backups run nightly at 2am." / "Backups run nightly at 2 am!") score
        // 0.95-0.99; distinct facts that share a subject score <= 0.9.
        public static readonly EmbedderCalibration Hashing = new EmbedderCalibration("hashing", 0.95f, 0.99f, 0.55f);

        // all-MiniLM-L6-v2 (384 dims, mean pooled): see MiniLm below for the measured figures.
        public static readonly EmbedderCalibration MiniLm = new EmbedderCalibration("all-MiniLM-L6-v2", 0.95f, 0.99f, 0.65f);

        // An embedder we have not measured: the protocol's values (wire spec §17 Q13); the fact rule still keeps
        // texts with different numbers apart. Recency only among very close texts.
        public static readonly EmbedderCalibration Unknown = new EmbedderCalibration("unknown", 0.95f, 0.99f, 0.90f);

        private EmbedderCalibration(string name, float looseMerge, float strictMerge, float nearDuplicate)
        {
            Name = name;
            LooseMerge = looseMerge;
            StrictMerge = strictMerge;
            NearDuplicate = nearDuplicate;
        }

        public string Name { get; }

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
