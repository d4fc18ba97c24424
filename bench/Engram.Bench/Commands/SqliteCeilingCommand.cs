using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Security.Cryptography;
using System.Text;
using System.Threading;
using Engram.Bench.Data;
using Engram.Bench.Measurement;
using Engram.Local;
using Engram.Local.Dedup;
using Microsoft.Data.Sqlite;

namespace Engram.Bench.Commands
{
    /// <summary>
    /// The storage ceiling: the same rows written straight through Microsoft.Data.Sqlite, with only the structure
    /// the engine needs to answer the protocol and nothing of the engine itself. One row table with the engine's
    /// columns, its id key, its listing index and its (bucket, content hash) index; an external-content FTS5 table
    /// with the engine's porter tokenizer; the same vector blob (the hashing embedder's 256 floats, 1 KiB); the
    /// engine's connection settings (WAL, synchronous NORMAL, cache, checkpoint); the same transaction size and
    /// prepared, reused statements. Ids, hashes and vectors are computed before the clock starts: this measures
    /// what SQLite allows, the engine's ingest rate is judged against it.
    /// Two variants, for cells beside the ceiling as issued (which stays the yardstick): <c>--fact-key-index 1</c> adds
    /// the engine's <c>fact_key</c> column and its <c>(bucket_id, fact_key)</c> index (the dedup check's lookup), and
    /// <c>--returning 0</c> reads each row's seq from the connection's last rowid instead of <c>RETURNING seq</c>, as
    /// the engine does since RETURNING was measured to cost about 60 µs CPU a row.
    /// </summary>
    public static class SqliteCeilingCommand
    {
        private const string Schema = @"
CREATE TABLE memories (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    id           TEXT NOT NULL UNIQUE,
    tenant       TEXT NOT NULL,
    bucket_id    TEXT NOT NULL,
    content      TEXT NOT NULL,
    content_hash BLOB NOT NULL,
    token_count  INTEGER NOT NULL,
    created_at   TEXT NOT NULL,
    embedding    BLOB NOT NULL{0}
);
CREATE INDEX ix_memories_bucket_order ON memories (bucket_id, created_at DESC, seq DESC);
CREATE INDEX ix_memories_bucket_hash ON memories (bucket_id, content_hash);{1}
CREATE VIRTUAL TABLE memories_fts USING fts5 (content, content = 'memories', content_rowid = 'seq', tokenize = 'porter unicode61 remove_diacritics 2');
";

