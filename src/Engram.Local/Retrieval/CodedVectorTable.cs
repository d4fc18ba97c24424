using System;
using System.Collections.Generic;
using System.IO;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Threading;
using Engram.Local.Embedding;

namespace Engram.Local.Retrieval
{
    /// <summary>
    /// A large bucket's vectors as 8-bit codes scanned in full: the candidate generator where the HNSW graph's recall
    /// is poor (256-dim hashing vectors, whose best matches sit near cosine 0.3 among many near-ties). Every row keeps
    /// its 8-bit codes (<see cref="Int8Codes"/>) and scale, stored dimension-major in blocks of <see cref="BlockRows"/>
    /// rows, so a search reads only the columns of the query's non-zero components: a hashing question has 33–69 of
    /// 256 (median 42 on the bench questions), so a search reads about a sixth of the codes, yet computes every row's
    /// 8-bit cosine exactly. The best k by that cosine go to the caller, which re-scores them from the stored floats.
    /// Rows are appended in ascending seq order (positions found by binary search) and held in chunks, so growing
    /// never copies the table. Not thread-safe: the owning <see cref="ApproximateIndex"/> serialises every call (a
    /// search reuses the table's buffers, and spreads its own work over the cores: see <see cref="SearchPass"/>).
    /// </summary>
    internal sealed class CodedVectorTable
    {
        private const int ChunkShift = 16;
        private const int ChunkRows = 1 << ChunkShift;

        // The scan's unit and the codes' layout: a block's codes are its rows' component 0, then component 1, ... (each
        // a run of BlockRows bytes); a block's 32 KiB of accumulators stay in the first-level cache. 8 blocks to a chunk.
        private const int BlockShift = 13;
        private const int BlockRows = 1 << BlockShift;
        private const int BlocksPerChunkShift = ChunkShift - BlockShift;

        // "EGRMEVC2": seqs, dimension-major codes, scales, deleted flags. "EGRMEVC1" (read, never written) also held
        // 512 sign bits a row for a Hamming pass and row-major codes.
        private const ulong FileMagic = 0x3243_5645_4D52_4745;
        private const ulong SignedFileMagic = 0x3143_5645_4D52_4745;
        private const int SignedFileBits = 512;

        private readonly int _dimensions;
        private readonly sbyte[] _row;
        private readonly List<Chunk> _chunks = new List<Chunk>();
        private SearchPass? _search;

        public CodedVectorTable(int dimensions)
        {
            _dimensions = dimensions;
            _row = new sbyte[dimensions];
        }

        /// <summary>Rows appended (deleted ones included).</summary>
        public int Count { get; private set; }

        /// <summary>Rows marked deleted (<see cref="Remove"/>), counted in <see cref="Count"/>.</summary>
        public int Removed
        {
            get
            {
                var removed = 0;
                foreach (var chunk in _chunks)
                {
                    removed += chunk.DeletedCount;
                }

                return removed;
            }
        }

        /// <summary>The seq of the last row appended, or 0.</summary>
        public long LastSeq => Count == 0 ? 0 : SeqAt(Count - 1);

        /// <summary>Whether this table was read from a file of the previous format (<see cref="Load"/>), which the next save replaces.</summary>
        public bool ReadFromOlderFormat { get; private set; }

        public void Append(long seq, float[] vector)
        {
            if (Count > 0 && seq <= LastSeq)
            {
                throw new InvalidOperationException("Coded rows must be appended in ascending seq order.");
            }

            if ((Count & (ChunkRows - 1)) == 0)
            {
                _chunks.Add(new Chunk(_dimensions));
            }

            var chunk = _chunks[_chunks.Count - 1];
            var at = Count & (ChunkRows - 1);
            chunk.Seqs[at] = seq;
            chunk.Scales[at] = Int8Codes.Encode(vector, 0, _dimensions, _row, 0);
            for (int d = 0, offset = CodeOffset(at, _dimensions); d < _dimensions; d++, offset += BlockRows)
            {
                chunk.Codes[offset] = _row[d];
            }

            Count++;
        }

