using Engram.Local;
using Engram.Local.Storage;
using Xunit;

namespace Engram.Tests.Unit.Local;

/// <summary>
/// The in-memory vector copy is updated after each commit. A reader that read the bucket's counters just
/// before a commit and its rows just after already holds the committed row; the writer's update must
/// then skip it instead of failing a write that SQLite has already acknowledged.
/// </summary>
public class VectorCacheRaceTests
{
    [Fact]
    public async Task A_commit_already_seen_by_a_reader_is_recorded_once_and_does_not_fail()
    {
        using var folder = new TempFolder();
        using var engine = Engines.OnFile(folder);
        var service = engine.ForTenant("t");
        await service.StoreMemoryAsync("b", "The backup runs at 01:30 UTC.");

        using var connection = engine.Database.OpenConnection();
        var bucket = BucketRepository.Find(connection, "t", "b")!;
        var (version, epoch) = BucketRepository.ReadCounters(connection, bucket.Id)!.Value;
        var snapshot = engine.Vectors.Get(connection, bucket.Id);
        Assert.Equal(1, snapshot.Count);

        // The writer's post-commit update arrives labelled with the version the reader used.
        var row = (snapshot.MaxSeq, new float[engine.Embedder.Dimensions]);
        engine.Vectors.AppendCommitted(bucket.Id, version, version + 1, epoch, new[] { row });

        var after = engine.Vectors.Get(connection, bucket.Id);
        Assert.Equal(1, after.Count);
        var stored = await service.StoreMemoryAsync("b", "Restores take forty minutes.", Engram.Client.DedupPolicy.Off);
        Assert.Equal("stored", stored.Status);
        Assert.Equal(2, (await service.ListMemoriesAsync("b")).Total);
    }

    [Fact]
    public async Task Concurrent_writers_and_readers_on_one_bucket_all_succeed()
    {
        using var folder = new TempFolder();
        using var engine = Engines.OnFile(folder);
        var service = engine.ForTenant("t");

        var writers = Enumerable.Range(0, 64).Select(i => Task.Run(() => service.StoreMemoryAsync("b", "fact number " + i + " about host-" + i)));
        var readers = Enumerable.Range(0, 32).Select(i => Task.Run(() => service.QueryAsync(new Engram.Client.QueryRequest("host-" + i, "b") { SkipSynthesis = true })));
        await Task.WhenAll(writers.Cast<Task>().Concat(readers));

        Assert.Equal(64, (await service.ListMemoriesAsync("b", 100)).Total);
    }
}
