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
    /// <see cref="BuildChunk"/> rows, so writes never wait for the index; until it has caught up once, queries
    /// keep scanning exactly. For the hashing embedder the index is a coded table alone (<c>.codes</c>), for model
    /// embedders an HNSW graph (<c>.usearch</c>). It is saved beside the database (<c>&lt;file&gt;.vectors/</c>) after every
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

        /// <summary>
        /// Saved coded tables read at open (<see cref="Preload"/>) up to this many bytes in all, largest first: a million
        /// hashing rows are about 307 MB, so the largest bucket of a bench-sized file is read ahead, while a file of many
        /// large buckets does not hold every table from its opening on (the others are read by their first query).
        /// </summary>
        public const long PreloadBudgetBytes = 512L << 20;

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
        private readonly ConcurrentDictionary<string, string> _unreadable = new ConcurrentDictionary<string, string>();
        private readonly SemaphoreSlim _signal = new SemaphoreSlim(0);
        private readonly CancellationTokenSource _stop = new CancellationTokenSource();
        private readonly object _workerGate = new object();
        private Task? _worker;
        private Task? _preload;
        private int _busy;
        private bool _disposed;

        // coded: whether indexed buckets keep a coded table (CodedVectorTable) instead of a graph, for embedders whose
        // vectors the graph serves poorly (the hashing embedder: recall@10 0.755 at 924,109 rows through the graph,
        // 0.997 through the table).
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

            if (_coded)
            {
                return LoadCodes(bucketId, record);
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

            // No catch-up requested here: the rows after the file's coverage are scanned exactly beside it, and the
            // copy that can take rows is loaded only once that tail outgrows a build step (loading it beside the
            // first query doubled its time on the 2-core machine, and a read-mostly session never needs it).
            return index;
        }

        /// <summary>
        /// Starts reading the saved coded tables of this file's buckets on a background thread (up to
        /// <see cref="PreloadBudgetBytes"/>, largest first), so the first query after opening finds its bucket's table
        /// read, or waits only for the rest of it, instead of reading it all on the query's thread (the larger part of the
        /// first query at a million rows). A table it cannot read is rebuilt from the stored vectors in the background, as
        /// the first query would have asked.
        /// What a preloaded table holds is caught up from the rows like any loaded one, so writes by other processes
        /// meanwhile (inserts, deletions, a newer save) are seen. Does nothing for graphs (mapped at once) or an
        /// in-memory file.
        /// </summary>
        public void Preload()
        {
            if (!_coded || !Enabled)
            {
                return;
            }

            var saved = new List<(string BucketId, VectorIndexRecord Record, long Bytes)>();
            try
            {
                using var connection = _database.OpenConnection();
                foreach (var (bucketId, record) in VectorIndexStore.FindSaved(connection, _embedder))
                {
                    var file = new FileInfo(CodesPath(record.File!));
                    if (file.Exists)
                    {
                        saved.Add((bucketId, record, file.Length));
                    }
                }
            }
            catch (Exception e) when (e is SqliteException || e is IOException || e is UnauthorizedAccessException)
            {
                // Reading ahead is only a head start: the first query reads its bucket's table as before.
                LastFailure = e;
                return;
            }

            if (saved.Count == 0)
            {
                return;
            }

            saved.Sort((a, b) => b.Bytes.CompareTo(a.Bytes));
            var stop = _stop.Token;
            _preload = Task.Factory.StartNew(() => PreloadSaved(saved, stop), stop, TaskCreationOptions.LongRunning, TaskScheduler.Default);
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
                _worker ??= Task.Factory.StartNew(() => Work(_stop.Token), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
            }

            _signal.Release();
        }

        /// <summary>Whether this engine holds the bucket's index in memory (built, read or mapped); reads nothing.</summary>
        public bool Holds(string bucketId) => _indexes.ContainsKey(bucketId);

        /// <summary>
        /// Waits until the saved tables read at open are read (<see cref="Preload"/>) and every requested bucket is indexed
        /// up to what was committed when it was asked (bench and tests).
        /// </summary>
        public void WaitIdle(CancellationToken cancellationToken = default)
        {
            try
            {
                _preload?.Wait(cancellationToken);
            }
            catch (AggregateException)
            {
                // Cancelled by closing; a failure to read a table is recorded as LastFailure.
            }

            while (!_queue.IsEmpty || Volatile.Read(ref _busy) != 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                Thread.Sleep(20);
            }
        }

        /// <summary>Drops a deleted bucket's index and its files.</summary>
        public void Forget(string bucketId)
        {
            // Under the bucket's load lock, so a table being read (at open, or by a query) is not added back after this.
            lock (_loadLocks.GetOrAdd(bucketId, _ => new object()))
            {
                if (_indexes.TryRemove(bucketId, out var index))
                {
                    index.Dispose();
                }
            }

            _fetchers.TryRemove(bucketId, out _);
            _mapped.TryRemove(bucketId, out _);
            _unreadable.TryRemove(bucketId, out _);
            if (_folder != null && Directory.Exists(_folder))
            {
                // Graphs, coded tables (also those beside a graph) and unfinished temporary files.
                foreach (var file in Directory.GetFiles(_folder, bucketId + "-*"))
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
            foreach (var task in new[] { _worker, _preload })
            {
                try
                {
                    task?.Wait();
                }
                catch (AggregateException)
                {
                    // Cancelled mid-step: nothing half-written (files are recorded only after a complete save).
                }
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
                        catch (Exception e) when (e is IOException || e is SqliteException || e is Cloud.Unum.USearch.USearchException || e is UnauthorizedAccessException || e is ObjectDisposedException || e is InvalidOperationException || e is InvalidDataException)
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
                if (_coded && _unreadable.TryGetValue(bucketId, out var unreadable))
                {
                    index = RebuildCodes(connection, bucketId, unreadable, stop);
                    if (index == null)
                    {
                        return;
                    }
                }
                else
                {
                    var mark = VectorIndexStore.Register(connection, bucketId, _embedder);
                    index = ApproximateIndex.Create(_dimensions, mark, _coded);
                    if (!_indexes.TryAdd(bucketId, index))
                    {
                        index.Dispose();
                        index = _indexes[bucketId];
                    }
                }
            }

            var mapped = index.IsView ? index : null;
            if (mapped != null)
            {
                index = LoadMapped(bucketId, mapped);
                if (index == null)
                {
                    return;
                }
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
        /// The recorded coded table of a hashing bucket, read into memory (about 333 bytes a row) on the caller's thread:
        /// a coded table is scanned in full, so there is nothing to map. The previous version's graph-and-table pair is
        /// read as its table alone. Null when it cannot be read: the background thread then rebuilds it from the stored
        /// vectors, and the bucket is scanned exactly meanwhile.
        /// </summary>
        private ApproximateIndex? LoadCodes(string bucketId, VectorIndexRecord record, CancellationToken cancellationToken = default)
        {
            lock (_loadLocks.GetOrAdd(bucketId, _ => new object()))
            {
                if (_indexes.TryGetValue(bucketId, out var index))
                {
                    return index.Ready ? index : null;
                }

                if (_unreadable.TryGetValue(bucketId, out var unreadable) && unreadable == record.File)
                {
                    return null;
                }

                try
                {
                    index = ApproximateIndex.LoadCodes(CodesPath(record.File!), _dimensions, record.MaxSeq, record.Deletion, cancellationToken);
                }
                catch (Exception e) when (e is IOException || e is InvalidDataException || e is UnauthorizedAccessException)
                {
                    // Missing (the previous version's graph without its table, or removed by a newer save since we read
                    // the record), damaged or from another version.
                    LastFailure = e;
                    _unreadable[bucketId] = record.File!;
                    Request(bucketId);
                    return null;
                }

                _indexes[bucketId] = index;
                return index;
            }
        }

        private void PreloadSaved(List<(string BucketId, VectorIndexRecord Record, long Bytes)> saved, CancellationToken stop)
        {
            var budget = PreloadBudgetBytes;
            foreach (var (bucketId, record, bytes) in saved)
            {
                if (bytes > budget)
                {
                    continue;
                }

                budget -= bytes;
                try
                {
                    LoadCodes(bucketId, record, stop);
                }
                catch (OperationCanceledException)
                {
                    return; // the engine is closing
                }
            }
        }

        /// <summary>
        /// Rebuilds an unreadable recorded coded table from the stored vectors it covers (rows up to the record's
        /// <c>max_seq</c>; about 1 KB read per row) and writes it in the recorded file's place for the next open.
        /// Null when the record has moved on to another file since (the next query reads that one).
        /// </summary>
        private ApproximateIndex? RebuildCodes(SqliteConnection connection, string bucketId, string unreadable, CancellationToken stop)
        {
            var record = VectorIndexStore.Find(connection, bucketId);
            if (record == null || record.File != unreadable || record.Embedder != _embedder)
            {
                _unreadable.TryRemove(bucketId, out _);
                return null;
            }

            var codes = new CodedVectorTable(_dimensions);
            var after = 0L;
            while (after < record.MaxSeq)
            {
                stop.ThrowIfCancellationRequested();
                var chunk = VectorIndexStore.ReadVectorChunk(connection, bucketId, after, 4 * BuildChunk);
                foreach (var (seq, blob) in chunk)
                {
                    if (seq <= record.MaxSeq)
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

            var file = CodesPath(record.File);
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

            var index = ApproximateIndex.FromCodes(codes, record.MaxSeq, record.Deletion, file);
            lock (_loadLocks.GetOrAdd(bucketId, _ => new object()))
            {
                _unreadable.TryRemove(bucketId, out _);
                if (!_indexes.TryAdd(bucketId, index))
                {
                    return _indexes[bucketId];
                }
            }

            return index;
        }

        /// <summary>The coded table of a recorded file: the file itself, or beside the previous version's graph.</summary>
        private string CodesPath(string file)
        {
            var path = Path.Combine(_folder!, file);
            return file.EndsWith(ApproximateIndex.CodesSuffix, StringComparison.Ordinal) ? path : path + ApproximateIndex.CodesSuffix;
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
            var name = bucketId + "-" + Guid.NewGuid().ToString("N") + (index.HasCodes ? ApproximateIndex.CodesSuffix : ApproximateIndex.GraphExtension);
            var path = Path.Combine(_folder!, name);
            var (maxSeq, deletion) = index.Save(path);
            using var connection = _database.OpenConnection();
            var stale = VectorIndexStore.RecordSaved(connection, bucketId, name, maxSeq, deletion, UpgradedRecord(index));
            if (stale != null)
            {
                // Another engine may still be loading it: on Windows the delete then fails and a later save retries.
                // A graph of the previous version goes with the coded table saved beside it.
                TryDelete(Path.Combine(_folder!, stale));
                TryDelete(Path.Combine(_folder!, stale + ApproximateIndex.CodesSuffix));
            }

            RemoveOrphanCodes(connection, bucketId);
        }

        /// <summary>
        /// The recorded file name a coded table read from the previous format was read from (its table itself, or the
        /// graph it was saved beside), which its save in this format may replace at equal coverage; else null.
        /// </summary>
        private static string? UpgradedRecord(ApproximateIndex index)
        {
            if (!index.ReadFromOlderFormat || index.SourceFile == null)
            {
                return null;
            }

            var name = Path.GetFileName(index.SourceFile);
            return name.EndsWith(ApproximateIndex.GraphExtension + ApproximateIndex.CodesSuffix, StringComparison.Ordinal)
                ? name.Substring(0, name.Length - ApproximateIndex.CodesSuffix.Length)
                : name;
        }

        /// <summary>
        /// Removes the bucket's coded tables left beside graphs that are gone (the previous version deleted a replaced
        /// graph but not its table), except the recorded one's. A table whose graph still exists is left alone: another
        /// engine may be loading the pair.
        /// </summary>
        private void RemoveOrphanCodes(SqliteConnection connection, string bucketId)
        {
            const string PairSuffix = ApproximateIndex.GraphExtension + ApproximateIndex.CodesSuffix;
            var recorded = VectorIndexStore.Find(connection, bucketId)?.File;
            foreach (var file in Directory.GetFiles(_folder!, bucketId + "-*" + PairSuffix))
            {
                var graph = file.Substring(0, file.Length - ApproximateIndex.CodesSuffix.Length);
                if (file.EndsWith(PairSuffix, StringComparison.Ordinal) && Path.GetFileName(graph) != recorded && !File.Exists(graph))
                {
                    TryDelete(file);
                }
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
