using System.Collections.Generic;
using System.Text.Json;
using Engram.Client;

namespace Engram.Server.Wire
{
    /// <summary>
    /// The JSON shapes the server emits (wire spec §4, §16.2.4): snake_case names, integers as JSON integers,
    /// timestamps as the engine produced them. <see cref="Legacy"/> switches to the older shapes of §16.2.8.
    /// </summary>
    internal sealed class ResponseShapes
    {
        public ResponseShapes(bool legacy)
        {
            Legacy = legacy;
        }

        public bool Legacy { get; }

        public static byte[] Error(string message, string? code) => WireJson.Write(w =>
        {
            w.WriteStartObject();
            w.WriteString("error", message);
            if (code != null)
            {
                w.WriteString("code", code);
            }

            w.WriteEndObject();
        });

        public static byte[] Success() => WireJson.Write(w =>
        {
            w.WriteStartObject();
            w.WriteBoolean("success", true);
            w.WriteEndObject();
        });

        public byte[] StoreResult(StoreMemoryResult result) => WireJson.Write(w => WriteStoreResult(w, result));

        /// <summary>Always wrapped: Go and Python cannot read a bare array (wire spec §5.2).</summary>
        public byte[] StoreResults(IReadOnlyList<StoreMemoryResult> results) => WireJson.Write(w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("memories");
            foreach (var result in results)
            {
                WriteStoreResult(w, result);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        });

        public static byte[] MemoryPage(ListMemoriesResult page, bool withCursor = false) => WireJson.Write(w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("memories");
            foreach (var memory in page.Memories)
            {
                w.WriteStartObject();
                w.WriteString("id", memory.Id);
                w.WriteString("content", memory.Content);
                WriteOptionalString(w, "bucket_name", memory.BucketName);
                WriteOptionalString(w, "created_at", memory.CreatedAt);
                if (memory.TokenCount.HasValue)
                {
                    w.WriteNumber("token_count", memory.TokenCount.Value);
                }

                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteNumber("total", page.Total);
            w.WriteNumber("limit", page.Limit);
            w.WriteNumber("offset", page.Offset);
            if (withCursor)
            {
                if (page.NextCursor == null)
                {
                    w.WriteNull("next_cursor");
                }
                else
                {
                    w.WriteString("next_cursor", page.NextCursor);
                }
            }

            w.WriteEndObject();
        });

        public static byte[] Cleared(ClearMemoriesResult result) => WireJson.Write(w =>
        {
            w.WriteStartObject();
            w.WriteBoolean("success", result.Success);
            w.WriteNumber("cleared_count", result.ClearedCount);
            w.WriteEndObject();
        });

        public byte[] BucketList(IReadOnlyList<Bucket> page, int total) => WireJson.Write(w =>
        {
            if (Legacy)
            {
                WriteBucketArray(w, page);
                return;
            }

            w.WriteStartObject();
            w.WritePropertyName("buckets");
            WriteBucketArray(w, page);
            w.WriteNumber("total", total);
            w.WriteEndObject();
        });

        public static byte[] SingleBucket(Bucket bucket) => WireJson.Write(w => WriteBucket(w, bucket));

        public byte[] Profile(ProfileResult profile) => WireJson.Write(w =>
        {
            w.WriteStartObject();
            WriteNullableString(w, "profile", profile.Profile);
            if (!Legacy)
            {
                WriteOptionalString(w, "bucket_id", profile.BucketId);
                WriteOptionalString(w, "status", profile.Status);
                WriteOptionalString(w, "updated_at", profile.UpdatedAt);
                if (profile.NMemoriesAtGen.HasValue)
                {
                    w.WriteNumber("n_memories_at_gen", profile.NMemoriesAtGen.Value);
                }

                WriteOptionalString(w, "source", profile.Source);
            }

            w.WriteEndObject();
        });

        /// <summary>
        /// A query result (wire spec §4.8): <c>success</c> plus the result fields. The final SSE frame (§8.1
        /// item 4) is the same object, so a done event equals the buffered answer — and never has a
        /// <c>choices</c>, <c>type</c> or <c>error</c> key, which clients would misread.
        /// </summary>
        public static byte[] QueryResult(QueryResult result, bool wantsJsonAnswer) => WireJson.Write(w =>
        {
            w.WriteStartObject();
            w.WriteBoolean("success", true);
            WriteQueryResultFields(w, result, wantsJsonAnswer);
            w.WriteEndObject();
        });

        private static void WriteQueryResultFields(Utf8JsonWriter w, QueryResult result, bool wantsJsonAnswer)
        {
            w.WriteString("answer", result.Answer ?? "");
            if (wantsJsonAnswer)
            {
                // Present (possibly null) exactly when JSON was asked for, absent for prose (wire spec §17 Q20).
                w.WritePropertyName("answer_json");
                if (result.AnswerJson.HasValue)
                {
                    result.AnswerJson.Value.WriteTo(w);
                }
                else
                {
                    w.WriteNullValue();
                }
            }

            w.WriteNumber("memories_found", result.MemoriesFound);
            if (result.Usage != null)
            {
                w.WriteStartObject("usage");
                w.WriteNumber("input_tokens", result.Usage.InputTokens);
                w.WriteNumber("output_tokens", result.Usage.OutputTokens);
                w.WriteNumber("context_tokens", result.Usage.ContextTokens);
                w.WriteNumber("actual_input_tokens", result.Usage.ActualInputTokens);
                w.WriteNumber("actual_output_tokens", result.Usage.ActualOutputTokens);
                w.WriteEndObject();
            }

            if (result.SynthesisUsage.HasValue)
            {
                w.WritePropertyName("synthesis_usage");
                result.SynthesisUsage.Value.WriteTo(w);
            }

            if (result.Explanation != null)
            {
                WriteExplanation(w, result.Explanation);
            }
        }

