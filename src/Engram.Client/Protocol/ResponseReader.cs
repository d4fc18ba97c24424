using System.Collections.Generic;
using System.Text.Json;

namespace Engram.Client.Protocol
{
    /// <summary>
    /// Lenient decoding of response bodies into the public models (wire spec §16.1.6): unknown fields are
    /// ignored, current and legacy field names are both accepted, and anything kept as JSON is cloned so it
    /// outlives the parsed document.
    /// </summary>
    internal static class ResponseReader
    {
        public static StoreMemoryResult StoreResult(JsonElement obj, string requestedBucket)
        {
            var id = LenientJson.String(obj, "id", "memory_id") ?? "";
            return new StoreMemoryResult
            {
                Id = id,
                MemoryId = LenientJson.String(obj, "memory_id") ?? id,
                BucketName = LenientJson.String(obj, "bucket_name", "bucket") ?? requestedBucket,
                TokenCount = LenientJson.Int(obj, "token_count") ?? 0,
                // Servers without dedup send no status: every write was a plain store (§4.3).
                Status = LenientJson.String(obj, "status") ?? StoreMemoryResult.StatusStored,
                DedupedInto = LenientJson.String(obj, "deduped_into"),
                SimilarityScore = LenientJson.Double(obj, "similarity_score"),
                MergeReason = LenientJson.String(obj, "merge_reason"),
            };
        }

        /// <summary>Batch results, wrapped <c>{"memories":[…]}</c> or a bare array (§5.2).</summary>
        public static List<StoreMemoryResult> StoreResults(JsonElement root, string requestedBucket)
        {
            var results = new List<StoreMemoryResult>();
            foreach (var item in Items(root, "memories"))
            {
                if (item.ValueKind == JsonValueKind.Object)
                {
                    results.Add(StoreResult(item, requestedBucket));
                }
            }

            return results;
        }

        public static ListMemoriesResult MemoryPage(JsonElement root, int requestedLimit, int requestedOffset)
        {
            var memories = new List<Memory>();
            foreach (var item in Items(root, "memories"))
            {
                if (item.ValueKind != JsonValueKind.Object)
                {
                    continue;
                }

                memories.Add(new Memory
                {
                    Id = LenientJson.String(item, "id", "memory_id") ?? "",
                    Content = LenientJson.String(item, "content") ?? "",
                    BucketName = LenientJson.String(item, "bucket_name", "bucket"),
                    CreatedAt = LenientJson.String(item, "created_at"),
                    TokenCount = LenientJson.Int(item, "token_count"),
                });
            }

            return new ListMemoriesResult
            {
                Memories = memories,
                Total = LenientJson.Int(root, "total") ?? memories.Count,
                Limit = LenientJson.Int(root, "limit") ?? requestedLimit,
                Offset = LenientJson.Int(root, "offset") ?? requestedOffset,
                NextCursor = LenientJson.String(root, "next_cursor"),
                SupportsCursor = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("next_cursor", out _),
            };
        }

        /// <summary>Clear result; an empty body means success with nothing counted (Py/JS convention, §4.5).</summary>
        public static ClearMemoriesResult ClearResult(JsonElement? root)
        {
            if (root == null)
            {
                return new ClearMemoriesResult { Success = true, ClearedCount = 0 };
            }

            return new ClearMemoriesResult
            {
                // A 2xx without an explicit flag is a success.
                Success = LenientJson.Bool(root.Value, "success") ?? true,
                ClearedCount = LenientJson.Int(root.Value, "cleared_count") ?? 0,
            };
        }

        public static Bucket Bucket(JsonElement obj) => new Bucket
        {
            Id = LenientJson.String(obj, "id") ?? "",
            Name = LenientJson.String(obj, "name", "bucket_name") ?? "",
            Description = LenientJson.String(obj, "description"),
            CreatedAt = LenientJson.String(obj, "created_at"),
            MemoryCount = LenientJson.Int(obj, "memory_count"),
        };

        /// <summary>Bucket list, wrapped <c>{"buckets":[…]}</c> or a bare array (§5.8).</summary>
        public static List<Bucket> Buckets(JsonElement root)
        {
            var buckets = new List<Bucket>();
            foreach (var item in Items(root, "buckets"))
            {
                if (item.ValueKind == JsonValueKind.Object)
                {
                    buckets.Add(Bucket(item));
                }
            }

            return buckets;
        }

        public static ProfileResult Profile(JsonElement obj) => new ProfileResult
        {
            Profile = LenientJson.String(obj, "profile"),
            BucketId = LenientJson.String(obj, "bucket_id"),
            Status = LenientJson.String(obj, "status"),
            UpdatedAt = LenientJson.String(obj, "updated_at"),
            NMemoriesAtGen = LenientJson.Int(obj, "n_memories_at_gen"),
            Source = LenientJson.String(obj, "source"),
        };

