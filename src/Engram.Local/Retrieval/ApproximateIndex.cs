using System;
using System.Collections.Generic;
using System.Reflection;
using Cloud.Unum.USearch;

namespace Engram.Local.Retrieval
{
    /// <summary>
    /// One bucket's HNSW graph (USearch) over its vectors, keyed by memory seq, 8-bit quantised. Searches return
    /// candidates with approximate cosines; callers re-score them exactly from the stored vectors. All calls are
    /// serialised by one lock: USearch reallocates its node array on reserve, which a concurrent search must not see.
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

        /// <summary>The coded table of a saved index file is that file's path with this appended.</summary>
        public const string CodesSuffix = ".codes";

        /// <summary>
        /// Retrieval's Hamming shortlist in a coded table (<see cref="CodedVectorTable"/>): this share of the rows, at
        /// least <see cref="CodedShortlistMinimum"/>. Measured (`Engram.Bench codes-tune`, the 924,109-row hashing bench
        /// bucket, 60 questions, best 200 re-scored exactly, load ~18): 0.5 % → recall@10 0.987, 16.2 CPU-ms a search;
        /// 1 % → 0.997, 17.8 ms; 2 % → 1.000, 21.6 ms (the Hamming pass over every row is most of it).
        /// </summary>
        public const double CodedShortlistShare = 0.01;

        public const int CodedShortlistMinimum = 4096;

        private readonly object _gate = new object();
        private readonly USearchIndex _index;
        private readonly HashSet<long>? _masked;
        private CodedVectorTable? _codes;
        private bool _disposed;

        private ApproximateIndex(USearchIndex index, long maxSeq, long deletion, bool view, string? sourceFile)
        {
            _index = index;
            MaxSeq = maxSeq;
            Deletion = deletion;
            _masked = view ? new HashSet<long>() : null;
            SourceFile = sourceFile;
        }

        /// <summary>The saved file this index was loaded or mapped from (null when built here); its coded table is <c>SourceFile + ".codes"</c>.</summary>
        public string? SourceFile { get; }

        /// <summary>Whether retrieval searches a coded table (a full scan of compact codes) instead of the graph.</summary>
        public bool HasCodes
        {
            get
            {
                lock (_gate)
                {
                    return _codes != null;
                }
            }
        }

        /// <summary>
        /// A read-only memory map of a saved file (<see cref="View"/>): it answers at once, without reading the file
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
                    return _disposed ? 0 : (int)_index.Size();
                }
            }
        }

        /// <summary>A new empty index; with <paramref name="codes"/> it also keeps a coded table for retrieval.</summary>
        public static ApproximateIndex Create(int dimensions, long deletion, bool codes = false) =>
            new ApproximateIndex(new USearchIndex(MetricKind.Cos, ScalarKind.Int8, (ulong)dimensions, Connectivity, AddExpansion, SearchExpansion, false), 0, deletion, false, null)
            {
                _codes = codes ? new CodedVectorTable(dimensions) : null,
            };

        public static ApproximateIndex Load(string path, long maxSeq, long deletion) =>
            new ApproximateIndex(new USearchIndex(path, false), maxSeq, deletion, false, path) { Ready = true };

        /// <summary>Maps a saved file read-only (see <see cref="IsView"/>).</summary>
        public static ApproximateIndex View(string path, long maxSeq, long deletion) =>
            new ApproximateIndex(new USearchIndex(path, true), maxSeq, deletion, true, path) { Ready = true };

        /// <summary>
        /// Gives the index a coded table holding exactly its rows (those up to <see cref="MaxSeq"/>; rows deleted
        /// since it was read may remain, and drop out at the exact re-score). False when it has one or the table does not fit.
        /// </summary>
        public bool AttachCodes(CodedVectorTable codes)
        {
            lock (_gate)
            {
                if (_disposed || _codes != null || codes.LastSeq > MaxSeq)
                {
                    return false;
                }

                _codes = codes;
                return true;
            }
        }

        /// <summary>Takes the coded table away (to hand it to a loaded copy); this index's retrieval falls back to the graph.</summary>
        public CodedVectorTable? DetachCodes()
        {
            lock (_gate)
            {
                var codes = _codes;
                _codes = null;
                return codes;
            }
        }

        /// <summary>Adds rows (ascending seqs above <see cref="MaxSeq"/>) in one batch and advances <see cref="MaxSeq"/> to <paramref name="coveredTo"/>.</summary>
        public void Add(IReadOnlyList<(long Seq, float[] Vector)> rows, long coveredTo)
        {
            var keys = new ulong[rows.Count];
            var vectors = new float[rows.Count][];
            for (var i = 0; i < rows.Count; i++)
            {
                keys[i] = (ulong)rows[i].Seq;
                vectors[i] = rows[i].Vector;
            }

            lock (_gate)
            {
                ThrowIfDisposed();
                if (_masked != null)
                {
                    throw new InvalidOperationException("A mapped vector index takes no rows: load it first.");
                }

                ReserveAhead(rows.Count);
                if (keys.Length > 0)
                {
                    _index.Add(keys, vectors);
                    if (_codes != null)
                    {
                        for (var i = 0; i < rows.Count; i++)
                        {
                            _codes.Append(rows[i].Seq, rows[i].Vector);
                        }
                    }
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
                    _codes?.Remove(seq);
                    if (_masked != null)
                    {
                        _masked.Add(seq);
                    }
                    else if (_index.Contains((ulong)seq))
                    {
                        _index.Remove((ulong)seq);
                        Unsaved++;
                    }
                }

                Deletion = Math.Max(Deletion, deletion);
            }
        }

        /// <summary>Up to <paramref name="k"/> nearest memories by the quantised vectors: (seq, approximate cosine), best first.</summary>
        public List<(long Seq, float Cosine)> Search(float[] query, int k)
        {
            var found = new List<(long, float)>(k);
            lock (_gate)
            {
                if (_disposed || _index.Size() == 0)
                {
                    return found;
                }

                var count = _index.Search(query, k, out var keys, out var distances);
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
        /// Retrieval's candidates: the <paramref name="k"/> best of a full scan of the coded table when there is one,
        /// else the graph's nearest after walking at least <paramref name="breadth"/> neighbours.
        /// </summary>
        public List<(long Seq, float Cosine)> Candidates(float[] query, int k, int breadth, RetrievalPhaseTimes? phases = null)
        {
            lock (_gate)
            {
                if (_codes != null && !_disposed)
                {
                    var shortlist = Math.Max(CodedShortlistMinimum, (int)(_codes.Count * CodedShortlistShare));
                    return _codes.Search(query, Math.Max(shortlist, k), k, phases);
                }
            }

            return Search(query, Math.Max(k, breadth));
        }

        /// <summary>Writes the index to <paramref name="path"/> (and its coded table beside it); returns what it covers, read under the same lock.</summary>
        public (long MaxSeq, long Deletion) Save(string path)
        {
            lock (_gate)
            {
                ThrowIfDisposed();
                _index.Save(path);
                _codes?.Save(path + CodesSuffix);
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
                    _index.Dispose();
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
            var needed = _index.Size() + (ulong)adding;
            if (_index.Capacity() >= needed || Reserve == null || Handle == null)
            {
                return;
            }

            var capacity = Math.Max(needed, Math.Max(1024UL, _index.Capacity() * 2));
            var arguments = new object?[] { Handle.GetValue(_index), (UIntPtr)capacity, IntPtr.Zero };
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
