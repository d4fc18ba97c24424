using System;
using System.Collections.Generic;
using System.IO;
using System.Reflection;
using Cloud.Unum.USearch;

namespace Engram.Local.Retrieval
{
    /// <summary>
    /// One bucket's approximate index, keyed by memory seq, in one of two forms. For model embedders: an HNSW graph
    /// (USearch) over the vectors, 8-bit quantised. For the hashing embedder: a <see cref="CodedVectorTable"/> only,
    /// scanned in full (the graph's recall on those vectors was poor, and building it was most of the ingest cost at
    /// a million rows: 1,225 CPU-µs a row against 300 at 10,000). Searches return candidates with approximate cosines;
    /// callers re-score them exactly from the stored vectors. All calls are serialised by one lock: USearch
    /// reallocates its node array on reserve, which a concurrent search must not see.
    /// <see cref="MaxSeq"/> and <see cref="Deletion"/> say which rows it covers (see <see cref="Storage.VectorIndexRecord"/>).
    /// </summary>
    internal sealed class ApproximateIndex : IDisposable
    {
        // Measured on 30,000 vectors (2-core machine, busy). Clustered 384-dim: expansion_add 32 with int8 builds at
        // 3,070 vectors/s, recall@10 0.95 before re-scoring; 128 with f32: 313/s, 0.998. Hashing 256-dim, re-scored
        // top 400: expansion_add 32 → 2,400/s, recall 0.975 (f16: 1,980/s, 0.972; 800 candidates: no better);
        // 128 → 365/s, 1.000. The graph's quality, not the candidate count, limits recall. Through the engine
        // (bench scale, 30,000 hashing rows, real questions at cosine ~0.3, 2x candidates re-scored): connectivity 16 /
        // expansion_add 64 → recall@10 0.862; 32 / 64 → 0.950, index caught up 1.6 s after ingest; 32 / 128 → 0.969,
        // 5.7 s. 32 / 64 keeps the build at the write path's pace; 384-dim clustered vectors reach 0.999 at 16 / 64.
        // The dedup check's 32 candidates search at SearchExpansion, enough for the near-identical rows it wants.
        // At scale the graph's quality decides (bench hnswtmp-style run on the first 100,000 rows of the 1M hashing
        // bucket, 60 questions, exact re-score of the top k): 32 / 64 int8 → recall@10 0.85 at k 400, 0.95 at 1,000,
        // 3,760 vectors per CPU-second; f32 no better (0.86 / 0.95, 1,890/s); 16 / 64 f32 0.75 / 0.84; 64 / 64
        // 0.89 / 0.94, 4,010/s; 32 / 128 0.91 / 0.97, 2,440/s. At 924,109 rows 32 / 64 gave 0.73 / 0.80, hence 128.
        private const ulong Connectivity = 32;
        private const ulong AddExpansion = 128;
        private const ulong SearchExpansion = 64;

        /// <summary>The extension of a saved graph.</summary>
        public const string GraphExtension = ".usearch";

        /// <summary>
        /// The extension of a saved coded table. (The previous version saved a hashing bucket's table beside its graph,
        /// named as the graph with this appended; such a pair is read as the table alone.)
        /// </summary>
        public const string CodesSuffix = ".codes";

        private readonly object _gate = new object();
        private readonly USearchIndex? _graph;
        private readonly CodedVectorTable? _codes;
        private readonly HashSet<long>? _masked;
        private bool _disposed;

        private ApproximateIndex(USearchIndex? graph, CodedVectorTable? codes, long maxSeq, long deletion, bool view, string? sourceFile)
        {
            _graph = graph;
            _codes = codes;
            MaxSeq = maxSeq;
            Deletion = deletion;
            _masked = view ? new HashSet<long>() : null;
            SourceFile = sourceFile;
        }

        /// <summary>The saved file this index was loaded or mapped from (null when built here).</summary>
        public string? SourceFile { get; }

        /// <summary>Whether this is a coded table (a full scan of compact codes, no graph) rather than a graph.</summary>
        public bool HasCodes => _codes != null;

        /// <summary>Whether this is a coded table read from a file of the previous format (saved in the current one at the next save).</summary>
        public bool ReadFromOlderFormat => _codes?.ReadFromOlderFormat == true;

        /// <summary>Whether this index holds an HNSW graph (model embedders' buckets).</summary>
        public bool HasGraph => _graph != null;

        /// <summary>
        /// A read-only memory map of a saved graph (<see cref="View"/>): it answers at once, without reading the file
        /// into memory first. It cannot take rows; removals only mask. The background thread replaces it with a loaded copy.
        /// </summary>
        public bool IsView => _masked != null;