        /// <summary>A buffered query response or a stream's final frame (§4.8).</summary>
        public static QueryResult QueryResult(JsonElement obj)
        {
            var explanation = LenientJson.TryGet(obj, "explanation", out var e) && e.ValueKind == JsonValueKind.Object
                ? Explanation(e)
                : null;
            var usage = LenientJson.TryGet(obj, "usage", out var u) && u.ValueKind == JsonValueKind.Object
                ? Usage(u)
                : null;

            return new QueryResult
            {
                Answer = LenientJson.String(obj, "answer") ?? "",
                // Present-but-null (model output was not JSON) stays a Null element; absent stays null.
                AnswerJson = LenientJson.Clone(obj, "answer_json"),
                MemoriesFound = LenientJson.Int(obj, "memories_found") ?? explanation?.RetrievedMemories.Count ?? 0,
                Explanation = explanation,
                Usage = usage,
                SynthesisUsage = LenientJson.Clone(obj, "synthesis_usage"),
                Success = LenientJson.Bool(obj, "success"),
            };
        }

        private static QueryExplanation Explanation(JsonElement obj)
        {
            var retrieved = new List<RetrievedMemory>();
            foreach (var item in Items(obj, "retrieved_memories", bareArray: false))
            {
                if (item.ValueKind != JsonValueKind.Object)
                {
                    continue;
                }

                retrieved.Add(new RetrievedMemory
                {
                    // Legacy shape {id, content, score, bucket} (§4.9).
                    MemoryId = LenientJson.String(item, "memory_id", "id") ?? "",
                    BucketId = LenientJson.String(item, "bucket_id"),
                    BucketName = LenientJson.String(item, "bucket_name", "bucket"),
                    Content = LenientJson.String(item, "content") ?? "",
                    RawScore = LenientJson.Double(item, "raw_score", "score"),
                    Weight = LenientJson.Double(item, "weight"),
                    WeightedScore = LenientJson.Double(item, "weighted_score"),
                    Metadata = LenientJson.Clone(item, "metadata"),
                });
            }

            var facts = new List<GraphFact>();
            foreach (var item in Items(obj, "graph_facts", bareArray: false))
            {
                if (item.ValueKind == JsonValueKind.String)
                {
                    // Old servers/typings sent facts as plain strings; keep the text rather than drop the fact.
                    facts.Add(new GraphFact { Text = item.GetString() });
                    continue;
                }

                if (item.ValueKind != JsonValueKind.Object)
                {
                    continue;
                }

                facts.Add(new GraphFact
                {
                    Subject = LenientJson.String(item, "subject") ?? "",
                    Predicate = LenientJson.String(item, "predicate") ?? "",
                    Object = LenientJson.String(item, "object") ?? "",
                    MemoryId = LenientJson.String(item, "memory_id"),
                    BucketId = LenientJson.String(item, "bucket_id"),
                    BucketName = LenientJson.String(item, "bucket_name"),
                    Depth = LenientJson.Int(item, "depth"),
                    Weight = LenientJson.Double(item, "weight"),
                    Timestamp = LenientJson.String(item, "timestamp"),
                });
            }

            var entities = new List<EntityMatch>();
            foreach (var item in Items(obj, "entity_matches", bareArray: false))
            {
                if (item.ValueKind == JsonValueKind.String)
                {
                    entities.Add(new EntityMatch { Entity = item.GetString()! });
                }
                else if (item.ValueKind == JsonValueKind.Object)
                {
                    entities.Add(new EntityMatch
                    {
                        Entity = LenientJson.String(item, "entity") ?? "",
                        BucketName = LenientJson.String(item, "bucket_name"),
                        Score = LenientJson.Double(item, "score"),
                    });
                }
            }

            Dictionary<string, string?>? profiles = null;
            if (LenientJson.TryGet(obj, "profiles", out var p) && p.ValueKind == JsonValueKind.Object)
            {
                profiles = new Dictionary<string, string?>();
                foreach (var property in p.EnumerateObject())
                {
                    profiles[property.Name] = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString() : null;
                }
            }

            return new QueryExplanation
            {
                RetrievedMemories = retrieved,
                GraphFacts = facts,
                EntityMatches = entities,
                ContextTokens = LenientJson.Int(obj, "context_tokens"),
                Profile = LenientJson.String(obj, "profile"),
                Profiles = profiles,
            };
        }

        /// <summary>Usage with the wire names first and the legacy client-side names as fallback (§4.10).</summary>
        private static QueryUsage Usage(JsonElement obj) => new QueryUsage
        {
            InputTokens = LenientJson.Int(obj, "input_tokens", "prompt_tokens") ?? 0,
            OutputTokens = LenientJson.Int(obj, "output_tokens", "completion_tokens") ?? 0,
            ContextTokens = LenientJson.Int(obj, "context_tokens") ?? 0,
            ActualInputTokens = LenientJson.Int(obj, "actual_input_tokens") ?? 0,
            ActualOutputTokens = LenientJson.Int(obj, "actual_output_tokens") ?? 0,
        };

        /// <summary>Elements of <c>root[name]</c>, or of root itself when it is a bare array.</summary>
        private static IEnumerable<JsonElement> Items(JsonElement root, string name, bool bareArray = true)
        {
            if (bareArray && root.ValueKind == JsonValueKind.Array)
            {
                return root.EnumerateArray();
            }

            var array = LenientJson.Array(root, name);
            return array.HasValue ? (IEnumerable<JsonElement>)array.Value.EnumerateArray() : System.Array.Empty<JsonElement>();
        }
    }
}
