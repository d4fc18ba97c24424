using Xunit;
using System.Text.Json;
using Engram.Client;
using Engram.Local;
using Engram.Providers;
using Engram.Tests.Unit.Local;
using Microsoft.Extensions.AI;

namespace Engram.Tests.Unit.Providers;

/// <summary>
/// Engram Local answering through the real official SDK clients (OpenAI via Microsoft.Extensions.AI.OpenAI,
/// Anthropic's own) against scripted provider peers on loopback.
/// </summary>
public sealed class ProviderSynthesisTests : IAsyncLifetime
{
    public const string OpenAIKey = "sk-test-OPENAI-5ecret-key-0123456789";
    public const string AnthropicKey = "sk-ant-test-ANTHROPIC-5ecret-key-0123456789";

    private readonly ScriptedPeer _peer = new();
    private readonly TempFolder _folder = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _peer.DisposeAsync();
        _folder.Dispose();
    }

    private ProviderSettings OpenAI(Action<ProviderSettings>? adjust = null)
    {
        var settings = new ProviderSettings { Provider = ProviderKind.OpenAI, Model = "gpt-test", Endpoint = _peer.OpenAIBase }.WithKey(OpenAIKey);
        adjust?.Invoke(settings);
        return settings;
    }

    private ProviderSettings Anthropic(Action<ProviderSettings>? adjust = null)
    {
        var settings = new ProviderSettings { Provider = ProviderKind.Anthropic, Model = "claude-test", Endpoint = _peer.Root }.WithKey(AnthropicKey);
        adjust?.Invoke(settings);
        return settings;
    }

    private LocalEngine Engine(ProviderSettings settings) =>
        LocalEngine.Open(new LocalEngineOptions { Path = _folder.File(), ChatClient = ChatClientFactory.Create(settings) });

    private static async Task<LocalEngramService> Seeded(LocalEngine engine)
    {
        var service = engine.ForTenant("t");
        await service.StoreMemoriesAsync("ops", new[]
        {
            "The pg-prod on-call owner is Dana Reyes, phone 555-0142.",
            "pg-prod backups run nightly at 02:00 UTC.",
            "The staging database is called pg-stage.",
        });
        return service;
    }

    [Fact]
    public async Task OpenAI_buffered_answer_is_grounded_in_the_retrieved_memories_and_carries_the_providers_usage()
    {
        using var engine = Engine(OpenAI());
        using var service = await Seeded(engine);
        _peer.EnqueueJson(200, ProviderWire.OpenAICompletion("Call Dana Reyes at 555-0142 [M1].", prompt: 321, completion: 11));

        var result = await service.QueryAsync(new QueryRequest("Who do I call about pg-prod?", "ops") { MaxTokens = 200 });

        Assert.Equal("Call Dana Reyes at 555-0142 [M1].", result.Answer);
        Assert.Equal(321, result.Usage!.ActualInputTokens);
        Assert.Equal(11, result.Usage.ActualOutputTokens);
        Assert.Equal(11, result.Usage.OutputTokens);
        Assert.Equal(332, result.SynthesisUsage!.Value.GetProperty("total_tokens").GetInt32());

        var request = Assert.Single(_peer.Requests);
        Assert.Equal("/v1/chat/completions", request.Path);
        Assert.Equal("Bearer " + OpenAIKey, request.Headers["Authorization"]);
        using var body = JsonDocument.Parse(request.Body);
        Assert.Equal("gpt-test", body.RootElement.GetProperty("model").GetString());
        Assert.Equal(200, MaxTokensOf(body.RootElement));
        var prompt = string.Join("\n", body.RootElement.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("content").GetString()));
        Assert.Contains("Who do I call about pg-prod?", prompt);
        Assert.Contains("only", prompt);
        foreach (var memory in result.Explanation!.RetrievedMemories)
        {
            Assert.Contains(memory.MemoryId, prompt);
            Assert.Contains(memory.Content, prompt);
        }

        // The explanation lists which memories the answer used.
        var dana = result.Explanation.RetrievedMemories.First(m => m.Content.Contains("Dana"));
        Assert.True(dana.Metadata!.Value.GetProperty("cited").GetBoolean());
        Assert.Equal("M1", dana.Metadata.Value.GetProperty("citation").GetString());
        Assert.Contains(result.Explanation.RetrievedMemories, m => !m.Metadata!.Value.GetProperty("cited").GetBoolean());
    }

    [Fact]
    public async Task OpenAI_stream_passes_the_providers_deltas_through_in_order_and_ends_with_its_usage()
    {
        using var engine = Engine(OpenAI());
        using var service = await Seeded(engine);
        var deltas = new[] { "Call ", "Dana ", "Reyes [M1]." };
        _peer.EnqueueSse(ProviderWire.OpenAIStream(deltas, prompt: 300, completion: 7));

        var events = await Collect(service.QueryStreamAsync(new QueryRequest("Who do I call about pg-prod?", "ops")));

        Assert.Equal(deltas, events.Where(e => e.Type == QueryStreamEventType.Delta).Select(e => e.Content));
        var done = events.Last();
        Assert.Equal(QueryStreamEventType.Done, done.Type);
        Assert.Equal("Call Dana Reyes [M1].", done.Final!.Answer);
        Assert.Equal(300, done.Final.Usage!.ActualInputTokens);
        Assert.Equal(7, done.Final.Usage.ActualOutputTokens);
        using var body = JsonDocument.Parse(Assert.Single(_peer.Requests).Body);
        Assert.True(body.RootElement.GetProperty("stream").GetBoolean());
    }

    [Fact]
    public async Task Json_mode_uses_the_providers_response_format_and_fills_answer_json_validated_against_the_schema()
    {
        using var engine = Engine(OpenAI());
        using var service = await Seeded(engine);
        using var schema = JsonDocument.Parse("""{"type":"object","properties":{"owner":{"type":"string"},"phone":{"type":"string"}},"required":["owner","phone"]}""");
        _peer.EnqueueJson(200, ProviderWire.OpenAICompletion("""{"owner":"Dana Reyes","phone":"555-0142"}"""));

        var result = await service.QueryAsync(new QueryRequest("Who owns pg-prod and what is the phone?", "ops") { ReturnFormat = ReturnFormat.Json, ResponseSchema = schema.RootElement });

        Assert.Equal("Dana Reyes", result.AnswerJson!.Value.GetProperty("owner").GetString());
        using var body = JsonDocument.Parse(Assert.Single(_peer.Requests).Body);
        var format = body.RootElement.GetProperty("response_format");
        Assert.Equal("json_schema", format.GetProperty("type").GetString());
        Assert.Equal("string", format.GetProperty("json_schema").GetProperty("schema").GetProperty("properties").GetProperty("owner").GetProperty("type").GetString());
    }

    [Theory]
    [InlineData("Sure! Here it is: {\"owner\": ", "not valid JSON")]
    [InlineData("{\"owner\": 42}", "does not match response_schema")]
    public async Task A_json_answer_that_is_invalid_or_off_schema_is_a_clear_error(string modelOutput, string expected)
    {
        using var engine = Engine(OpenAI());
        using var service = await Seeded(engine);
        using var schema = JsonDocument.Parse("""{"type":"object","properties":{"owner":{"type":"string"}},"required":["owner"]}""");
        _peer.EnqueueJson(200, ProviderWire.OpenAICompletion(modelOutput));

        var error = await Assert.ThrowsAsync<EngramException>(() => service.QueryAsync(new QueryRequest("Who owns pg-prod?", "ops") { ReturnFormat = ReturnFormat.Json, ResponseSchema = schema.RootElement }));

        Assert.Equal(502, error.Status);
        Assert.Equal("PROVIDER_INVALID_JSON", error.Code);
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public async Task A_rejected_key_is_an_engram_error_naming_the_provider_without_the_key_and_the_store_is_untouched()
    {
        using var engine = Engine(OpenAI());
        using var service = await Seeded(engine);
        // Real providers echo part of the key in their 401 body.
        _peer.EnqueueJson(401, ProviderWire.OpenAIError("Incorrect API key provided: " + OpenAIKey + ".", code: "invalid_api_key"));

        var error = await Assert.ThrowsAsync<EngramException>(() => service.QueryAsync(new QueryRequest("Who do I call about pg-prod?", "ops")));

        Assert.Equal(502, error.Status);
        Assert.Equal(EngramErrorCodes.ProviderUnauthorized, error.Code);
        Assert.Contains("OpenAI", error.Message);
        Assert.Contains("401", error.Message);
        Assert.Contains("-ProviderKey", error.Message);
        AssertNoKey(error.ToString());
        Assert.Equal(3, (await service.ListMemoriesAsync("ops")).Total);
    }

    [Fact]
    public async Task A_429_is_retried_after_the_providers_Retry_After_and_then_answers()
    {
        var waits = new List<TimeSpan>();
        using var engine = Engine(OpenAI(s => s.RetryDelay = (delay, _) => { waits.Add(delay); return Task.CompletedTask; }));
        using var service = await Seeded(engine);
        _peer.EnqueueJson(429, ProviderWire.OpenAIError("Rate limit reached", "rate_limit_exceeded"), ("Retry-After", "7"));
        _peer.EnqueueJson(200, ProviderWire.OpenAICompletion("Dana Reyes [M1]."));

        var result = await service.QueryAsync(new QueryRequest("Who do I call about pg-prod?", "ops"));

        Assert.Equal("Dana Reyes [M1].", result.Answer);
        Assert.Equal(new[] { TimeSpan.FromSeconds(7) }, waits);
        Assert.Equal(2, _peer.Requests.Count);
    }

    [Fact]
    public async Task A_429_that_persists_is_a_rate_limit_error_after_the_retries()
    {
        var waits = new List<TimeSpan>();
        using var engine = Engine(OpenAI(s => { s.MaxRetriesOn429 = 2; s.RetryDelay = (delay, _) => { waits.Add(delay); return Task.CompletedTask; }; }));
        using var service = await Seeded(engine);
        for (var i = 0; i < 3; i++)
        {
            _peer.EnqueueJson(429, ProviderWire.OpenAIError("Rate limit reached", "rate_limit_exceeded"));
        }

        var error = await Assert.ThrowsAsync<EngramException>(() => service.QueryAsync(new QueryRequest("Who do I call about pg-prod?", "ops")));

        Assert.Equal(503, error.Status);
        Assert.Equal(EngramErrorCodes.ProviderRateLimited, error.Code);
        Assert.Equal(new[] { TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2) }, waits); // the 1 s / 2 s backoff without Retry-After
        Assert.Equal(3, _peer.Requests.Count);
    }

    [Fact]
    public async Task Cancelling_during_a_Retry_After_wait_cancels_the_query()
    {
        using var engine = Engine(OpenAI());
        using var service = await Seeded(engine);
        _peer.EnqueueJson(429, ProviderWire.OpenAIError("Rate limit reached", "rate_limit_exceeded"), ("Retry-After", "30"));
        using var cancel = new CancellationTokenSource();

        var query = service.QueryAsync(new QueryRequest("Who do I call about pg-prod?", "ops"), cancel.Token);
        while (_peer.Requests.IsEmpty)
        {
            await Task.Delay(10);
        }

        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => query);
        Assert.Single(_peer.Requests);
    }

    [Fact]
    public async Task A_provider_5xx_is_an_engram_error_that_says_to_retry_later()
    {
        using var engine = Engine(OpenAI());
        using var service = await Seeded(engine);
        _peer.EnqueueJson(503, ProviderWire.OpenAIError("The server is overloaded", "server_error"));

        var error = await Assert.ThrowsAsync<EngramException>(() => service.QueryAsync(new QueryRequest("Who do I call about pg-prod?", "ops")));

        Assert.Equal(502, error.Status);
        Assert.Equal(EngramErrorCodes.ProviderFailed, error.Code);
        Assert.Contains("OpenAI", error.Message);
        Assert.Contains("503", error.Message);
        Assert.Contains("Retry later", error.Message);
    }

    [Fact]
    public async Task A_provider_that_does_not_answer_within_the_timeout_is_a_timeout_error()
    {
        using var engine = Engine(OpenAI(s => s.Timeout = TimeSpan.FromMilliseconds(500)));
        using var service = await Seeded(engine);
        _peer.EnqueueDelayedJson(TimeSpan.FromSeconds(20), 200, ProviderWire.OpenAICompletion("too late"));

        var error = await Assert.ThrowsAsync<EngramException>(() => service.QueryAsync(new QueryRequest("Who do I call about pg-prod?", "ops")));

        Assert.Equal(504, error.Status);
        Assert.Equal(EngramErrorCodes.ProviderTimeout, error.Code);
        Assert.Contains("OpenAI", error.Message);
    }

    [Fact]
    public async Task A_slow_but_live_stream_is_not_cut_by_the_timeout_which_bounds_the_gap_between_deltas()
    {
        // Twelve deltas 0.4 s apart take 4.8 s in all, more than the 4 s timeout; each gap leaves 3.6 s of slack,
        // because a 0.8 s slack (700 ms gaps, 1.5 s timeout) was cut once on the loaded 2-core CI machine, and a 2.8 s
        // one (1.2 s gaps) once at load 12.
        using var engine = Engine(OpenAI(s => s.Timeout = TimeSpan.FromSeconds(4)));
        using var service = await Seeded(engine);
        // Warm the connection and the code paths first, so the first gap is the peer's pause, not start-up.
        _peer.EnqueueSse(ProviderWire.OpenAIStream(new[] { "warm" }, 1, 1));
        await Collect(service.QueryStreamAsync(new QueryRequest("Who do I call about pg-prod?", "ops")));
        var deltas = new[] { "Dana ", "Reyes ", "is ", "the ", "one ", "on call ", "for ", "pg-prod ", "this ", "week ", "per ", "[M1]." };
        _peer.EnqueueSse(ProviderWire.OpenAIStream(deltas, 10, 12, pause: TimeSpan.FromMilliseconds(400)));

        var events = await Collect(service.QueryStreamAsync(new QueryRequest("Who do I call about pg-prod?", "ops")));

        Assert.Equal(deltas, events.Where(e => e.Type == QueryStreamEventType.Delta).Select(e => e.Content));
    }

    [Fact]
    public async Task Cancelling_a_stream_cancels_the_provider_call()
    {
        using var engine = Engine(OpenAI());
        using var service = await Seeded(engine);
        var frames = new List<(TimeSpan, string)> { (TimeSpan.Zero, ProviderWire.OpenAIChunk("Dana ")) };
        frames.AddRange(Enumerable.Range(0, 50).Select(_ => (TimeSpan.FromMilliseconds(200), ProviderWire.OpenAIChunk("more "))));
        _peer.EnqueueSse(frames);
        using var cancel = new CancellationTokenSource();

        var seen = new List<string>();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var e in service.QueryStreamAsync(new QueryRequest("Who do I call about pg-prod?", "ops"), cancel.Token))
            {
                seen.Add(e.Content!);
                cancel.Cancel();
            }
        });

        Assert.Equal(new[] { "Dana " }, seen);
        // The peer sees its client go away long before its 10 s script ends.
        await _peer.ClientAborted.Task.WaitAsync(TimeSpan.FromSeconds(8));
    }

    [Fact]
    public async Task Anthropic_buffered_answer_goes_through_the_official_sdk_with_its_key_header_and_usage()
    {
        using var engine = Engine(Anthropic());
        using var service = await Seeded(engine);
        _peer.EnqueueJson(200, ProviderWire.AnthropicMessage("Call Dana Reyes [M1].", input: 222, output: 6));

        var result = await service.QueryAsync(new QueryRequest("Who do I call about pg-prod?", "ops") { MaxTokens = 300 });

        Assert.Equal("Call Dana Reyes [M1].", result.Answer);
        Assert.Equal(222, result.Usage!.ActualInputTokens);
        Assert.Equal(6, result.Usage.ActualOutputTokens);
        var request = Assert.Single(_peer.Requests);
        Assert.Equal("/v1/messages", request.Path);
        // Anthropic's SDK sends the API key as a bearer token (its documented ClientOptions.ApiKey behaviour).
        Assert.Equal("Bearer " + AnthropicKey, request.Headers["Authorization"]);
        using var body = JsonDocument.Parse(request.Body);
        Assert.Equal(300, body.RootElement.GetProperty("max_tokens").GetInt32());
        Assert.Contains("Who do I call about pg-prod?", request.Body);
    }

    [Fact]
    public async Task Anthropic_stream_passes_its_text_deltas_through()
    {
        using var engine = Engine(Anthropic());
        using var service = await Seeded(engine);
        var deltas = new[] { "Call ", "Dana ", "[M1]." };
        _peer.EnqueueSse(ProviderWire.AnthropicStream(deltas, 200, 5));

        var events = await Collect(service.QueryStreamAsync(new QueryRequest("Who do I call about pg-prod?", "ops")));

        Assert.Equal(deltas, events.Where(e => e.Type == QueryStreamEventType.Delta).Select(e => e.Content));
        Assert.Equal(200, events.Last().Final!.Usage!.ActualInputTokens);
        Assert.Equal(5, events.Last().Final!.Usage!.ActualOutputTokens);
    }

    [Fact]
    public async Task Anthropic_401_and_429_are_clear_engram_errors_without_the_key()
    {
        var waits = new List<TimeSpan>();
        using var engine = Engine(Anthropic(s => { s.MaxRetriesOn429 = 1; s.RetryDelay = (d, _) => { waits.Add(d); return Task.CompletedTask; }; }));
        using var service = await Seeded(engine);
        _peer.EnqueueJson(401, ProviderWire.AnthropicError("authentication_error", "invalid x-api-key " + AnthropicKey));

        var unauthorized = await Assert.ThrowsAsync<EngramException>(() => service.QueryAsync(new QueryRequest("Who do I call about pg-prod?", "ops")));

        Assert.Equal(EngramErrorCodes.ProviderUnauthorized, unauthorized.Code);
        Assert.Contains("Anthropic", unauthorized.Message);
        AssertNoKey(unauthorized.ToString());

        _peer.EnqueueJson(429, ProviderWire.AnthropicError("rate_limit_error", "slow down"), ("Retry-After", "3"));
        _peer.EnqueueJson(429, ProviderWire.AnthropicError("rate_limit_error", "slow down"), ("Retry-After", "3"));
        var limited = await Assert.ThrowsAsync<EngramException>(() => service.QueryAsync(new QueryRequest("Who do I call about pg-prod?", "ops")));

        Assert.Equal(EngramErrorCodes.ProviderRateLimited, limited.Code);
        Assert.Equal(new[] { TimeSpan.FromSeconds(3) }, waits);
        AssertNoKey(limited.ToString());
    }

    [Fact]
    public async Task No_key_reaches_the_database_file_after_answers_and_failures()
    {
        using (var engine = Engine(OpenAI()))
        using (var service = await Seeded(engine))
        {
            await service.InstallProfilerAsync("ops");
            _peer.EnqueueJson(200, ProviderWire.OpenAICompletion("Dana [M1]."));
            await service.QueryAsync(new QueryRequest("Who do I call about pg-prod?", "ops"));
            _peer.EnqueueJson(401, ProviderWire.OpenAIError("Incorrect API key provided: " + OpenAIKey));
            await Assert.ThrowsAsync<EngramException>(() => service.QueryAsync(new QueryRequest("Who?", "ops")));
            _peer.EnqueueJson(200, ProviderWire.OpenAICompletion("The ops bucket holds pg-prod facts [M1]."));
            await service.RegenerateProfileAsync("ops");
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var file in Directory.GetFiles(_folder.Path))
        {
            var text = System.Text.Encoding.UTF8.GetString(await File.ReadAllBytesAsync(file));
            AssertNoKey(text);
        }
    }

    [Fact]
    public void A_missing_key_is_412_naming_the_variable_to_set()
    {
        var variable = Environment.GetEnvironmentVariable("ANTHROPIC_API_KEY");
        Environment.SetEnvironmentVariable("ANTHROPIC_API_KEY", null);
        try
        {
            var error = Assert.Throws<EngramException>(() => ChatClientFactory.Create(new ProviderSettings { Provider = ProviderKind.Anthropic, Model = "claude-test" }));

            Assert.Equal(412, error.Status);
            Assert.Equal("BYOK_NOT_CONFIGURED", error.Code);
            Assert.StartsWith("No model provider key configured", error.Message);
            Assert.Contains("ANTHROPIC_API_KEY", error.Message);
        }
        finally
        {
            Environment.SetEnvironmentVariable("ANTHROPIC_API_KEY", variable);
        }
    }

    [Fact]
    public async Task The_key_can_come_from_the_providers_environment_variable()
    {
        var variable = Environment.GetEnvironmentVariable("OPENAI_API_KEY");
        Environment.SetEnvironmentVariable("OPENAI_API_KEY", "sk-from-environment-123456");
        try
        {
            using var engine = LocalEngine.Open(new LocalEngineOptions { InMemory = true, ChatClient = ChatClientFactory.Create(new ProviderSettings { Model = "gpt-test", Endpoint = _peer.OpenAIBase }) });
            using var service = await Seeded(engine);
            _peer.EnqueueJson(200, ProviderWire.OpenAICompletion("ok"));

            await service.QueryAsync(new QueryRequest("Who do I call about pg-prod?", "ops"));

            Assert.Equal("Bearer sk-from-environment-123456", Assert.Single(_peer.Requests).Headers["Authorization"]);
        }
        finally
        {
            Environment.SetEnvironmentVariable("OPENAI_API_KEY", variable);
        }
    }

    [Fact]
    public void Settings_and_clients_describe_themselves_without_the_key()
    {
        var settings = OpenAI();
        var client = ChatClientFactory.Create(settings);

        AssertNoKey(settings.ToString());
        AssertNoKey(client.ToString()!);
        Assert.Contains("OpenAI gpt-test", settings.ToString());
    }

    private static int MaxTokensOf(JsonElement body) =>
        body.TryGetProperty("max_completion_tokens", out var v) ? v.GetInt32() : body.GetProperty("max_tokens").GetInt32();

    internal static void AssertNoKeyIn(string text, string key)
    {
        Assert.DoesNotContain(key, text);
        Assert.DoesNotContain("5ecret", text);
    }

    internal static void AssertNoKey(string text)
    {
        Assert.DoesNotContain(OpenAIKey, text);
        Assert.DoesNotContain(AnthropicKey, text);
        Assert.DoesNotContain("5ecret", text);
    }

    private static async Task<List<QueryStreamEvent>> Collect(QueryStream stream)
    {
        var events = new List<QueryStreamEvent>();
        await foreach (var e in stream)
        {
            events.Add(e);
        }

        return events;
    }
}