        public static int Run(CommandLine options, CancellationToken cancellationToken)
        {
            var rows = options.Int("rows");
            var batch = Math.Max(1, options.Int("batch", 100));
            var db = options.Text("db");
            var factKeyIndex = options.Int("fact-key-index", 0) != 0;
            var returning = options.Int("returning", 1) != 0;
            IngestCommands.DeleteDatabase(db);
            SQLitePCL.Batteries_V2.Init();

            var contents = FactGenerator.Contents(0, rows);
            var hashes = new byte[rows][];
            var blobs = new byte[rows][];
            var ids = new string[rows];
            var factKeys = new long[rows];
            var embedder = new HashingEmbedder();
            using (var sha = SHA256.Create())
            {
                for (var i = 0; i < rows; i++)
                {
                    hashes[i] = sha.ComputeHash(Encoding.UTF8.GetBytes(contents[i]));
                    var vector = embedder.Embed(contents[i]);
                    blobs[i] = new byte[vector.Length * sizeof(float)];
                    Buffer.BlockCopy(vector, 0, blobs[i], 0, blobs[i].Length);
                    ids[i] = Guid.NewGuid().ToString();
                    factKeys[i] = FactTokens.Key(contents[i], sha);
                }
            }

            var bucketId = Guid.NewGuid().ToString();
            var createdAt = DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture);
            using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = db, Mode = SqliteOpenMode.ReadWriteCreate }.ToString());
            connection.Open();
            Execute(connection, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA cache_size = -32768; PRAGMA temp_store = MEMORY; PRAGMA wal_autocheckpoint = 4000;");
            Execute(connection, string.Format(
                System.Globalization.CultureInfo.InvariantCulture,
                Schema,
                factKeyIndex ? ",\n    fact_key     INTEGER" : string.Empty,
                factKeyIndex ? "\nCREATE INDEX ix_memories_bucket_fact_key ON memories (bucket_id, fact_key);" : string.Empty));

            var rate = new RateBySize(rows);
            var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            for (var start = 0; start < rows; start += batch)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var end = Math.Min(rows, start + batch);
                using var transaction = connection.BeginTransaction();
                using var insert = connection.CreateCommand();
                insert.Transaction = transaction;
                insert.CommandText =
                    "INSERT INTO memories (id, tenant, bucket_id, content, content_hash, token_count, created_at, embedding" + (factKeyIndex ? ", fact_key" : string.Empty) + ") " +
                    "VALUES ($id, 'default', $bucket, $content, $hash, $tokens, $created, $embedding" + (factKeyIndex ? ", $fact" : string.Empty) + ")" + (returning ? " RETURNING seq;" : ";");
                var p = factKeyIndex
                    ? new[] { "$id", "$bucket", "$content", "$hash", "$tokens", "$created", "$embedding", "$fact" }
                    : new[] { "$id", "$bucket", "$content", "$hash", "$tokens", "$created", "$embedding" };
                foreach (var name in p)
                {
                    insert.Parameters.Add(new SqliteParameter { ParameterName = name });
                }

                insert.Prepare();
                using var fts = connection.CreateCommand();
                fts.Transaction = transaction;
                fts.CommandText = "INSERT INTO memories_fts (rowid, content) VALUES ($seq, $content);";
                fts.Parameters.Add(new SqliteParameter { ParameterName = "$seq" });
                fts.Parameters.Add(new SqliteParameter { ParameterName = "$content" });
                fts.Prepare();

                for (var i = start; i < end; i++)
                {
                    insert.Parameters[0].Value = ids[i];
                    insert.Parameters[1].Value = bucketId;
                    insert.Parameters[2].Value = contents[i];
                    insert.Parameters[3].Value = hashes[i];
                    insert.Parameters[4].Value = contents[i].Length / 4;
                    insert.Parameters[5].Value = createdAt;
                    insert.Parameters[6].Value = blobs[i];
                    if (factKeyIndex)
                    {
                        insert.Parameters[7].Value = factKeys[i];
                    }

                    long seq;
                    if (returning)
                    {
                        seq = (long)insert.ExecuteScalar()!;
                    }
                    else
                    {
                        insert.ExecuteNonQuery();
                        seq = SQLitePCL.raw.sqlite3_last_insert_rowid(connection.Handle);
                    }

                    fts.Parameters[0].Value = seq;
                    fts.Parameters[1].Value = contents[i];
                    fts.ExecuteNonQuery();
                }

                transaction.Commit();
                rate.Mark(end, clock.Elapsed);
            }

            clock.Stop();
            var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
            var result = new ResultFile
            {
                ["cpu_seconds"] = Math.Round(cpu.TotalSeconds, 3),
                ["rows"] = rows,
                ["batch"] = batch,
                ["fact_key_index"] = factKeyIndex,
                ["returning"] = returning,
                ["seconds"] = Math.Round(clock.Elapsed.TotalSeconds, 3),
                ["rows_per_second"] = Math.Round(rows / clock.Elapsed.TotalSeconds, 1),
                ["rate_by_size"] = rate.Slices(),
                ["peak_working_set_bytes"] = Process.GetCurrentProcess().PeakWorkingSet64,
                ["database_bytes"] = new FileInfo(db).Length,
            };
            connection.Close();
            SqliteConnection.ClearAllPools();
            result.Save(options.Text("result"));
            return 0;
        }

        private static void Execute(SqliteConnection connection, string sql)
        {
            using var command = connection.CreateCommand();
            command.CommandText = sql;
            command.ExecuteNonQuery();
        }
    }

    /// <summary>Ingest rate per tenth of the run (rows/s while the bucket grew through that tenth): shows whether ingest slows as the bucket grows.</summary>
    public sealed class RateBySize
    {
        private readonly int _total;
        private readonly List<Dictionary<string, object>> _slices = new List<Dictionary<string, object>>();
        private int _lastRows;
        private TimeSpan _lastTime;

        public RateBySize(int total) => _total = total;

        public void Mark(int rowsSoFar, TimeSpan elapsed)
        {
            var tenth = Math.Max(1, _total / 10);
            if (rowsSoFar - _lastRows < tenth && rowsSoFar < _total)
            {
                return;
            }

            var seconds = (elapsed - _lastTime).TotalSeconds;
            _slices.Add(new Dictionary<string, object>
            {
                ["bucket_size"] = rowsSoFar,
                ["rows_per_second"] = Math.Round((rowsSoFar - _lastRows) / Math.Max(seconds, 1e-9), 1),
            });
            _lastRows = rowsSoFar;
            _lastTime = elapsed;
        }

        public List<Dictionary<string, object>> Slices() => _slices;
    }
}
