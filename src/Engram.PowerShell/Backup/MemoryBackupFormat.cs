using System;
using System.Text.Json;
using System.Text.Json.Serialization;
using Engram.Client;

namespace Engram.PowerShell.Backup
{
    /// <summary>
    /// One line of an Export-EngramMemory file (JSON Lines): one memory per line, in the wire's snake_case
    /// names, so the file is readable by any tool and by Import-EngramMemory.
    /// </summary>
    internal sealed class MemoryBackupRecord
    {
        [JsonPropertyName("id")]
        public string? Id { get; set; }

        [JsonPropertyName("bucket")]
        public string? Bucket { get; set; }

        [JsonPropertyName("content")]
        public string? Content { get; set; }

        [JsonPropertyName("created_at")]
        public string? CreatedAt { get; set; }

        [JsonPropertyName("token_count")]
        public int? TokenCount { get; set; }
    }

    /// <summary>Writes and reads backup lines.</summary>
    internal static class MemoryBackupFormat
    {
        private static readonly JsonSerializerOptions Options = new JsonSerializerOptions
        {
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        };

        public static string ToLine(Memory memory, string bucket) =>
            JsonSerializer.Serialize(
                new MemoryBackupRecord
                {
                    Id = memory.Id,
                    Bucket = string.IsNullOrEmpty(memory.BucketName) ? bucket : memory.BucketName,
                    Content = memory.Content,
                    CreatedAt = memory.CreatedAt,
                    TokenCount = memory.TokenCount,
                },
                Options);

        /// <summary>Parses one line; throws <see cref="FormatException"/> saying what is wrong.</summary>
        public static MemoryBackupRecord Parse(string line)
        {
            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(line);
            }
            catch (JsonException ex)
            {
                throw new FormatException("it is not valid JSON (" + ex.Message + ")", ex);
            }

            using (document)
            {
                var root = document.RootElement;
                if (root.ValueKind != JsonValueKind.Object)
                {
                    throw new FormatException("it is not a JSON object");
                }

                var record = new MemoryBackupRecord
                {
                    Id = ReadString(root, "id"),
                    Bucket = ReadString(root, "bucket") ?? ReadString(root, "bucket_name"),
                    Content = ReadString(root, "content"),
                    CreatedAt = ReadString(root, "created_at"),
                };
                if (string.IsNullOrWhiteSpace(record.Content))
                {
                    throw new FormatException("it has no \"content\" text");
                }

                return record;
            }
        }

        private static string? ReadString(JsonElement root, string name)
        {
            if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
            {
                return null;
            }

            if (value.ValueKind != JsonValueKind.String)
            {
                throw new FormatException("\"" + name + "\" is not a string");
            }

            try
            {
                return value.GetString();
            }
            catch (InvalidOperationException ex)
            {
                // A \uD800-style escape of half a surrogate pair decodes to no text at all.
                throw new FormatException("\"" + name + "\" holds an invalid character (a lone UTF-16 surrogate escape)", ex);
            }
        }
    }
}
