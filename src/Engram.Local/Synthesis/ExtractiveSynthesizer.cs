using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Engram.Local.Retrieval;

namespace Engram.Local.Synthesis
{
    /// <summary>
    /// Answers without a language model by quoting the retrieved memories, best first: their sentences,
    /// each once, joined by spaces and capped at max_tokens (⌈chars/4⌉). It never adds a word of its own
    /// except the fixed reply when nothing was retrieved, so an answer can always be traced to memories.
    /// </summary>
    internal static class ExtractiveSynthesizer
    {
        public const string NothingFound = "No stored memory answers this question.";

        private static readonly Regex SentenceEnd = new Regex(@"(?<=[.!?])\s+|\r?\n+", RegexOptions.Compiled);

        /// <summary>Supporting sentences after the best one: enough for context, few enough to stay an answer.</summary>
        public const int MaxSupportingSentences = 2;

        /// <summary>
        /// The sentence that best answers <paramref name="question"/> (<see cref="SentenceRanker"/>) first, then
        /// at most <see cref="MaxSupportingSentences"/> others that share meaning with the question, within
        /// max_tokens. Without a question, every sentence in rank order (the old concatenation).
        /// </summary>
        public static string ComposeProse(IReadOnlyList<RetrievalHit> hits, int maxTokens, string? question = null)
        {
            var budget = maxTokens * 4;
            var ranked = SentenceRanker.Rank(hits, question);
            if (ranked.Count == 0)
            {
                return Cut(NothingFound, budget);
            }

            var sentences = question == null
                ? ranked.OrderBy(c => c.Rank).Select(c => c.Sentence).ToList()
                : new[] { ranked[0].Sentence }.Concat(ranked.Skip(1).Where(c => c.Score > 0).Take(MaxSupportingSentences).Select(c => c.Sentence)).ToList();

            var answer = new StringBuilder();
            foreach (var sentence in sentences)
            {
                var needed = answer.Length == 0 ? sentence.Length : answer.Length + 1 + sentence.Length;
                if (needed > budget)
                {
                    if (answer.Length == 0)
                    {
                        answer.Append(Cut(sentence, budget));
                    }

                    break;
                }

                if (answer.Length > 0)
                {
                    answer.Append(' ');
                }

                answer.Append(sentence);
            }

            return answer.ToString();
        }

        /// <summary>The best memory for <paramref name="question"/>: the one holding the best-answering sentence.</summary>
        public static RetrievalHit? BestHit(IReadOnlyList<RetrievalHit> hits, string? question) =>
            SentenceRanker.Rank(hits, question).FirstOrDefault()?.Hit;

        /// <summary>
        /// A JSON answer built only from the retrieved memories. Default shape:
        /// <c>{"answer": prose, "memories": [{"memory_id","bucket_name","content"}]}</c>. An object or array
        /// <paramref name="schema"/> with properties is followed where a property can be filled from a
        /// memory (best effort, as the protocol's response_schema is a hint); other properties are null.
        /// </summary>
        public static string ComposeJson(IReadOnlyList<RetrievalHit> hits, int maxTokens, JsonElement? schema, string? question = null)
        {
            var budget = maxTokens * 4;
            var prose = ComposeProse(hits, maxTokens, question);

            // The memory that best answers the question leads, so single-value fields come from it.
            var best = BestHit(hits, question);
            if (best != null && question != null && !ReferenceEquals(best, hits[0]))
            {
                hits = new[] { best }.Concat(hits.Where(h => !ReferenceEquals(h, best))).ToList();
            }

            // Keep the memories that fit the token budget alongside the prose.
            var kept = new List<RetrievalHit>();
            var used = prose.Length;
            foreach (var hit in hits)
            {
                used += hit.Row.Content.Length;
                if (used > budget && kept.Count > 0)
                {
                    break;
                }

                kept.Add(hit);
            }

            using var stream = new MemoryStream();
            using (var writer = new Utf8JsonWriter(stream))
            {
                if (schema.HasValue && TypeOf(schema.Value) == "array" && ItemProperties(schema.Value) is JsonElement itemProps)
                {
                    writer.WriteStartArray();
                    foreach (var hit in kept)
                    {
                        WriteMemoryObject(writer, hit, itemProps);
                    }

                    writer.WriteEndArray();
                }
                else if (schema.HasValue && TypeOf(schema.Value) == "object" && Properties(schema.Value) is JsonElement props)
                {
                    WriteShapedObject(writer, kept, prose, props);
                }
                else
                {
                    writer.WriteStartObject();
                    writer.WriteString("answer", prose);
                    writer.WritePropertyName("memories");
                    WriteDefaultMemories(writer, kept);
                    writer.WriteEndObject();
                }
            }

            return Encoding.UTF8.GetString(stream.ToArray());
        }

