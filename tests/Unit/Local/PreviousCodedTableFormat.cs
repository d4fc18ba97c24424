using Engram.Local.Embedding;

namespace Engram.Tests.Unit.Local;

/// <summary>
/// Writes a coded table as the versions before dimension-major codes saved it ("EGRMEVC1": a header of magic,
/// dimensions, 512 bits and row count; then per chunk of 65,536 rows the seqs, 512 sign bits of fixed Gaussian
/// projections a row, the row-major 8-bit codes, the scales and a deleted flag byte each), so the tests can hand
/// this version the files users already have. The signs are computed as those versions did (the pinned digest in
/// <see cref="SavedCodedTableTests"/> holds this writer to a file 3c12b37 wrote), though this version skips them.
/// </summary>
internal static class PreviousCodedTableFormat
{
    private const int Bits = 512;
    private const int ChunkRows = 65_536;

    public static void Write(string path, int dimensions, IReadOnlyList<(long Seq, float[] Vector)> rows, ISet<long> deleted)
    {
        var planes = Planes(dimensions);
        using var writer = new BinaryWriter(File.Create(path));
        writer.Write(0x3143_5645_4D52_4745UL);
        writer.Write(dimensions);
        writer.Write(Bits);
        writer.Write(rows.Count);
        for (var start = 0; start < rows.Count; start += ChunkRows)
        {
            var chunk = rows.Skip(start).Take(ChunkRows).ToList();
            var codes = chunk.Select(r =>
            {
                var code = new sbyte[dimensions];
                return (Code: code, Scale: Int8Codes.Encode(r.Vector, 0, dimensions, code, 0));
            }).ToList();
            chunk.ForEach(r => writer.Write(r.Seq));
            chunk.ForEach(r => Signs(planes, dimensions, r.Vector).ToList().ForEach(writer.Write));
            codes.ForEach(c => writer.Write((byte[])(object)c.Code));
            codes.ForEach(c => writer.Write(c.Scale));
            chunk.ForEach(r => writer.Write(deleted.Contains(r.Seq) ? (byte)1 : (byte)0));
        }
    }

    private static ulong[] Signs(float[] planes, int dimensions, float[] vector)
    {
        var projections = new float[Bits];
        for (var d = 0; d < dimensions; d++)
        {
            if (vector[d] != 0f)
            {
                for (var p = 0; p < Bits; p++)
                {
                    projections[p] += vector[d] * planes[(d * Bits) + p];
                }
            }
        }

        var words = new ulong[Bits / 64];
        for (var b = 0; b < Bits; b++)
        {
            if (projections[b] >= 0)
            {
                words[b / 64] |= 1UL << (b % 64);
            }
        }

        return words;
    }

    private static float[] Planes(int dimensions)
    {
        // SplitMix64 and Box-Muller, dimension-major, as those versions seeded them.
        var planes = new float[dimensions * Bits];
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

        return planes;
    }
}
