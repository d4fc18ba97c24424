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
        var hits = LexicalIndex.Search(connection, stored.Key, query.Expression, 100_000, query.Ranked).Hits;

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
        Assert.True(query.Ranked);
    }

    [Fact]
    public void A_question_of_only_common_words_finds_the_old_memory_that_has_them_all()
    {
        // 1,300 rows say "invoice", 1,300 others "overdue"; the one row with both is the oldest.
        var contents = new List<string> { "Invoice 77 from Northwind is overdue since March." };
        contents.AddRange(Enumerable.Range(0, 1300).Select(i => $"Invoice {i} from Contoso was paid on time."));
        contents.AddRange(Enumerable.Range(0, 1300).Select(i => $"Library book {i} is overdue at the branch."));
        using var engine = OpenWith("b", contents);
        using var connection = engine.Database.OpenConnection();
        var stored = LargeBucket(connection, "b");

        var hits = HybridRetriever.LexicalHits(connection, stored, new[] { "invoice", "overdue" });

        var hit = Assert.Single(hits);
        Assert.Equal("Invoice 77 from Northwind is overdue since March.", MemoryRepository.ReadBySeq(connection, new[] { hit.Seq })[hit.Seq].Content);
    }

    [Fact]
    public void A_question_of_only_common_words_that_no_memory_has_together_keeps_the_rarest_words_that_some_memory_has()
    {
        // "invoice" and "northwind" meet in 1,100 rows; "refund" never meets them.
        var contents = Enumerable.Range(0, 1100).Select(i => $"Invoice {i} from Northwind is due in March.").ToList();
        contents.AddRange(Enumerable.Range(0, 1100).Select(i => $"Refund {i} was sent to Contoso."));
        using var engine = OpenWith("b", contents);
        using var connection = engine.Database.OpenConnection();
        var stored = LargeBucket(connection, "b");

        var query = Fts5QueryBuilder.Build(connection, stored, new[] { "invoice", "northwind", "refund" })!;
        var hits = HybridRetriever.LexicalHits(connection, stored, new[] { "invoice", "northwind", "refund" });

        Assert.Equal("\"invoice\" AND \"northwind\"", query.Expression);
        Assert.InRange(hits.Count, 1, HybridRetriever.CandidatePool);
        Assert.All(MemoryRepository.ReadBySeq(connection, hits.Select(h => h.Seq).ToList()).Values, row => Assert.StartsWith("Invoice", row.Content));
    }

    [Fact]
    public void A_rare_word_ranks_its_memory_first_among_common_words()
    {
        var contents = Enumerable.Range(0, 2500).Select(i => $"Deploy {i} of the reporting service finished.").ToList();
        contents.Insert(1000, "Deploy of the Kestrel service finished late.");
        using var engine = OpenWith("b", contents);
        using var connection = engine.Database.OpenConnection();
        var stored = LargeBucket(connection, "b");

        var hits = HybridRetriever.LexicalHits(connection, stored, new[] { "deploy", "service", "kestrel" });

        Assert.NotEmpty(hits);
        Assert.Equal("Deploy of the Kestrel service finished late.", MemoryRepository.ReadBySeq(connection, new[] { hits[0].Seq })[hits[0].Seq].Content);
    }

    [Fact]
    public void Another_buckets_memories_do_not_change_a_buckets_lexical_query_or_hits()
    {
        var contents = Enumerable.Range(0, 40).Select(i => $"Invoice {i} from Northwind is due in March.").ToList();
        contents.Add("Invoice 9 from Northwind is overdue.");
        using var engine = OpenWith("b", contents);
        var terms = new[] { "invoice", "northwind", "overdue" };
        LexicalQuery before;
        List<long> hitsBefore;
        using (var connection = engine.Database.OpenConnection())
        {
            var stored = LargeBucket(connection, "b");
            before = Fts5QueryBuilder.Build(connection, stored, terms)!;
            hitsBefore = HybridRetriever.LexicalHits(connection, stored, terms).Select(h => h.Seq).ToList();
        }

        // Another bucket of the same tenant where all three words are common.
        var other = Enumerable.Range(0, 3000).Select(i => $"Invoice {i} from Northwind is overdue.").ToList();
        Store(engine, "other", other);

        using (var connection = engine.Database.OpenConnection())
        {
            var stored = LargeBucket(connection, "b");
            var after = Fts5QueryBuilder.Build(connection, stored, terms)!;
            Assert.Equal(before.Expression, after.Expression);
            Assert.Equal(before.Ranked, after.Ranked);
            Assert.Equal(hitsBefore, HybridRetriever.LexicalHits(connection, stored, terms).Select(h => h.Seq).ToList());
        }
    }

    private LocalEngine OpenWith(string bucket, List<string> contents)
    {
        var engine = LocalEngine.Open(new LocalEngineOptions { Path = _folder.File(), VectorIndexMinimum = int.MaxValue });
        Store(engine, bucket, contents);
        return engine;
    }

    private static void Store(LocalEngine engine, string bucket, List<string> contents)
    {
        var tenant = engine.ForTenant("t");
        for (var start = 0; start < contents.Count; start += 500)
        {
            tenant.StoreMemoriesAsync(bucket, contents.Skip(start).Take(500).ToList(), DedupPolicy.Off).GetAwaiter().GetResult();
        }
    }

    /// <summary>The bucket as stored, presented as large: the rule depends only on the bucket's size.</summary>
    private static BucketRow LargeBucket(Microsoft.Data.Sqlite.SqliteConnection connection, string bucket)
    {
        var stored = BucketRepository.Find(connection, "t", bucket)!;
        stored.MemoryCount = Fts5QueryBuilder.BoundedSearchMinimum;
        return stored;
    }
}
