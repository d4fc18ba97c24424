using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Engram.Local.Embedding;
using Engram.Local.Storage;
using Microsoft.Data.Sqlite;

namespace Engram.Local.Retrieval
{
    /// <summary>
    /// The approximate indexes of one engine's large buckets. A bucket reaching <see cref="MinimumBucketSize"/>
    /// is registered (its deletions are logged from then on) and indexed by one background thread in chunks of
    /// <see cref="BuildChunk"/> rows, so writes never wait for the graph; until it has caught up once, queries
    /// keep scanning exactly. The index is saved beside the database (<c>&lt;file&gt;.vectors/</c>) after every
    /// <see cref="SaveFraction"/> of change and when the engine closes; another engine opening the file loads the
    /// newest saved index instead of reading a million vectors, then catches up from the rows (inserts after its
    /// <c>max_seq</c>, logged deletions after its mark), as every process does when others write the file.
    /// </summary>
    internal sealed class VectorIndexSet : IDisposable
    {
        /// <summary>
        /// Buckets from this size get an index where the natives exist. Measured (bench scale, 384 dims): the exact
        /// coded scan takes about 1 ms per 10,000 vectors and the index about 2–4 ms per query with its exact
        /// re-scoring, so below ~20,000 the scan is as fast and needs no build.
        /// </summary>
        public const int MinimumBucketSize = 20_000;

        /// <summary>Rows read and added per step; the index lock is held for one step (~0.5 s at 384 dims).</summary>
        public const int BuildChunk = 1024;

        /// <summary>Saved again once this share of the index changed (a save of 1M int8 vectors writes ~0.5 GB).</summary>
        public const double SaveFraction = 0.10;

        private const int MinimumUnsavedToSave = 4096;

        private readonly SqliteDatabase _database;
        private readonly int _dimensions;
        private readonly string _embedder;
        private readonly bool _coded;
        private readonly string? _folder;
        private readonly ConcurrentDictionary<string, ApproximateIndex> _indexes = new ConcurrentDictionary<string, ApproximateIndex>();
        private readonly ConcurrentDictionary<string, VectorFetcher> _fetchers = new ConcurrentDictionary<string, VectorFetcher>();
        private readonly ConcurrentDictionary<string, object> _loadLocks = new ConcurrentDictionary<string, object>();
        private readonly ConcurrentDictionary<string, VectorIndexRecord> _mapped = new ConcurrentDictionary<string, VectorIndexRecord>();
        private readonly ConcurrentQueue<string> _queue = new ConcurrentQueue<string>();
        private readonly ConcurrentDictionary<string, bool> _queued = new ConcurrentDictionary<string, bool>();
        private readonly ConcurrentDictionary<string, bool> _codesOnly = new ConcurrentDictionary<string, bool>();
        private readonly SemaphoreSlim _signal = new SemaphoreSlim(0);
        private readonly CancellationTokenSource _stop = new CancellationTokenSource();
        private readonly object _workerGate = new object();
        private Task? _worker;
        private int _busy;
        private bool _disposed;

        // coded: whether retrieval in indexed buckets scans a coded table (CodedVectorTable) instead of walking the
        // graph, for embedders whose vectors the graph serves poorly (the hashing embedder: recall@10 0.80 at 924,109
        // rows through the graph). The graph still serves the dedup check's near-duplicates.
        public VectorIndexSet(SqliteDatabase database, int dimensions, string embedder, int minimumBucketSize = MinimumBucketSize, bool coded = false)
        {
            _database = database;
            _dimensions = dimensions;
            _embedder = embedder;
            _coded = coded;
            MinimumSize = minimumBucketSize;
            _folder = database.FilePath == null ? null : database.FilePath + ".vectors";
        }

        /// <summary>False for in-memory databases, when turned off (int.MaxValue) and where the USearch natives are missing: every bucket is scanned exactly.</summary>
        public bool Enabled => _folder != null && !_disposed && MinimumSize != int.MaxValue && USearchNatives.Available;

        public int MinimumSize { get; }

        /// <summary>The last background failure (the bucket is then scanned exactly); for diagnostics and tests.</summary>
        public Exception? LastFailure { get; private set; }

