using System.Collections.Concurrent;
using Engram.Client;
using Engram.Local;
using Engram.Local.Storage;
using Engram.Tests.Unit.Server.Support;
using Xunit;
using Xunit.Abstractions;

namespace Engram.Tests.Unit.Local;

/// <summary>
/// Many callers at once against one engine: single-item and multi-item stores into buckets that do not exist
/// yet, writes into an existing bucket, queries, full cursor listings and deletes, lined up so they start
/// together. Every call must succeed (no 500, no exception out of the engine) and every stored memory must be
/// there afterwards, exactly once. In-process and over real loopback HTTP, in memory and on a file.
/// </summary>
public class ConcurrentStoreRaceTests
{
    private const int Callers = 12;
    private const int Rounds = 30;

    private readonly ITestOutputHelper _output;

    public ConcurrentStoreRaceTests(ITestOutputHelper output) => _output = output;

    /// <summary>
    /// Creating a bucket changes the schema (its lexical table) inside a write transaction. Until that commits,
    /// other callers of an in-memory engine must go on reading what is committed, and writers must wait for it:
    /// with SQLite's shared cache their statements could not even be prepared ("database schema is locked"),
    /// which surfaced as an ArgumentOutOfRangeException from SQLitePCL in-process and as a 500 over HTTP, and
    /// otherwise as a wait of up to the busy timeout followed by an error.
    /// </summary>
    [Fact]
    public async Task Reads_go_on_and_writes_wait_while_a_bucket_creation_is_uncommitted()
    {
        using var engine = Engines.InMemory();
        var service = engine.ForTenant("t1");
        await service.StoreMemoriesAsync("existing", new[] { "The backup runs at 01:30 UTC.", "Restores take forty minutes." }, DedupPolicy.Off);

        using var creator = engine.Database.OpenConnection();
        Task[] writes;
        using (var creation = creator.BeginTransaction(deferred: false))
        {
            // What BucketRepository.TryCreate does for a new bucket, held open.
            LexicalIndex.Create(creator, creation, 424242);

            Assert.Equal(2, (await service.ListMemoriesAsync("existing")).Total);
            Assert.Equal(new[] { "existing" }, (await service.ListBucketsAsync()).Select(b => b.Name));
            var answer = await service.QueryAsync(new QueryRequest("When does the backup run?", "existing") { SkipSynthesis = true });
            Assert.Contains("01:30", answer.Explanation!.RetrievedMemories[0].Content);

            writes = new Task[]
            {
                Task.Run(() => service.StoreMemoryAsync("existing", "The VPN gateway is vpn.example.com.")),
                Task.Run(() => service.StoreMemoriesAsync("existing", new[] { "Standup is at 09:30.", "Retro is on Fridays." })),
                Task.Run(() => service.StoreMemoryAsync("brand-new", "The first fact of a new bucket.")),
            };
            creation.Commit();
        }

        await Task.WhenAll(writes);
        Assert.Equal(5, (await service.ListMemoriesAsync("existing")).Total);
        Assert.Equal(1, (await service.ListMemoriesAsync("brand-new")).Total);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Concurrent_stores_queries_listings_and_deletes_in_process_all_succeed(bool onFile)
    {
        using var folder = new TempFolder();
        using var engine = onFile ? Engines.OnFile(folder) : Engines.InMemory();
        await RunAndCheck(engine.ForTenant("t1"), engine.ForTenant("t1"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Concurrent_stores_queries_listings_and_deletes_over_http_all_succeed(bool onFile)
    {
        using var folder = new TempFolder();
        var log = new ConcurrentQueue<string>();
        var engine = onFile ? Engines.OnFile(folder) : Engines.InMemory();
        using var h = ServerHarness.Start(o => o.Log = log.Enqueue, engine);
        using var client = new EngramHttpService(new EngramClientOptions { BaseUrl = h.BaseUrl, ApiKey = ServerHarness.Key, MaxRetriesOn429 = 0 });
        try
        {
            await RunAndCheck(client, h.Tenant);
        }
        finally
        {
            foreach (var line in log.Where(l => l.Contains("\"note\"", StringComparison.Ordinal)))
            {
                _output.WriteLine(line);
            }
        }
    }

    private async Task RunAndCheck(IEngramService service, LocalEngramService inProcess)
    {
        var workload = new ConcurrentWorkload(service, Callers);
        await workload.SeedAsync();

        workload.Run(Rounds);

        foreach (var failure in workload.Failures.Take(5))
        {
            _output.WriteLine(failure);
        }

        Assert.Empty(workload.Failures);
        foreach (var (bucket, ids) in workload.Expected())
        {
            var held = new List<string>();
            var page = await inProcess.ListMemoriesFromCursorAsync(bucket, EngramLimits.MaxListLimit, MemoryCursors.OldestFirst);
            held.AddRange(page.Memories.Select(m => m.Id));
            while (page.NextCursor != null)
            {
                page = await inProcess.ListMemoriesFromCursorAsync(bucket, EngramLimits.MaxListLimit, page.NextCursor);
                held.AddRange(page.Memories.Select(m => m.Id));
            }

            Assert.Equal(ids.OrderBy(i => i, StringComparer.Ordinal), held.OrderBy(i => i, StringComparer.Ordinal));
            Assert.Equal(held.Count, page.Total);
        }
    }
}
