using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using Engram.Client;
using Engram.Local;
using Engram.Local.Dedup;
using Engram.Local.Retrieval;
using Xunit;

namespace Engram.Tests.Unit.Local;

/// <summary>
/// The dedup check's candidate generator (fact signatures, groups by digits, band hashing for large groups) must
/// find every memory the rule itself would merge: it only skips work, never a merge.
/// </summary>
public class DedupCandidateTests
{
    private const int Dimensions = 64;
    private const float Threshold = 0.95f;

    [Fact]
    public void A_signature_never_rejects_two_texts_whose_facts_agree()
    {
        var texts = SignatureTexts();
        var agreeing = 0;
        var rejected = 0;
        foreach (var a in texts)
        {
            foreach (var b in texts)
            {
                var agree = FactTokens.Agree(a, b);
                var may = FactSignature.MayAgree(FactSignature.Of(a), FactSignature.Of(b));
                Assert.False(agree && !may, $"The signature rejects two texts whose facts agree: '{a}' / '{b}'.");
                agreeing += agree ? 1 : 0;
                rejected += may ? 0 : 1;
            }
        }

        // The set has agreeing pairs beyond identity, and the signature does reject most of the others.
        Assert.True(agreeing > texts.Count * 2, $"only {agreeing} agreeing pairs");
        Assert.True(rejected > (texts.Count * texts.Count - agreeing) * 3 / 4, $"only {rejected} pairs rejected");
    }

    [Fact]
    public void Candidates_equal_an_exhaustive_scan_while_groups_are_small()
    {
        var random = new Random(7);
        var rows = new List<(long Seq, float[] Vector, FactSignature Facts)>();
        var texts = new List<string>();
        for (var i = 0; i < 3000; i++)
        {
            // Few distinct digit sets, so groups hold hundreds of rows and many pairs are above the threshold.
            texts.Add($"ticket {i % 7} for {Word(random)} {Word(random)} owned by {Name(random)}");
            rows.Add((i + 1, Unit(random), FactSignature.Of(texts[i])));
        }

        var snapshot = Snapshot(rows);
        // Rows appended without their text are compared with everything.
        var unknown = new List<(long Seq, float[] Vector)> { (5000, rows[10].Vector), (5001, rows[20].Vector) };
        snapshot = snapshot.Append(unknown, 3, 0);
        texts.Add(texts[10]);
        texts.Add(texts[20]);
        var seqs = rows.Select(r => r.Seq).Concat(unknown.Select(u => u.Seq)).ToList();

        for (var q = 0; q < 300; q++)
        {
            var source = random.Next(rows.Count);
            var query = Near(rows[source].Vector, 0.95 + random.NextDouble() * 0.05, random);
            var text = random.Next(2) == 0 ? texts[source] : $"ticket {q % 9} for {Word(random)} owned by {Name(random)}";
            var expected = Exhaustive(query, text, seqs, rows.Select(r => r.Vector).Concat(unknown.Select(u => u.Vector)).ToList(), texts);
            var found = snapshot.AtLeast(query, FactSignature.Of(text), Threshold).Select(c => c.Seq).ToHashSet();
            Assert.True(expected.IsSubsetOf(found), $"query {q}: missed {string.Join(",", expected.Except(found))}");
        }
    }

    [Fact]
    public void Band_hashing_of_a_large_group_finds_what_an_exhaustive_scan_finds()
    {
        var random = new Random(11);
        var rows = new List<(long Seq, float[] Vector, FactSignature Facts)>();
        var texts = new List<string>();
        // One digitless group well above the exact limit, beside rows with their own digits.
        var size = SimilarityIndex.ExactGroupLimit * 2;
        for (var i = 0; i < size; i++)
        {
            texts.Add(i % 4 == 0 ? $"order {i} shipped" : $"the {Word(random)} note about {Word(random)} and {Word(random)}");
            rows.Add((i + 1, Unit(random), FactSignature.Of(texts[i])));
        }

        var snapshot = Snapshot(rows);
        var vectors = rows.Select(r => r.Vector).ToList();
        var seqs = rows.Select(r => r.Seq).ToList();
        int expectedPairs = 0, foundPairs = 0;
        for (var q = 0; q < 400; q++)
        {
            var source = random.Next(rows.Count);
            var cosine = 0.95 + random.NextDouble() * 0.05;
            var query = Near(vectors[source], cosine, random);
            var expected = Exhaustive(query, texts[source], seqs, vectors, texts);
            var found = snapshot.AtLeast(query, FactSignature.Of(texts[source]), Threshold).Select(c => c.Seq).ToHashSet();
            expectedPairs += expected.Count;
            foundPairs += expected.Count(found.Contains);
            if (cosine >= 0.97)
            {
                Assert.True(expected.IsSubsetOf(found), $"query {q} at cosine {cosine:F3}: missed {string.Join(",", expected.Except(found))}");
            }
        }

        Assert.True(expectedPairs >= 400);
        Assert.True(foundPairs >= expectedPairs * 0.99, $"recall {foundPairs} of {expectedPairs}");
    }

