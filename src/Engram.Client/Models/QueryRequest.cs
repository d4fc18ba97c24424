using System;
using System.Collections.Generic;
using System.Text.Json;

namespace Engram.Client
{
    /// <summary>
    /// A query (wire spec §4.6, §4.7). Defaults match the official clients; nullable options are sent
    /// only when set, so an explicit 0 is sent and an unset value never is.
    /// </summary>
    public sealed class QueryRequest
    {
        public QueryRequest()
        {
        }

        public QueryRequest(string query, params string[] buckets)
        {
            Query = query;
            Buckets = buckets;
        }

        public string Query { get; set; } = "";

        /// <summary>Buckets to search and fuse. Null or empty means <c>["default"]</c>.</summary>
        public IReadOnlyList<string>? Buckets { get; set; }

        public int TopK { get; set; } = EngramLimits.DefaultTopK;

        public bool ReturnExplanation { get; set; } = true;

        public bool SkipSynthesis { get; set; }

        public int? MaxTokens { get; set; }

        /// <summary>Drop candidates whose raw cosine similarity is below this.</summary>
        public double? MinSimilarityThreshold { get; set; }

        /// <summary>Drop results whose weighted score is below this.</summary>
        public double? MinWeightedScore { get; set; }

        public TopKPerBucket? TopKPerBucket { get; set; }

        public ReturnFormat? ReturnFormat { get; set; }

        /// <summary>JSON Schema hint for <see cref="Client.ReturnFormat.Json"/> answers; sent as given.</summary>
        public JsonElement? ResponseSchema { get; set; }

        /// <summary>The buckets that will actually be searched: <see cref="Buckets"/>, or <c>default</c> when empty.</summary>
        public IReadOnlyList<string> EffectiveBuckets =>
            Buckets == null || Buckets.Count == 0 ? new[] { EngramLimits.DefaultBucket } : Buckets;
    }

    /// <summary>
    /// <c>top_k_per_bucket</c>: either one K for every bucket or a K per bucket name
    /// (buckets missing from the map use <see cref="QueryRequest.TopK"/>).
    /// </summary>
    public sealed class TopKPerBucket
    {
        private TopKPerBucket(int? all, IReadOnlyDictionary<string, int>? perBucket)
        {
            All = all;
            PerBucket = perBucket;
        }

        /// <summary>Same K for every bucket, or null when <see cref="PerBucket"/> is used.</summary>
        public int? All { get; }

        /// <summary>K per bucket name, or null when <see cref="All"/> is used.</summary>
        public IReadOnlyDictionary<string, int>? PerBucket { get; }

        public static TopKPerBucket ForAll(int k) => new TopKPerBucket(k, null);

        public static TopKPerBucket ForEach(IReadOnlyDictionary<string, int> perBucket) =>
            new TopKPerBucket(null, perBucket ?? throw new ArgumentNullException(nameof(perBucket)));

        public static implicit operator TopKPerBucket(int k) => ForAll(k);

        public static implicit operator TopKPerBucket(Dictionary<string, int> perBucket) => ForEach(perBucket);

        /// <summary>The depth for one bucket: its map entry, else the int form, else <paramref name="topK"/>.</summary>
        public int Resolve(string bucket, int topK)
        {
            if (PerBucket != null)
            {
                return PerBucket.TryGetValue(bucket, out var k) && k > 0 ? k : topK;
            }

            return All.HasValue && All.Value > 0 ? All.Value : topK;
        }
    }
}
