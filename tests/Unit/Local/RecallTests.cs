using Engram.Client;
using Engram.Local;
using Xunit;

namespace Engram.Tests.Unit.Local;

/// <summary>
/// What recall must get right, through the public service with the built-in embedder: ranking that does not
/// depend on how many results are asked for, lexical statistics that belong to one bucket, dedup that keeps
/// every fact, and corrections that rank above what they correct.
/// </summary>
public class RecallTests
{
    private static readonly string[] People = { "Dana", "Omar", "Keiko", "Luis", "Sofia", "Ben", "Arjun", "Helen" };
    private static readonly string[] Services = { "payments-api", "search-api", "auth-gateway", "billing-worker", "ledger", "notifier" };

    /// <summary>Eighty varied facts: people's preferences, on-call owners, service settings.</summary>
    private static List<string> VariedFacts()
    {
        var facts = new List<string>();
        for (var i = 0; i < People.Length; i++)
        {
            var person = People[i];
            facts.Add($"{person} prefers dark mode in the editor and light mode in the terminal.");
            facts.Add($"{person} is on call for {Services[i % Services.Length]} during the week of the release.");
            facts.Add($"{person} drinks green tea in the morning and coffee after lunch.");
            facts.Add($"{person} wants code review feedback written, never in a call.");
            facts.Add($"{person} works from the {(i % 2 == 0 ? "Lisbon" : "Osaka")} office on Tuesdays.");
        }

        foreach (var service in Services)
        {
            facts.Add($"The {service} service keeps its logs for thirty days in cold storage.");
            facts.Add($"Deploys of {service} need a second approver from the platform team.");
            facts.Add($"The {service} dashboard shows error rates and latency per region.");
            facts.Add($"Alerts for {service} page the on-call engineer after five minutes of errors.");
            facts.Add($"The {service} service runs three replicas in every region.");
            facts.Add($"Secrets for {service} rotate monthly through the vault.");
        }

        return facts;
    }

    [Fact]
    public async Task The_first_k_results_of_a_deeper_query_are_exactly_the_results_of_top_k()
    {
        using var engine = Engines.InMemory();
        using var service = engine.ForTenant("t");
        await service.StoreMemoriesAsync("facts", VariedFacts());
        var questions = new[]
        {
            "Who is on call for search-api?",
            "Which mode does Keiko prefer in the editor?",
            "How long are payments-api logs kept?",
            "What does Omar drink in the morning?",
            "How do alerts page the on-call engineer?",
            "Where does Luis work on Tuesdays?",
        };

        foreach (var question in questions)
        {
            var deep = await Ids(service, question, 20);
            foreach (var k in new[] { 1, 2, 3, 5, 8, 10 })
            {
                Assert.Equal(deep.Take(k).ToList(), await Ids(service, question, k));
            }
        }
    }

    [Fact]
    public async Task Retrieved_memories_come_in_rank_order_with_scores_as_the_protocol_defines()
    {
        using var engine = Engines.InMemory();
        using var service = engine.ForTenant("t");
        await service.StoreMemoriesAsync("facts", VariedFacts());

        var result = await service.QueryAsync(new QueryRequest("Who is on call for search-api?", "facts") { TopK = 10 });

        var memories = result.Explanation!.RetrievedMemories;
        Assert.Contains("on call for search-api", memories[0].Content);
        Assert.All(memories, m =>
        {
            Assert.InRange(m.RawScore!.Value, 0.0, 1.0);
            Assert.Equal(1.0, m.Weight);
            Assert.Equal(m.RawScore.Value, m.WeightedScore!.Value, 6);
        });
    }

    [Fact]
    public async Task Another_tenants_or_buckets_memories_do_not_change_a_buckets_lexical_ranking()
    {
        using var folder = new TempFolder();
        using var engine = Engines.OnFile(folder);
        using var alice = engine.ForTenant("alice");
        using var bob = engine.ForTenant("bob");
        // A long report that mentions the pelicans once: only its words, not its vector, tie it to the question.
        var report = "Field report from the estuary survey team, written up after the long weekend of counting: " +
            string.Join(" ", Enumerable.Range(0, 12).Select(i => $"transect{(char)('a' + i)} showed steady numbers of gulls, terns, cormorants and herons along the mudflats")) +
            ", and one pelican was seen near the old pier.";
        await alice.StoreMemoriesAsync("notes", new[]
        {
            report,
            "The heron colony nests in the alder trees on the north bank.",
            "Pelican sightings are rare this far north; report them to the county recorder.",
            "The boat to the island leaves at nine from the old pier.",
        });
        const string question = "Was a pelican seen near the pier?";
        var before = await Ranking(alice, question);

        // Bob (another tenant) and another of Alice's buckets fill up with the question's words.
        var flood = Enumerable.Range(0, 5001).Select(i => $"Pelican log {i}: a pelican near pier {i % 97} at dawn.").ToList();
        await bob.StoreMemoriesAsync("birds", flood, DedupPolicy.Off);
        await alice.StoreMemoriesAsync("other", flood.Take(3000).ToList(), DedupPolicy.Off);

        Assert.Equal(before, await Ranking(alice, question));
        Assert.Contains(report, before.Select(r => r.Content));
    }

