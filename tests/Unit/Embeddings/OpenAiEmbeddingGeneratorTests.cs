using System.Net;
using System.Net.Sockets;
using System.Security;
using Engram.Embeddings.OpenAI;
using Microsoft.Extensions.AI;
using Xunit;

namespace Engram.Tests.Unit.Embeddings;

/// <summary>
/// The OpenAI-compatible embedder, driven through the real OpenAI SDK against a scripted peer on loopback.
/// One class: some tests set OPENAI_API_KEY, which no other test reads.
/// </summary>
public sealed class OpenAiEmbeddingGeneratorTests
{
    // Shaped like a real key, so any leak of it (or of the fragments OpenAI quotes back) would be found.
    private const string Key = "sk-test-9f8e7d6c5b4a39281706f5e4d3c2b1a0";

    private static OpenAiEmbeddingOptions Options(ScriptedEmbeddingsPeer peer, Action<OpenAiEmbeddingOptions>? change = null)
    {
        var options = new OpenAiEmbeddingOptions { Endpoint = peer.Endpoint, Model = "test-embed", MaxRetries = 0, Timeout = TimeSpan.FromSeconds(20) };
        change?.Invoke(options);
        return options;
    }

    private static void AssertNoKey(Exception error)
    {
        foreach (var text in new[] { error.Message, error.ToString() })
        {
            Assert.DoesNotContain(Key, text);
            Assert.DoesNotContain("9f8e7d", text);
            Assert.DoesNotContain("b1a0", text);
            Assert.DoesNotContain("sk-te", text);
        }

        Assert.Null(error.InnerException);
    }

    [Fact]
    public async Task A_batch_is_one_request_through_the_sdk_and_vectors_come_back_normalised_in_order()
    {
        await using var peer = new ScriptedEmbeddingsPeer();
        using var generator = new OpenAiEmbeddingGenerator(Options(peer), Key);

        var result = await generator.GenerateAsync(new[] { "text 1", "text 2", "text 3" });

        var request = Assert.Single(peer.Requests);
        Assert.Equal("/v1/embeddings", request.Path);
        Assert.Equal("Bearer " + Key, request.Authorization);
        Assert.Equal("test-embed", request.Body!["model"]!.GetValue<string>());
        Assert.Equal(new[] { "text 1", "text 2", "text 3" }, request.Inputs);
        Assert.Equal(3, result.Count);
        for (var i = 0; i < 3; i++)
        {
            var v = result[i].Vector.ToArray();
            Assert.Equal(8, v.Length);
            Assert.InRange(Math.Sqrt(v.Sum(x => (double)x * x)), 0.9999, 1.0001);
            var n = i + 1.0;
            Assert.Equal(n / Math.Sqrt(n * n + 4), v[0], 5); // (i+1, 2, 0...) scaled to unit length
        }
    }

    [Fact]
    public async Task More_texts_than_the_batch_size_go_in_several_requests_and_keep_their_order()
    {
        await using var peer = new ScriptedEmbeddingsPeer();
        using var generator = new OpenAiEmbeddingGenerator(Options(peer, o => o.MaxBatchSize = 4), Key);
        var texts = Enumerable.Range(1, 10).Select(i => $"text {i}").ToArray();

        var result = await generator.GenerateAsync(texts);

        Assert.Equal(new[] { 4, 4, 2 }, peer.Requests.Select(r => r.Inputs.Count));
        for (var i = 0; i < texts.Length; i++)
        {
            var v = result[i].Vector.Span;
            Assert.Equal((i + 1) / 2.0, v[0] / v[1], 4); // ratio of the unnormalised (i+1, 2) survives scaling
        }
    }

    [Fact]
    public async Task Metadata_names_provider_model_and_dimensions_learnt_from_the_first_answer()
    {
        await using var peer = new ScriptedEmbeddingsPeer();
        using var generator = new OpenAiEmbeddingGenerator(Options(peer, o => o.ProviderName = "ollama"), Key);

        var before = (EmbeddingGeneratorMetadata)generator.GetService(typeof(EmbeddingGeneratorMetadata))!;
        Assert.Equal("ollama", before.ProviderName);
        Assert.Equal("test-embed", before.DefaultModelId);
        Assert.Null(before.DefaultModelDimensions);

        await generator.GenerateAsync(new[] { "text 1" });

        var after = (EmbeddingGeneratorMetadata)generator.GetService(typeof(EmbeddingGeneratorMetadata))!;
        Assert.Equal(8, after.DefaultModelDimensions);
    }

    [Fact]
    public void OpenAIs_own_models_have_known_dimensions_and_provider_names_come_from_the_endpoint()
    {
        using var openAi = new OpenAiEmbeddingGenerator(new OpenAiEmbeddingOptions { Model = "text-embedding-3-small" }, Key);
        Assert.Equal("openai", openAi.Metadata.ProviderName);
        Assert.Equal(1536, openAi.Metadata.DefaultModelDimensions);

        using var together = new OpenAiEmbeddingGenerator(new OpenAiEmbeddingOptions { Endpoint = new Uri("https://api.together.xyz/v1"), Model = "BAAI/bge-base-en-v1.5", Dimensions = 768 }, Key);
        Assert.Equal("together", together.Metadata.ProviderName);
        Assert.Equal(768, together.Metadata.DefaultModelDimensions);

        using var ollama = new OpenAiEmbeddingGenerator(new OpenAiEmbeddingOptions { Endpoint = new Uri("http://localhost:11434/v1"), Model = "nomic-embed-text" });
        Assert.Equal("ollama", ollama.Metadata.ProviderName);
    }

