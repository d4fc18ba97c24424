using System.Collections.Concurrent;
using Engram.Client;

namespace Engram.Tests.Unit.Local;

/// <summary>
/// Rounds of calls lined up on a <see cref="Barrier"/>, one thread per caller, so first writes to new buckets,
/// writes to an existing bucket, queries, full listings and deletes really start together (the engine's calls
/// complete synchronously with the hashing embedder, so tasks started one after another would run one by one).
/// Every call that fails is recorded with its exception; a call the protocol allows to fail (deleting a memory
/// another caller deleted first) is not a failure.
/// </summary>
internal sealed class ConcurrentWorkload
{
    private const string Existing = "existing";

    private readonly IEngramService _service;
    private readonly int _callers;
    private readonly ConcurrentQueue<string> _failures = new();
    private readonly ConcurrentDictionary<string, ConcurrentBag<string>> _storedIds = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _deletedIds = new();

    public ConcurrentWorkload(IEngramService service, int callers)
    {
        _service = service;
        _callers = callers;
    }

    /// <summary>Every failure seen: the call, the exception's type, message and where it was thrown.</summary>
    public IReadOnlyCollection<string> Failures => _failures;

    public async Task SeedAsync()
    {
        var seeded = await _service.StoreMemoriesAsync(Existing, Enumerable.Range(0, 40).Select(i => $"Seed fact {i} about server-{i} in rack {i % 7}.").ToList(), DedupPolicy.Off);
        foreach (var result in seeded)
        {
            _storedIds.GetOrAdd(Existing, _ => new ConcurrentBag<string>()).Add(result.Id);
        }
    }

    /// <summary>Runs <paramref name="rounds"/> rounds; each round's new buckets are named after it.</summary>
    public void Run(int rounds)
    {
        using var barrier = new Barrier(_callers);
        var threads = Enumerable.Range(0, _callers).Select(caller => new Thread(() =>
        {
            for (var round = 0; round < rounds; round++)
            {
                barrier.SignalAndWait();
                Call(caller, round);
            }
        }) { IsBackground = true, Name = "workload-" + caller }).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
    }

    /// <summary>What each bucket must hold now: every id stored into it, less those deleted.</summary>
    public Dictionary<string, HashSet<string>> Expected()
    {
        var deleted = new HashSet<string>(_deletedIds, StringComparer.Ordinal);
        return _storedIds.ToDictionary(p => p.Key, p => new HashSet<string>(p.Value.Where(id => !deleted.Contains(id)), StringComparer.Ordinal), StringComparer.Ordinal);
    }

    private void Call(int caller, int round)
    {
        var bucket = $"r{round}-{(char)('a' + caller % 4)}";
        var what = (caller + round) % 8;
        try
        {
            switch (what)
            {
                case 0:
                case 1:
                    // Single-item store into a new bucket (the near-duplicate check runs outside the store gate).
                    Record(bucket, _service.StoreMemoryAsync(bucket, $"Caller {caller} single fact in round {round} about host-{caller}.").GetAwaiter().GetResult());
                    break;
                case 2:
                case 3:
                    // Multi-item batch into a new bucket, as Add-EngramMemory sends per bucket.
                    foreach (var result in _service.StoreMemoriesAsync(bucket, Enumerable.Range(0, 3).Select(i => $"Caller {caller} batch fact {i} of round {round} about disk-{i}.").ToList()).GetAwaiter().GetResult())
                    {
                        Record(bucket, result);
                    }

                    break;
                case 4:
                    // A query over the new buckets (some exist by now, some not yet) and the written-to existing one.
                    _service.QueryAsync(new QueryRequest($"host-{caller} disk rack", new[] { $"r{round}-a", $"r{round}-b", $"r{round}-c", Existing }) { SkipSynthesis = true, ReturnExplanation = true })
                        .GetAwaiter().GetResult();
                    break;
                case 5:
                    // Get-EngramMemory -All while others write: page through the whole bucket by cursor.
                    ListAll(Existing);
                    ListAll($"r{round}-a");
                    break;
                case 6:
                    DeleteOne();
                    Record(Existing, _service.StoreMemoryAsync(Existing, $"Existing bucket fact from caller {caller} in round {round} about switch-{round}.").GetAwaiter().GetResult());
                    break;
                default:
                    _service.QueryAsync(new QueryRequest($"server rack switch {round}", Existing) { SkipSynthesis = true }).GetAwaiter().GetResult();
                    break;
            }
        }
        catch (Exception e)
        {
            _failures.Enqueue($"caller {caller} round {round} call {what} ({bucket}): {e.GetType().FullName}: {e.Message}\n{e.StackTrace}");
        }
    }

    private void ListAll(string bucket)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var page = _service.ListMemoriesFromCursorAsync(bucket, 7, bucket.StartsWith("r", StringComparison.Ordinal) ? MemoryCursors.OldestFirst : MemoryCursors.NewestFirst).GetAwaiter().GetResult();
        while (true)
        {
            foreach (var memory in page.Memories)
            {
                if (!seen.Add(memory.Id))
                {
                    throw new InvalidOperationException($"Listing {bucket} returned {memory.Id} twice.");
                }
            }

            if (page.NextCursor == null)
            {
                return;
            }

            page = _service.ListMemoriesFromCursorAsync(bucket, 7, page.NextCursor).GetAwaiter().GetResult();
        }
    }

    private void DeleteOne()
    {
        if (!_storedIds.TryGetValue(Existing, out var ids))
        {
            return;
        }

        var victim = ids.FirstOrDefault(id => !_deletedIds.Contains(id));
        if (victim == null)
        {
            return;
        }

        try
        {
            _service.DeleteMemoryAsync(Existing, victim).GetAwaiter().GetResult();
            _deletedIds.Enqueue(victim);
        }
        catch (EngramException e) when (e.Status == 404)
        {
            // Another caller deleted it first.
        }
    }

    private void Record(string bucket, StoreMemoryResult result)
    {
        if (result.Status == StoreMemoryResult.StatusStored)
        {
            _storedIds.GetOrAdd(bucket, _ => new ConcurrentBag<string>()).Add(result.Id);
        }
    }
}
