using System.Collections.Generic;
using System.Text.Json.Serialization;

namespace Engram.Eval.Sets
{
    /// <summary>One line of a set's memories file: what gets stored, in file order (oldest first).</summary>
    public sealed class EvalMemory
    {
        [JsonPropertyName("id")]
        public string Id { get; set; } = "";

        /// <summary>When the fact was learned / the turn was said (UTC, ISO 8601). File order follows it.</summary>
        [JsonPropertyName("ts")]
        public string Timestamp { get; set; } = "";

        /// <summary>The memory content exactly as stored.</summary>
        [JsonPropertyName("text")]
        public string Text { get; set; } = "";

        /// <summary>fact, old (superseded), correction, distractor (facts); turn (conversations); scale (generated filler).</summary>
        [JsonPropertyName("kind")]
        public string Kind { get; set; } = "";

        /// <summary>For a correction: the id of the old fact it replaces.</summary>
        [JsonPropertyName("corrects")]
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public string? Corrects { get; set; }

        [JsonPropertyName("conversation")]
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public string? Conversation { get; set; }

        [JsonPropertyName("session")]
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public string? Session { get; set; }

        [JsonPropertyName("speaker")]
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public string? Speaker { get; set; }
    }

    /// <summary>One line of a set's questions file.</summary>
    public sealed class EvalQuestion
    {
        [JsonPropertyName("id")]
        public string Id { get; set; } = "";

        [JsonPropertyName("question")]
        public string Question { get; set; } = "";

        /// <summary>Ids of the memories that answer it; a hit is the best rank of any of them.</summary>
        [JsonPropertyName("evidence")]
        public List<string> Evidence { get; set; } = new List<string>();

        /// <summary>
        /// Facts: paraphrase (shares at most one content word with its evidence) or lexical.
        /// Conversations: the event type asked about (trip, job, purchase, meeting, move, pet, race).
        /// </summary>
        [JsonPropertyName("kind")]
        public string Kind { get; set; } = "";

        /// <summary>Content words (stop words removed, porter-stemmed) the question shares with its evidence.</summary>
        [JsonPropertyName("shared")]
        public int SharedContentWords { get; set; }

        /// <summary>True when the evidence is a correction of an older, also stored fact.</summary>
        [JsonPropertyName("correction")]
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
        public bool AboutCorrection { get; set; }
    }
}
