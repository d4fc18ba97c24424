using System.Collections.Generic;
using System.Text.Json;

namespace Engram.Client
{
    /// <summary>Result of a buffered query, and the payload of a stream's done event (wire spec §4.8).</summary>
    public sealed class QueryResult
    {
        /// <summary>Answer text; empty with skip_synthesis.</summary>
        public string Answer { get; set; } = "";

        /// <summary>
        /// Parsed JSON answer. Null when the server sent none (prose answers);
        /// a JsonElement of kind Null when the server sent <c>null</c> (the model's output was not JSON).
        /// </summary>
        public JsonElement? AnswerJson { get; set; }

        public int MemoriesFound { get; set; }

        public QueryExplanation? Explanation { get; set; }

        public QueryUsage? Usage { get; set; }

        /// <summary>Raw usage of the synthesis call; schema not pinned by the protocol.</summary>
        public JsonElement? SynthesisUsage { get; set; }

        public bool? Success { get; set; }

        /// <summary>The text after the last <c>FINAL ANSWER:</c> marker, or the whole answer when there is none.</summary>
        public string GetFinalAnswer()
        {
            const string marker = "FINAL ANSWER:";
            var at = Answer.LastIndexOf(marker, System.StringComparison.Ordinal);
            return at < 0 ? Answer : Answer.Substring(at + marker.Length).Trim();
        }
    }

    /// <summary>Provenance of a query (wire spec §4.9).</summary>
    public sealed class QueryExplanation
    {
        public IReadOnlyList<RetrievedMemory> RetrievedMemories { get; set; } = new List<RetrievedMemory>();

        public IReadOnlyList<GraphFact> GraphFacts { get; set; } = new List<GraphFact>();

        public IReadOnlyList<EntityMatch> EntityMatches { get; set; } = new List<EntityMatch>();

        /// <summary>Token size of the retrieval context; 0 is meaningful, null means absent.</summary>
        public int? ContextTokens { get; set; }

        /// <summary>Profile of the single queried bucket (legacy form).</summary>
        public string? Profile { get; set; }

        /// <summary>Bucket name to profile text (null when that bucket has no snapshot).</summary>
        public IReadOnlyDictionary<string, string?>? Profiles { get; set; }
    }

    /// <summary>One retrieval result. Legacy <c>{id, score, bucket}</c> shapes decode into the same fields.</summary>
    public sealed class RetrievedMemory
    {
        public string MemoryId { get; set; } = "";

        public string? BucketId { get; set; }

        public string? BucketName { get; set; }

        public string Content { get; set; } = "";

        /// <summary>Raw cosine similarity in [0, 1].</summary>
        public double? RawScore { get; set; }

        public double? Weight { get; set; }

        /// <summary>Ranking score.</summary>
        public double? WeightedScore { get; set; }

        public JsonElement? Metadata { get; set; }
    }

    /// <summary>A knowledge-graph triple used as evidence.</summary>
    public sealed class GraphFact
    {
        public string Subject { get; set; } = "";

        public string Predicate { get; set; } = "";

        public string Object { get; set; } = "";

        public string? MemoryId { get; set; }

        public string? BucketId { get; set; }

        public string? BucketName { get; set; }

        /// <summary>Hops from the seed entity; 0 = direct fact.</summary>
        public int? Depth { get; set; }

        public double? Weight { get; set; }

        public string? Timestamp { get; set; }

        /// <summary>Set when an old server sent the fact as a plain string instead of an object.</summary>
        public string? Text { get; set; }

        /// <summary>"subject predicate object" (or the old servers' text), so a list of facts reads as text.</summary>
        public override string ToString() => Text ?? (Subject + " " + Predicate + " " + Object);
    }

    public sealed class EntityMatch
    {
        public string Entity { get; set; } = "";

        public string? BucketName { get; set; }

        public double? Score { get; set; }

        public override string ToString() => Entity;
    }

    /// <summary>Token accounting of a query (wire spec §4.10).</summary>
    public sealed class QueryUsage
    {
        public int InputTokens { get; set; }

        public int OutputTokens { get; set; }

        public int ContextTokens { get; set; }

        public int ActualInputTokens { get; set; }

        public int ActualOutputTokens { get; set; }

        public override string ToString() => string.Format(
            System.Globalization.CultureInfo.InvariantCulture,
            "input {0}, output {1}, context {2} tokens",
            InputTokens,
            OutputTokens,
            ContextTokens);
    }
}
