using Engram.Client;
using Engram.Local;
using Xunit;

namespace Engram.Tests.Unit.Local;

/// <summary>
/// Add-EngramMemory sends full batches per bucket, several at once: batches for buckets that do not exist
/// yet race to create them (and their lexical tables). Every batch must be stored, none must fail.
/// </summary>
public class ConcurrentBucketTests : EngineTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Batches_for_new_buckets_sent_at_once_are_all_stored(bool onFile)
    {
        using var folder = new TempFolder();
        for (var round = 0; round < 40; round++)
        {
            using var engine = onFile ? Engines.OnFile(folder, name: "r" + round + ".db") : Engines.InMemory();
            using var service = engine.ForTenant(Tenant);
            var crowd = Enumerable.Range(0, 3).Select(b => service.StoreMemoriesAsync(
                "crowd", Enumerable.Range(0, 10).Select(i => "Crowd fact " + (b * 10 + i)).ToList(), DedupPolicy.Off));
            var lone = service.StoreMemoriesAsync("lone", new[] { "The lone fact comes first." }, DedupPolicy.Off);
            var results = await Task.WhenAll(crowd.Append(lone));

            Assert.Equal(31, results.Sum(r => r.Count));
            Assert.Equal(30, (await service.ListMemoriesAsync("crowd", 100, 0)).Total);
            Assert.Equal(1, (await service.ListMemoriesAsync("lone", 100, 0)).Total);
        }
    }
}
