using Engram.Client;
using Engram.Local;
using Microsoft.Extensions.AI;
using Xunit;

namespace Engram.Tests.Unit.Local;

/// <summary>
/// A store of more than one chunk embeds and hashes the next chunk while the current one is written: the chunks
/// are still written one after the other in input order, so the results are those of chunk-by-chunk stores, and a
/// failure or cancellation leaves whole chunks only, with nothing still running for the call.
/// </summary>
public class PipelinedStoreTests : EngineTests
{
    [Fact]
    public async Task The_next_chunk_is_embedded_while_the_current_one_is_written()
    {
        var embedder = new ObservedEmbedder();
        var service = NewService(out var engine, embedder);
        var contents = Facts(250);
        using var secondChunkEmbedded = new ManualResetEventSlim();
        embedder.OnCall = texts =>
        {
            if (texts[0] == contents[100])
            {
                secondChunkEmbedded.Set();
            }
        };
        var batches = 0;
        var overlapped = false;
        engine.BeforeBatchHook = () =>
        {
            // Inside the first chunk's write: the second chunk's embedding must come without this write finishing.
            // (The wait only keeps a broken pipeline from hanging the run.)
            if (Interlocked.Increment(ref batches) == 1)
            {
                overlapped = secondChunkEmbedded.Wait(TimeSpan.FromSeconds(30));
            }
        };

        var results = await service.StoreMemoriesAsync("b", contents, DedupPolicy.Off);

        Assert.True(overlapped, "the second chunk was not embedded while the first was written");
        Assert.Equal(250, results.Count);
        Assert.Equal(250, (await service.ListMemoriesAsync("b")).Total);
    }

    [Theory]
    [InlineData(null)]
    [InlineData(DedupPolicy.Loose)]
    [InlineData(DedupPolicy.Strict)]
    [InlineData(DedupPolicy.Off)]
    public async Task One_large_store_gives_per_item_the_results_of_storing_its_chunks_one_call_at_a_time(DedupPolicy? policy)
    {
        // Exact and near-duplicates of earlier items, within a chunk and across chunk boundaries.
        var contents = Facts(330);
        contents[101] = contents[99];                       // exact, across the first boundary
        contents[150] = contents[20];                       // exact, two chunks back
        contents[230] = contents[199] + "!";                // near (same words), across a boundary
        contents[310] = contents[305].ToUpperInvariant();   // near, within the last chunk
        contents[320] = contents[150];                      // exact duplicate of a duplicate

        var pipelined = await NewService().StoreMemoriesAsync("b", contents, policy);
        var oneByOne = new List<StoreMemoryResult>();
        var reference = NewService();
        for (var start = 0; start < contents.Count; start += 100)
        {
            oneByOne.AddRange(await reference.StoreMemoriesAsync("b", contents.Skip(start).Take(100).ToList(), policy));
        }

        Assert.Equal(Outcomes(oneByOne), Outcomes(pipelined));
        Assert.Contains(pipelined, r => r.Status == StoreMemoryResult.StatusMerged || policy == DedupPolicy.Off);
    }

    [Fact]
    public async Task Cancelling_a_large_store_leaves_whole_chunks_and_nothing_running()
    {
        var embedder = new ObservedEmbedder();
        var service = NewService(out var engine, embedder);
        using var cancel = new CancellationTokenSource();
        var batches = 0;
        engine.BeforeBatchHook = () =>
        {
            if (++batches == 3)
            {
                cancel.Cancel();
            }
        };

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => service.StoreMemoriesAsync("b", Facts(550), DedupPolicy.Off, cancel.Token));

        Assert.Equal(0, embedder.Running);
        Assert.Equal(200, (await service.ListMemoriesAsync("b")).Total);
    }

    [Fact]
    public async Task An_embedder_failure_in_a_chunk_prepared_ahead_fails_the_call_after_the_chunks_before_it_are_stored()
    {
        var embedder = new ObservedEmbedder();
        var service = NewService(out _, embedder);
        var contents = Facts(450);
        embedder.OnCall = texts =>
        {
            if (texts[0] == contents[200])
            {
                throw new InvalidOperationException("The embedding service is down.");
            }
        };

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => service.StoreMemoriesAsync("b", contents, DedupPolicy.Off));

        Assert.Equal("The embedding service is down.", error.Message);
        Assert.Equal(0, embedder.Running);
        var stored = new List<string>();
        for (var offset = 0; offset < 200; offset += 100)
        {
            stored.AddRange((await service.ListMemoriesAsync("b", limit: 100, offset: offset)).Memories.Select(m => m.Content));
        }

        Assert.Equal(200, (await service.ListMemoriesAsync("b")).Total);
        Assert.Equal(contents.Take(200).OrderBy(c => c, StringComparer.Ordinal), stored.OrderBy(c => c, StringComparer.Ordinal));
    }

    /// <summary>Per item: status, reason, score, and the input position of the memory it merged into (ids differ between engines).</summary>
    private static List<string> Outcomes(IReadOnlyList<StoreMemoryResult> results)
    {
        var positionOfId = new Dictionary<string, int>();
        for (var i = 0; i < results.Count; i++)
        {
            if (results[i].Status == StoreMemoryResult.StatusStored)
            {
                positionOfId[results[i].Id!] = i;
            }
        }

        return results.Select((r, i) => r.Status == StoreMemoryResult.StatusStored
            ? $"{i} stored"
            : $"{i} merged into #{positionOfId[r.DedupedInto!]} ({r.MergeReason}, {r.SimilarityScore})").ToList();
    }

    private static List<string> Facts(int count) =>
        Enumerable.Range(0, count).Select(i => $"Fact {i}: the shipment for customer {i * 7 % 101} leaves dock {i % 9} on day {i % 31}.").ToList();

    /// <summary>The hashing embedder, with a hook at each generator call and a count of calls still running.</summary>
    private sealed class ObservedEmbedder : IEmbeddingGenerator<string, Embedding<float>>
    {
        private readonly HashingEmbedder _inner = new();
        private readonly EmbeddingGeneratorMetadata _metadata = new("test-observed", null, "hashing-v1", HashingEmbedder.DefaultDimensions);
        private int _running;

        public Action<IReadOnlyList<string>>? OnCall { get; set; }

        public int Running => Volatile.Read(ref _running);

        public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _running);
            try
            {
                var texts = values.ToList();
                OnCall?.Invoke(texts);
                await Task.Yield();
                cancellationToken.ThrowIfCancellationRequested();
                return await _inner.GenerateAsync(texts, options, cancellationToken);
            }
            finally
            {
                Interlocked.Decrement(ref _running);
            }
        }

        public object? GetService(Type serviceType, object? serviceKey = null) =>
            serviceType == typeof(EmbeddingGeneratorMetadata) ? _metadata : serviceType.IsInstanceOfType(this) ? this : null;

        public void Dispose()
        {
        }
    }
}
