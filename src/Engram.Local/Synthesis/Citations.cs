using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.RegularExpressions;
using Engram.Client;

namespace Engram.Local.Synthesis
{
    /// <summary>
    /// Marks in the explanation which retrieved memories the answer used: each memory's metadata gains
    /// <c>citation</c> (its prompt label, M1…) and <c>cited</c> (true when the answer used it). A model answer
    /// cites by label; an extractive answer "uses" the memories whose sentences it quotes. Metadata is
    /// free-form in the protocol (wire spec §4.9, §17 Q31), so every client carries these fields through.
    /// </summary>
    internal static class Citations
    {
        private static readonly Regex LabelPattern = new Regex(@"\bM(\d{1,3})\b", RegexOptions.Compiled);

        /// <summary>The memory ids a model answer cites, in label order.</summary>
        public static List<string> Cited(QueryExplanation explanation, string answer)
        {
            var memories = explanation.RetrievedMemories;
            var cited = new SortedSet<int>();
            foreach (Match match in LabelPattern.Matches(answer))
            {
                var index = int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) - 1;
                if (index >= 0 && index < memories.Count)
                {
                    cited.Add(index);
                }
            }

            return cited.Select(i => memories[i].MemoryId).ToList();
        }

        public static void MarkModelAnswer(QueryExplanation? explanation, string answer)
        {
            if (explanation != null)
            {
                Mark(explanation, new HashSet<string>(Cited(explanation, answer), StringComparer.Ordinal));
            }
        }

        /// <summary>An extractive answer used a memory when it quotes one of the memory's sentences.</summary>
        public static void MarkExtractiveAnswer(QueryExplanation? explanation, string answer)
        {
            if (explanation == null)
            {
                return;
            }

            var used = new HashSet<string>(StringComparer.Ordinal);
            foreach (var memory in explanation.RetrievedMemories)
            {
                if (ExtractiveSynthesizer.SplitSentences(memory.Content).Any(s => answer.IndexOf(s, StringComparison.Ordinal) >= 0))
                {
                    used.Add(memory.MemoryId);
                }
            }

            Mark(explanation, used);
        }

        private static void Mark(QueryExplanation explanation, HashSet<string> used)
        {
            var memories = explanation.RetrievedMemories;
            for (var i = 0; i < memories.Count; i++)
            {
                memories[i].Metadata = WithCitation(memories[i].Metadata, GroundedPrompt.Label(i), used.Contains(memories[i].MemoryId));
            }
        }

        private static JsonElement WithCitation(JsonElement? metadata, string label, bool cited)
        {
            using var stream = new MemoryStream();
            using (var writer = new Utf8JsonWriter(stream))
            {
                writer.WriteStartObject();
                if (metadata is JsonElement existing && existing.ValueKind == JsonValueKind.Object)
                {
                    foreach (var property in existing.EnumerateObject().Where(p => p.Name != "citation" && p.Name != "cited"))
                    {
                        property.WriteTo(writer);
                    }
                }

                writer.WriteString("citation", label);
                writer.WriteBoolean("cited", cited);
                writer.WriteEndObject();
            }

            using var document = JsonDocument.Parse(stream.ToArray());
            return document.RootElement.Clone();
        }
    }
}
