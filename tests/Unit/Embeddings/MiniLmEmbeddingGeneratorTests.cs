using Engram.Embeddings.Onnx;
using Microsoft.Extensions.AI;
using Xunit;

namespace Engram.Tests.Unit.Embeddings;

/// <summary>One loaded model shared by the tests of this class (loading it costs ~90 MB and a second).</summary>
public sealed class MiniLmFixture : IDisposable
{
    public MiniLmEmbeddingGenerator Generator { get; } = new();

    public void Dispose() => Generator.Dispose();
}

public sealed class MiniLmEmbeddingGeneratorTests : IClassFixture<MiniLmFixture>
{
    private readonly MiniLmEmbeddingGenerator _generator;

    public MiniLmEmbeddingGeneratorTests(MiniLmFixture fixture) => _generator = fixture.Generator;

    private async Task<float[]> EmbedAsync(string text) => (await _generator.GenerateAsync(new[] { text })).Single().Vector.ToArray();

    private static double Cosine(float[] a, float[] b)
    {
        double dot = 0;
        for (var i = 0; i < a.Length; i++)
        {
            dot += a[i] * b[i];
        }

        return dot; // both are unit length
    }

    private static double Norm(float[] v) => Math.Sqrt(v.Sum(x => (double)x * x));

    [Fact]
    public async Task Vectors_have_384_dimensions_and_unit_length()
    {
        var result = await _generator.GenerateAsync(new[] { "User prefers dark mode.", "", "The deploy pipeline runs on S3 buckets in eu-west-1." });

        Assert.Equal(3, result.Count);
        foreach (var embedding in result)
        {
            Assert.Equal(384, embedding.Vector.Length);
            Assert.InRange(Norm(embedding.Vector.ToArray()), 0.9999, 1.0001);
            Assert.All(embedding.Vector.ToArray(), x => Assert.False(float.IsNaN(x)));
        }
    }

    [Theory]
    [InlineData("User prefers dark mode.", "What are this user's UI preferences?", "The invoice for March was paid late.")]
    [InlineData("Alice moved to the Berlin office in May.", "Where does Alice work now?", "The build server runs out of disk space.")]
    [InlineData("The payments API rate limit is 300 requests per minute.", "How many calls per minute can we make to the payments service?", "Bob's favourite food is ramen.")]
    [InlineData("A man is eating food.", "A man is eating a piece of bread.", "A man is riding a horse.")]
    public async Task A_paraphrase_is_closer_than_an_unrelated_sentence(string fact, string paraphrase, string unrelated)
    {
        var f = await EmbedAsync(fact);
        var p = await EmbedAsync(paraphrase);
        var u = await EmbedAsync(unrelated);

        Assert.True(Cosine(f, p) > Cosine(f, u), $"paraphrase {Cosine(f, p):F3} should exceed unrelated {Cosine(f, u):F3}");
    }

    [Fact]
    public async Task A_question_ranks_its_fact_first_among_several()
    {
        var facts = new[]
        {
            "The staging database is backed up every night at 02:00 UTC.",
            "Carol is allergic to peanuts.",
            "Our support hours are 9 to 5 on weekdays.",
            "The mobile app supports dark mode since version 3.2.",
        };
        var vectors = (await _generator.GenerateAsync(facts)).Select(e => e.Vector.ToArray()).ToList();
        var question = await EmbedAsync("When do the nightly backups of staging happen?");

        var best = vectors.Select((v, i) => (Score: Cosine(question, v), Index: i)).OrderByDescending(x => x.Score).First();
        Assert.Equal(0, best.Index);
    }

    [Fact]
    public async Task A_batch_gives_the_same_vectors_as_one_text_at_a_time()
    {
        // Different lengths, so the batch pads most of them; more than one run of MaxBatchSize (32).
        var texts = Enumerable.Range(0, 40)
            .Select(i => i % 3 == 0 ? $"Fact {i}." : $"Fact number {i} is about the service v{i} deployed to S3 in region eu-west-{i % 3}, owned by team {i * 7}.")
            .ToArray();

        var batch = (await _generator.GenerateAsync(texts)).Select(e => e.Vector.ToArray()).ToList();

        for (var i = 0; i < texts.Length; i++)
        {
            var single = await EmbedAsync(texts[i]);
            for (var d = 0; d < single.Length; d++)
            {
                Assert.True(Math.Abs(single[d] - batch[i][d]) < 1e-4, $"text {i} dimension {d}: {single[d]} vs {batch[i][d]}");
            }
        }
    }

