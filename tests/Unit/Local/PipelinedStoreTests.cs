using Engram.Client;
using Engram.Local;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.AI;
using Xunit;

namespace Engram.Tests.Unit.Local;

/// <summary>
/// A store of more than one chunk embeds and hashes the next chunk while the current one is written, and writes the
/// chunks prepared in time in one transaction (up to 1,000 items): the chunks are still written one after the other
/// in input order, so the results are those of chunk-by-chunk stores, and a failure or cancellation leaves whole
/// transactions only, reports exactly those, and leaves nothing running for the call.
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
        // Exact and near-duplicates of earlier items, within a chunk and across chunk and transaction boundaries.
        var contents = Facts(2330);
        contents[101] = contents[99];                       // exact, across the first chunk boundary
        contents[150] = contents[20];                       // exact, two chunks back
        contents[230] = contents[199] + "!";                // near (same words), across a chunk boundary
        contents[310] = contents[305].ToUpperInvariant();   // near, within a chunk
        contents[320] = contents[150];                      // exact duplicate of a duplicate
        contents[1001] = contents[999];                     // exact, across the first 1,000-item boundary
        contents[1002] = contents[998] + "!";               // near, across it
        contents[2010] = contents[1500];                    // exact, a transaction back
        contents[2329] = contents[7].ToUpperInvariant();    // near, in the last chunk, to the first

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
    public async Task Cancelling_a_large_store_keeps_exactly_the_transactions_committed_before_and_nothing_running()
    {
        using var folder = new TempFolder();
        var embedder = new ObservedEmbedder();
        using var engine = Engines.OnFile(folder, embedder);
        var service = engine.ForTenant(Tenant);
        var contents = Facts(2550);
        using var cancel = new CancellationTokenSource();
        var committedAtStart = new List<int>();
        engine.BeforeBatchHook = () =>
        {
            committedAtStart.Add(RowsInFile(folder.File()).Count);
            if (committedAtStart.Count == 3)
            {
                cancel.Cancel(); // only if the second transaction wrote no further chunk
            }
        };
        engine.BeforeFurtherChunkHook = () =>
        {
            // Inside the second transaction, after its first chunk is written: cancel before it commits.
            if (committedAtStart.Count == 2)
            {
                cancel.Cancel();
            }
        };

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => service.StoreMemoriesAsync("b", contents, DedupPolicy.Off, cancel.Token));

        Assert.Equal(0, embedder.Running);
        var rows = RowsInFile(folder.File());
        Assert.Equal(committedAtStart[^1], rows.Count);
        Assert.InRange(rows.Count, 100, 2000);
        Assert.Equal(contents.Take(rows.Count), rows.Select(r => r.Content));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_full_disk_in_a_later_transaction_reports_exactly_the_memories_stored_before_it(bool insideTheTransaction)
    {
        using var folder = new TempFolder();
        using var engine = Engines.OnFile(folder);
        var service = engine.ForTenant(Tenant);
        var contents = Facts(2550);
        var transactions = 0;
        static Exception DiskFull() => new SqliteException("database or disk is full", 13);
        engine.BeforeBatchHook = () =>
        {
            // Before the second transaction begins, or (inside it) before the third if the second wrote a single chunk.
            if (++transactions == (insideTheTransaction ? 3 : 2))
            {
                throw DiskFull();
            }
        };
        engine.BeforeFurtherChunkHook = () =>
        {
            // Inside the second transaction after its first chunk is written: that chunk is rolled back with it.
            if (insideTheTransaction && transactions == 2)
            {
                throw DiskFull();
            }
        };

        var error = await Assert.ThrowsAsync<EngramBatchException>(() => service.StoreMemoriesAsync("b", contents, DedupPolicy.Loose));

        Assert.Equal(507, error.Status);
        Assert.Equal(2550, error.TotalCount);
        AssertReportedAreStored(contents, error, RowsInFile(folder.File()));
    }

    [Fact]
    public async Task Another_writer_gets_the_write_lock_between_the_transactions_of_a_large_store()
    {
        using var folder = new TempFolder();
        using var engine = Engines.OnFile(folder);
        var service = engine.ForTenant(Tenant);
        using var otherAtTheGate = new ManualResetEventSlim();
        engine.BeforeInsertHook = otherAtTheGate.Set; // the single store's last step before it waits for the write lock
        Task<StoreMemoryResult>? other = null;
        var transactions = 0;
        var otherStoredBeforeSecondTransaction = -1;
        engine.BeforeBatchHook = () =>
        {
            switch (++transactions)
            {
                case 1:
                    // Holding the write lock: another writer comes and waits for it. (The wait only keeps a broken test from hanging.)
                    other = Task.Run(() => service.StoreMemoryAsync("other", "A note from another writer.", DedupPolicy.Off));
                    Assert.True(otherAtTheGate.Wait(TimeSpan.FromSeconds(30)));
                    break;
                case 2:
                    otherStoredBeforeSecondTransaction = RowsInFile(folder.File()).Count(r => r.Content == "A note from another writer.");
                    break;
            }
        };

        var results = await service.StoreMemoriesAsync("b", Facts(1500), DedupPolicy.Off);

        Assert.Equal(1500, results.Count);
        Assert.Equal(StoreMemoryResult.StatusStored, (await other!).Status);
        Assert.True(transactions >= 2);
        Assert.Equal(1, otherStoredBeforeSecondTransaction);
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

    [Fact]
    public async Task Every_stored_memory_is_indexed_under_its_own_row_when_stores_interleave_buckets_and_merges()
    {
        // Two buckets written in turn (their rows' seqs interleave), with exact and near-duplicates that insert no
        // row and dedup-off repeats that do: each row's full-text entry and cached vector must be that row's.
        using var folder = new TempFolder();
        using var engine = Engines.OnFile(folder);
        var service = engine.ForTenant(Tenant);
        var contents = Enumerable.Range(0, 1250).Select(i => $"Note {i}: parcel code{i}x waits at depot {i % 13}.").ToList();
        for (var i = 40; i < contents.Count; i += 97)
        {
            contents[i] = contents[i - 17];                                                  // exact: merges
            contents[i + 1] = contents[i - 30] + "!";                                        // near: merges
        }

        var results = new List<StoreMemoryResult>();
        results.AddRange(await service.StoreMemoriesAsync("a", contents.Take(700).ToList()));
        await service.StoreMemoriesAsync("b", contents.Take(300).ToList(), DedupPolicy.Off);
        results.AddRange(await service.StoreMemoriesAsync("a", contents.Skip(700).ToList()));
        await service.StoreMemoriesAsync("b", contents.Skip(300).Take(300).ToList(), DedupPolicy.Off);
        Assert.Contains(results, r => r.Status == StoreMemoryResult.StatusMerged);

        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = folder.File(), Pooling = false }.ToString());
        connection.Open();
        var checkedRows = 0;
        foreach (var (key, bucketId) in Rows(connection, "SELECT rowid, id FROM buckets;", r => (r.GetInt64(0), r.GetString(1))))
        {
            var table = "memories_fts_" + key;
            Execute(connection, $"INSERT INTO {table} ({table}) VALUES ('integrity-check');");
            var rows = Rows(connection, $"SELECT seq, content FROM memories WHERE bucket_id = '{bucketId}';", r => (Seq: r.GetInt64(0), Code: r.GetString(1).Split(' ')[3]));
            foreach (var (seq, code) in rows)
            {
                // The rows the index finds under the code are exactly the rows with that code (dedup-off repeats share it).
                var expected = rows.Where(r => r.Code == code).Select(r => r.Seq).OrderBy(s => s);
                Assert.Equal(expected, Rows(connection, $"SELECT rowid FROM {table} WHERE {table} MATCH '{code}' ORDER BY rowid;", r => r.GetInt64(0)));
                checkedRows++;
            }
        }

        Assert.Equal(Rows(connection, "SELECT count(*) FROM memories;", r => r.GetInt32(0))[0], checkedRows);
        foreach (var i in new[] { 0, 699, 700, 1249 })
        {
            var expected = results[i];
            var answer = await service.QueryAsync(new QueryRequest(contents[i], "a"));
            Assert.Equal(expected.Id, answer.Explanation!.RetrievedMemories[0].MemoryId);
        }
    }

    /// <summary>The exception's results are the stored rows, in input order, and the rows are the first items: nothing reported that is not stored, nothing stored that is not reported.</summary>
    private static void AssertReportedAreStored(List<string> contents, EngramBatchException error, List<(string Id, string Content)> rows)
    {
        Assert.InRange(rows.Count, 100, contents.Count - 100);
        Assert.Equal(rows.Select(r => r.Id), error.StoredResults.Select(r => r.Id));
        Assert.All(error.StoredResults, r => Assert.Equal(StoreMemoryResult.StatusStored, r.Status));
        Assert.Equal(contents.Take(rows.Count), rows.Select(r => r.Content));
    }

    /// <summary>The memories in the database file, in insertion order, read with a connection of its own.</summary>
    private static List<(string Id, string Content)> RowsInFile(string path)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT id, content FROM memories ORDER BY seq;";
        using var reader = command.ExecuteReader();
        var rows = new List<(string, string)>();
        while (reader.Read())
        {
            rows.Add((reader.GetString(0), reader.GetString(1)));
        }

        return rows;
    }

    private static List<T> Rows<T>(SqliteConnection connection, string sql, Func<SqliteDataReader, T> read)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<T>();
        while (reader.Read())
        {
            rows.Add(read(reader));
        }

        return rows;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
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
