using System;
using Engram.Client;
using Engram.Local.Storage;
using Engram.Local.Text;
using Microsoft.Data.Sqlite;

namespace Engram.Local.Profiles
{
    /// <summary>
    /// Bucket profilers (wire spec §12): <c>not_installed</c> → install → <c>pending</c> (no snapshot) →
    /// first tick → <c>ready</c>. A tick runs synchronously: on regenerate, and after a store into a bucket
    /// whose profiler is still pending. A snapshot stays until the next tick (Q42).
    /// </summary>
    internal static class ProfileService
    {
        public const string Source = "bucket-profiler";

        /// <summary>How many of the newest memories a tick reads; bounds the cost of a tick on a large bucket.</summary>
        private const int SampleSize = 2000;

        public static void Install(SqliteConnection connection, BucketRow bucket)
        {
            using var command = connection.CreateCommand();
            command.CommandText =
                "INSERT INTO bucket_profilers (bucket_id, installed_at) VALUES ($bucket, $now) ON CONFLICT (bucket_id) DO NOTHING;";
            command.Parameters.AddWithValue("$bucket", bucket.Id);
            command.Parameters.AddWithValue("$now", Timestamps.Now());
            command.ExecuteNonQuery();
        }

        /// <summary>The profile as GET reports it; a missing bucket reads as not installed with no bucket id (Q9).</summary>
        public static ProfileResult Get(SqliteConnection connection, BucketRow? bucket)
        {
            if (bucket == null)
            {
                return new ProfileResult { Profile = null, BucketId = null, Status = ProfileResult.StatusNotInstalled };
            }

            var state = Read(connection, bucket.Id);
            if (state == null)
            {
                return new ProfileResult { Profile = null, BucketId = bucket.Id, Status = ProfileResult.StatusNotInstalled };
            }

            return state;
        }

        /// <summary>Source of a profile the user's model wrote (BYOK); extractive ones keep <see cref="Source"/>.</summary>
        public const string ModelSource = "bucket-profiler/model";

        /// <summary>Runs an extractive tick now. Throws nothing itself; callers check the profiler is installed.</summary>
        public static ProfileResult Tick(SqliteConnection connection, BucketRow bucket)
        {
            var count = MemoryRepository.Count(connection, bucket.Id);
            var recent = MemoryRepository.ReadRecent(connection, bucket.Id, SampleSize);
            return Save(connection, bucket, ExtractiveProfileBuilder.Build(bucket.Name, count, recent), count, Source);
        }

        /// <summary>Stores a snapshot (extractive or model-written) as the bucket's current profile.</summary>
        public static ProfileResult Save(SqliteConnection connection, BucketRow bucket, string text, int memoryCount, string source)
        {
            using var command = connection.CreateCommand();
            command.CommandText =
                "UPDATE bucket_profilers SET profile = $profile, updated_at = $now, n_memories_at_gen = $count, source = $source " +
                "WHERE bucket_id = $bucket;";
            command.Parameters.AddWithValue("$profile", text);
            command.Parameters.AddWithValue("$now", Timestamps.Now());
            command.Parameters.AddWithValue("$count", memoryCount);
            command.Parameters.AddWithValue("$source", source);
            command.Parameters.AddWithValue("$bucket", bucket.Id);
            command.ExecuteNonQuery();
            return Read(connection, bucket.Id) ?? throw new InvalidOperationException("The profiler was removed during its tick.");
        }

        public static void TickIfPending(SqliteConnection connection, BucketRow bucket)
        {
            var state = Read(connection, bucket.Id);
            if (state != null && state.Status == ProfileResult.StatusPending)
            {
                Tick(connection, bucket);
            }
        }

        public static bool IsInstalled(SqliteConnection connection, string bucketId) => Read(connection, bucketId) != null;

        /// <summary>The profiler state, or null when none is installed.</summary>
        public static ProfileResult? Read(SqliteConnection connection, string bucketId)
        {
            using var command = connection.CreateCommand();
            command.CommandText =
                "SELECT profile, updated_at, n_memories_at_gen, source FROM bucket_profilers WHERE bucket_id = $bucket;";
            command.Parameters.AddWithValue("$bucket", bucketId);
            using var reader = command.ExecuteReader();
            if (!reader.Read())
            {
                return null;
            }

            if (reader.IsDBNull(0))
            {
                return new ProfileResult { Profile = null, BucketId = bucketId, Status = ProfileResult.StatusPending };
            }

            return new ProfileResult
            {
                Profile = reader.GetString(0),
                BucketId = bucketId,
                Status = ProfileResult.StatusReady,
                UpdatedAt = reader.IsDBNull(1) ? null : reader.GetString(1),
                NMemoriesAtGen = reader.IsDBNull(2) ? (int?)null : reader.GetInt32(2),
                Source = reader.IsDBNull(3) ? null : reader.GetString(3),
            };
        }
    }
}