    [Fact]
    public async Task Configured_dimensions_are_sent_and_a_vector_of_another_length_is_refused()
    {
        await using var peer = new ScriptedEmbeddingsPeer();
        using var generator = new OpenAiEmbeddingGenerator(Options(peer, o => o.Dimensions = 16), Key);

        var error = await Assert.ThrowsAsync<EmbeddingProviderException>(() => generator.GenerateAsync(new[] { "text 1" }));

        Assert.Equal(16, peer.Requests.Single().Body!["dimensions"]!.GetValue<int>());
        Assert.Equal(EmbeddingProviderFailure.InvalidResponse, error.Failure);
        Assert.Contains("8-dimension", error.Message);
    }

    [Fact]
    public async Task A_rejected_key_is_a_clear_error_that_never_shows_the_key()
    {
        // OpenAI's own 401 quotes the start and end of the key it got.
        await using var peer = new ScriptedEmbeddingsPeer(_ => ScriptedEmbeddingsPeer.Error(401, "Incorrect API key provided: sk-te*******************b1a0. You can find your API key at https://platform.openai.com/account/api-keys."));
        using var generator = new OpenAiEmbeddingGenerator(Options(peer, o => o.ProviderName = "openai"), Key);

        var error = await Assert.ThrowsAsync<EmbeddingProviderException>(() => generator.GenerateAsync(new[] { "text 1" }));

        Assert.Equal(EmbeddingProviderFailure.Unauthorized, error.Failure);
        Assert.Equal(401, error.StatusCode);
        Assert.Contains("openai", error.Message);
        Assert.Contains("rejected the API key", error.Message);
        Assert.Contains("OPENAI_API_KEY", error.Message);
        AssertNoKey(error);
        Assert.DoesNotContain(Key, generator.ToString());
    }

    [Fact]
    public async Task Rate_limiting_says_how_long_to_wait()
    {
        await using var peer = new ScriptedEmbeddingsPeer(_ => ScriptedEmbeddingsPeer.Error(429, "Rate limit reached for requests (key sk-test-9f8e7d6c5b4a39281706f5e4d3c2b1a0)", new Dictionary<string, string> { ["Retry-After"] = "30" }));
        using var generator = new OpenAiEmbeddingGenerator(Options(peer), Key);

        var error = await Assert.ThrowsAsync<EmbeddingProviderException>(() => generator.GenerateAsync(new[] { "text 1" }));

        Assert.Equal(EmbeddingProviderFailure.RateLimited, error.Failure);
        Assert.Equal(TimeSpan.FromSeconds(30), error.RetryAfter);
        Assert.Contains("HTTP 429", error.Message);
        Assert.Contains("30 s", error.Message);
        Assert.Contains("Rate limit reached", error.Message); // the provider's words, key masked
        AssertNoKey(error);
    }

    [Fact]
    public async Task A_rate_limit_is_retried_by_the_sdk_when_retries_are_allowed()
    {
        var calls = 0;
        await using var peer = new ScriptedEmbeddingsPeer(request => Interlocked.Increment(ref calls) == 1
            ? ScriptedEmbeddingsPeer.Error(429, "slow down", new Dictionary<string, string> { ["Retry-After"] = "0" })
            : ScriptedEmbeddingsPeer.Embeddings(request, 8));
        using var generator = new OpenAiEmbeddingGenerator(Options(peer, o => o.MaxRetries = 1), Key);

        var result = await generator.GenerateAsync(new[] { "text 1" });

        Assert.Single(result);
        Assert.Equal(2, peer.Requests.Count);
    }

    [Fact]
    public async Task A_server_error_names_the_provider_and_the_status()
    {
        await using var peer = new ScriptedEmbeddingsPeer(_ => ScriptedEmbeddingsPeer.Error(503, "The engine is currently overloaded"));
        using var generator = new OpenAiEmbeddingGenerator(Options(peer, o => o.ProviderName = "together"), Key);

        var error = await Assert.ThrowsAsync<EmbeddingProviderException>(() => generator.GenerateAsync(new[] { "text 1" }));

        Assert.Equal(EmbeddingProviderFailure.ServerError, error.Failure);
        Assert.Contains("together", error.Message);
        Assert.Contains("HTTP 503", error.Message);
        Assert.Contains("Try again later", error.Message);
        AssertNoKey(error);
    }

