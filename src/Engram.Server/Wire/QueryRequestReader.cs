using System.Collections.Generic;
using System.Text.Json;
using Engram.Client;
using Engram.Local.Validation;

namespace Engram.Server.Wire
{
    /// <summary>A validated query body and whether the caller asked for a stream.</summary>
    /// <param name="Request">The query, with the protocol defaults for unset options.</param>
    /// <param name="Stream"><c>"stream": true</c> in the body: SSE regardless of Accept (wire spec §17 Q24).</param>
    internal sealed record ParsedQuery(QueryRequest Request, bool Stream)
    {
        public bool WantsJsonAnswer => Request.ReturnFormat == ReturnFormat.Json;
    }

    /// <summary>
    /// Reads <c>POST /v1/query</c> (wire spec §4.6, §4.7): <c>buckets</c>, singular <c>bucket</c>, both or neither;
    /// missing <c>options</c>; null optional fields. Unset options keep the protocol defaults of <see cref="QueryRequest"/>.
    /// </summary>
    internal static class QueryRequestReader
    {
        public static ParsedQuery Read(byte[] body)
        {
            using (var document = JsonRequestFields.ParseObject(body))
            {
                var root = document.RootElement;
                // A missing or blank query is refused by the engine ("query is required"), as in-process.
                var query = JsonRequestFields.OptionalString(root, "query") ?? "";
                var request = new QueryRequest { Query = query, Buckets = ReadBuckets(root) };
                var stream = JsonRequestFields.OptionalBool(root, "stream") ?? false;

                if (JsonRequestFields.TryGet(root, "options", out var options))
                {
                    if (options.ValueKind != JsonValueKind.Object)
                    {
                        throw EngineErrors.Invalid("options must be a JSON object");
                    }

                    ReadOptions(options, request);
                }

                return new ParsedQuery(request, stream);
            }
        }

        /// <summary>Non-empty <c>buckets</c> wins, then <c>bucket</c>, else null (= default) (wire spec §17 Q18).</summary>
        private static IReadOnlyList<string>? ReadBuckets(JsonElement root)
        {
            var buckets = new List<string>();
            if (JsonRequestFields.TryGet(root, "buckets", out var array))
            {
                if (array.ValueKind != JsonValueKind.Array)
                {
                    throw EngineErrors.Invalid("buckets must be an array of bucket names");
                }

                foreach (var item in array.EnumerateArray())
                {
                    if (item.ValueKind != JsonValueKind.String)
                    {
                        throw EngineErrors.Invalid("buckets must contain only strings");
                    }

                    buckets.Add(item.GetString() ?? "");
                }
            }

            var single = JsonRequestFields.OptionalString(root, "bucket");
            if (buckets.Count == 0 && !string.IsNullOrEmpty(single))
            {
                buckets.Add(single!);
            }

            return buckets.Count == 0 ? null : buckets;
        }

        private static void ReadOptions(JsonElement options, QueryRequest request)
        {
            request.TopK = JsonRequestFields.OptionalInt(options, "top_k") ?? request.TopK;
            request.ReturnExplanation = JsonRequestFields.OptionalBool(options, "return_explanation") ?? request.ReturnExplanation;
            request.SkipSynthesis = JsonRequestFields.OptionalBool(options, "skip_synthesis") ?? request.SkipSynthesis;
            request.MaxTokens = JsonRequestFields.OptionalInt(options, "max_tokens");
            request.MinSimilarityThreshold = JsonRequestFields.OptionalNumber(options, "min_similarity_threshold");
            request.MinWeightedScore = JsonRequestFields.OptionalNumber(options, "min_weighted_score");
            request.TopKPerBucket = ReadTopKPerBucket(options);
            request.ReturnFormat = ReadReturnFormat(options);
            if (JsonRequestFields.TryGet(options, "response_schema", out var schema))
            {
                request.ResponseSchema = schema.Clone();
            }
        }

        private static TopKPerBucket? ReadTopKPerBucket(JsonElement options)
        {
            if (!JsonRequestFields.TryGet(options, "top_k_per_bucket", out var value))
            {
                return null;
            }

            if (value.ValueKind == JsonValueKind.Number)
            {
                return TopKPerBucket.ForAll(JsonRequestFields.AsInt(value, "top_k_per_bucket"));
            }

            if (value.ValueKind != JsonValueKind.Object)
            {
                throw EngineErrors.Invalid("top_k_per_bucket must be an integer or an object of bucket name to integer");
            }

            var perBucket = new Dictionary<string, int>();
            foreach (var property in value.EnumerateObject())
            {
                perBucket[property.Name] = JsonRequestFields.AsInt(property.Value, "top_k_per_bucket." + property.Name);
            }

            return TopKPerBucket.ForEach(perBucket);
        }

        private static ReturnFormat? ReadReturnFormat(JsonElement options)
        {
            if (!JsonRequestFields.TryGet(options, "return_format", out var value))
            {
                return null;
            }

            switch (value.ValueKind == JsonValueKind.String ? value.GetString() : null)
            {
                case "prose":
                    return ReturnFormat.Prose;
                case "json":
                    return ReturnFormat.Json;
                default:
                    throw EngineErrors.Invalid("return_format must be one of prose, json");
            }
        }
    }
}