        /// <summary>Marks the row of <paramref name="seq"/> deleted; false when the table has no such row.</summary>
        public bool Remove(long seq)
        {
            var (low, high) = (0, Count - 1);
            while (low <= high)
            {
                var mid = low + ((high - low) >> 1);
                var found = SeqAt(mid);
                if (found == seq)
                {
                    var chunk = _chunks[mid >> ChunkShift];
                    if (!chunk.Deleted[mid & (ChunkRows - 1)])
                    {
                        chunk.Deleted[mid & (ChunkRows - 1)] = true;
                        chunk.DeletedCount++;
                    }

                    return true;
                }

                if (found < seq)
                {
                    low = mid + 1;
                }
                else
                {
                    high = mid - 1;
                }
            }

            return false;
        }

        /// <summary>
        /// The <paramref name="k"/> live rows with the highest 8-bit cosine to <paramref name="query"/> (unit length):
        /// (seq, cosine), best first, equal cosines by lower seq; the cosine is the query's scale times the row's times
        /// the integer dot product of their codes (<see cref="Int8Codes"/>). Exact in that measure, so the same however
        /// the pass was split over the cores.
        /// </summary>
        public List<(long Seq, float Cosine)> Search(float[] query, int k, RetrievalPhaseTimes? phases = null)
        {
            var mark = RetrievalPhaseTimes.Start(phases);
            var result = new List<(long, float)>(k);
            if (Count == 0 || k <= 0)
            {
                return result;
            }

            // The owning ApproximateIndex serialises every call under its lock, so one set of buffers per table serves
            // every search without allocating per query.
            var search = _search ??= new SearchPass(this);
            foreach (var (position, cosine) in search.Run(query, k))
            {
                result.Add((SeqAt(position), cosine));
            }

            RetrievalPhaseTimes.Lap(phases, ref mark, (p, t) => p.DenseScan += t);
            return result;
        }

        // The file's header (magic, dimensions, row count; the older format also its bits) and the reused buffer of
        // Save and Load (a chunk's deleted flags fit it).
        private const int HeaderBytes = sizeof(ulong) + (2 * sizeof(int));
        private const int SignedHeaderBytes = HeaderBytes + sizeof(int);
        private const int IoBufferBytes = ChunkRows;

        /// <summary>
        /// Writes the table: a header (magic, dimensions, row count), then each chunk's rows as four blocks (seqs, the
        /// codes of its used scan blocks as laid out in memory, scales, a deleted flag byte each), little-endian as the
        /// platform lays them out.
        /// </summary>
        public void Save(string path)
        {
            // Unbuffered: every block is written whole, through one reused buffer (the codes straight from their array).
            using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1);
            using var writer = new BinaryWriter(stream);
            writer.Write(FileMagic);
            writer.Write(_dimensions);
            writer.Write(Count);
            writer.Flush();
            var buffer = new byte[IoBufferBytes];
            for (var c = 0; c < _chunks.Count; c++)
            {
                var chunk = _chunks[c];
                var rows = Math.Min(ChunkRows, Count - (c << ChunkShift));
                WriteBlock(stream, buffer, chunk.Seqs, rows * sizeof(long));
                stream.Write(AsBytes(chunk.Codes), 0, CodeBytes(rows, _dimensions));
                WriteBlock(stream, buffer, chunk.Scales, rows * sizeof(float));
                for (var i = 0; i < rows; i++)
                {
                    // rows <= ChunkRows = the buffer's length.
                    buffer[i] = chunk.Deleted[i] ? (byte)1 : (byte)0;
                }

                stream.Write(buffer, 0, rows);
            }
        }

