using System.Text.Json;
using Engram.Local;
using Engram.Tests.Unit.Local;
using Engram.Tests.Unit.Server.Support;
using Xunit;

namespace Engram.Tests.Unit.Server;

/// <summary>
/// An unexpected exception in the engine is a 500 that tells the client only its correlation id, while the
/// server's log has, under the same id, the exception's type, message and the methods it was thrown from, so the
/// next intermittent 500 can be diagnosed from the log. Never the key or the memory's content.
/// </summary>
public class ServerFailureLogTests
{
    [Fact]
    public async Task An_unexpected_engine_failure_is_a_500_whose_log_note_names_the_exception_and_where_it_was_thrown()
    {
        var lines = new List<string>();
        var engine = LocalEngine.Open(new LocalEngineOptions { InMemory = true, Embedder = new FailingEmbedder() });
        using var h = ServerHarness.Start(o => o.Log = line => { lock (lines) { lines.Add(line); } }, engine);

        var response = await h.PostAsync("/v1/buckets/b/memories", "{\"content\":\"explode: the secret launch codename is Bluebird\"}");

        Assert.Equal(500, response.Status);
        Assert.Equal("Internal server error", response.Json.GetProperty("error").GetString());
        Assert.DoesNotContain("InvalidOperationException", response.Body);
        var correlationId = response.Header("X-Correlation-Id");
        Assert.False(string.IsNullOrEmpty(correlationId));

        // The note is written before the answer; the request line once the exchange has ended.
        string? note = null;
        for (var wait = 0; wait < 100 && note == null; wait++)
        {
            lock (lines)
            {
                note = lines.Select(l => JsonDocument.Parse(l).RootElement)
                    .Where(l => l.TryGetProperty("note", out _) && l.TryGetProperty("correlation_id", out var id) && id.GetString() == correlationId)
                    .Select(l => l.GetProperty("note").GetString())
                    .FirstOrDefault();
            }

            if (note == null)
            {
                await Task.Delay(50);
            }
        }

        Assert.NotNull(note);
        Assert.Contains("System.InvalidOperationException: The test embedder failed on purpose.", note);
        Assert.Contains(typeof(FailingEmbedder).FullName + "." + nameof(FailingEmbedder.Embed), note);
        lock (lines)
        {
            Assert.All(lines, l => Assert.DoesNotContain("Bluebird", l));
            Assert.All(lines, l => Assert.DoesNotContain(ServerHarness.Key, l));
        }
    }

    private sealed class FailingEmbedder : VectorEmbedder
    {
        public FailingEmbedder()
            : base("test-failing", "failing-v1", 32)
        {
        }

        public override float[] Embed(string text)
        {
            if (text.StartsWith("explode", StringComparison.Ordinal))
            {
                throw new InvalidOperationException("The test embedder failed on purpose.");
            }

            var v = new float[Dimensions];
            v[0] = 1f;
            return v;
        }
    }
}