        /// <summary>Every row with a seq up to this (that existed when it was read) is in the index.</summary>
        public long MaxSeq { get; private set; }

        /// <summary>The last logged deletion applied.</summary>
        public long Deletion { get; private set; }

        /// <summary>Vectors added or removed since the last save.</summary>
        public int Unsaved { get; private set; }

        /// <summary>True once the index has caught up with the bucket at least once (before that queries scan exactly).</summary>
        public bool Ready { get; set; }

        public int Count
        {
            get
            {
                lock (_gate)
                {
                    return _disposed ? 0 : _codes != null ? _codes.Count - _codes.Removed : (int)_graph!.Size();
                }
            }
        }

        /// <summary>A new empty index: a coded table when <paramref name="codes"/>, else a graph.</summary>
        public static ApproximateIndex Create(int dimensions, long deletion, bool codes = false) =>
            codes
                ? new ApproximateIndex(null, new CodedVectorTable(dimensions), 0, deletion, false, null)
                : new ApproximateIndex(new USearchIndex(MetricKind.Cos, ScalarKind.Int8, (ulong)dimensions, Connectivity, AddExpansion, SearchExpansion, false), null, 0, deletion, false, null);

        public static ApproximateIndex Load(string path, long maxSeq, long deletion) =>
            new ApproximateIndex(new USearchIndex(path, false), null, maxSeq, deletion, false, path) { Ready = true };

        /// <summary>Maps a saved graph read-only (see <see cref="IsView"/>).</summary>
        public static ApproximateIndex View(string path, long maxSeq, long deletion) =>
            new ApproximateIndex(new USearchIndex(path, true), null, maxSeq, deletion, true, path) { Ready = true };

        /// <summary>
        /// A coded index over <paramref name="codes"/>, which must hold exactly the rows up to <paramref name="maxSeq"/>
        /// (rows deleted since may remain: they drop out at the exact re-score, and the logged deletions after
        /// <paramref name="deletion"/> remove them). Throws <see cref="InvalidDataException"/> for a table reaching past it.
        /// </summary>
        public static ApproximateIndex FromCodes(CodedVectorTable codes, long maxSeq, long deletion, string? sourceFile)
        {
            if (codes.LastSeq > maxSeq)
            {
                throw new InvalidDataException($"The coded table{(sourceFile == null ? string.Empty : " '" + sourceFile + "'")} holds rows past the {maxSeq} it was recorded with.");
            }

            // A table read from the previous format is saved in the current one when the engine next saves or closes.
            return new ApproximateIndex(null, codes, maxSeq, deletion, false, sourceFile) { Ready = true, Unsaved = codes.ReadFromOlderFormat ? 1 : 0 };
        }

        /// <summary>Reads a saved coded table (<see cref="CodedVectorTable.Load"/>) as a coded index; throws <see cref="InvalidDataException"/> for a damaged one.</summary>
        public static ApproximateIndex LoadCodes(string path, int dimensions, long maxSeq, long deletion, System.Threading.CancellationToken cancellationToken = default) =>
            FromCodes(CodedVectorTable.Load(path, dimensions, cancellationToken), maxSeq, deletion, path);

        /// <summary>Adds rows (ascending seqs above <see cref="MaxSeq"/>) in one batch and advances <see cref="MaxSeq"/> to <paramref name="coveredTo"/>.</summary>
        public void Add(IReadOnlyList<(long Seq, float[] Vector)> rows, long coveredTo)
        {
            lock (_gate)
            {
                ThrowIfDisposed();
                if (_masked != null)
                {
                    throw new InvalidOperationException("A mapped vector index takes no rows: load it first.");
                }

                if (_codes != null)
                {
                    foreach (var (seq, vector) in rows)
                    {
                        _codes.Append(seq, vector);
                    }
                }
                else if (rows.Count > 0)
                {
                    var keys = new ulong[rows.Count];
                    var vectors = new float[rows.Count][];
                    for (var i = 0; i < rows.Count; i++)
                    {
                        keys[i] = (ulong)rows[i].Seq;
                        vectors[i] = rows[i].Vector;
                    }

                    ReserveAhead(rows.Count);
                    _graph!.Add(keys, vectors);
                }

                MaxSeq = Math.Max(MaxSeq, coveredTo);
                Unsaved += rows.Count;
            }
        }

