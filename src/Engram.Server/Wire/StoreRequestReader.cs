using System.Collections.Generic;
using System.Text.Json;
using Engram.Client;
using Engram.Local.Validation;

namespace Engram.Server.Wire
{
    /// <summary>A validated store body: one memory (<c>content</c>) or a batch (<c>memories</c>).</summary>
    /// <param name="IsBatch">The body had <c>memories</c>.</param>
    /// <param name="Contents">One item for a single store; every item, in request order, for a batch.</param>
    /// <param name="Dedup">The requested dedup policy; null for the server default.</param>
    /// <param name="Restore">
    /// The restore extension (README): set when a batch item carries <c>id</c> or <c>created_at</c>, every item
    /// with its content; null for a §5.2 batch, which is stored exactly as before.
    /// </param>
    internal sealed record StoreRequest(bool IsBatch, IReadOnlyList<string> Contents, DedupPolicy? Dedup, IReadOnlyList<MemoryRestoreItem>? Restore = null);

    /// <summary>
    /// Reads <c>POST /v1/buckets/{bucket}/memories</c> (wire spec §5.1, §5.2, §6). Every item is read before
    /// anything is stored, and the engine validates a batch as a whole, so a refused batch stores nothing.
    /// </summary>
    internal static class StoreRequestReader
    {
        public static StoreRequest Read(byte[] body)
        {
            using (var document = JsonRequestFields.ParseObject(body))
            {
                var root = document.RootElement;
                var hasContent = JsonRequestFields.TryGet(root, "content", out var content);
                var hasMemories = JsonRequestFields.TryGet(root, "memories", out var memories);
                if (hasContent && hasMemories)
                {
                    throw EngineErrors.Invalid("Send either content (one memory) or memories (a batch), not both");
                }

                if (!hasContent && !hasMemories)
                {
                    throw EngineErrors.Invalid("content is required: send {\"content\":\"…\"} or {\"memories\":[{\"content\":\"…\"}]}");
                }

                var dedup = ReadDedup(root);
                if (hasContent)
                {
                    return new StoreRequest(false, new[] { ReadContent(content, "content") }, dedup);
                }

                if (memories.ValueKind != JsonValueKind.Array)
                {
                    throw EngineErrors.Invalid("memories must be an array of {\"content\":\"…\"} objects");
                }

                var count = memories.GetArrayLength();
                if (count > EngramLimits.MaxBatchSize)
                {
                    // A wire limit (Q2): in-process callers hand any number to the service, which splits them.
                    throw EngineErrors.Invalid(RequestRules.BatchTooLargeMessage);
                }

                var contents = new List<string>(count);
                var restore = new List<MemoryRestoreItem>(count);
                var isRestore = false;
                var index = 0;
                foreach (var item in memories.EnumerateArray())
                {
                    var field = "memories[" + index + "].content";
                    if (item.ValueKind != JsonValueKind.Object || !JsonRequestFields.TryGet(item, "content", out var itemContent))
                    {
                        throw EngineErrors.Invalid("content is required (memories[" + index + "]): every item must be {\"content\":\"…\"}");
                    }

                    var text = ReadContent(itemContent, field);
                    var id = JsonRequestFields.OptionalString(item, "id");
                    var createdAt = JsonRequestFields.OptionalString(item, "created_at");
                    isRestore |= id != null || createdAt != null;
                    contents.Add(text);
                    restore.Add(new MemoryRestoreItem(text, id, createdAt));
                    index++;
                }

                return new StoreRequest(true, contents, dedup, isRestore ? restore : null);
            }
        }

        /// <summary>
        /// Only the JSON type is checked here; emptiness and size (413) are the engine's rules,
        /// so in-process and HTTP callers get the same refusal with the same message.
        /// </summary>
        private static string ReadContent(JsonElement value, string field)
        {
            if (value.ValueKind != JsonValueKind.String)
            {
                throw EngineErrors.Invalid(field + " must be a string");
            }

            return value.GetString() ?? "";
        }

        private static DedupPolicy? ReadDedup(JsonElement root)
        {
            if (!JsonRequestFields.TryGet(root, "dedup", out var value))
            {
                return null;
            }

            switch (value.ValueKind == JsonValueKind.String ? value.GetString() : null)
            {
                case "off":
                    return DedupPolicy.Off;
                case "loose":
                    return DedupPolicy.Loose;
                case "strict":
                    return DedupPolicy.Strict;
                default:
                    throw EngineErrors.Invalid("dedup must be one of off, loose, strict");
            }
        }
    }
}