        /// <summary>The trimmed, non-empty sentences of one text.</summary>
        internal static IEnumerable<string> SplitSentences(string text)
        {
            foreach (var piece in SentenceEnd.Split(text))
            {
                var sentence = piece.Trim();
                if (sentence.Length > 0)
                {
                    yield return sentence;
                }
            }
        }

        /// <summary>The text cut at the last word boundary within <paramref name="budget"/> characters.</summary>
        private static string Cut(string text, int budget)
        {
            if (text.Length <= budget)
            {
                return text;
            }

            var cut = text.LastIndexOf(' ', Math.Max(0, budget - 1), Math.Min(budget, text.Length));
            return (cut > 0 ? text.Substring(0, cut) : text.Substring(0, budget)).TrimEnd();
        }

        private static void WriteShapedObject(Utf8JsonWriter writer, List<RetrievalHit> hits, string prose, JsonElement properties)
        {
            var top = hits.FirstOrDefault();
            writer.WriteStartObject();
            foreach (var property in properties.EnumerateObject())
            {
                writer.WritePropertyName(property.Name);
                var name = property.Name.ToLowerInvariant();
                var type = TypeOf(property.Value);
                if (type == "array" || IsListName(name))
                {
                    if (ItemProperties(property.Value) is JsonElement itemProps)
                    {
                        writer.WriteStartArray();
                        foreach (var hit in hits)
                        {
                            WriteMemoryObject(writer, hit, itemProps);
                        }

                        writer.WriteEndArray();
                    }
                    else if (TypeOf(ItemsOf(property.Value)) == "string")
                    {
                        writer.WriteStartArray();
                        foreach (var hit in hits)
                        {
                            writer.WriteStringValue(hit.Row.Content);
                        }

                        writer.WriteEndArray();
                    }
                    else
                    {
                        WriteDefaultMemories(writer, hits);
                    }
                }
                else if (IsAnswerName(name))
                {
                    writer.WriteStringValue(prose);
                }
                else if (IsCountName(name))
                {
                    writer.WriteNumberValue(hits.Count);
                }
                else if (top != null && MemoryField(top, name, type) is Action<Utf8JsonWriter> write)
                {
                    write(writer);
                }
                else if (hits.Skip(1).Select(h => NamedValue(h.Row.Content, name, type)).FirstOrDefault(v => v != null) is Action<Utf8JsonWriter> named)
                {
                    // The best memory does not name this field; a lower-ranked one does.
                    named(writer);
                }
                else
                {
                    writer.WriteNullValue();
                }
            }

            writer.WriteEndObject();
        }

        private static void WriteMemoryObject(Utf8JsonWriter writer, RetrievalHit hit, JsonElement properties)
        {
            writer.WriteStartObject();
            foreach (var property in properties.EnumerateObject())
            {
                writer.WritePropertyName(property.Name);
                var write = MemoryField(hit, property.Name.ToLowerInvariant(), TypeOf(property.Value));
                if (write != null)
                {
                    write(writer);
                }
                else
                {
                    writer.WriteNullValue();
                }
            }

            writer.WriteEndObject();
        }