    [Theory]
    [InlineData("The payments-api rate limit for the enterprise customers in the EU region is 300 requests per minute per API key.", "The payments-api rate limit for the enterprise customers in the EU region is 600 requests per minute per API key.")]
    [InlineData("Incident INC-4411 on the primary database cluster was caused by the disk filling up on the replica host overnight.", "Incident INC-4412 on the primary database cluster was caused by the disk filling up on the replica host overnight.")]
    [InlineData("The nightly backup job of the customer database runs on host pg-prod-2 and writes its archives to the cold bucket.", "The nightly backup job of the customer database runs on host pg-prod-3 and writes its archives to the cold bucket.")]
    [InlineData("The mobile app release train ships the v2.1 build to the beta testers every second Thursday after the review.", "The mobile app release train ships the v2.2 build to the beta testers every second Thursday after the review.")]
    [InlineData("The quarterly planning meeting for the whole platform group is booked for 2026-03-01 in the large room upstairs.", "The quarterly planning meeting for the whole platform group is booked for 2026-03-08 in the large room upstairs.")]
    [InlineData("The annual support contract with the hardware vendor for the data centre racks costs $1,200 per month in total.", "The annual support contract with the hardware vendor for the data centre racks costs $1,500 per month in total.")]
    [InlineData("Our static website assets and the nightly export files for the analytics team are stored in S3 in the main account.", "Our static website assets and the nightly export files for the analytics team are stored in S4 in the main account.")]
    public async Task Facts_that_differ_only_in_a_number_date_amount_or_id_are_both_stored(string first, string second)
    {
        using var engine = Engines.InMemory();
        using var service = engine.ForTenant("t");
        var a = await service.StoreMemoryAsync("b", first);

        var loose = await service.StoreMemoryAsync("b", second);
        var strict = await service.StoreMemoryAsync("c", second, DedupPolicy.Strict);

        Assert.Equal(StoreMemoryResult.StatusStored, loose.Status);
        Assert.NotEqual(a.Id, loose.Id);
        Assert.Equal(StoreMemoryResult.StatusStored, strict.Status);
        Assert.Equal(2, (await service.ListMemoriesAsync("b")).Total);
    }

    [Theory]
    [InlineData("Lena: Good news actually: she wants a full draft by the end of the month.", "Priya: Good news actually: she wants a full draft by the end of the month.")]
    [InlineData("Jonas: Did you see the photos Priya posted?", "Priya: Did you see the photos Jonas posted?")]
    public async Task The_same_words_said_by_or_about_other_people_are_both_stored(string first, string second)
    {
        using var engine = Engines.InMemory();
        using var service = engine.ForTenant("t");
        await service.StoreMemoryAsync("chat", first);

        var result = await service.StoreMemoryAsync("chat", second);

        Assert.Equal(StoreMemoryResult.StatusStored, result.Status);
        Assert.Equal(2, (await service.ListMemoriesAsync("chat")).Total);
    }

    [Fact]
    public async Task The_same_fact_restated_still_merges_and_an_exact_copy_merges_by_content_hash()
    {
        using var engine = Engines.InMemory();
        using var service = engine.ForTenant("t");
        const string fact = "The payments-api rate limit for the enterprise customers in the EU region is 300 requests per minute per API key.";
        var stored = await service.StoreMemoryAsync("b", fact);

        var restated = await service.StoreMemoryAsync("b", fact.Replace(".", "!"));
        var copy = await service.StoreMemoryAsync("b", fact);

        Assert.Equal("embedding_similarity", restated.MergeReason);
        Assert.Equal(stored.Id, restated.Id);
        Assert.Equal("content_hash", copy.MergeReason);
        Assert.Equal(stored.Id, copy.Id);
        Assert.Equal(1, (await service.ListMemoriesAsync("b")).Total);
    }

    [Theory]
    [InlineData("Dana's daily standup is at 09:30 in the small room.", "Dana moved her daily standup to 10:15 in the small room.", "When is Dana's daily standup?")]
    [InlineData("The search-api service runs three replicas in every region.", "The search-api service now runs five replicas in every region.", "How many replicas does search-api run?")]
    [InlineData("Omar Haddad is the primary on-call for payments-api this week.", "Omar swapped shifts: Priya Nair now covers primary on-call for payments-api this week.", "Who is the primary on-call for payments-api?")]
    [InlineData("auth-gateway issues JWT access tokens that expire after 15 minutes.", "auth-gateway access tokens now expire after 5 minutes, per the security review.", "When do auth-gateway access tokens expire?")]
    [InlineData("The weekly engineering sync is on Tuesdays at 15:00 CET.", "The weekly engineering sync moved to Wednesdays at 14:00 CET.", "When is the weekly engineering sync?")]
    [InlineData("Initech Bank is in a pilot until 15 November and decides on a full purchase after that.", "Initech Bank's pilot was extended to 31 January.", "Until when is the Initech Bank pilot?")]
    public async Task A_correction_is_stored_and_ranks_above_the_fact_it_corrects(string old, string correction, string question)
    {
        using var engine = Engines.InMemory();
        await AssertCorrectionRanksFirstAsync(engine, VariedFacts(), old, correction, question);
    }