        public void Remove(IReadOnlyList<long> seqs, long deletion)
        {
            lock (_gate)
            {
                ThrowIfDisposed();
                foreach (var seq in seqs)
                {
                    if (_codes != null)
                    {
                        if (_codes.Remove(seq))
                        {
                            Unsaved++;
                        }
                    }
                    else if (_masked != null)
                    {
                        _masked.Add(seq);
                    }
                    else if (_graph!.Contains((ulong)seq))
                    {
                        _graph.Remove((ulong)seq);
                        Unsaved++;
                    }
                }

                Deletion = Math.Max(Deletion, deletion);
            }
        }

        /// <summary>
        /// Up to <paramref name="k"/> nearest memories in the graph by the quantised vectors: (seq, approximate cosine),
        /// best first (retrieval reaches it through <see cref="Candidates"/>; a coded index has no graph to walk).
        /// </summary>
        public List<(long Seq, float Cosine)> Search(float[] query, int k)
        {
            var found = new List<(long, float)>(k);
            lock (_gate)
            {
                if (_disposed)
                {
                    return found;
                }

                if (_codes != null)
                {
                    throw new InvalidOperationException("A coded index has no graph: search it through Candidates.");
                }

                if (_graph!.Size() == 0)
                {
                    return found;
                }

                var count = _graph.Search(query, k, out var keys, out var distances);
                for (var i = 0; i < count; i++)
                {
                    if (_masked == null || !_masked.Contains((long)keys[i]))
                    {
                        found.Add(((long)keys[i], 1f - distances[i]));
                    }
                }
            }

            return found;
        }

        /// <summary>
        /// Retrieval's candidates: the <paramref name="k"/> best of a full scan of the coded table when this is one,
        /// else the graph's nearest after walking at least <paramref name="breadth"/> neighbours.
        /// </summary>
        public List<(long Seq, float Cosine)> Candidates(float[] query, int k, int breadth, RetrievalPhaseTimes? phases = null)
        {
            lock (_gate)
            {
                if (_codes != null)
                {
                    // Under the lock, which is also what makes the table's search buffers (reused by every search, no
                    // per-query arrays) safe: no two searches of one table run at once.
                    return _disposed ? new List<(long, float)>() : _codes.Search(query, k, phases);
                }
            }

            return Search(query, Math.Max(k, breadth));
        }

        /// <summary>Writes the index to <paramref name="path"/> (a graph or a coded table); returns what it covers, read under the same lock.</summary>
        public (long MaxSeq, long Deletion) Save(string path)
        {
            lock (_gate)
            {
                ThrowIfDisposed();
                if (_codes != null)
                {
                    _codes.Save(path);
                }
                else
                {
                    _graph!.Save(path);
                }

                Unsaved = 0;
                return (MaxSeq, Deletion);
            }
        }

        public void Dispose()
        {
            lock (_gate)
            {
                if (!_disposed)
                {
                    _disposed = true;
                    _graph?.Dispose();
                }
            }
        }

        private void ThrowIfDisposed()
        {
            if (_disposed)
            {
                throw new ObjectDisposedException(nameof(ApproximateIndex));
            }
        }

        // USearchIndex.Add reserves exactly size + batch on every call, and each reserve copies the node array:
        // at a million vectors that is quadratic. Reserve geometrically through the native call instead, so the
        // wrapper then finds the capacity sufficient. (Private members of 2.26.6, bound once by reflection; when
        // they are absent the wrapper's own reserve still works, only slower.)
        private void ReserveAhead(int adding)
        {
            var graph = _graph!;
            var needed = graph.Size() + (ulong)adding;
            if (graph.Capacity() >= needed || Reserve == null || Handle == null)
            {
                return;
            }

            var capacity = Math.Max(needed, Math.Max(1024UL, graph.Capacity() * 2));
            var arguments = new object?[] { Handle.GetValue(graph), (UIntPtr)capacity, IntPtr.Zero };
            Reserve.Invoke(null, arguments);
            if ((IntPtr)arguments[2]! != IntPtr.Zero)
            {
                throw new InvalidOperationException($"The vector index could not reserve room for {capacity} vectors (out of memory?).");
            }
        }

        private static readonly FieldInfo? Handle = typeof(USearchIndex).GetField("_index", BindingFlags.NonPublic | BindingFlags.Instance);

        private static readonly MethodInfo? Reserve = typeof(USearchIndex).Assembly
            .GetType("Cloud.Unum.USearch.NativeMethods")?
            .GetMethod("usearch_reserve", BindingFlags.NonPublic | BindingFlags.Public | BindingFlags.Static);
    }
}
