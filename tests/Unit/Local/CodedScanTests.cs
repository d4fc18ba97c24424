using Engram.Local;
using Engram.Local.Embedding;
using Engram.Local.Retrieval;
using Xunit;

namespace Engram.Tests.Unit.Local;

/// <summary>
/// Large buckets are scanned through 8-bit codes and a shortlist is re-scored exactly: the results must be
/// exactly what a plain scan of the float vectors returns (same memories, same order, same cosines).
/// </summary>
public class CodedScanTests
{
    private static readonly string[] Names = { "Priya", "Marcus", "Elena", "Tomasz", "Aisha", "Kenji", "Sofia", "Liam", "Fatima", "Jonas" };
    private static readonly string[] Things = { "green tea", "black coffee", "the Atlas project", "invoice 4411", "the billing service", "Lisbon", "a ginger cat", "Japanese", "room 214", "the Friday standup" };
    private static readonly string[] Verbs = { "prefers", "asked about", "owns", "moved to", "reported a bug in", "is learning", "booked", "cancelled" };

    [Fact]
    public void Nearest_over_a_large_bucket_matches_an_exact_scan()
    {
        var embedder = new HashingEmbedder();
        var count = BucketVectors.CodedScanMinimum + 1500;
        var rows = new List<(long Seq, float[] Vector)>(count);
        for (var i = 0; i < count; i++)
        {
            var text = $"{Names[i % Names.Length]} {Verbs[i / 7 % Verbs.Length]} {Things[i / 3 % Things.Length]} on day {i % 97}, ticket {i}.";
            rows.Add((i + 1, Normalized(embedder.Embed(text))));
        }

        var vectors = BucketVectors.Empty("b", embedder.Dimensions, 0, 0).Append(rows, 1, 0);

        foreach (var question in new[] { "What does Priya prefer?", "Who owns a ginger cat?", "billing service bug", "day 42 Lisbon", "Kenji Japanese", "standup" })
        {
            var query = Normalized(embedder.Embed(question));
            var expected = rows
                .Select(r => (r.Seq, Cosine: VectorMath.Dot(query, r.Vector)))
                .OrderByDescending(r => r.Cosine).ThenBy(r => r.Seq)
                .Take(40)
                .ToList();

            var actual = vectors.Nearest(query, 40);

            Assert.Equal(expected.Select(e => e.Seq), actual.Select(a => a.Seq));
            Assert.Equal(expected.Select(e => e.Cosine), actual.Select(a => a.Cosine));
        }
    }

    [Theory]
    [InlineData(100)]
    [InlineData(BucketVectors.CodedScanMinimum + 100)]
    public void Equal_scores_at_the_cut_keep_the_oldest_memories(int count)
    {
        // Stored with dedup off, the same text repeats: every copy scores the same, the oldest win the places.
        var embedder = new HashingEmbedder();
        var same = Normalized(embedder.Embed("The backup job runs at midnight."));
        var other = Normalized(embedder.Embed("Lunch is served in the atrium."));
        var rows = Enumerable.Range(0, count).Select(i => ((long)i + 1, i % 3 == 0 ? same : other)).ToList();
        var vectors = BucketVectors.Empty("b", embedder.Dimensions, 0, 0).Append(rows, 1, 0);

        var actual = vectors.Nearest(same, 5);

        Assert.Equal(new long[] { 1, 4, 7, 10, 13 }, actual.Select(a => a.Seq));
    }

    [Fact]
    public void Codes_approximate_the_float_dot_product()
    {
        var embedder = new HashingEmbedder();
        var a = Normalized(embedder.Embed("The platform team meets every Tuesday at 10:30 in room 412."));
        var b = Normalized(embedder.Embed("The payments team meets every Tuesday at 11:00 in room 214."));
        var codes = new sbyte[a.Length];
        var scale = Int8Codes.Encode(b, 0, b.Length, codes, 0);
        var queryCodes = new sbyte[a.Length];
        var queryScale = Int8Codes.Encode(a, 0, a.Length, queryCodes, 0);

        var approximate = Int8Codes.Dot(Int8Codes.EncodeQuery(a), codes, 0, codes.Length) * scale * queryScale;

        Assert.InRange(approximate, VectorMath.Dot(a, b) - 0.02f, VectorMath.Dot(a, b) + 0.02f);
    }

    private static float[] Normalized(float[] v)
    {
        var copy = (float[])v.Clone();
        VectorMath.NormalizeInPlace(copy);
        return copy;
    }
}
