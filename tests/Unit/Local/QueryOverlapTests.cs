using Engram.Client;
using Engram.Local;
using Engram.Local.Query;
using Engram.Local.Retrieval;
using Engram.Local.Storage;
using Xunit;

namespace Engram.Tests.Unit.Local;

/// <summary>
/// The query's lexical search runs on another thread while the model embeds the question (QueryRunner, SideWork): the
/// ranking is the one an inline search gives, the search runs once on whichever thread takes it, and a question the
/// embedder fails on leaves nothing running.
/// </summary>
public class QueryOverlapTests : EngineTests
{
    private static readonly string[] Facts =
    {
        "Project Alpha deadline is 2026-10-15.",
        "Project Beta ships after the Alpha review.",
        "The Alpha team meets on Tuesdays.",
        "User prefers dark mode in every editor.",
        "Standup is at 09:30 CET on weekdays.",
    };

    [Fact]
    public async Task Lexical_hits_searched_beforehand_rank_exactly_as_those_searched_inline()
    {
        var service = NewService(out var engine);
        await service.StoreMemoriesAsync("user", Facts);
        const string question = "When is the Alpha deadline for the project?";
        var vector = await engine.Embedder.EmbedAsync(question, CancellationToken.None);
        var terms = Fts5QueryBuilder.Terms(question);
        using var connection = engine.Database.OpenConnection();
        var bucket = BucketRepository.Find(connection, Tenant, "user")!;
        RetrievalRequest Request(IReadOnlyList<LexicalHit>? hits) => new()
        {
            QueryVector = vector,
            Terms = terms,
            TopK = 10,
            Mode = engine.Options.Retrieval,
            Fusion = engine.Fusion,
            NearDuplicate = engine.Calibration.NearDuplicate,
            LexicalHits = hits,
        };

        var beforehand = HybridRetriever.LexicalHits(connection, bucket, terms);
        var inline = HybridRetriever.Retrieve(connection, engine.Vectors, bucket, Request(null));
        var given = HybridRetriever.Retrieve(connection, engine.Vectors, bucket, Request(beforehand));

        Assert.True(beforehand.Count >= 3);
        Assert.Equal(inline.Select(h => (h.Row.Seq, h.RawScore, h.RankScore)), given.Select(h => (h.Row.Seq, h.RawScore, h.RankScore)));
        var whole = await service.QueryAsync(new QueryRequest(question, "user") { TopK = 10 });
        Assert.Equal(inline.Select(h => h.Row.Content), whole.Explanation!.RetrievedMemories.Select(m => m.Content));
    }

    [Fact]
    public async Task A_question_the_embedder_fails_on_fails_with_its_error_and_the_next_query_works()
    {
        var embedder = new QuestionFailingEmbedder();
        var service = NewService(embedder);
        await service.StoreMemoriesAsync("user", Facts);

        var failure = await Assert.ThrowsAnyAsync<Exception>(() => service.QueryAsync(new QueryRequest("broken Alpha deadline question", "user")));

        Assert.Contains(QuestionFailingEmbedder.Message, failure.ToString(), StringComparison.Ordinal);
        var result = await service.QueryAsync(new QueryRequest("When is the Project Alpha deadline?", "user"));
        Assert.Contains("Project Alpha deadline is 2026-10-15.", result.Explanation!.RetrievedMemories.Select(m => m.Content));
    }

    [Fact]
    public async Task Side_work_runs_exactly_once_whichever_side_takes_it()
    {
        var runs = 0;
        for (var i = 0; i < 500; i++)
        {
            var work = SideWork<string>.Start(() => { Interlocked.Increment(ref runs); return "hits"; }, CancellationToken.None);
            Assert.Equal("hits", await work.ResultAsync());
        }

        Assert.Equal(500, Volatile.Read(ref runs));
    }

    [Fact]
    public async Task Abandoned_side_work_is_over_or_never_starts_once_abandoning_returns()
    {
        for (var i = 0; i < 200; i++)
        {
            var state = new int[1];
            var work = SideWork<string>.Start(() => { state[0] = 1; Thread.SpinWait(2000); state[0] = 2; return "hits"; }, CancellationToken.None);
            await work.AbandonAsync();
            var seen = Volatile.Read(ref state[0]);
            Assert.NotEqual(1, seen);
            await Task.Yield();
            Assert.Equal(seen, Volatile.Read(ref state[0]));
        }
    }

    [Fact]
    public async Task Side_work_failing_on_the_pool_fails_the_result_with_its_error()
    {
        var work = SideWork<string>.Start(() => throw new InvalidOperationException("lexical index damaged"), CancellationToken.None);

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => work.ResultAsync());

        Assert.Equal("lexical index damaged", failure.Message);
    }

    /// <summary>Hashing vectors, except that a text starting with "broken" fails to embed.</summary>
    private sealed class QuestionFailingEmbedder : VectorEmbedder
    {
        public const string Message = "the embedding service is down";

        private readonly HashingEmbedder _vectors = new(32);

        public QuestionFailingEmbedder()
            : base("test-failing", "failing-v1", 32)
        {
        }

        public override float[] Embed(string text) =>
            text.StartsWith("broken", StringComparison.Ordinal) ? throw new InvalidOperationException(Message) : _vectors.Embed(text);
    }
}