        /// <summary>
        /// The bucket's ready index: this engine's own, or the newest saved one loaded from its file. Null when
        /// there is none yet (the caller scans exactly). Never builds on the caller's thread.
        /// </summary>
        public ApproximateIndex? Ready(SqliteConnection connection, string bucketId, SqliteTransaction? transaction)
        {
            if (_indexes.TryGetValue(bucketId, out var index))
            {
                return index.Ready ? index : null;
            }

            if (!Enabled)
            {
                return null;
            }

            var record = VectorIndexStore.Find(connection, bucketId, transaction);
            if (record == null)
            {
                return null;
            }

            if (record.File == null || record.Embedder != _embedder)
            {
                // Registered by another engine that has not saved yet (or made with other vectors): build our own.
                Request(bucketId);
                return null;
            }

            lock (_loadLocks.GetOrAdd(bucketId, _ => new object()))
            {
                if (_indexes.TryGetValue(bucketId, out index))
                {
                    return index.Ready ? index : null;
                }

                try
                {
                    // Mapped, not read: the first query answers at once; the background thread loads a copy that can grow.
                    index = ApproximateIndex.View(Path.Combine(_folder!, record.File), record.MaxSeq, record.Deletion);
                }
                catch (Exception e) when (e is IOException || e is Cloud.Unum.USearch.USearchException || e is UnauthorizedAccessException)
                {
                    // A file removed by a newer save between our read and our load, or damaged: rebuild.
                    LastFailure = e;
                    Request(bucketId);
                    return null;
                }

                _mapped[bucketId] = record;
                _indexes[bucketId] = index;
            }

            if (_coded)
            {
                // The map answers from the graph until its coded table is read (or rebuilt) in the background.
                _codesOnly[bucketId] = true;
                Request(bucketId);
            }

            // No catch-up requested here: the rows after the file's coverage are scanned exactly beside it, and the
            // copy that can take rows is loaded only once that tail outgrows a build step (loading it beside the
            // first query doubled its time on the 2-core machine, and a read-mostly session never needs it).
            return index;
        }

        /// <summary>The fetcher of exact vectors shared by the bucket's index-backed snapshots.</summary>
        public VectorFetcher Fetcher(string bucketId) => _fetchers.GetOrAdd(bucketId, _ => new VectorFetcher(_database, _dimensions));

        /// <summary>Removes the rows deleted since the index last looked (one indexed read), before a snapshot over it is made.</summary>
        public void ApplyDeletions(SqliteConnection connection, string bucketId, ApproximateIndex index, SqliteTransaction? transaction)
        {
            var (seqs, last) = VectorIndexStore.DeletionsSince(connection, bucketId, index.Deletion, transaction);
            if (last > index.Deletion)
            {
                index.Remove(seqs, last);
                Fetcher(bucketId).Clear();
            }
        }

        /// <summary>Asks the background thread to index the bucket (or catch up). Cheap; safe inside a write transaction.</summary>
        public void Request(string bucketId)
        {
            if (!Enabled || !_queued.TryAdd(bucketId, true))
            {
                return;
            }

            _queue.Enqueue(bucketId);
            lock (_workerGate)
            {
                _worker ??= Task.Factory.StartNew(() => Work(_stop.Token), TaskCreationOptions.LongRunning);
            }

            _signal.Release();
        }

        /// <summary>Waits until every requested bucket is indexed up to what was committed when it was asked (bench and tests).</summary>
        public void WaitIdle(CancellationToken cancellationToken = default)
        {
            while (!_queue.IsEmpty || Volatile.Read(ref _busy) != 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                Thread.Sleep(20);
            }
        }

        /// <summary>Drops a deleted bucket's index and its files.</summary>
        public void Forget(string bucketId)
        {
            if (_indexes.TryRemove(bucketId, out var index))
            {
                index.Dispose();
            }

            _fetchers.TryRemove(bucketId, out _);
            _mapped.TryRemove(bucketId, out _);
            if (_folder != null && Directory.Exists(_folder))
            {
                foreach (var file in Directory.GetFiles(_folder, bucketId + "-*.usearch*"))
                {
                    TryDelete(file);
                }
            }
        }