    [Theory]
    [InlineData("S3", new long[] { 1055, 2509 })]          // s ##3
    [InlineData("v3", new long[] { 1058, 2509 })]          // v ##3
    [InlineData("2FA", new long[] { 1016, 7011 })]         // 2 ##fa
    [InlineData("x86_64", new long[] { 1060, 20842, 1035, 4185 })] // x ##86 _ 64: the underscore is punctuation
    [InlineData("Café naïve", new long[] { 7668, 15743 })] // accents stripped, as the uncased model was trained
    public void Mixed_letter_digit_words_become_word_pieces_not_unknown(string text, long[] expected)
    {
        var ids = _generator.Tokenize(text);

        Assert.Equal(101, ids.First()); // [CLS]
        Assert.Equal(102, ids.Last());  // [SEP]
        Assert.DoesNotContain(100L, ids); // [UNK]
        Assert.Equal(expected, ids.Skip(1).Take(ids.Length - 2).ToArray());
    }

    [Fact]
    public async Task Letter_digit_identifiers_are_told_apart()
    {
        var s3 = await EmbedAsync("Backups go to S3.");
        var v3 = await EmbedAsync("Backups go to v3.");
        Assert.True(Cosine(s3, v3) < 0.999, "S3 and v3 must not embed identically, as they would if both became [UNK]");
    }

    [Fact]
    public async Task Long_texts_are_truncated_to_the_model_window()
    {
        var longText = string.Join(" ", Enumerable.Repeat("memory", 1000));
        var ids = _generator.Tokenize(longText);
        Assert.Equal(256, ids.Length);
        Assert.Equal(102, ids.Last());

        var vector = await EmbedAsync(longText);
        Assert.Equal(384, vector.Length);
    }

    [Fact]
    public async Task Concurrent_callers_get_the_same_vectors_as_one_caller()
    {
        var texts = Enumerable.Range(0, 16).Select(i => $"Customer {i} renewed the contract for {i + 1} years.").ToArray();
        var expected = (await _generator.GenerateAsync(texts)).Select(e => e.Vector.ToArray()).ToList();

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => _generator.GenerateAsync(texts))));

        foreach (var result in results)
        {
            for (var i = 0; i < texts.Length; i++)
            {
                Assert.Equal(expected[i], result[i].Vector.ToArray());
            }
        }
    }

    [Fact]
    public void Metadata_names_provider_model_version_pooling_and_dimensions()
    {
        var metadata = (EmbeddingGeneratorMetadata?)_generator.GetService(typeof(EmbeddingGeneratorMetadata));

        Assert.NotNull(metadata);
        Assert.Equal("local-onnx", metadata!.ProviderName);
        Assert.Matches("^all-MiniLM-L6-v2@[0-9a-f]{8};mean;l2$", metadata.DefaultModelId);
        Assert.Equal(384, metadata.DefaultModelDimensions);
        Assert.Same(_generator, _generator.GetService(typeof(IEmbeddingGenerator<string, Embedding<float>>)));
    }
}

public sealed class MiniLmLoadingTests
{
    [Fact]
    public async Task The_model_loads_on_first_use_not_on_construction_or_metadata()
    {
        using var generator = new MiniLmEmbeddingGenerator();

        var metadata = generator.GetService(typeof(EmbeddingGeneratorMetadata));
        Assert.NotNull(metadata);
        Assert.False(generator.IsLoaded);

        await generator.GenerateAsync(new[] { "first use" });
        Assert.True(generator.IsLoaded);
    }

    [Fact]
    public async Task A_missing_model_is_a_clear_error_that_names_the_file_and_the_alternatives()
    {
        var empty = Directory.CreateTempSubdirectory("engram-no-model-");
        try
        {
            using var generator = new MiniLmEmbeddingGenerator(new MiniLmOptions { ModelDirectory = empty.FullName });

            var error = await Assert.ThrowsAsync<FileNotFoundException>(() => generator.GenerateAsync(new[] { "x" }));
            Assert.Contains("model.onnx", error.Message);
            Assert.Contains("Hashing", error.Message);
            Assert.False(generator.IsLoaded);
        }
        finally
        {
            empty.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task An_empty_batch_returns_no_vectors_and_loads_nothing()
    {
        using var generator = new MiniLmEmbeddingGenerator();
        var result = await generator.GenerateAsync(Array.Empty<string>());
        Assert.Empty(result);
        Assert.False(generator.IsLoaded);
    }
}
