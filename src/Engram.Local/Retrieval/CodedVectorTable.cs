using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Linq.Expressions;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Threading;
using Engram.Local.Embedding;

namespace Engram.Local.Retrieval
{
    /// <summary>
    /// A large bucket's vectors as compact codes scanned in full: the candidate generator where the HNSW graph's
    /// recall is poor (256-dim hashing vectors, whose best matches sit near cosine 0.3 among many near-ties).
    /// Every row keeps the signs of <see cref="Bits"/> fixed random Gaussian projections (64 bytes) and its 8-bit
    /// codes (<see cref="Int8Codes"/>). A search ranks every row by the Hamming distance of its signs to the
    /// query's, keeps the best <c>shortlist</c>, re-ranks those by their 8-bit cosine and returns the best k, which
    /// the caller re-scores from the stored floats. Rows are appended in ascending seq order (positions found by
    /// binary search) and held in chunks, so growing never copies the table. Not thread-safe: the owning
    /// <see cref="ApproximateIndex"/> serialises every call (a search reuses the table's buffers, and spreads its own
    /// work over the cores: see <see cref="SearchPass"/>).
    /// </summary>
    internal sealed class CodedVectorTable
    {
        // Measured with `Engram.Bench codes-tune` on the first 100,000 rows of the 1M hashing bucket (40 questions,
        // exact re-score of the best M by Hamming): 256 bits need M 8,000 for recall@10 0.99, 512 bits M 2,000 (0.995),
        // 1,024 bits M 500 (0.995) but scan twice the bytes. 512 bits = 64 bytes a row: 64 MB at a million rows.
        public const int Bits = 512;
        private const int Words = Bits / 64;
        private const int ChunkShift = 16;
        private const int ChunkRows = 1 << ChunkShift;
        private const ulong FileMagic = 0x3143_5645_4D52_4745; // "EGRMEVC1"

        // The Hamming pass's unit: a block's rows are scanned against one bound, then merged into the shortlist's
        // histogram, which lowers the bound for the next block (8 blocks to a chunk).
        private const int BlockShift = 13;
        private const int BlockRows = 1 << BlockShift;
        private const int BlocksPerChunkShift = ChunkShift - BlockShift;

        private static readonly SignScan HammingKernel = CompileKernel();
        private static readonly Dictionary<int, float[]> PlanesByDimensions = new Dictionary<int, float[]>();

        private readonly int _dimensions;
        private readonly float[] _planes;
        private readonly List<Chunk> _chunks = new List<Chunk>();
        private SearchPass? _search;

