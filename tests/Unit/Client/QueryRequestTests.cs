using Engram.Client;
using Xunit;

namespace Engram.Tests.Unit.Client;

public class QueryRequestTests
{
    [Fact]
    public void Empty_or_missing_buckets_mean_default()
    {
        Assert.Equal(new[] { "default" }, new QueryRequest { Query = "q" }.EffectiveBuckets);
        Assert.Equal(new[] { "default" }, new QueryRequest { Query = "q", Buckets = new string[0] }.EffectiveBuckets);
        Assert.Equal(new[] { "a", "b" }, new QueryRequest("q", "a", "b").EffectiveBuckets);
    }

    [Fact]
    public void TopKPerBucket_map_entry_wins_and_missing_or_non_positive_entries_fall_back_to_top_k()
    {
        TopKPerBucket perBucket = new Dictionary<string, int> { ["edgar"] = 20, ["zero"] = 0 };
        Assert.Equal(20, perBucket.Resolve("edgar", 8));
        Assert.Equal(8, perBucket.Resolve("prices", 8));
        Assert.Equal(8, perBucket.Resolve("zero", 8));

        TopKPerBucket all = 3;
        Assert.Equal(3, all.Resolve("anything", 8));
        Assert.Equal(8, TopKPerBucket.ForAll(0).Resolve("anything", 8));
    }

    [Fact]
    public void GetFinalAnswer_takes_the_text_after_the_last_marker()
    {
        var result = new QueryResult { Answer = "thinking FINAL ANSWER: no FINAL ANSWER:  blue " };
        Assert.Equal("blue", result.GetFinalAnswer());
        Assert.Equal("plain", new QueryResult { Answer = "plain" }.GetFinalAnswer());
    }
}