        /// <summary>
        /// Reads a table written by <see cref="Save"/>, or by the previous version (sign bits and row-major codes: the
        /// signs are skipped and the codes laid out anew, and <see cref="ReadFromOlderFormat"/> is set); throws
        /// <see cref="InvalidDataException"/> for another or damaged file: wrong header, a length that does not match its
        /// row count, rows out of seq order, or a deleted flag other than 0 or 1. Checks
        /// <paramref name="cancellationToken"/> between chunks.
        /// </summary>
        public static CodedVectorTable Load(string path, int dimensions, CancellationToken cancellationToken = default)
        {
            // Unbuffered, read block by block into the chunks' arrays through one reused 64 KiB buffer (the codes, 95 %
            // of the file, straight into theirs). Measured on the previous format's 924,109-row table (307 MB, in the
            // page cache): 105–111 ms of CPU against 202–248 ms when each block was read into a new array and copied (a
            // 1 MiB buffer: 135–146 ms, it leaves the CPU cache). Most of what is left is the first touch of the arrays'
            // fresh pages.
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
            using var reader = new BinaryReader(stream);
            var magic = stream.Length < HeaderBytes ? 0 : reader.ReadUInt64();
            var signed = magic == SignedFileMagic && stream.Length >= SignedHeaderBytes;
            if ((magic != FileMagic && !signed) || reader.ReadInt32() != dimensions || (signed && reader.ReadInt32() != SignedFileBits))
            {
                throw new InvalidDataException($"'{path}' is not a coded vector table of {dimensions} dimensions.");
            }

            var count = reader.ReadInt32();
            var signBytes = SignedFileBits / 8;
            var expected = signed
                ? (long)count * (sizeof(long) + signBytes + dimensions + sizeof(float) + 1)
                : ((long)count * (sizeof(long) + sizeof(float) + 1)) + ((long)((count + BlockRows - 1) >> BlockShift) * dimensions * BlockRows);
            if (count < 0 || stream.Length - stream.Position != expected)
            {
                throw new InvalidDataException($"'{path}' is truncated or damaged.");
            }

            var table = new CodedVectorTable(dimensions) { ReadFromOlderFormat = signed };
            var buffer = new byte[IoBufferBytes];
            var previous = long.MinValue;
            for (var start = 0; start < count; start += ChunkRows)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var chunk = new Chunk(dimensions);
                var rows = Math.Min(ChunkRows, count - start);
                ReadBlock(stream, buffer, chunk.Seqs, rows * sizeof(long));
                for (var i = 0; i < rows; i++)
                {
                    // Remove and the search's ties find rows by binary search on seq.
                    if (chunk.Seqs[i] <= previous)
                    {
                        throw new InvalidDataException($"'{path}' is damaged: its rows are not in ascending seq order.");
                    }

                    previous = chunk.Seqs[i];
                }

                if (signed)
                {
                    stream.Seek((long)rows * signBytes, SeekOrigin.Current);
                    ReadRowMajor(stream, buffer, chunk.Codes, rows, dimensions);
                }
                else
                {
                    ReadFully(stream, AsBytes(chunk.Codes), CodeBytes(rows, dimensions));
                }

                ReadBlock(stream, buffer, chunk.Scales, rows * sizeof(float));
                ReadFully(stream, buffer, rows);
                for (var i = 0; i < rows; i++)
                {
                    if (buffer[i] > 1)
                    {
                        throw new InvalidDataException($"'{path}' is damaged: a deleted flag reads {buffer[i]}.");
                    }

                    chunk.Deleted[i] = buffer[i] != 0;
                    chunk.DeletedCount += buffer[i];
                }

                table._chunks.Add(chunk);
            }