        public void Dispose()
        {
            if (_disposed)
            {
                return;
            }

            _stop.Cancel();
            try
            {
                _worker?.Wait();
            }
            catch (AggregateException)
            {
                // Cancelled mid-step: nothing half-written (files are recorded only after a complete save).
            }

            _disposed = true;
            foreach (var pair in _indexes)
            {
                try
                {
                    if (pair.Value.Ready && pair.Value.Unsaved > 0)
                    {
                        Save(pair.Key, pair.Value);
                    }
                }
                catch (Exception e) when (e is IOException || e is SqliteException || e is Cloud.Unum.USearch.USearchException || e is UnauthorizedAccessException)
                {
                    // The index is a cache of the rows: the next engine rebuilds or catches up.
                    LastFailure = e;
                }

                pair.Value.Dispose();
            }

            _indexes.Clear();
            _stop.Dispose();
            _signal.Dispose();
        }

        private void Work(CancellationToken stop)
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    _signal.Wait(stop);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                Interlocked.Exchange(ref _busy, 1);
                try
                {
                    while (_queue.TryDequeue(out var bucketId))
                    {
                        _queued.TryRemove(bucketId, out _);
                        try
                        {
                            CatchUp(bucketId, stop);
                        }
                        catch (OperationCanceledException)
                        {
                            return;
                        }
                        catch (Exception e) when (e is IOException || e is SqliteException || e is Cloud.Unum.USearch.USearchException || e is UnauthorizedAccessException || e is ObjectDisposedException || e is InvalidOperationException)
                        {
                            LastFailure = e;
                        }
                    }
                }
                finally
                {
                    Interlocked.Exchange(ref _busy, 0);
                }
            }
        }

        private void CatchUp(string bucketId, CancellationToken stop)
        {
            using var connection = _database.OpenConnection();
            if (!_indexes.TryGetValue(bucketId, out var index))
            {
                var mark = VectorIndexStore.Register(connection, bucketId, _embedder);
                index = ApproximateIndex.Create(_dimensions, mark, _coded);
                if (!_indexes.TryAdd(bucketId, index))
                {
                    index.Dispose();
                    index = _indexes[bucketId];
                }
            }

            var mapped = index.IsView ? index : null;
            if (mapped != null && _codesOnly.TryRemove(bucketId, out _))
            {
                if (!mapped.HasCodes)
                {
                    EnsureCodes(connection, bucketId, mapped, stop);
                }

                return;
            }

            if (mapped != null)
            {
                var codes = mapped.DetachCodes();
                index = LoadMapped(bucketId, mapped);
                if (index == null)
                {
                    return;
                }

                if (codes != null)
                {
                    index.AttachCodes(codes);
                }
            }

            if (_coded && !index.HasCodes && index.Count > 0)
            {
                // Before any row is added: the table then covers exactly what the saved file covers.
                EnsureCodes(connection, bucketId, index, stop);
            }

            while (true)
            {
                stop.ThrowIfCancellationRequested();
                List<(long Seq, float[] Vector)> rows;
                using (var read = connection.BeginTransaction(deferred: true))
                {
                    ApplyDeletions(connection, bucketId, index, read);
                    var chunk = VectorIndexStore.ReadVectorChunk(connection, bucketId, index.MaxSeq, BuildChunk, read);
                    rows = new List<(long, float[])>(chunk.Count);
                    foreach (var (seq, blob) in chunk)
                    {
                        rows.Add((seq, VectorMath.FromBytes(blob, _dimensions)));
                    }

                    read.Commit();
                }

                if (rows.Count > 0)
                {
                    index.Add(rows, rows[rows.Count - 1].Seq);
                }

                if (rows.Count < BuildChunk)
                {
                    break;
                }
            }

            index.Ready = true;
            // Queries took the loaded copy from the next snapshot on; one still searching the map just finds nothing more.
            mapped?.Dispose();
            if (index.Unsaved >= Math.Max(MinimumUnsavedToSave, index.Count * SaveFraction))
            {
                Save(bucketId, index);
            }
        }

        /// <summary>
        /// Gives a loaded or mapped index its coded table: read from beside its file, else built from the stored
        /// vectors it covers (rows up to its <see cref="ApproximateIndex.MaxSeq"/>; about 1 KB read per row) and
        /// written beside the file for the next open. Until then retrieval walks the graph.
        /// </summary>
        private void EnsureCodes(SqliteConnection connection, string bucketId, ApproximateIndex index, CancellationToken stop)
        {
            var file = index.SourceFile == null ? null : index.SourceFile + ApproximateIndex.CodesSuffix;
            if (file != null && File.Exists(file))
            {
                try
                {
                    if (index.AttachCodes(CodedVectorTable.Load(file, _dimensions)))
                    {
                        return;
                    }
                }
                catch (Exception e) when (e is IOException || e is InvalidDataException || e is UnauthorizedAccessException)
                {
                    // Damaged or from another version: rebuilt below.
                    LastFailure = e;
                }
            }

            var codes = new CodedVectorTable(_dimensions);
            var after = 0L;
            var coveredTo = index.MaxSeq;
            while (after < coveredTo)
            {
                stop.ThrowIfCancellationRequested();
                var chunk = VectorIndexStore.ReadVectorChunk(connection, bucketId, after, 4 * BuildChunk);
                foreach (var (seq, blob) in chunk)
                {
                    if (seq <= coveredTo)
                    {
                        codes.Append(seq, VectorMath.FromBytes(blob, _dimensions));
                    }
                }

                if (chunk.Count < 4 * BuildChunk)
                {
                    break;
                }

                after = chunk[chunk.Count - 1].Seq;
            }

            if (index.AttachCodes(codes) && file != null)
            {
                var temporary = file + "." + Guid.NewGuid().ToString("N") + ".tmp";
                try
                {
                    codes.Save(temporary);
                    File.Delete(file);
                    File.Move(temporary, file);
                }
                catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
                {
                    // Rebuilt again by the next engine that opens the file.
                    LastFailure = e;
                    TryDelete(temporary);
                }
            }
        }

        /// <summary>
        /// Replaces a mapped index by a loaded copy of the same file, as it was recorded (deletions masked on the map
        /// are applied to the copy from the log). Null when the file is gone (a newer save replaced it): the map is
        /// dropped, and the next query maps the newest file.
        /// </summary>
        private ApproximateIndex? LoadMapped(string bucketId, ApproximateIndex mapped)
        {
            if (!_mapped.TryGetValue(bucketId, out var record))
            {
                return null;
            }

            ApproximateIndex loaded;
            try
            {
                loaded = ApproximateIndex.Load(Path.Combine(_folder!, record.File!), record.MaxSeq, record.Deletion);
            }
            catch (Exception e) when (e is IOException || e is Cloud.Unum.USearch.USearchException || e is UnauthorizedAccessException)
            {
                LastFailure = e;
                _indexes.TryRemove(bucketId, out _);
                mapped.Dispose();
                return null;
            }

            loaded.Ready = true;
            _indexes[bucketId] = loaded;
            _mapped.TryRemove(bucketId, out _);
            return loaded;
        }

        private void Save(string bucketId, ApproximateIndex index)
        {
            StorageFaults.CreatePrivateFolder(_folder!);
            var name = bucketId + "-" + Guid.NewGuid().ToString("N") + ".usearch";
            var path = Path.Combine(_folder!, name);
            var (maxSeq, deletion) = index.Save(path);
            using var connection = _database.OpenConnection();
            var stale = VectorIndexStore.RecordSaved(connection, bucketId, name, maxSeq, deletion);
            if (stale != null)
            {
                // Another engine may still be loading it: on Windows the delete then fails and a later save retries.
                TryDelete(Path.Combine(_folder!, stale));
                TryDelete(Path.Combine(_folder!, stale + ApproximateIndex.CodesSuffix));
            }
        }

        private static void TryDelete(string path)
        {
            try
            {
                File.Delete(path);
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                // Left for the next save or Forget.
            }
        }
    }
}