        public CodedVectorTable(int dimensions)
        {
            _dimensions = dimensions;
            _planes = Planes(dimensions);
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

        /// <summary>Whether the Hamming pass uses the hardware popcount (.NET Core 3.0 and later) rather than bit arithmetic.</summary>
        public static bool HardwarePopCount { get; private set; }

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
            Signs(vector, chunk.Signs, at * Words);
            chunk.Scales[at] = Int8Codes.Encode(vector, 0, _dimensions, chunk.Codes, at * _dimensions);
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
        /// The <paramref name="k"/> best rows for <paramref name="query"/> (unit length): (seq, approximate cosine),
        /// best first (equal cosines: lower seq first), chosen among the <paramref name="shortlist"/> nearest by Hamming
        /// distance (equal distances: lower seq first). Deterministic: the same table and query give the same list
        /// however the pass was split over the cores.
        /// </summary>
        public List<(long Seq, float Cosine)> Search(float[] query, int shortlist, int k, RetrievalPhaseTimes? phases = null)
        {
            var mark = RetrievalPhaseTimes.Start(phases);
            var result = new List<(long, float)>(k);
            if (Count == 0 || k <= 0 || shortlist <= 0)
            {
                return result;
            }

            // The owning ApproximateIndex serialises every call under its lock, so one set of buffers per table serves
            // every search without allocating per query.
            var search = _search ??= new SearchPass(this);
            search.Scan(query, shortlist);
            RetrievalPhaseTimes.Lap(phases, ref mark, (p, t) => p.DenseHamming += t);
            foreach (var (position, cosine) in search.Rerank(query, k))
            {
                result.Add((SeqAt(position), cosine));
            }

            RetrievalPhaseTimes.Lap(phases, ref mark, (p, t) => p.DenseShortlist += t);
            return result;
        }

        // The file's header (magic, dimensions, bits, row count) and the reused buffer of Save and Load (a chunk's deleted flags fit it).
        private const int HeaderBytes = sizeof(ulong) + (3 * sizeof(int));
        private const int IoBufferBytes = ChunkRows;

        /// <summary>
        /// Writes the table: a header (magic, dimensions, bits, row count), then each chunk's rows as five blocks (seqs,
        /// sign words, 8-bit codes, scales, a deleted flag byte each), little-endian as the platform lays them out.
        /// </summary>
        public void Save(string path)
        {
            // Unbuffered: every block is written whole, through one reused buffer (the codes straight from their array).
            using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1);
            using var writer = new BinaryWriter(stream);
            writer.Write(FileMagic);
            writer.Write(_dimensions);
            writer.Write(Bits);
            writer.Write(Count);
            writer.Flush();
            var buffer = new byte[IoBufferBytes];
            for (var c = 0; c < _chunks.Count; c++)
            {
                var chunk = _chunks[c];
                var rows = Math.Min(ChunkRows, Count - (c << ChunkShift));
                WriteBlock(stream, buffer, chunk.Seqs, rows * sizeof(long));
                WriteBlock(stream, buffer, chunk.Signs, rows * Words * sizeof(ulong));
                stream.Write(AsBytes(chunk.Codes), 0, rows * _dimensions);
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
        /// Reads a table written by <see cref="Save"/> (the format is unchanged since the first version that saved one);
        /// throws <see cref="InvalidDataException"/> for another or damaged file: wrong header, a length that does not
        /// match its row count, rows out of seq order, or a deleted flag other than 0 or 1. Checks
        /// <paramref name="cancellationToken"/> between chunks.
        /// </summary>
        public static CodedVectorTable Load(string path, int dimensions, System.Threading.CancellationToken cancellationToken = default)
        {
            // Unbuffered, read block by block into the chunks' arrays through one reused 64 KiB buffer (the 8-bit codes,
            // 77 % of the file, straight into theirs). Measured on the 924,109-row table (307 MB, in the page cache): 105–
            // 111 ms of CPU against 202–248 ms when each block was read into a new array and copied (a 1 MiB buffer:
            // 135–146 ms, it leaves the CPU cache). Most of what is left is the first touch of the arrays' fresh pages.
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
            using var reader = new BinaryReader(stream);
            if (stream.Length < HeaderBytes || reader.ReadUInt64() != FileMagic || reader.ReadInt32() != dimensions || reader.ReadInt32() != Bits)
            {
                throw new InvalidDataException($"'{path}' is not a coded vector table of {dimensions} dimensions.");
            }

            var count = reader.ReadInt32();
            if (count < 0 || stream.Length - stream.Position != (long)count * (sizeof(long) + (Words * sizeof(ulong)) + dimensions + sizeof(float) + 1))
            {
                throw new InvalidDataException($"'{path}' is truncated or damaged.");
            }

            var table = new CodedVectorTable(dimensions);
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

                ReadBlock(stream, buffer, chunk.Signs, rows * Words * sizeof(ulong));
                ReadFully(stream, AsBytes(chunk.Codes), rows * dimensions);
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

        /// <summary>
        /// Every row's Hamming distance to the query's signs by plain bit arithmetic, deleted rows included, by position:
        /// the straightforward reference the tests hold <see cref="Search"/>'s pass to.
        /// </summary>
        internal int[] PlainDistances(float[] query)
        {
            var own = new ulong[Words];
            Signs(query, own, 0);
            var distances = new int[Count];
            for (var position = 0; position < Count; position++)
            {
                distances[position] = SoftDistance(_chunks[position >> ChunkShift].Signs, (position & (ChunkRows - 1)) * Words, own);
            }

            return distances;
        }

        private long SeqAt(int position) => _chunks[position >> ChunkShift].Seqs[position & (ChunkRows - 1)];

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

        /// <summary>The signs of the vector's projections on the fixed planes, as <see cref="Words"/> words at <paramref name="offset"/>.</summary>
        private void Signs(float[] vector, ulong[] target, int offset)
        {
            var width = Vector<float>.Count;
            var projections = new float[Bits];
            for (var d = 0; d < _dimensions; d++)
            {
                var component = vector[d];
                if (component == 0f)
                {
                    // Hashing vectors are mostly zeros: skipping them is most of the projection's speed.
                    continue;
                }

                var scale = new Vector<float>(component);
                var row = d * Bits;
                for (var p = 0; p < Bits; p += width)
                {
                    (new Vector<float>(projections, p) + (scale * new Vector<float>(_planes, row + p))).CopyTo(projections, p);
                }
            }

            for (var w = 0; w < Words; w++)
            {
                var word = 0UL;
                for (var b = 0; b < 64; b++)
                {
                    if (projections[(w * 64) + b] >= 0)
                    {
                        word |= 1UL << b;
                    }
                }

                target[offset + w] = word;
            }
        }

        /// <summary>Gaussian planes, dimension-major (a vector's component d scales row d), the same in every process.</summary>
        private static float[] Planes(int dimensions)
        {
            lock (PlanesByDimensions)
            {
                if (PlanesByDimensions.TryGetValue(dimensions, out var cached))
                {
                    return cached;
                }

                var planes = new float[dimensions * Bits];
                // SplitMix64 and Box-Muller: stable across runtimes, unlike System.Random.
                var state = 0x5EED_C0DE_5EED_C0DEUL;
                double Uniform()
                {
                    var z = state += 0x9E3779B97F4A7C15UL;
                    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
                    z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
                    return ((z ^ (z >> 31)) >> 11) * (1.0 / (1UL << 53));
                }

                for (var i = 0; i < planes.Length; i++)
                {
                    planes[i] = (float)(Math.Sqrt(-2 * Math.Log(1 - Uniform())) * Math.Cos(2 * Math.PI * Uniform()));
                }

                PlanesByDimensions[dimensions] = planes;
                return planes;
            }
        }

        /// <summary>
        /// Scans the sign codes of rows <c>from</c> to <c>to</c> (exclusive) of one chunk against the query's and writes
        /// every row within <c>bound</c> bits as (distance &lt;&lt; <see cref="ChunkShift"/>) | row into <c>found</c> from
        /// <c>at</c>; returns the index after the last written. Rows beyond the bound, nearly all of them once it has
        /// settled, cost no store.
        /// </summary>
        private delegate int SignScan(ulong[] signs, int from, int to, ulong[] query, int bound, int[] found, int at);

        /// <summary>
        /// The Hamming pass's kernel, compiled at run time around <c>System.Numerics.BitOperations.PopCount</c> where the
        /// runtime has it (the library targets netstandard2.0, which cannot name it; the JIT turns it into one popcnt
        /// instruction: 1M rows in 14 ms of CPU at load 14 against 30–42 ms with bit arithmetic), else bit arithmetic
        /// (Windows PowerShell 5.1).
        /// </summary>
        private static SignScan CompileKernel()
        {
            var popCount = Type.GetType("System.Numerics.BitOperations")?.GetMethod("PopCount", new[] { typeof(ulong) });
            if (popCount != null && popCount.ReturnType == typeof(int))
            {
                try
                {
                    var kernel = Kernel(popCount);
                    HardwarePopCount = true;
                    return kernel;
                }
                catch (Exception e) when (e is InvalidOperationException || e is PlatformNotSupportedException || e is NotSupportedException)
                {
                    // No dynamic code here (an AOT host): bit arithmetic below.
                }
            }

            return (signs, from, to, query, bound, found, at) =>
            {
                for (var i = from; i < to; i++)
                {
                    var distance = SoftDistance(signs, i * Words, query);
                    if (distance <= bound)
                    {
                        found[at++] = (distance << ChunkShift) | i;
                    }
                }

                return at;
            };
        }

        private static SignScan Kernel(System.Reflection.MethodInfo popCount)
        {
            var signs = Expression.Parameter(typeof(ulong[]), "signs");
            var from = Expression.Parameter(typeof(int), "from");
            var to = Expression.Parameter(typeof(int), "to");
            var query = Expression.Parameter(typeof(ulong[]), "query");
            var bound = Expression.Parameter(typeof(int), "bound");
            var found = Expression.Parameter(typeof(int[]), "found");
            var at = Expression.Parameter(typeof(int), "at");
            var i = Expression.Variable(typeof(int), "i");
            var word = Expression.Variable(typeof(int), "word");
            var distance = Expression.Variable(typeof(int), "distance");
            var words = Enumerable.Range(0, Words).Select(w => Expression.Variable(typeof(ulong), "q" + w)).ToArray();
            Expression? sum = null;
            for (var w = 0; w < Words; w++)
            {
                var term = Expression.Call(popCount, Expression.ExclusiveOr(Expression.ArrayIndex(signs, Expression.Add(word, Expression.Constant(w))), words[w]));
                sum = sum == null ? term : Expression.Add(sum, term);
            }

            var done = Expression.Label(typeof(int));
            var body = Expression.Block(
                new[] { i, word, distance }.Concat(words),
                Expression.Block(words.Select((q, w) => (Expression)Expression.Assign(q, Expression.ArrayIndex(query, Expression.Constant(w))))),
                Expression.Assign(i, from),
                Expression.Assign(word, Expression.Multiply(from, Expression.Constant(Words))),
                Expression.Loop(
                    Expression.IfThenElse(
                        Expression.LessThan(i, to),
                        Expression.Block(
                            Expression.Assign(distance, sum!),
                            Expression.IfThen(
                                Expression.LessThanOrEqual(distance, bound),
                                Expression.Block(
                                    Expression.Assign(Expression.ArrayAccess(found, at), Expression.Or(Expression.LeftShift(distance, Expression.Constant(ChunkShift)), i)),
                                    Expression.PreIncrementAssign(at))),
                            Expression.PreIncrementAssign(i),
                            Expression.AddAssign(word, Expression.Constant(Words))),
                        Expression.Break(done, at)),
                    done));
            return Expression.Lambda<SignScan>(body, signs, from, to, query, bound, found, at).Compile();
        }

        private static int SoftDistance(ulong[] signs, int offset, ulong[] query)
        {
            var sum = 0;
            for (var w = 0; w < Words; w++)
            {
                sum += SoftPopCount(signs[offset + w] ^ query[w]);
            }

            return sum;
        }

        private static int SoftPopCount(ulong x)
        {
            x -= (x >> 1) & 0x5555555555555555UL;
            x = (x & 0x3333333333333333UL) + ((x >> 2) & 0x3333333333333333UL);
            x = (x + (x >> 4)) & 0x0F0F0F0F0F0F0F0FUL;
            return (int)((x * 0x0101010101010101UL) >> 56);
        }

        /// <summary>
        /// One table's search and the buffers it reuses from search to search (the owning <see cref="ApproximateIndex"/>
        /// serialises searches under its lock, so one set per table is safe). The Hamming pass scans blocks of
        /// <see cref="BlockRows"/> rows; each block's kernel keeps only rows within the current bound, and merging them
        /// into the shared histogram (under a lock, once a block) lowers the bound to the distance at which the shortlist
        /// is full so far. The bound only falls, never below the final cutoff, so every row the shortlist takes is kept
        /// whatever order the blocks ran in; the 8-bit re-rank's parts are heaps that order ties by position. So the
        /// result does not depend on how the work was shared, which <see cref="Share"/> does. Measured on the 924,109-row
        /// hashing bench bucket (`Engram.Bench query-phases`, 100 questions, 2-core machine at load 1.5, old and new binaries
        /// alternated): the dense phase 10.3-11.5 ms p50 wall against 20.3-20.7 with one thread, one distance per row and a
        /// second loop over every row; a whole query's process CPU 1-4 ms more (the helper's start).
        /// </summary>
        private sealed class SearchPass
        {
            // Pool threads that help a search (with the caller: up to 4 threads; the pass is memory-bound beyond that).
            private static readonly int Helpers = Math.Min(3, Environment.ProcessorCount - 1);

            // Re-rank parts: the shortlist (9,241 rows at a million, ~200 ns each on one core) in pieces of ~0.1 ms.
            private const int RerankParts = 16;

            private readonly CodedVectorTable _table;
            private readonly object _gate = new object();
            private readonly ulong[] _query = new ulong[Words];
            private readonly int[] _histogram = new int[Bits + 1];
            private readonly sbyte[] _codedQuery;
            private readonly short[] _wideQuery;
            private readonly Action<int, Worker, int> _scanBlock;
            private readonly Action<int, Worker, int> _rerankPart;
            private readonly WaitCallback _help;
            private readonly Worker _caller = new Worker();
            private Worker? _spare;

            // The shortlist's bound (see Scan).
            private int _shortlist;
            private int _bound;
            private int _below;

            // Block b's kept entries are _found from b << BlockShift, _kept[b] of them, in row order.
            private int _blocks;
            private int[] _found = new int[0];
            private int[] _kept = new int[0];

            // The shortlist's positions, ascending, and the re-rank's heap.
            private int[] _selected = new int[0];
            private int _selectedCount;
            private float _queryScale;
            private TopN? _best;
            private int _k;

            // The shared loop (Share): its generation (a helper still busy after its loop ended commits nothing) and
            // which of its items are committed.
            private int _generation;
            private bool[] _done = new bool[0];

            public SearchPass(CodedVectorTable table)
            {
                _table = table;
                _codedQuery = new sbyte[table._dimensions];
                _wideQuery = new short[table._dimensions];
                _scanBlock = ScanBlock;
                _rerankPart = RerankPart;
                _help = Help;
            }

            /// <summary>The Hamming pass: leaves the rows within the shortlist's bound in the blocks' buffers.</summary>
            public void Scan(float[] query, int shortlist)
            {
                _table.Signs(query, _query, 0);
                var count = _table.Count;
                _blocks = (count + BlockRows - 1) >> BlockShift;
                if (_found.Length < _blocks << BlockShift)
                {
                    // Room to the next chunk's end: a growing table reallocates once every 65,536 rows.
                    var rows = (count + ChunkRows - 1) & ~(ChunkRows - 1);
                    _found = new int[rows];
                    _kept = new int[rows >> BlockShift];
                }

                Array.Clear(_histogram, 0, _histogram.Length);
                _shortlist = shortlist;
                _bound = Bits;
                _below = 0;
                // From a chunk up (~0.4 ms on one core): below that a helper's start costs more than it saves.
                Share(_blocks, _scanBlock, _blocks >= 1 << BlocksPerChunkShift);
            }

            /// <summary>
            /// After <see cref="Scan"/>: the <paramref name="k"/> best of the shortlist by 8-bit cosine, as (position,
            /// cosine), best first, equal cosines by lower position.
            /// </summary>
            public IEnumerable<(int Index, float Score)> Rerank(float[] query, int k)
            {
                _queryScale = Int8Codes.Encode(query, 0, _table._dimensions, _codedQuery, 0);
                for (var i = 0; i < _wideQuery.Length; i++)
                {
                    _wideQuery[i] = _codedQuery[i];
                }

                Select();
                _best = new TopN(k);
                _k = k;
                var parallel = _blocks >= 1 << BlocksPerChunkShift;
                Share(parallel ? RerankParts : 1, _rerankPart, parallel);
                return _best.Descending();
            }

            /// <summary>
            /// Runs <paramref name="step"/> for items 0 to <paramref name="items"/> - 1 on this thread and, when
            /// <paramref name="helped"/>, on pool threads, each item claimed once from a shared counter. A step computes
            /// into its thread's <see cref="Worker"/> and commits under the gate unless the item is committed already. The
            /// caller never waits on a helper that has no core (a loaded machine: Parallel.For, which waits for every
            /// claimed item, made the pass slower than one thread at load 7-12): items a helper still holds when the
            /// counter runs out get ~0.2 ms, then the caller computes them too and the first commit wins.
            /// </summary>
            private void Share(int items, Action<int, Worker, int> step, bool helped)
            {
                Round round;
                lock (_gate)
                {
                    if (_done.Length < items)
                    {
                        _done = new bool[Math.Max(items, _done.Length * 2)];
                    }

                    Array.Clear(_done, 0, items);
                    round = new Round(++_generation, items, step);
                }

                var generation = round.Generation;
                for (var h = 0; helped && h < Helpers; h++)
                {
                    ThreadPool.UnsafeQueueUserWorkItem(_help, round);
                }

                int item;
                while ((item = Interlocked.Increment(ref round.Next) - 1) < items)
                {
                    step(item, _caller, generation);
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
                        step(i, _caller, generation);
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
                    round.Step(item, worker, round.Generation);
                }

                Volatile.Write(ref _spare, worker);
            }

            /// <summary>The shortlist into <see cref="_selected"/>, ascending: every kept row nearer than the cutoff, then rows at it until it is full.</summary>
            [MethodImpl(HotPath.Optimized)]
            private void Select()
            {
                var most = Math.Min(_shortlist, _table.Count);
                if (_selected.Length < most)
                {
                    _selected = new int[most];
                }

                // Fewer live rows than the shortlist: every one (the bound never fell).
                var (cutoff, atCutoff) = _below < _shortlist ? (Bits, int.MaxValue) : (_bound, _shortlist - (_below - _histogram[_bound]));
                var selected = 0;
                for (var block = 0; block < _blocks; block++)
                {
                    var chunkStart = block >> BlocksPerChunkShift << ChunkShift;
                    for (int j = block << BlockShift, end = j + _kept[block]; j < end; j++)
                    {
                        var distance = _found[j] >> ChunkShift;
                        if (distance < cutoff || (distance == cutoff && atCutoff-- > 0))
                        {
                            _selected[selected++] = chunkStart + (_found[j] & (ChunkRows - 1));
                        }
                    }
                }

                _selectedCount = selected;
            }

            [MethodImpl(HotPath.Optimized)]
            private void RerankPart(int part, Worker worker, int generation)
            {
                // Read once: a helper late from an earlier search must stay inside the arrays it reads.
                var selected = _selected;
                var count = Math.Min(_selectedCount, selected.Length);
                var parts = _blocks >= 1 << BlocksPerChunkShift ? RerankParts : 1;
                if (part >= parts)
                {
                    return;
                }

                var local = new TopN(_k);
                var dimensions = _table._dimensions;
                for (int i = (int)((long)count * part / parts), end = (int)((long)count * (part + 1) / parts); i < end; i++)
                {
                    var position = selected[i];
                    var chunk = _table._chunks[position >> ChunkShift];
                    var row = position & (ChunkRows - 1);
                    local.Offer(position, _queryScale * chunk.Scales[row] * Int8Codes.Dot(_wideQuery, chunk.Codes, row * dimensions, dimensions));
                }

                lock (_gate)
                {
                    if (generation != _generation || _done[part])
                    {
                        return;
                    }

                    foreach (var (position, score) in local.Descending())
                    {
                        _best!.Offer(position, score);
                    }

                    Volatile.Write(ref _done[part], true);
                }
            }

            [MethodImpl(HotPath.Optimized)]
            private void ScanBlock(int block, Worker worker, int generation)
            {
                var chunk = _table._chunks[block >> BlocksPerChunkShift];
                var from = (block & ((1 << BlocksPerChunkShift) - 1)) << BlockShift;
                var to = Math.Min(from + BlockRows, _table.Count - (block >> BlocksPerChunkShift << ChunkShift));
                var found = HammingKernel(chunk.Signs, from, to, _query, Volatile.Read(ref _bound), worker.Found, 0);
                lock (_gate)
                {
                    if (generation != _generation || _done[block])
                    {
                        return;
                    }

                    // _below counts the kept rows within the bound; the bound falls while the rows nearer than it fill the shortlist.
                    var start = block << BlockShift;
                    var kept = start;
                    for (var j = 0; j < found; j++)
                    {
                        var entry = worker.Found[j];
                        var distance = entry >> ChunkShift;
                        if (distance > _bound || chunk.Deleted[entry & (ChunkRows - 1)])
                        {
                            continue;
                        }

                        _found[kept++] = entry;
                        _histogram[distance]++;
                        _below++;
                        while (_below - _histogram[_bound] >= _shortlist)
                        {
                            _below -= _histogram[_bound];
                            _bound--;
                        }
                    }

                    _kept[block] = kept - start;
                    Volatile.Write(ref _done[block], true);
                }
            }

            /// <summary>One <see cref="Share"/> loop: its items, claimed from <see cref="Next"/>.</summary>
            private sealed class Round
            {
                public Round(int generation, int items, Action<int, Worker, int> step)
                {
                    Generation = generation;
                    Items = items;
                    Step = step;
                }

                public int Generation { get; }

                public int Items { get; }

                public Action<int, Worker, int> Step { get; }

                // The next unclaimed item (a field: claimed by Interlocked.Increment).
                public int Next;
            }

            /// <summary>One thread's kernel output (a block's rows within the bound).</summary>
            private sealed class Worker
            {
                public int[] Found { get; } = new int[BlockRows];
            }
        }

        private sealed class Chunk
        {
            public Chunk(int dimensions)
            {
                Seqs = new long[ChunkRows];
                Signs = new ulong[ChunkRows * Words];
                Codes = new sbyte[ChunkRows * dimensions];
                Scales = new float[ChunkRows];
                Deleted = new bool[ChunkRows];
            }

            public long[] Seqs { get; }

            public ulong[] Signs { get; }

            public sbyte[] Codes { get; }

            public float[] Scales { get; }

            public bool[] Deleted { get; }

            public int DeletedCount { get; set; }
        }
    }
}