            table.Count = count;
            return table;
        }

        private long SeqAt(int position) => _chunks[position >> ChunkShift].Seqs[position & (ChunkRows - 1)];

        /// <summary>The bytes of a chunk's codes that hold its first <paramref name="rows"/> rows: its used scan blocks, whole.</summary>
        private static int CodeBytes(int rows, int dimensions) => ((rows + BlockRows - 1) >> BlockShift) * dimensions * BlockRows;

        /// <summary>Where component 0 of a chunk's row sits in the chunk's codes (component d is d * <see cref="BlockRows"/> further).</summary>
        private static int CodeOffset(int row, int dimensions) => ((row >> BlockShift) * dimensions * BlockRows) + (row & (BlockRows - 1));

        /// <summary>Reads <paramref name="rows"/> row-major codes (the older format) into a chunk's dimension-major layout.</summary>
        private static void ReadRowMajor(Stream stream, byte[] buffer, sbyte[] codes, int rows, int dimensions)
        {
            // The buffer's rows (256 at 256 dimensions, all in one block) column by column: each component's run is
            // written contiguously. Row by row, every row touched one page per component: the first query on the
            // 924,109-row bench file of the older format took 1,988 ms of CPU (load 8-12), column by column 1,090-1,244
            // (load 7-14; an 8 x 8 byte-block transpose did no better), against 590 on a file of this format.
            var perRead = Math.Max(1, buffer.Length / dimensions);
            perRead = Math.Min(perRead, BlockRows);
            var source = (sbyte[])(object)buffer;
            for (var row = 0; row < rows;)
            {
                // Never across a block's end: the rows' runs must be contiguous in one block.
                var n = Math.Min(Math.Min(perRead, rows - row), BlockRows - (row & (BlockRows - 1)));
                ReadFully(stream, buffer, n * dimensions);
                var first = CodeOffset(row, dimensions);
                for (var d = 0; d < dimensions; d++)
                {
                    for (int i = 0, at = first + (d << BlockShift), from = d; i < n; i++, from += dimensions)
                    {
                        codes[at + i] = source[from];
                    }
                }

                row += n;
            }
        }

        // The runtime lets an sbyte[] be used as the byte[] of the same bytes (the two array types are assignment-compatible
        // in the CLR on every runtime, .NET Framework included), so the codes need no copy on either side of the file.
        private static byte[] AsBytes(sbyte[] codes) => (byte[])(object)codes;

        private static void WriteBlock(Stream stream, byte[] buffer, Array source, int bytes)
        {
            for (var done = 0; done < bytes; done += buffer.Length)
            {
                var length = Math.Min(buffer.Length, bytes - done);
                Buffer.BlockCopy(source, done, buffer, 0, length);
                stream.Write(buffer, 0, length);
            }
        }

        private static void ReadBlock(Stream stream, byte[] buffer, Array target, int bytes)
        {
            for (var done = 0; done < bytes; done += buffer.Length)
            {
                var length = Math.Min(buffer.Length, bytes - done);
                ReadFully(stream, buffer, length);
                Buffer.BlockCopy(buffer, 0, target, done, length);
            }
        }

        private static void ReadFully(Stream stream, byte[] target, int bytes)
        {
            for (var done = 0; done < bytes;)
            {
                var read = stream.Read(target, done, bytes - done);
                if (read <= 0)
                {
                    throw new InvalidDataException("A coded vector table ended early.");
                }

                done += read;
            }
        }

        /// <summary>
        /// One table's search and the buffers it reuses from search to search (the owning <see cref="ApproximateIndex"/>
        /// serialises searches under its lock, so one set per table is safe). The pass scans blocks of
        /// <see cref="BlockRows"/> rows: a block's 8-bit dot products are summed column by column over the query's
        /// non-zero components, its rows scored, and those at or above the current floor (the k-th best score so far)
        /// kept; merging them into the shared best k (under a lock, once a block) raises the floor for the next block. A
        /// row below the floor has k better rows already, so the result is the exact best k by 8-bit cosine whatever
        /// order the blocks ran in, and ties go by position, so it does not depend on how <see cref="Share"/> shared
        /// the work.
        /// </summary>
        private sealed class SearchPass
        {
            // Pool threads that help a search (with the caller: up to 4 threads; the pass is memory-bound beyond that).
            private static readonly int Helpers = Math.Min(3, Environment.ProcessorCount - 1);

            private readonly CodedVectorTable _table;
            private readonly object _gate = new object();
            private readonly sbyte[] _codedQuery;
            private readonly WaitCallback _help;
            private readonly Worker _caller = new Worker();
            private Worker? _spare;

            // The query's non-zero components and their codes, an even count (a zero-weight one added when odd: the
            // kernel takes them in pairs), and its scale.
            private readonly int[] _components;
            private readonly short[] _weights;
            private int _used;
            private float _queryScale;

            // The best k so far (k = its capacity) and its floor: its lowest score once it holds k, else -infinity (read
            // without the gate).
            private TopN _best = new TopN(1);
            private float _floor;

            // The shared loop (Share): its generation (a helper still busy after its loop ended commits nothing) and
            // which of its items are committed.
            private int _generation;
            private bool[] _done = new bool[0];

            public SearchPass(CodedVectorTable table)
            {
                _table = table;
                _codedQuery = new sbyte[table._dimensions];
                _components = new int[table._dimensions + 1];
                _weights = new short[table._dimensions + 1];
                _help = Help;
            }

            /// <summary>The <paramref name="k"/> best live rows as (position, cosine), best first, equal cosines by lower position.</summary>
            public IEnumerable<(int Index, float Score)> Run(float[] query, int k)
            {
                _queryScale = Int8Codes.Encode(query, 0, _table._dimensions, _codedQuery, 0);
                _used = 0;
                for (var d = 0; d < _codedQuery.Length; d++)
                {
                    if (_codedQuery[d] != 0)
                    {
                        _components[_used] = d;
                        _weights[_used++] = _codedQuery[d];
                    }
                }

                if ((_used & 1) != 0)
                {
                    _components[_used] = _components[0];
                    _weights[_used++] = 0;
                }

                _best = new TopN(k);
                _floor = float.NegativeInfinity;
                var blocks = (_table.Count + BlockRows - 1) >> BlockShift;
                // From a chunk up (~0.5 ms on one core): below that a helper's start costs more than it saves.
                Share(blocks, blocks >= 1 << BlocksPerChunkShift);
                return _best.Descending();
            }

            /// <summary>
            /// Scans blocks 0 to <paramref name="items"/> - 1 (<see cref="ScanBlock"/>) on this thread and, when
            /// <paramref name="helped"/>, on pool threads, each block claimed once from a shared counter. A block is scanned
            /// into its thread's <see cref="Worker"/> and committed under the gate unless it is committed already. The
            /// caller never waits on a helper that has no core (a loaded machine: Parallel.For, which waits for every
            /// claimed item, made the pass slower than one thread at load 7-12): items a helper still holds when the
            /// counter runs out get ~0.2 ms, then the caller computes them too and the first commit wins.
            /// </summary>
            private void Share(int items, bool helped)
            {
                Round round;
                lock (_gate)
                {
                    if (_done.Length < items)
                    {
                        _done = new bool[Math.Max(items, _done.Length * 2)];
                    }

                    Array.Clear(_done, 0, items);
                    round = new Round(++_generation, items);
                }

                var generation = round.Generation;
                for (var h = 0; helped && h < Helpers; h++)
                {
                    ThreadPool.UnsafeQueueUserWorkItem(_help, round);
                }

                int item;
                while ((item = Interlocked.Increment(ref round.Next) - 1) < items)
                {
                    ScanBlock(item, _caller, generation);
                }

                var giveUp = System.Diagnostics.Stopwatch.GetTimestamp() + (System.Diagnostics.Stopwatch.Frequency / 5000);
                for (var i = 0; i < items; i++)
                {
                    var spins = 0;
                    while (!Volatile.Read(ref _done[i]) && System.Diagnostics.Stopwatch.GetTimestamp() < giveUp)
                    {
                        Thread.SpinWait(++spins < 20 ? 8 : 64);
                    }

                    if (!Volatile.Read(ref _done[i]))
                    {
                        ScanBlock(i, _caller, generation);
                    }
                }

                lock (_gate)
                {
                    // Closed: a helper still busy commits nothing.
                    _generation++;
                }
            }

            private void Help(object? state)
            {
                // A helper that starts after its round (or its search) ended claims nothing: the round's counter is its own.
                var round = (Round)state!;
                var worker = Interlocked.Exchange(ref _spare, null) ?? new Worker();
                int item;
                while (Volatile.Read(ref _generation) == round.Generation && (item = Interlocked.Increment(ref round.Next) - 1) < round.Items)
                {
                    ScanBlock(item, worker, round.Generation);
                }

                Volatile.Write(ref _spare, worker);
            }

            [MethodImpl(HotPath.Optimized)]
            private void ScanBlock(int block, Worker worker, int generation)
            {
                var table = _table;
                var chunk = table._chunks[block >> BlocksPerChunkShift];
                var first = (block & ((1 << BlocksPerChunkShift) - 1)) << BlockShift;
                var rows = Math.Min(BlockRows, table.Count - (block << BlockShift));
                var sums = worker.Sums;
                Array.Clear(sums, 0, sums.Length);
                Accumulate(chunk.Codes, CodeOffset(first, table._dimensions), _components, _weights, _used, sums);

                var kept = worker.Kept(_best.Capacity);
                var floor = Volatile.Read(ref _floor);
                var queryScale = new Vector<float>(_queryScale);
                var width = Vector<float>.Count;
                for (var r = 0; r < rows; r += width)
                {
                    // The same product, in the same order, as a plain (query scale × row scale) × dot.
                    var scores = queryScale * new Vector<float>(chunk.Scales, first + r) * Vector.ConvertToSingle(new Vector<int>(sums, r));
                    if (!Vector.GreaterThanOrEqualAny(scores, new Vector<float>(floor)))
                    {
                        continue;
                    }

                    for (var lane = 0; lane < width && r + lane < rows; lane++)
                    {
                        var score = scores[lane];
                        if (score >= floor && !chunk.Deleted[first + r + lane])
                        {
                            kept.Offer((block << BlockShift) + r + lane, score);
                            if (kept.Full)
                            {
                                floor = Math.Max(floor, kept.Lowest);
                            }
                        }
                    }
                }

                lock (_gate)
                {
                    if (generation != _generation || _done[block])
                    {
                        return;
                    }

                    foreach (var (position, score) in kept.Items)
                    {
                        _best.Offer(position, score);
                    }

                    if (_best.Full)
                    {
                        Volatile.Write(ref _floor, _best.Lowest);
                    }

                    Volatile.Write(ref _done[block], true);
                }
            }

            /// <summary>
            /// Adds to <paramref name="sums"/> (one per row of a block) the 8-bit dot products of the block's rows over the
            /// query's components: for each pair, the two columns of <see cref="BlockRows"/> codes at
            /// <paramref name="offset"/> + component × <see cref="BlockRows"/>, times the pair's codes.
            /// </summary>
            [MethodImpl(HotPath.Optimized)]
            private static void Accumulate(sbyte[] codes, int offset, int[] components, short[] weights, int used, int[] sums)
            {
                var width = Vector<sbyte>.Count;
                var ints = Vector<int>.Count;
                var u = 0;
                for (; u + 4 <= used; u += 4)
                {
                    // Two pairs a pass over the sums: half the loads and stores of the sums per column.
                    var a = offset + (components[u] << BlockShift);
                    var b = offset + (components[u + 1] << BlockShift);
                    var c = offset + (components[u + 2] << BlockShift);
                    var d = offset + (components[u + 3] << BlockShift);
                    var wa = new Vector<short>(weights[u]);
                    var wb = new Vector<short>(weights[u + 1]);
                    var wc = new Vector<short>(weights[u + 2]);
                    var wd = new Vector<short>(weights[u + 3]);
                    for (var r = 0; r < BlockRows; r += width)
                    {
                        Vector.Widen(new Vector<sbyte>(codes, a + r), out Vector<short> a0, out Vector<short> a1);
                        Vector.Widen(new Vector<sbyte>(codes, b + r), out Vector<short> b0, out Vector<short> b1);
                        Vector.Widen(new Vector<sbyte>(codes, c + r), out Vector<short> c0, out Vector<short> c1);
                        Vector.Widen(new Vector<sbyte>(codes, d + r), out Vector<short> d0, out Vector<short> d1);
                        // |code| <= 127 on both sides, so a lane holding two products (<= 32,258) cannot overflow 16 bits.
                        Vector.Widen((a0 * wa) + (b0 * wb), out Vector<int> s0, out Vector<int> s1);
                        Vector.Widen((a1 * wa) + (b1 * wb), out Vector<int> s2, out Vector<int> s3);
                        Vector.Widen((c0 * wc) + (d0 * wd), out Vector<int> t0, out Vector<int> t1);
                        Vector.Widen((c1 * wc) + (d1 * wd), out Vector<int> t2, out Vector<int> t3);
                        (new Vector<int>(sums, r) + s0 + t0).CopyTo(sums, r);
                        (new Vector<int>(sums, r + ints) + s1 + t1).CopyTo(sums, r + ints);
                        (new Vector<int>(sums, r + (2 * ints)) + s2 + t2).CopyTo(sums, r + (2 * ints));
                        (new Vector<int>(sums, r + (3 * ints)) + s3 + t3).CopyTo(sums, r + (3 * ints));
                    }
                }

                for (; u < used; u += 2)
                {
                    var a = offset + (components[u] << BlockShift);
                    var b = offset + (components[u + 1] << BlockShift);
                    var wa = new Vector<short>(weights[u]);
                    var wb = new Vector<short>(weights[u + 1]);
                    for (var r = 0; r < BlockRows; r += width)
                    {
                        Vector.Widen(new Vector<sbyte>(codes, a + r), out Vector<short> a0, out Vector<short> a1);
                        Vector.Widen(new Vector<sbyte>(codes, b + r), out Vector<short> b0, out Vector<short> b1);
                        Vector.Widen((a0 * wa) + (b0 * wb), out Vector<int> s0, out Vector<int> s1);
                        Vector.Widen((a1 * wa) + (b1 * wb), out Vector<int> s2, out Vector<int> s3);
                        (new Vector<int>(sums, r) + s0).CopyTo(sums, r);
                        (new Vector<int>(sums, r + ints) + s1).CopyTo(sums, r + ints);
                        (new Vector<int>(sums, r + (2 * ints)) + s2).CopyTo(sums, r + (2 * ints));
                        (new Vector<int>(sums, r + (3 * ints)) + s3).CopyTo(sums, r + (3 * ints));
                    }
                }
            }

            /// <summary>One <see cref="Share"/> loop: its blocks, claimed from <see cref="Next"/>.</summary>
            private sealed class Round
            {
                public Round(int generation, int items)
                {
                    Generation = generation;
                    Items = items;
                }

                public int Generation { get; }

                public int Items { get; }

                // The next unclaimed item (a field: claimed by Interlocked.Increment).
                public int Next;
            }

            /// <summary>One thread's buffers: a block's dot products and the rows it keeps.</summary>
            private sealed class Worker
            {
                private TopN? _kept;

                public int[] Sums { get; } = new int[BlockRows];

                /// <summary>An empty best-<paramref name="k"/> for the next block.</summary>
                public TopN Kept(int k)
                {
                    if (_kept == null || _kept.Capacity != k)
                    {
                        _kept = new TopN(k);
                    }

                    _kept.Clear();
                    return _kept;
                }
            }
        }

        private sealed class Chunk
        {
            public Chunk(int dimensions)
            {
                Seqs = new long[ChunkRows];
                Codes = new sbyte[ChunkRows * dimensions];
                Scales = new float[ChunkRows];
                Deleted = new bool[ChunkRows];
            }

            public long[] Seqs { get; }

            /// <summary>Dimension-major within each scan block (see <see cref="CodeOffset"/>).</summary>
            public sbyte[] Codes { get; }

            public float[] Scales { get; }

            public bool[] Deleted { get; }

            public int DeletedCount { get; set; }
        }
    }
}
