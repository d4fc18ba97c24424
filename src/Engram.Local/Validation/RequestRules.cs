using System;
using System.Collections.Generic;
using System.Globalization;
using Engram.Client;
using Engram.Local.Ingest;
using Engram.Local.Text;

namespace Engram.Local.Validation
{
    /// <summary>Input rules of the protocol (wire spec §17 Q1–Q7, Q16, Q19): what is rejected and what is clamped.</summary>
    internal static class RequestRules
    {
        public const int MaxBucketNameLength = 128;

        /// <summary>Store content: required, not blank, at most 100 000 characters (Q1, Q3).</summary>
        public static void ValidateContent(string? content)
        {
            if (content == null || content.Trim().Length == 0)
            {
                throw EngineErrors.Invalid("content is required");
            }

            if (content.Length > EngramLimits.MaxContentLength)
            {
                throw EngineErrors.TooLarge();
            }
        }

        public static readonly string BatchTooLargeMessage =
            $"a batch holds at most {EngramLimits.MaxBatchSize} memories; split it into smaller batches";

        /// <summary>Every item of a store-many call; the number of items is not limited here (the service splits).</summary>
        public static void ValidateBatch(IReadOnlyList<string>? contents)
        {
            if (contents == null)
            {
                throw EngineErrors.Invalid("memories is required");
            }

            // All-or-nothing (Q2): every item is checked before anything is written.
            for (var i = 0; i < contents.Count; i++)
            {
                var content = contents[i];
                if (content == null || content.Trim().Length == 0)
                {
                    throw EngineErrors.Invalid($"content is required (memories[{i}])");
                }

                if (content.Length > EngramLimits.MaxContentLength)
                {
                    throw EngineErrors.TooLarge($"content too large (memories[{i}])");
                }
            }
        }

        /// <summary>
        /// The restore extension's items: each content as <see cref="ValidateBatch"/>, an id of 1–128 characters
        /// without control characters, an ISO-8601 created_at. Returns the identities with created_at in the
        /// engine's own form (UTC, milliseconds), so restored rows sort with the rest.
        /// </summary>
        public static IReadOnlyList<RestoreIdentity> ValidateRestore(IReadOnlyList<MemoryRestoreItem>? memories)
        {
            if (memories == null)
            {
                throw EngineErrors.Invalid("memories is required");
            }

            var contents = new List<string>(memories.Count);
            var identities = new List<RestoreIdentity>(memories.Count);
            for (var i = 0; i < memories.Count; i++)
            {
                var item = memories[i] ?? throw EngineErrors.Invalid($"content is required (memories[{i}])");
                contents.Add(item.Content);
                if (item.Id != null && (item.Id.Length > MaxBucketNameLength || item.Id.Trim().Length == 0 || HasControlCharacter(item.Id)))
                {
                    throw EngineErrors.Invalid($"id must be 1-{MaxBucketNameLength} characters without control characters (memories[{i}])");
                }

                string? createdAt = null;
                if (item.CreatedAt != null)
                {
                    if (!DateTimeOffset.TryParse(item.CreatedAt, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
                    {
                        throw EngineErrors.Invalid($"created_at must be an ISO-8601 time such as 2026-01-31T09:30:00Z (memories[{i}])");
                    }

                    createdAt = Timestamps.Format(time.UtcDateTime);
                }

                identities.Add(new RestoreIdentity(item.Id, createdAt));
            }

            ValidateBatch(contents);
            return identities;
        }

        private static bool HasControlCharacter(string text)
        {
            foreach (var c in text)
            {
                if (char.IsControl(c))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>True when <paramref name="name"/> is a valid bucket name (Q7): 1–128 characters, no control characters, not "." or "..".</summary>
        public static bool IsValidBucketName(string? name)
        {
            if (string.IsNullOrEmpty(name) || name == "." || name == "..")
            {
                return false;
            }

            var codePoints = 0;
            for (var i = 0; i < name!.Length; i++)
            {
                var c = name[i];
                if (char.IsControl(c))
                {
                    return false;
                }

                // A surrogate pair is one character to the user.
                if (!char.IsLowSurrogate(c))
                {
                    codePoints++;
                }
            }

            return codePoints <= MaxBucketNameLength;
        }

        /// <summary>Longest bucket description accepted, in UTF-16 units: every bucket list returns it.</summary>
        public const int MaxBucketDescriptionLength = 4096;

        /// <summary>
        /// A bucket being created: a valid name that is not only whitespace (existing ones stay addressable),
        /// and a description of at most <see cref="MaxBucketDescriptionLength"/> characters.
        /// </summary>
        public static void ValidateNewBucket(string? name, string? description)
        {
            ValidateBucketName(name);
            if (string.IsNullOrWhiteSpace(name))
            {
                throw EngineErrors.Invalid("bucket name must not be only whitespace");
            }

            if (description != null && description.Length > MaxBucketDescriptionLength)
            {
                throw EngineErrors.Invalid("bucket description must be at most " + MaxBucketDescriptionLength + " characters");
            }
        }

        public static void ValidateBucketName(string? name)
        {
            if (!IsValidBucketName(name))
            {
                throw EngineErrors.Invalid(
                    "bucket name must be 1-128 characters, without control characters, and not '.' or '..'");
            }
        }

        /// <summary>Operations whose bucket defaults to <c>default</c> when none is given (wire spec §5).</summary>
        public static string BucketOrDefault(string? bucket) =>
            string.IsNullOrEmpty(bucket) ? EngramLimits.DefaultBucket : bucket!;

        /// <summary>Destructive operations name their bucket explicitly (wire spec §5.5, §5.10).</summary>
        public static string RequireBucket(string? bucket, string operation)
        {
            if (string.IsNullOrEmpty(bucket))
            {
                throw EngineErrors.Invalid($"a bucket name is required to {operation}");
            }

            return bucket!;
        }

        public static int ClampListLimit(int limit) =>
            limit <= 0 ? EngramLimits.DefaultListLimit : Math.Min(limit, EngramLimits.MaxListLimit);

        public static int ClampOffset(int offset) => Math.Max(0, offset);

        /// <summary>top_k: ≤ 0 means the default 8, otherwise clamped to [1, 100] (Q16, Q17).</summary>
        public static int ClampTopK(int topK) =>
            topK <= 0 ? EngramLimits.DefaultTopK : Math.Min(topK, EngramLimits.MaxTopK);

        public static int ClampMaxTokens(int? maxTokens)
        {
            if (!maxTokens.HasValue)
            {
                return EngramLimits.DefaultMaxTokens;
            }

            return Math.Max(1, Math.Min(maxTokens.Value, EngramLimits.DefaultMaxTokens));
        }
    }
}
