using Engram.Client;
using Engram.Local;
using Engram.Local.Retrieval;
using Engram.Local.Storage;
using Xunit;

namespace Engram.Tests.Unit.Local;

/// <summary>The lexical search of a large bucket scores a bounded set of rows chosen by the question's rarest words (issue 14).</summary>
public sealed class BoundedLexicalSearchTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void A_large_bucket_scores_at_most_the_row_limit_and_ranks_the_rows_with_the_rarest_words_first()
    {
        using var engine = LocalEngine.Open(new LocalEngineOptions { Path = _folder.File(), VectorIndexMinimum = int.MaxValue });
        var tenant = engine.ForTenant("t");
        // Every row says "deploy"; 1,200 also name Priya, 1,200 others Shah; 3 name both.
        var contents = new List<string>();
        for (var i = 0; i < 3000; i++)
        {
            var who = i < 1200 ? "Priya Okafor" : i < 2400 ? "Marcus Shah" : "the team";
            contents.Add($"Deploy {i} of the reporting service was run by {who}.");
        }

        contents.Add("Priya Shah approved deploy 9001 of the billing service.");
        contents.Add("Priya Shah approved deploy 9002 of the search service.");
        contents.Add("Priya Shah approved deploy 9003 of the checkout service.");
        for (var start = 0; start < contents.Count; start += 500)
        {
            tenant.StoreMemoriesAsync("b", contents.Skip(start).Take(500).ToList(), DedupPolicy.Off).GetAwaiter().GetResult();
        }

        using var connection = engine.Database.OpenConnection();
        var stored = BucketRepository.Find(connection, "t", "b")!;
        Assert.Equal(3003, stored.MemoryCount);
        // The rule depends only on the bucket's size: present this one as large.
        stored.MemoryCount = Fts5QueryBuilder.BoundedSearchMinimum;

        var query = Fts5QueryBuilder.Build(connection, stored, new[] { "deploy", "priya", "shah" })!;
        var hits = LexicalIndex.Search(connection, stored.Key, query.Expression, 100_000, query.MinimumSeq).Hits;

        Assert.InRange(hits.Count, 3, Fts5QueryBuilder.RankedRowLimit);
        var contentsBySeq = MemoryRepository.ReadBySeq(connection, hits.Take(3).Select(h => h.Seq).ToList());
        Assert.All(contentsBySeq.Values, row => Assert.StartsWith("Priya Shah approved", row.Content));
    }

    [Fact]
    public void A_large_bucket_searches_every_word_when_all_their_matches_fit_the_limit()
    {
        using var engine = LocalEngine.Open(new LocalEngineOptions { Path = _folder.File(), VectorIndexMinimum = int.MaxValue });
        var tenant = engine.ForTenant("t");
        var contents = Enumerable.Range(0, 300).Select(i => $"Invoice {i} from Northwind is due in March.").ToList();
        contents.Add("The Kestrel release was deployed on Friday.");
        tenant.StoreMemoriesAsync("b", contents, DedupPolicy.Off).GetAwaiter().GetResult();

        using var connection = engine.Database.OpenConnection();
        var stored = BucketRepository.Find(connection, "t", "b")!;
        stored.MemoryCount = Fts5QueryBuilder.BoundedSearchMinimum;

        var query = Fts5QueryBuilder.Build(connection, stored, new[] { "kestrel", "invoice", "nowhere" })!;

        Assert.Equal("\"kestrel\" OR \"invoice\"", query.Expression);
        Assert.Equal(0, query.MinimumSeq);
    }
}
