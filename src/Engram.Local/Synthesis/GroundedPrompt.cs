using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.Json;
using Engram.Client;
using Microsoft.Extensions.AI;

namespace Engram.Local.Synthesis
{
    /// <summary>
    /// The prompt for a grounded answer (wire spec §7): the question, the bucket profile(s) and the
    /// retrieved memories, each labelled <c>[M1]</c>, <c>[M2]</c>, … with its id, bucket and date. The model is
    /// told to answer only from them, cite labels, and say so when they do not hold the answer.
    /// Labels are short so citations cost few tokens; <see cref="Citations"/> maps them back to ids.
    /// </summary>
    internal static class GroundedPrompt
    {
        /// <summary>What a grounded answer says when the memories do not hold the answer (also told to the model).</summary>
        public const string NotInMemories = "The stored memories do not contain the answer.";

        public static string Label(int index) => "M" + (index + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);

        public static List<ChatMessage> Build(QueryRequest request, QueryResult retrieval, bool json)
        {
            var system = new StringBuilder()
                .AppendLine("You answer a question using only the user's stored memories and profile given below (Engram).")
                .AppendLine("Rules:")
                .AppendLine("- Use only facts stated in the memories or the profile. Do not add outside knowledge or guesses.")
                .AppendLine($"- If they do not contain the answer, say exactly: \"{NotInMemories}\" and, briefly, what is missing.")
                .AppendLine("- Cite every memory you use by its label in square brackets, for example [M1] or [M2][M3].")
                .AppendLine("- When memories disagree, prefer the newest one and say so.")
                .Append("- Be concise: answer the question first, then any needed detail.");
            if (json)
            {
                system.AppendLine()
                    .Append("- Reply with one JSON value only: no prose around it, no code fences.");
                if (request.ResponseSchema.HasValue)
                {
                    system.AppendLine()
                        .Append("- The JSON must match this JSON Schema: ")
                        .Append(request.ResponseSchema.Value.GetRawText());
                }
                else
                {
                    system.AppendLine()
                        .Append("- Use the shape {\"answer\": string, \"citations\": [memory labels as strings]}.");
                }
            }

            var user = new StringBuilder();
            var explanation = retrieval.Explanation;
            if (explanation?.Profile != null)
            {
                user.AppendLine("Profile of the bucket:").AppendLine(explanation.Profile).AppendLine();
            }

            if (explanation?.Profiles != null)
            {
                foreach (var pair in explanation.Profiles.Where(p => p.Value != null))
                {
                    user.Append("Profile of bucket ").Append(pair.Key).AppendLine(":").AppendLine(pair.Value).AppendLine();
                }
            }

            var memories = explanation?.RetrievedMemories ?? (IReadOnlyList<RetrievedMemory>)Array.Empty<RetrievedMemory>();
            if (memories.Count == 0)
            {
                user.AppendLine("Memories: none were found for this question.");
            }
            else
            {
                user.AppendLine("Memories (most relevant first):");
                for (var i = 0; i < memories.Count; i++)
                {
                    var memory = memories[i];
                    user.Append('[').Append(Label(i)).Append("] (id ").Append(memory.MemoryId);
                    if (memory.BucketName != null)
                    {
                        user.Append(", bucket ").Append(memory.BucketName);
                    }

                    var date = CreatedAt(memory);
                    if (date != null)
                    {
                        user.Append(", stored ").Append(date);
                    }

                    user.Append(") ").AppendLine(OneLine(memory.Content));
                }
            }

            user.AppendLine().Append("Question: ").Append(request.Query);
            return new List<ChatMessage>
            {
                new ChatMessage(ChatRole.System, system.ToString()),
                new ChatMessage(ChatRole.User, user.ToString()),
            };
        }

        /// <summary>
        /// The provider's JSON mode: a schema whose root is an object goes as a JSON-schema format (providers
        /// accept only object roots there); otherwise plain JSON mode when the answer may be an object, and
        /// none for array or scalar schemas, where the prompt and <see cref="AnswerJsonValidator"/> do the work.
        /// </summary>
        public static ChatResponseFormat? ResponseFormat(QueryRequest request)
        {
            if (!request.ResponseSchema.HasValue)
            {
                return ChatResponseFormat.Json;
            }

            var schema = request.ResponseSchema.Value;
            var type = schema.ValueKind == JsonValueKind.Object && schema.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
            if (type == "object" || (type == null && schema.ValueKind == JsonValueKind.Object && schema.TryGetProperty("properties", out _)))
            {
                return ChatResponseFormat.ForJsonSchema(schema, "engram_answer", "The answer to the user's question, from their memories.");
            }

            return null;
        }

        internal static string? CreatedAt(RetrievedMemory memory) =>
            memory.Metadata is JsonElement metadata && metadata.ValueKind == JsonValueKind.Object &&
            metadata.TryGetProperty("created_at", out var created) && created.ValueKind == JsonValueKind.String
                ? created.GetString()
                : null;

        // One memory per line keeps labels unambiguous for the model.
        private static string OneLine(string text) => text.Replace("\r\n", " ").Replace('\n', ' ').Replace('\r', ' ');
    }
}
