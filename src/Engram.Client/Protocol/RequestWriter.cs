using System;
using System.Collections.Generic;
using System.IO;
using System.Text.Json;

namespace Engram.Client.Protocol
{
    /// <summary>
    /// Request bodies, byte for byte as in wire spec Appendix B: compact JSON, fields in spec order,
    /// optional query options only when the caller set them (§4.7, §16.1.5).
    /// </summary>
    internal static class RequestWriter
    {
        public static byte[] StoreOne(string content, DedupPolicy? dedup) =>
            Write(w =>
            {
                w.WriteStartObject();
                w.WriteString("content", content);
                if (dedup.HasValue)
                {
                    w.WriteString("dedup", DedupText(dedup.Value));
                }

                w.WriteEndObject();
            });

        /// <summary>
        /// Batch body. A policy goes out as a top-level <c>dedup</c>: the local server applies it to every item,
        /// the hosted service ignores unknown fields (§6.3).
        /// </summary>
        public static byte[] StoreMany(IReadOnlyList<string> contents, int start, int count, DedupPolicy? dedup) =>
            Batch(start, count, dedup, (w, i) => w.WriteString("content", contents[i]));

        /// <summary>
        /// Restore body: a §5.2 batch whose items also carry <c>id</c> and <c>created_at</c> when known (the
        /// restore extension; servers without it read only <c>content</c>).
        /// </summary>
        public static byte[] Restore(IReadOnlyList<MemoryRestoreItem> memories, int start, int count, DedupPolicy? dedup) =>
            Batch(start, count, dedup, (w, i) =>
            {
                var item = memories[i];
                w.WriteString("content", item.Content);
                if (item.Id != null)
                {
                    w.WriteString("id", item.Id);
                }

                if (item.CreatedAt != null)
                {
                    w.WriteString("created_at", item.CreatedAt);
                }
            });

        /// <summary>
        /// <c>{"memories":[{…},…],"dedup":…}</c> with items <paramref name="start"/> to start + count, each object's
        /// fields written by <paramref name="writeItem"/>.
        /// </summary>
        private static byte[] Batch(int start, int count, DedupPolicy? dedup, Action<Utf8JsonWriter, int> writeItem) =>
            Write(w =>
            {
                w.WriteStartObject();
                w.WriteStartArray("memories");
                for (var i = start; i < start + count; i++)
                {
                    w.WriteStartObject();
                    writeItem(w, i);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
                if (dedup.HasValue)
                {
                    w.WriteString("dedup", DedupText(dedup.Value));
                }

                w.WriteEndObject();
            });

        /// <summary>Create-bucket body; without a description exactly <c>{"name":"team"}</c>.</summary>
        public static byte[] CreateBucket(string name, string? description) =>
            Write(w =>
            {
                w.WriteStartObject();
                w.WriteString("name", name);
                if (description != null)
                {
                    w.WriteString("description", description);
                }

                w.WriteEndObject();
            });

        public static byte[] Query(QueryRequest request, bool stream) =>
            Write(w =>
            {
                w.WriteStartObject();
                w.WriteString("query", request.Query);
                w.WriteStartArray("buckets");
                foreach (var bucket in request.EffectiveBuckets)
                {
                    w.WriteStringValue(bucket);
                }

                w.WriteEndArray();
                if (stream)
                {
                    w.WriteBoolean("stream", true);
                }

                w.WriteStartObject("options");
                w.WriteNumber("top_k", request.TopK);
                w.WriteBoolean("return_explanation", request.ReturnExplanation);
                w.WriteBoolean("skip_synthesis", request.SkipSynthesis);
                if (request.MaxTokens.HasValue)
                {
                    w.WriteNumber("max_tokens", request.MaxTokens.Value);
                }

                if (request.MinSimilarityThreshold.HasValue)
                {
                    w.WriteNumber("min_similarity_threshold", request.MinSimilarityThreshold.Value);
                }

                if (request.MinWeightedScore.HasValue)
                {
                    w.WriteNumber("min_weighted_score", request.MinWeightedScore.Value);
                }

                WriteTopKPerBucket(w, request.TopKPerBucket);
                if (request.ReturnFormat.HasValue)
                {
                    w.WriteString("return_format", request.ReturnFormat.Value == ReturnFormat.Json ? "json" : "prose");
                }

                if (request.ResponseSchema.HasValue)
                {
                    w.WritePropertyName("response_schema");
                    request.ResponseSchema.Value.WriteTo(w);
                }

                w.WriteEndObject();
                w.WriteEndObject();
            });

        public static string DedupText(DedupPolicy dedup)
        {
            switch (dedup)
            {
                case DedupPolicy.Off:
                    return "off";
                case DedupPolicy.Loose:
                    return "loose";
                case DedupPolicy.Strict:
                    return "strict";
                default:
                    throw new ArgumentOutOfRangeException(nameof(dedup), dedup, "Dedup policy must be Off, Loose or Strict.");
            }
        }

        private static void WriteTopKPerBucket(Utf8JsonWriter w, TopKPerBucket? topK)
        {
            if (topK == null)
            {
                return;
            }

            if (topK.PerBucket != null)
            {
                w.WriteStartObject("top_k_per_bucket");
                foreach (var pair in topK.PerBucket)
                {
                    w.WriteNumber(pair.Key, pair.Value);
                }

                w.WriteEndObject();
            }
            else if (topK.All.HasValue)
            {
                w.WriteNumber("top_k_per_bucket", topK.All.Value);
            }
        }

        private static byte[] Write(Action<Utf8JsonWriter> write)
        {
            using (var buffer = new MemoryStream())
            {
                using (var writer = new Utf8JsonWriter(buffer, JsonText.WriterOptions))
                {
                    write(writer);
                }

                return buffer.ToArray();
            }
        }
    }
}