        private static void WriteDefaultMemories(Utf8JsonWriter writer, IEnumerable<RetrievalHit> hits)
        {
            writer.WriteStartArray();
            foreach (var hit in hits)
            {
                writer.WriteStartObject();
                writer.WriteString("memory_id", hit.Row.Id);
                writer.WriteString("bucket_name", hit.Bucket.Name);
                writer.WriteString("content", hit.Row.Content);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        /// <summary>A writer for a property that a memory can fill, by the property's name; null when none can.</summary>
        private static Action<Utf8JsonWriter>? MemoryField(RetrievalHit hit, string name, string? type)
        {
            switch (name)
            {
                case "memory_id":
                case "memoryid":
                case "id":
                    return w => w.WriteStringValue(hit.Row.Id);
                case "bucket":
                case "bucket_name":
                case "bucketname":
                    return w => w.WriteStringValue(hit.Bucket.Name);
                case "created_at":
                case "createdat":
                case "timestamp":
                case "date":
                    return w => w.WriteStringValue(hit.Row.CreatedAt);
                case "token_count":
                case "tokens":
                    return w => w.WriteNumberValue(hit.Row.TokenCount);
                case "score":
                case "raw_score":
                case "similarity":
                    return w => w.WriteNumberValue(hit.RawScore);
            }

            // Any other text property gets the memory's own words, when the schema wants text.
            if ((type == null || type == "string") && (IsAnswerName(name) || name == "content" || name == "memory" || name == "fact" || name == "note"))
            {
                return w => w.WriteStringValue(hit.Row.Content);
            }

            return NamedValue(hit.Row.Content, name, type);
        }

        /// <summary>
        /// A value the memory states for a field of that name: "status: pending", "the owner is Dana Reyes",
        /// "on-call = Sam" for <c>status</c>, <c>owner</c>, <c>on_call</c>. Null when the memory names no such field,
        /// so nothing is invented.
        /// </summary>
        internal static Action<Utf8JsonWriter>? NamedValue(string content, string name, string? type)
        {
            if (type != null && type != "string" && type != "number" && type != "integer")
            {
                return null;
            }

            var words = Regex.Split(Regex.Replace(name, "([a-z])([A-Z])", "$1 $2"), @"[\s_\-]+").Where(w => w.Length > 0).Select(Regex.Escape).ToList();
            if (words.Count == 0)
            {
                return null;
            }

            var pattern = @"\b" + string.Join(@"[\s_\-]*", words) + @"\b\s*(?:is|are|was|were|:|=)\s+(?<value>[^.;,\n]+?)\s*(?:[.;,\n]|$)";
            var match = Regex.Match(content, pattern, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
            if (!match.Success)
            {
                return null;
            }

            var value = match.Groups["value"].Value.Trim();
            if (type == "number" || type == "integer")
            {
                var digits = Regex.Match(value, @"-?\d+(?:\.\d+)?");
                if (!digits.Success || !double.TryParse(digits.Value, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var number))
                {
                    return null;
                }

                return type == "integer" ? (w => w.WriteNumberValue((long)Math.Round(number))) : (Action<Utf8JsonWriter>)(w => w.WriteNumberValue(number));
            }

            return w => w.WriteStringValue(value);
        }

        private static bool IsAnswerName(string name) =>
            name == "answer" || name == "summary" || name == "text" || name == "response" || name == "result" || name == "content";

        private static bool IsListName(string name) =>
            name == "memories" || name == "sources" || name == "facts" || name == "evidence" || name == "items" || name == "results" || name == "citations";

        private static bool IsCountName(string name) => name == "count" || name == "memories_found" || name == "total";

        private static string? TypeOf(JsonElement schema)
        {
            if (schema.ValueKind != JsonValueKind.Object || !schema.TryGetProperty("type", out var type))
            {
                return schema.ValueKind == JsonValueKind.Object && schema.TryGetProperty("properties", out _) ? "object" : null;
            }

            return type.ValueKind == JsonValueKind.String ? type.GetString() : null;
        }

        private static JsonElement ItemsOf(JsonElement schema) =>
            schema.ValueKind == JsonValueKind.Object && schema.TryGetProperty("items", out var items) ? items : default;

        private static JsonElement? Properties(JsonElement schema) =>
            schema.ValueKind == JsonValueKind.Object && schema.TryGetProperty("properties", out var props) && props.ValueKind == JsonValueKind.Object
                ? props
                : (JsonElement?)null;

        private static JsonElement? ItemProperties(JsonElement schema) => Properties(ItemsOf(schema));
    }
}