    /// <summary>Stores <paramref name="background"/>, the old fact, two unrelated memories, then the correction; asks; the correction is stored and first, the old fact still found.</summary>
    internal static async Task AssertCorrectionRanksFirstAsync(LocalEngine engine, IReadOnlyList<string> background, string old, string correction, string question)
    {
        using var service = engine.ForTenant("t");
        await service.StoreMemoriesAsync("facts", background);
        await service.StoreMemoryAsync("facts", old);
        await service.StoreMemoriesAsync("facts", new[] { "Lunch is served in the atrium at noon.", "The printer on floor two is out of toner." });

        var stored = await service.StoreMemoryAsync("facts", correction);
        var result = await service.QueryAsync(new QueryRequest(question, "facts") { TopK = 5 });

        Assert.Equal(StoreMemoryResult.StatusStored, stored.Status);
        var contents = result.Explanation!.RetrievedMemories.Select(m => m.Content).ToList();
        Assert.Equal(correction, contents[0]);
        Assert.Contains(old, contents);
    }

    [Theory]
    [InlineData("Which payments-api rate limit was 300 requests per minute?", "300")]
    [InlineData("What is the rate limit of payments-api?", "600")]
    public async Task A_question_naming_the_old_value_gets_the_old_fact_first_and_any_other_gets_the_correction(string question, string expected)
    {
        using var engine = Engines.InMemory();
        using var service = engine.ForTenant("t");
        await service.StoreMemoriesAsync("facts", VariedFacts());
        await service.StoreMemoryAsync("facts", "payments-api has a rate limit of 300 requests per minute per API key.");
        await service.StoreMemoryAsync("facts", "The payments-api rate limit was raised to 600 requests per minute per API key.");

        var result = await service.QueryAsync(new QueryRequest(question, "facts") { TopK = 5 });

        Assert.Contains(expected, result.Explanation!.RetrievedMemories[0].Content);
    }

    [Fact]
    public async Task A_correction_ranks_first_in_a_query_over_several_buckets_and_the_scores_stay_as_the_protocol_defines()
    {
        using var engine = Engines.InMemory();
        using var service = engine.ForTenant("t");
        await service.StoreMemoriesAsync("facts", VariedFacts());
        await service.StoreMemoryAsync("facts", "Omar Haddad is the primary on-call for payments-api this week.");
        await service.StoreMemoryAsync("facts", "Omar swapped shifts: Priya Nair now covers primary on-call for payments-api this week.");
        await service.StoreMemoriesAsync("notes", new[] { "The payments-api dashboard moved to the new Grafana.", "Lunch is served in the atrium at noon." });

        var result = await service.QueryAsync(new QueryRequest("Who is the primary on-call for payments-api?", new[] { "facts", "notes" }) { TopK = 5 });

        var memories = result.Explanation!.RetrievedMemories;
        Assert.StartsWith("Omar swapped shifts", memories[0].Content);
        Assert.Contains(memories, m => m.Content.StartsWith("Omar Haddad is the primary", StringComparison.Ordinal));
        Assert.All(memories, m => Assert.Equal(m.RawScore!.Value * m.Weight!.Value, m.WeightedScore!.Value, 6));
    }

    [Fact]
    public async Task Recency_does_not_reorder_look_alike_facts_about_different_people()
    {
        using var engine = Engines.InMemory();
        using var service = engine.ForTenant("t");
        await service.StoreMemoryAsync("facts", "Dana Whitfield is allergic to peanuts and carries an epipen.");
        await service.StoreMemoryAsync("facts", "Omar Haddad is allergic to shellfish and carries an epipen.");

        var result = await service.QueryAsync(new QueryRequest("Is Dana Whitfield allergic to peanuts?", "facts"));

        Assert.StartsWith("Dana", result.Explanation!.RetrievedMemories[0].Content);
    }

    private static async Task<List<string>> Ids(LocalEngramService service, string question, int topK)
    {
        var result = await service.QueryAsync(new QueryRequest(question, "facts") { TopK = topK, SkipSynthesis = true });
        return result.Explanation!.RetrievedMemories.Select(m => m.MemoryId).ToList();
    }

    private static async Task<List<(string Id, string Content, double Raw)>> Ranking(LocalEngramService service, string question)
    {
        var result = await service.QueryAsync(new QueryRequest(question, "notes") { TopK = 10, SkipSynthesis = true });
        return result.Explanation!.RetrievedMemories.Select(m => (m.MemoryId, m.Content, m.RawScore!.Value)).ToList();
    }
}