    [Fact]
    public async Task A_deleted_memory_absorbs_nothing_and_a_reopened_bucket_still_merges_by_its_stored_texts()
    {
        using var folder = new TempFolder();
        string keptId;
        using (var engine = Engines.OnFile(folder))
        using (var service = engine.ForTenant("t"))
        {
            var doomed = await service.StoreMemoryAsync("b", "The Atlas release 1.2.3 was deployed to staging on Monday.");
            var kept = await service.StoreMemoriesAsync("b", new[] { "Invoice INV-4411 from Contoso is due on May 3.", "Priya Shah prefers green tea in the morning." });
            keptId = kept[1].Id;
            await service.DeleteMemoryAsync("b", doomed.Id);

            var again = await service.StoreMemoriesAsync("b", new[] { "The Atlas release 1.2.3 was deployed to staging on Monday!", "filler one", "filler two" });
            Assert.Equal(StoreMemoryResult.StatusStored, again[0].Status);
            Assert.Equal(5, (await service.ListBucketsAsync()).Single().MemoryCount);
        }

        using (var engine = Engines.OnFile(folder))
        using (var service = engine.ForTenant("t"))
        {
            var results = await service.StoreMemoriesAsync("b", new[]
            {
                "Priya Shah prefers green tea in the morning!",
                "Priya Okafor prefers green tea in the morning.",
                "Invoice INV-4412 from Contoso is due on May 3.",
            });

            Assert.Equal(StoreMemoryResult.StatusMerged, results[0].Status);
            Assert.Equal(keptId, results[0].DedupedInto);
            Assert.Equal(MergeReasons.EmbeddingSimilarity, results[0].MergeReason);
            Assert.Equal(StoreMemoryResult.StatusStored, results[1].Status);
            Assert.Equal(StoreMemoryResult.StatusStored, results[2].Status);
            Assert.Equal(7, (await service.ListBucketsAsync()).Single().MemoryCount);
        }
    }

    private static BucketVectors Snapshot(List<(long Seq, float[] Vector, FactSignature Facts)> rows) =>
        BucketVectors.Empty("b", new HyperplaneSet(Dimensions), 0, 0).Append(rows, 1, 0);

    /// <summary>The seqs the dedup rule could merge into: cosine at the threshold and facts that agree.</summary>
    private static HashSet<long> Exhaustive(float[] query, string text, List<long> seqs, List<float[]> vectors, List<string> texts)
    {
        var expected = new HashSet<long>();
        for (var i = 0; i < seqs.Count; i++)
        {
            if (Engram.Local.Embedding.VectorMath.Dot(query, vectors[i]) >= Threshold && FactTokens.Agree(text, texts[i]))
            {
                expected.Add(seqs[i]);
            }
        }

        return expected;
    }

    private static List<string> SignatureTexts()
    {
        var bases = new[]
        {
            "The rate limit is 300 requests per minute.",
            "Lena said the deploy of v2.1 to pg-prod-2 failed at 10:30.",
            "Did you see the photos Priya posted?",
            "Dark mode is enabled for Jonas since 2024-05-01.",
            "INC-4411 moved from -5 to +5 degrees (300) in the EU region.",
            "The \u212Aelvin scale starts at 0 for Ingrid.",
            "\u0130stanbul office opens at 9, says \u00C5sa.",
            "Payment of \u20AC1,200 to ACME was sent on Friday.",
            "no capitals and no digits here at all",
            "\U00010400 deseret name with 12 items",
        };
        var texts = new List<string>();
        foreach (var text in bases)
        {
            texts.Add(text);
            texts.Add(text.ToLowerInvariant());
            texts.Add(text.ToUpperInvariant());
            texts.Add(text.Replace(".", "!").Replace(",", ""));
            texts.Add("(" + text + ")");
            texts.Add(text.Replace("300", "600").Replace("2.1", "2.2").Replace("Priya", "Marcus"));
            texts.Add(text + " Also noted by Marcus.");
            texts.Add(string.Join(" ", text.Split(' ').Reverse()));
        }

        return texts;
    }

    private static readonly string[] Words = { "alpha", "bravo", "cedar", "delta", "ember", "falcon", "granite", "harbor", "iris", "juniper", "kestrel", "lumen" };
    private static readonly string[] Names = { "Priya", "Marcus", "Elena", "Tomasz", "Aisha", "Kenji" };

    private static string Word(Random random) => Words[random.Next(Words.Length)];

    private static string Name(Random random) => Names[random.Next(Names.Length)];

    private static float[] Unit(Random random)
    {
        var v = new float[Dimensions];
        for (var i = 0; i < v.Length; i++)
        {
            v[i] = (float)(random.NextDouble() * 2 - 1);
        }

        Engram.Local.Embedding.VectorMath.NormalizeInPlace(v);
        return v;
    }

    /// <summary>A unit vector at (about) <paramref name="cosine"/> with <paramref name="v"/>.</summary>
    private static float[] Near(float[] v, double cosine, Random random)
    {
        var noise = Unit(random);
        var along = Engram.Local.Embedding.VectorMath.Dot(noise, v);
        for (var i = 0; i < noise.Length; i++)
        {
            noise[i] -= along * v[i];
        }

        Engram.Local.Embedding.VectorMath.NormalizeInPlace(noise);
        var result = new float[v.Length];
        var sine = Math.Sqrt(1 - cosine * cosine);
        for (var i = 0; i < v.Length; i++)
        {
            result[i] = (float)(cosine * v[i] + sine * noise[i]);
        }

        Engram.Local.Embedding.VectorMath.NormalizeInPlace(result);
        return result;
    }
}