    [Fact]
    public async Task An_unknown_model_quotes_the_providers_reason()
    {
        await using var peer = new ScriptedEmbeddingsPeer(_ => ScriptedEmbeddingsPeer.Error(404, "model \"test-embed\" not found, try pulling it first"));
        using var generator = new OpenAiEmbeddingGenerator(Options(peer), Key);

        var error = await Assert.ThrowsAsync<EmbeddingProviderException>(() => generator.GenerateAsync(new[] { "text 1" }));

        Assert.Equal(EmbeddingProviderFailure.BadRequest, error.Failure);
        Assert.Contains("not found, try pulling it first", error.Message);
        Assert.Contains("'test-embed'", error.Message);
        AssertNoKey(error);
    }

    [Fact]
    public async Task A_slow_provider_times_out_with_a_clear_error()
    {
        await using var peer = new ScriptedEmbeddingsPeer(request => ScriptedEmbeddingsPeer.Embeddings(request, 8) with { Delay = TimeSpan.FromSeconds(30) });
        using var generator = new OpenAiEmbeddingGenerator(Options(peer, o => o.Timeout = TimeSpan.FromMilliseconds(300)), Key);

        var error = await Assert.ThrowsAsync<EmbeddingProviderException>(() => generator.GenerateAsync(new[] { "text 1" }));

        Assert.Equal(EmbeddingProviderFailure.Timeout, error.Failure);
        Assert.Contains("did not answer within 0.3 s", error.Message);
        AssertNoKey(error);
    }

    [Fact]
    public async Task The_callers_cancellation_stays_a_cancellation()
    {
        await using var peer = new ScriptedEmbeddingsPeer(request => ScriptedEmbeddingsPeer.Embeddings(request, 8) with { Delay = TimeSpan.FromSeconds(30) });
        using var generator = new OpenAiEmbeddingGenerator(Options(peer), Key);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => generator.GenerateAsync(new[] { "text 1" }, cancellationToken: cancel.Token));
    }

    [Fact]
    public async Task An_unreachable_endpoint_is_a_clear_error()
    {
        var closed = new TcpListener(IPAddress.Loopback, 0);
        closed.Start();
        var port = ((IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop();
        using var generator = new OpenAiEmbeddingGenerator(new OpenAiEmbeddingOptions { Endpoint = new Uri($"http://127.0.0.1:{port}/v1"), Model = "m", MaxRetries = 0 }, Key);

        var error = await Assert.ThrowsAsync<EmbeddingProviderException>(() => generator.GenerateAsync(new[] { "text 1" }));

        Assert.Equal(EmbeddingProviderFailure.Unreachable, error.Failure);
        Assert.Contains("Could not reach", error.Message);
        Assert.Contains($"127.0.0.1:{port}", error.Message);
        AssertNoKey(error);
    }

    [Fact]
    public async Task The_key_comes_from_a_SecureString_or_OPENAI_API_KEY_and_a_remote_endpoint_without_one_is_refused()
    {
        var saved = Environment.GetEnvironmentVariable(OpenAiEmbeddingGenerator.ApiKeyVariable);
        try
        {
            await using var peer = new ScriptedEmbeddingsPeer();

            var secure = new SecureString();
            foreach (var c in "sk-from-secure-string")
            {
                secure.AppendChar(c);
            }

            using (var fromSecure = new OpenAiEmbeddingGenerator(Options(peer), secure))
            {
                await fromSecure.GenerateAsync(new[] { "text 1" });
            }

            Environment.SetEnvironmentVariable(OpenAiEmbeddingGenerator.ApiKeyVariable, "sk-from-environment");
            using (var fromEnvironment = new OpenAiEmbeddingGenerator(Options(peer)))
            {
                await fromEnvironment.GenerateAsync(new[] { "text 1" });
            }

            Assert.Equal(new[] { "Bearer sk-from-secure-string", "Bearer sk-from-environment" }, peer.Requests.Select(r => r.Authorization));

            Environment.SetEnvironmentVariable(OpenAiEmbeddingGenerator.ApiKeyVariable, null);
            var error = Assert.Throws<EmbeddingProviderException>(() => new OpenAiEmbeddingGenerator(new OpenAiEmbeddingOptions { Model = "text-embedding-3-small" }));
            Assert.Equal(EmbeddingProviderFailure.Unauthorized, error.Failure);
            Assert.Contains("-ApiKey", error.Message);
            Assert.Contains("OPENAI_API_KEY", error.Message);

            // A local server (Ollama, LM Studio) needs no key.
            using var keyless = new OpenAiEmbeddingGenerator(Options(peer));
            Assert.Single(await keyless.GenerateAsync(new[] { "text 1" }));
        }
        finally
        {
            Environment.SetEnvironmentVariable(OpenAiEmbeddingGenerator.ApiKeyVariable, saved);
        }
    }

    [Fact]
    public async Task A_server_that_ignores_base64_and_answers_float_arrays_is_understood()
    {
        // LM Studio and older Ollama answer float arrays although the .NET SDK always asks for base64.
        await using var peer = new ScriptedEmbeddingsPeer(request => ScriptedEmbeddingsPeer.Embeddings(request, 8, honourBase64: false));
        using var generator = new OpenAiEmbeddingGenerator(Options(peer), Key);

        var result = await generator.GenerateAsync(new[] { "text 3" });

        Assert.Equal(3 / Math.Sqrt(13), result.Single().Vector.Span[0], 5);
    }
}
