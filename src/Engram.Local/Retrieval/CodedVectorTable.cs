using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Linq.Expressions;
using System.Numerics;
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
    /// <see cref="ApproximateIndex"/> serialises every call.
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

        private static readonly Func<ulong[], int, ulong[], ushort[], int, int[], int> HammingKernel = CompileKernel();
        private static readonly Dictionary<int, float[]> PlanesByDimensions = new Dictionary<int, float[]>();

        private readonly int _dimensions;
        private readonly float[] _planes;
        private readonly List<Chunk> _chunks = new List<Chunk>();
        private ushort[] _distances = new ushort[0];

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
        /// best first, chosen among the <paramref name="shortlist"/> nearest by Hamming distance.
        /// </summary>
        public List<(long Seq, float Cosine)> Search(float[] query, int shortlist, int k, RetrievalPhaseTimes? phases = null)
        {
            var mark = RetrievalPhaseTimes.Start(phases);
            var result = new List<(long, float)>(k);
            if (Count == 0 || k <= 0)
            {
                return result;
            }

            var own = new ulong[Words];
            Signs(query, own, 0);
            if (_distances.Length < Count)
            {
                _distances = new ushort[Math.Max(Count, _distances.Length * 2)];
            }

            var histogram = new int[Bits + 2];
            for (var c = 0; c < _chunks.Count; c++)
            {
                var chunk = _chunks[c];
                var rows = Math.Min(ChunkRows, Count - (c << ChunkShift));
                HammingKernel(chunk.Signs, rows, own, _distances, c << ChunkShift, histogram);
                for (var i = 0; chunk.DeletedCount > 0 && i < rows; i++)
                {
                    if (chunk.Deleted[i])
                    {
                        // Out of reach of any shortlist.
                        var position = (c << ChunkShift) + i;
                        histogram[_distances[position]]--;
                        histogram[Bits + 1]++;
                        _distances[position] = Bits + 1;
                    }
                }
            }

            RetrievalPhaseTimes.Lap(phases, ref mark, (p, t) => p.DenseHamming += t);

            // The distance at which the shortlist fills up: every row nearer is taken, rows at it until full.
            var cutoff = 0;
            for (var taken = 0; cutoff <= Bits && taken + histogram[cutoff] < shortlist; cutoff++)
            {
                taken += histogram[cutoff];
            }

            var atCutoff = shortlist;
            for (var d = 0; d < cutoff; d++)
            {
                atCutoff -= histogram[d];
            }

            var candidates = new List<int>(shortlist);
            for (var position = 0; position < Count; position++)
            {
                var distance = _distances[position];
                if (distance < cutoff || (distance == cutoff && distance <= Bits && atCutoff-- > 0))
                {
                    candidates.Add(position);
                }
            }

            var codedQuery = new sbyte[_dimensions];
            var queryScale = Int8Codes.Encode(query, 0, _dimensions, codedQuery, 0);
            var wide = new short[_dimensions];
            for (var i = 0; i < _dimensions; i++)
            {
                wide[i] = codedQuery[i];
            }

            var scores = new float[candidates.Count];
            var seqs = new long[candidates.Count];
            for (var i = 0; i < candidates.Count; i++)
            {
                var position = candidates[i];
                var chunk = _chunks[position >> ChunkShift];
                var at = position & (ChunkRows - 1);
                // Negated so an ascending sort puts the best first.
                scores[i] = -(queryScale * chunk.Scales[at] * Int8Codes.Dot(wide, chunk.Codes, at * _dimensions, _dimensions));
                seqs[i] = chunk.Seqs[at];
            }

            Array.Sort(scores, seqs);
            for (var i = 0; i < Math.Min(k, scores.Length); i++)
            {
                result.Add((seqs[i], -scores[i]));
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
        /// The Hamming pass: distances of <c>rows</c> sign codes to the query's, written from <c>offset</c>. Compiled at
        /// run time around <c>System.Numerics.BitOperations.PopCount</c> where the runtime has it (the library targets
        /// netstandard2.0, which cannot name it; the JIT turns it into one popcnt instruction: 1M rows in 14 ms of CPU
        /// at load 14 against 30–42 ms with bit arithmetic), else bit arithmetic (Windows PowerShell 5.1).
        /// </summary>
        private static Func<ulong[], int, ulong[], ushort[], int, int[], int> CompileKernel()
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

            return (signs, rows, query, distances, offset, histogram) =>
            {
                for (int i = 0, at = 0; i < rows; i++, at += Words)
                {
                    var sum = 0;
                    for (var w = 0; w < Words; w++)
                    {
                        sum += SoftPopCount(signs[at + w] ^ query[w]);
                    }

                    distances[offset + i] = (ushort)sum;
                    histogram[sum]++;
                }

                return rows;
            };
        }

        private static Func<ulong[], int, ulong[], ushort[], int, int[], int> Kernel(System.Reflection.MethodInfo popCount)
        {
            var signs = Expression.Parameter(typeof(ulong[]), "signs");
            var rows = Expression.Parameter(typeof(int), "rows");
            var query = Expression.Parameter(typeof(ulong[]), "query");
            var distances = Expression.Parameter(typeof(ushort[]), "distances");
            var offset = Expression.Parameter(typeof(int), "offset");
            var histogram = Expression.Parameter(typeof(int[]), "histogram");
            var i = Expression.Variable(typeof(int), "i");
            var distance = Expression.Variable(typeof(int), "distance");
            var at = Expression.Variable(typeof(int), "at");
            var words = Enumerable.Range(0, Words).Select(w => Expression.Variable(typeof(ulong), "q" + w)).ToArray();
            Expression? sum = null;
            for (var w = 0; w < Words; w++)
            {
                var term = Expression.Call(popCount, Expression.ExclusiveOr(Expression.ArrayIndex(signs, Expression.Add(at, Expression.Constant(w))), words[w]));
                sum = sum == null ? term : Expression.Add(sum, term);
            }

            var done = Expression.Label(typeof(int));
            var body = Expression.Block(
                new[] { i, at, distance }.Concat(words),
                Expression.Block(words.Select((word, w) => (Expression)Expression.Assign(word, Expression.ArrayIndex(query, Expression.Constant(w))))),
                Expression.Assign(i, Expression.Constant(0)),
                Expression.Assign(at, Expression.Constant(0)),
                Expression.Loop(
                    Expression.IfThenElse(
                        Expression.LessThan(i, rows),
                        Expression.Block(
                            Expression.Assign(distance, sum!),
                            Expression.Assign(Expression.ArrayAccess(distances, Expression.Add(offset, i)), Expression.Convert(distance, typeof(ushort))),
                            Expression.PreIncrementAssign(Expression.ArrayAccess(histogram, distance)),
                            Expression.PreIncrementAssign(i),
                            Expression.AddAssign(at, Expression.Constant(Words))),
                        Expression.Break(done, rows)),
                    done));
            return Expression.Lambda<Func<ulong[], int, ulong[], ushort[], int, int[], int>>(body, signs, rows, query, distances, offset, histogram).Compile();
        }

        private static int SoftPopCount(ulong x)
        {
            x -= (x >> 1) & 0x5555555555555555UL;
            x = (x & 0x3333333333333333UL) + ((x >> 2) & 0x3333333333333333UL);
            x = (x + (x >> 4)) & 0x0F0F0F0F0F0F0F0FUL;
            return (int)((x * 0x0101010101010101UL) >> 56);
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
