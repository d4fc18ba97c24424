using System.Text.Json;
using Engram.Client;
using Engram.Local;
using Xunit;

namespace Engram.Tests.Unit.Local;

/// <summary>Answers without a model (issue 11): the best-answering memory first, JSON fields by name, 412 when a model is required.</summary>
public class ExtractiveAnswerTests
{
    private static async Task<LocalEngramService> Ops(LocalEngine engine)
    {
        var service = engine.ForTenant("t");
        await service.StoreMemoriesAsync("ops", new[]
        {
            "pg-prod runs PostgreSQL 16 on host db-3. pg-prod dashboards live in Grafana.",
            "pg-prod backups run nightly at 02:00 UTC.",
            "For pg-prod incidents call Dana Reyes on 555-0142.",
            "The pg-prod owner is Dana Reyes.",
            "pg-prod status: healthy",
        });
        return service;
    }

    [Theory]
    [InlineData("Who do I call about pg-prod?", "For pg-prod incidents call Dana Reyes on 555-0142.")]
    [InlineData("When do pg-prod backups run?", "pg-prod backups run nightly at 02:00 UTC.")]
    [InlineData("Which PostgreSQL version does pg-prod run?", "pg-prod runs PostgreSQL 16 on host db-3.")]
    public async Task The_first_sentence_is_the_memory_that_best_answers_and_the_answer_is_not_every_memory_glued(string question, string expectedFirst)
    {
        using var engine = Engines.InMemory();
        using var service = await Ops(engine);

        var result = await service.QueryAsync(new QueryRequest(question, "ops"));

        Assert.StartsWith(expectedFirst, result.Answer);
        // At most the best sentence and two supporting ones: every retrieved memory mentions pg-prod, yet
        // the answer does not quote them all.
        Assert.True(result.Explanation!.RetrievedMemories.Count >= 4);
        Assert.True(System.Text.RegularExpressions.Regex.Matches(result.Answer, @"[.!?](\s|$)").Count <= 3, result.Answer);
        var cited = result.Explanation.RetrievedMemories.Where(m => m.Metadata!.Value.GetProperty("cited").GetBoolean()).ToList();
        Assert.Contains(cited, m => m.Content.Contains(expectedFirst, StringComparison.Ordinal));
        Assert.True(cited.Count < result.Explanation.RetrievedMemories.Count);
    }

    [Fact]
    public async Task A_json_answer_fills_schema_fields_whose_names_a_memory_states()
    {
        using var engine = Engines.InMemory();
        using var service = await Ops(engine);
        using var schema = JsonDocument.Parse("""{"type":"object","properties":{"owner":{"type":"string"},"status":{"type":"string"},"pager":{"type":"string"}}}""");

        var result = await service.QueryAsync(new QueryRequest("Who is the pg-prod owner and what is its status?", "ops") { ReturnFormat = ReturnFormat.Json, ResponseSchema = schema.RootElement });

        var json = result.AnswerJson!.Value;
        Assert.Equal("Dana Reyes", json.GetProperty("owner").GetString());
        Assert.Equal("healthy", json.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, json.GetProperty("pager").ValueKind); // no memory names it: not invented
    }

    [Fact]
    public async Task When_the_engine_requires_a_model_and_has_none_a_query_gets_the_protocols_412_and_retrieval_still_works()
    {
        using var engine = LocalEngine.Open(new LocalEngineOptions { InMemory = true, Synthesis = SynthesisMode.Model });
        using var service = await Ops(engine);

        var buffered = await Assert.ThrowsAsync<EngramException>(() => service.QueryAsync(new QueryRequest("Who do I call about pg-prod?", "ops")));
        var streamed = await Assert.ThrowsAsync<EngramException>(async () =>
        {
            await foreach (var _ in service.QueryStreamAsync(new QueryRequest("Who do I call about pg-prod?", "ops")))
            {
            }
        });
        var retrieval = await service.QueryAsync(new QueryRequest("Who do I call about pg-prod?", "ops") { SkipSynthesis = true });

        foreach (var error in new[] { buffered, streamed })
        {
            Assert.Equal(412, error.Status);
            Assert.Equal("BYOK_NOT_CONFIGURED", error.Code);
            Assert.Equal("No model provider key configured", error.Message); // wire spec §4.12, B.16
        }

        Assert.Equal("", retrieval.Answer);
        Assert.True(retrieval.MemoriesFound > 0);
    }
}
