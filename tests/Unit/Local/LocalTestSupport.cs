using Engram.Local;
using Microsoft.Extensions.AI;

namespace Engram.Tests.Unit.Local;

/// <summary>A temp folder for one test's database files, removed afterwards.</summary>
public sealed class TempFolder : IDisposable
{
    public TempFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "engram-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name = "engram.db") => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A child process may still be releasing the file; the OS temp cleaner gets it.
        }
    }
}

/// <summary>
/// An embedder whose vectors the test chooses, so cosines are exact: "v:0.95" embeds as
/// (0.95, √(1−0.95²), 0, …), "base" as (1, 0, …), "axis:5" as the unit vector of dimension 5
/// (use 2 and up: orthogonal to both); a text starting with a phrase given to <see cref="Near"/> like
/// "v:" with that cosine (for texts that must not state a number of their own, since dedup never merges
/// texts whose numbers differ); anything else as a hashing vector.
/// </summary>
public sealed class ChosenVectorEmbedder : VectorEmbedder
{
    private readonly HashingEmbedder _fallback = new(32);

    private readonly List<(string Prefix, float Cosine)> _near = new();

    public ChosenVectorEmbedder()
        : base("test-chosen", "chosen-v1", 32)
    {
    }

    /// <summary>Texts starting with <paramref name="prefix"/> embed at <paramref name="cosine"/> with "base".</summary>
    public ChosenVectorEmbedder Near(string prefix, double cosine)
    {
        _near.Add((prefix, (float)cosine));
        return this;
    }

    public override float[] Embed(string text)
    {
        var v = new float[Dimensions];
        foreach (var (prefix, near) in _near)
        {
            if (text.StartsWith(prefix, StringComparison.Ordinal))
            {
                v[0] = near;
                v[1] = (float)Math.Sqrt(1.0 - (double)near * near);
                return v;
            }
        }

        if (text.StartsWith("base", StringComparison.Ordinal))
        {
            v[0] = 1f;
            return v;
        }

        if (text.StartsWith("axis:", StringComparison.Ordinal))
        {
            v[int.Parse(text.Substring(5).Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture)] = 1f;
            return v;
        }

        if (text.StartsWith("v:", StringComparison.Ordinal))
        {
            var cosine = float.Parse(text.Substring(2).Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
            v[0] = cosine;
            v[1] = (float)Math.Sqrt(1.0 - (double)cosine * cosine);
            return v;
        }

        return _fallback.Embed(text);
    }
}

/// <summary>A test embedder that maps each text to a vector with <see cref="Embed"/>, counting the generator calls.</summary>
public abstract class VectorEmbedder : IEmbeddingGenerator<string, Embedding<float>>
{
    private readonly EmbeddingGeneratorMetadata _metadata;
    private int _calls;

    protected VectorEmbedder(string provider, string model, int dimensions)
    {
        Dimensions = dimensions;
        _metadata = new EmbeddingGeneratorMetadata(provider, null, model, dimensions);
    }

    public int Dimensions { get; }

    /// <summary>How many times <see cref="GenerateAsync"/> was called.</summary>
    public int Calls => Volatile.Read(ref _calls);

    public abstract float[] Embed(string text);

    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _calls);
        return Task.FromResult(new GeneratedEmbeddings<Embedding<float>>(values.Select(v => new Embedding<float>(Embed(v)))));
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceType == typeof(EmbeddingGeneratorMetadata) ? _metadata : serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose()
    {
    }
}

internal static class Engines
{
    public static LocalEngine OnFile(TempFolder folder, IEmbeddingGenerator<string, Embedding<float>>? embedder = null, bool strict = false, string name = "engram.db") =>
        LocalEngine.Open(new LocalEngineOptions { Path = folder.File(name), Embedder = embedder, StrictBuckets = strict });

    public static LocalEngine InMemory(IEmbeddingGenerator<string, Embedding<float>>? embedder = null) =>
        LocalEngine.Open(new LocalEngineOptions { InMemory = true, Embedder = embedder });
}
