using Engram.Client;
using Xunit;

namespace Engram.Tests.Unit.Conformance;

/// <summary>
/// The list endpoint's cursor extension (issue 12): a listing is a snapshot. Every memory that existed at the
/// start and still exists when reached is emitted once; nothing added after the start is. In-process and over HTTP.
/// </summary>
public abstract class CursorListingTests : IDisposable
{
    private readonly ServiceUnderTest _sut;

    protected CursorListingTests(ServiceUnderTest sut)
    {
        _sut = sut;
    }

    private IEngramService S => _sut.Service;

    public void Dispose() => _sut.Dispose();

    private async Task<List<string>> StoreNumbered(string bucket, int count, string tag)
    {
        var contents = Enumerable.Range(1, count).Select(i => tag + " fact " + i).ToList();
        var stored = await S.StoreMemoriesAsync(bucket, contents, DedupPolicy.Off);
        return stored.Select(r => r.Id).ToList();
    }

    [Theory]
    [InlineData(MemoryCursors.OldestFirst)]
    [InlineData(MemoryCursors.NewestFirst)]
    public async Task Writes_between_pages_neither_hide_existing_memories_nor_add_new_ones(string start)
    {
        var existing = await StoreNumbered("snap", 95, "before");
        var toDelete = existing.Skip(40).Take(5).ToHashSet();
        var seen = new List<Memory>();
        var page = await S.ListMemoriesFromCursorAsync("snap", 10, start);
        Assert.True(page.SupportsCursor);
        var round = 0;
        while (true)
        {
            seen.AddRange(page.Memories);

            // Another client writes between every two pages: new memories, and deletes of already-emitted ones
            // (which shift every offset page) and, once, of not-yet-reached ones.
            await StoreNumbered("snap", 7, "during-" + round++);
            foreach (var emitted in page.Memories.Take(2))
            {
                await S.DeleteMemoryAsync("snap", emitted.Id);
            }

            if (round == 3)
            {
                foreach (var id in toDelete.Where(id => seen.All(m => m.Id != id)))
                {
                    await S.DeleteMemoryAsync("snap", id);
                }
            }

            if (page.NextCursor == null)
            {
                break;
            }

            page = await S.ListMemoriesFromCursorAsync("snap", 10, page.NextCursor);
        }

        var ids = seen.Select(m => m.Id).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.DoesNotContain(seen, m => !m.Content.StartsWith("before ", StringComparison.Ordinal));
        var expected = existing.Where(id => !toDelete.Contains(id) || ids.Contains(id)).ToList();
        if (start == MemoryCursors.NewestFirst)
        {
            expected.Reverse();
        }

        Assert.Equal(expected.Where(ids.Contains), ids);
        Assert.Equal(existing.Count(id => !toDelete.Contains(id)), ids.Count(id => !toDelete.Contains(id)));
    }

    [Fact]
    public async Task An_unknown_bucket_lists_empty_and_a_forged_cursor_is_refused()
    {
        var page = await S.ListMemoriesFromCursorAsync("nosuch", 10, MemoryCursors.NewestFirst);
        Assert.Empty(page.Memories);
        Assert.Null(page.NextCursor);
        await StoreNumbered("b", 3, "x");
        var error = await Assert.ThrowsAnyAsync<EngramException>(() => S.ListMemoriesFromCursorAsync("b", 10, "garbage"));
        Assert.Equal(400, error.Status);
    }

    [Fact]
    public async Task The_offset_listing_stays_as_section_16_describes()
    {
        await StoreNumbered("b", 3, "x");
        var page = await S.ListMemoriesAsync("b", 2, 1);
        Assert.Equal(2, page.Memories.Count);
        Assert.Equal(3, page.Total);
        Assert.Null(page.NextCursor);
        Assert.False(page.SupportsCursor);
    }
}

public sealed class InProcessCursorListingTests : CursorListingTests
{
    public InProcessCursorListingTests()
        : base(ServiceUnderTest.InProcess())
    {
    }
}

public sealed class OverHttpCursorListingTests : CursorListingTests
{
    public OverHttpCursorListingTests()
        : base(ServiceUnderTest.OverHttp())
    {
    }
}
