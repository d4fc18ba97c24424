using Engram.Client;
using Engram.Tests.Unit.Server.Support;
using Xunit;

namespace Engram.Tests.Unit.Conformance;

/// <summary>
/// The batch store's restore extension (issue 12): items with id and created_at keep both; an id the bucket
/// holds stores nothing again; a copy into another bucket gets one derived id. In-process and over HTTP.
/// </summary>
public abstract class RestoreExtensionTests : IDisposable
{
    private readonly ServiceUnderTest _sut;

    protected RestoreExtensionTests(ServiceUnderTest sut)
    {
        _sut = sut;
    }

    private IEngramService S => _sut.Service;

    public void Dispose() => _sut.Dispose();

    [Fact]
    public async Task Restored_memories_keep_id_and_created_at_and_a_replay_stores_nothing()
    {
        var items = new[]
        {
            new MemoryRestoreItem("The deploy window is Tuesday.", "mem-0001", "2024-03-05T08:15:30.125Z"),
            new MemoryRestoreItem("The on-call phone is 555-0100.", "mem-0002", "2024-03-06T10:00:00+02:00"),
        };

        var first = await S.RestoreMemoriesAsync("restored", items, DedupPolicy.Off);
        Assert.Equal(new[] { "mem-0001", "mem-0002" }, first.Select(r => r.Id));
        Assert.All(first, r => Assert.Equal(StoreMemoryResult.StatusStored, r.Status));

        var listed = (await S.ListMemoriesAsync("restored", 10)).Memories.ToDictionary(m => m.Id);
        Assert.Equal("2024-03-05T08:15:30.125Z", listed["mem-0001"].CreatedAt);
        Assert.Equal("2024-03-06T08:00:00.000Z", listed["mem-0002"].CreatedAt);

        var again = await S.RestoreMemoriesAsync("restored", items, DedupPolicy.Off);
        Assert.All(again, r => Assert.Equal(StoreMemoryResult.MergeReasonSameId, r.MergeReason));
        Assert.Equal(new[] { "mem-0001", "mem-0002" }, again.Select(r => r.Id));
        Assert.Equal(2, (await S.ListMemoriesAsync("restored", 10)).Total);

        // Another bucket cannot take the ids: one derived id per original, the same on every replay.
        var copy = await S.RestoreMemoriesAsync("copy", items, DedupPolicy.Off);
        Assert.All(copy, r => Assert.DoesNotContain(r.Id, new[] { "mem-0001", "mem-0002" }));
        var copyAgain = await S.RestoreMemoriesAsync("copy", items, DedupPolicy.Off);
        Assert.Equal(copy.Select(r => r.Id), copyAgain.Select(r => r.Id));
        Assert.Equal(2, (await S.ListMemoriesAsync("copy", 10)).Total);
    }

    [Theory]
    [InlineData("mem-x", "not a time")]
    [InlineData("", "2024-01-01T00:00:00Z")]
    public async Task An_invalid_created_at_or_blank_id_is_a_400_that_stores_nothing(string id, string createdAt)
    {
        var items = new[] { new MemoryRestoreItem("a good first item"), new MemoryRestoreItem("the bad one", id.Length == 0 ? " " : id, createdAt) };
        var error = await Assert.ThrowsAsync<EngramException>(() => S.RestoreMemoriesAsync("bad", items));
        Assert.Equal(400, error.Status);
        Assert.Contains("memories[1]", error.Message);
        Assert.Equal(0, (await S.ListMemoriesAsync("bad", 10)).Total);
    }
}

public sealed class InProcessRestoreExtensionTests : RestoreExtensionTests
{
    public InProcessRestoreExtensionTests()
        : base(ServiceUnderTest.InProcess())
    {
    }
}

public sealed class OverHttpRestoreExtensionTests : RestoreExtensionTests
{
    public OverHttpRestoreExtensionTests()
        : base(ServiceUnderTest.OverHttp())
    {
    }
}

/// <summary>Without the extension fields a batch is §16 as before; the fields are type-checked like every other.</summary>
public class RestoreExtensionWireTests
{
    [Fact]
    public async Task A_plain_batch_is_stored_as_before_and_only_the_extension_fields_keep_an_id()
    {
        using var h = ServerHarness.Start();
        var plain = await h.PostAsync("/v1/buckets/w/memories", "{\"memories\":[{\"content\":\"plain one\"}]}");
        Assert.Equal(200, plain.Status);
        Assert.NotEqual("kept-id", plain.Json.GetProperty("memories")[0].GetProperty("id").GetString());

        var restored = await h.PostAsync("/v1/buckets/w/memories", "{\"memories\":[{\"content\":\"restored one\",\"id\":\"kept-id\",\"created_at\":\"2020-01-02T03:04:05Z\"}]}");
        Assert.Equal(200, restored.Status);
        var result = restored.Json.GetProperty("memories")[0];
        Assert.Equal("kept-id", result.GetProperty("id").GetString());
        Assert.Equal("kept-id", result.GetProperty("memory_id").GetString());
        Assert.Equal("stored", result.GetProperty("status").GetString());

        var wrongType = await h.PostAsync("/v1/buckets/w/memories", "{\"memories\":[{\"content\":\"x\",\"id\":5}]}");
        Assert.Equal(400, wrongType.Status);
    }
}