        private static void WriteExplanation(Utf8JsonWriter w, QueryExplanation explanation)
        {
            w.WriteStartObject("explanation");
            w.WriteStartArray("retrieved_memories");
            foreach (var m in explanation.RetrievedMemories)
            {
                w.WriteStartObject();
                w.WriteString("memory_id", m.MemoryId);
                WriteOptionalString(w, "bucket_id", m.BucketId);
                WriteOptionalString(w, "bucket_name", m.BucketName);
                w.WriteString("content", m.Content);
                WriteOptionalNumber(w, "raw_score", m.RawScore);
                WriteOptionalNumber(w, "weight", m.Weight);
                WriteOptionalNumber(w, "weighted_score", m.WeightedScore);
                if (m.Metadata.HasValue)
                {
                    w.WritePropertyName("metadata");
                    m.Metadata.Value.WriteTo(w);
                }

                w.WriteEndObject();
            }

            w.WriteEndArray();

            if (explanation.GraphFacts.Count > 0)
            {
                w.WriteStartArray("graph_facts");
                foreach (var f in explanation.GraphFacts)
                {
                    w.WriteStartObject();
                    w.WriteString("subject", f.Subject);
                    w.WriteString("predicate", f.Predicate);
                    w.WriteString("object", f.Object);
                    WriteOptionalString(w, "memory_id", f.MemoryId);
                    WriteOptionalString(w, "bucket_id", f.BucketId);
                    WriteOptionalString(w, "bucket_name", f.BucketName);
                    if (f.Depth.HasValue)
                    {
                        w.WriteNumber("depth", f.Depth.Value);
                    }

                    WriteOptionalNumber(w, "weight", f.Weight);
                    WriteOptionalString(w, "timestamp", f.Timestamp);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
            }

            if (explanation.EntityMatches.Count > 0)
            {
                w.WriteStartArray("entity_matches");
                foreach (var e in explanation.EntityMatches)
                {
                    w.WriteStartObject();
                    w.WriteString("entity", e.Entity);
                    WriteOptionalString(w, "bucket_name", e.BucketName);
                    WriteOptionalNumber(w, "score", e.Score);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
            }

            if (explanation.ContextTokens.HasValue)
            {
                w.WriteNumber("context_tokens", explanation.ContextTokens.Value);
            }

            if (explanation.Profile != null)
            {
                w.WriteString("profile", explanation.Profile);
            }

            if (explanation.Profiles != null)
            {
                w.WriteStartObject("profiles");
                foreach (var pair in explanation.Profiles)
                {
                    WriteNullableString(w, pair.Key, pair.Value);
                }

                w.WriteEndObject();
            }

            w.WriteEndObject();
        }

        private void WriteStoreResult(Utf8JsonWriter w, StoreMemoryResult result)
        {
            w.WriteStartObject();
            w.WriteString("id", result.Id);
            if (!Legacy)
            {
                w.WriteString("memory_id", string.IsNullOrEmpty(result.MemoryId) ? result.Id : result.MemoryId);
            }

            w.WriteString("bucket_name", result.BucketName);
            w.WriteNumber("token_count", result.TokenCount);
            if (!Legacy)
            {
                w.WriteString("status", result.Status);
                if (result.IsMerged)
                {
                    WriteOptionalString(w, "deduped_into", result.DedupedInto);
                    WriteOptionalNumber(w, "similarity_score", result.SimilarityScore);
                    WriteOptionalString(w, "merge_reason", result.MergeReason);
                }
            }

            w.WriteEndObject();
        }

        private static void WriteBucketArray(Utf8JsonWriter w, IReadOnlyList<Bucket> buckets)
        {
            w.WriteStartArray();
            foreach (var bucket in buckets)
            {
                WriteBucket(w, bucket);
            }

            w.WriteEndArray();
        }

        private static void WriteBucket(Utf8JsonWriter w, Bucket bucket)
        {
            w.WriteStartObject();
            w.WriteString("id", bucket.Id);
            w.WriteString("name", bucket.Name);
            w.WriteString("bucket_name", bucket.Name);
            WriteNullableString(w, "description", bucket.Description);
            WriteOptionalString(w, "created_at", bucket.CreatedAt);
            if (bucket.MemoryCount.HasValue)
            {
                w.WriteNumber("memory_count", bucket.MemoryCount.Value);
            }

            w.WriteEndObject();
        }

        private static void WriteOptionalString(Utf8JsonWriter w, string name, string? value)
        {
            if (value != null)
            {
                w.WriteString(name, value);
            }
        }

        private static void WriteNullableString(Utf8JsonWriter w, string name, string? value)
        {
            if (value == null)
            {
                w.WriteNull(name);
            }
            else
            {
                w.WriteString(name, value);
            }
        }

        private static void WriteOptionalNumber(Utf8JsonWriter w, string name, double? value)
        {
            // NaN and infinities are not JSON; such a score is left out rather than breaking the body.
            if (value.HasValue && !double.IsNaN(value.Value) && !double.IsInfinity(value.Value))
            {
                w.WriteNumber(name, value.Value);
            }
        }
    }
}
